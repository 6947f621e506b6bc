"""Reports as downloadable spreadsheets: XLSX (typed cells, Indonesian headers) or CSV.

CSV is written for Excel as Indonesian offices use it: UTF-8 with a byte-order mark, `;` between
fields (the list separator of the id-ID locale, so a double-click opens it in columns), a decimal
point in numbers and no thousands grouping, dates as YYYY-MM-DD. A CSV holds the export's main
table; the XLSX also has the summary sheets.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from app.auth.dependencies import allow
from app.core import downloads
from app.core.db import SessionDep
from app.core.downloads import ExportFormat
from app.core.errors import problem_responses
from app.core.security import Principal, Role
from app.core.spreadsheets import XLSX_MEDIA_TYPE
from app.exports import service

router = APIRouter(tags=["exports"])

LearningReader = Annotated[
    Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor, scope="learning:read"))
]
QueueReader = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor))]
GapReader = Annotated[
    Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor, scope="asn:read"))
]
BudgetReader = Annotated[Principal, Depends(allow(Role.bpsdm_admin, Role.auditor, scope="budget:read"))]

Format = Annotated[
    ExportFormat,
    Query(
        alias="format", description="`xlsx` (default): typed cells and summary sheets; `csv`: the main table"
    ),
]
Year = Annotated[
    int | None, Query(ge=1950, le=2100, description="Calendar year; the current year when omitted")
]
BudgetYear = Annotated[
    int | None, Query(ge=2000, le=2100, description="Budget (fiscal) year; the current year when omitted")
]
UnitFilter = Annotated[
    int | None,
    Query(
        ge=1,
        le=2**31 - 1,
        description="This unit and its descendants (default: every unit in reach; an OPD admin's own unit)",
    ),
]


def _file(description: str) -> dict[int | str, dict[str, Any]]:
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        200: {
            "description": description,
            "headers": {
                "Content-Disposition": {
                    "description": 'attachment; filename="….xlsx" (or ….csv)',
                    "schema": {"type": "string"},
                }
            },
            "content": {XLSX_MEDIA_TYPE: binary, "text/csv": {"schema": {"type": "string"}}},
        },
        **problem_responses(404),
    }


@router.get(
    "/exports/jp-compliance",
    response_class=StreamingResponse,
    responses=_file("Sheets Kepatuhan JP (one row per active ASN), Ringkasan Unit and Ringkasan PPPK"),
)
async def exports_jp_compliance(
    request: Request,
    session: SessionDep,
    principal: LearningReader,
    year: Year = None,
    unit_id: UnitFilter = None,
    fmt: Format = ExportFormat.xlsx,
) -> Response:
    """The JP compliance report as a spreadsheet, one row per active ASN in scope.

    Columns: NIP (text, all 18 digits), Nama, Unit Kerja, Jenis ASN, Golongan, JP Terverifikasi (form caps
    applied), Target JP (PNS/CPNS), Batas JP (PPPK), Kekurangan JP and Status. The XLSX adds the per-unit
    figures of `GET /reports/jp-compliance` (Ringkasan Unit) and the PPPK figures.
    """
    export = await service.jp_compliance(session, principal, year or date.today().year, unit_id)
    return await downloads.spreadsheet(request, session, export, fmt)


@router.get(
    "/exports/verification-queue",
    response_class=StreamingResponse,
    responses=_file("Sheet Antrean Verifikasi: the pending claims, oldest first"),
)
async def exports_verification_queue(
    request: Request,
    session: SessionDep,
    principal: QueueReader,
    unit_id: UnitFilter = None,
    fmt: Format = ExportFormat.xlsx,
) -> Response:
    """The learning claims awaiting verification in the caller's units as a spreadsheet, oldest first."""
    export = await service.verification_queue(session, principal, unit_id)
    return await downloads.spreadsheet(request, session, export, fmt)


@router.get(
    "/exports/competency-gaps",
    response_class=StreamingResponse,
    responses=_file(
        "Sheets Kesenjangan Kompetensi (per competency) and Matriks Kesenjangan (unit × competency)"
    ),
)
async def exports_competency_gaps(
    request: Request,
    session: SessionDep,
    principal: GapReader,
    unit_id: UnitFilter = None,
    fmt: Format = ExportFormat.xlsx,
) -> Response:
    """The competency-gap report as a spreadsheet, with the unit × competency matrix of mean gaps."""
    export = await service.competency_gaps(session, principal, unit_id)
    return await downloads.spreadsheet(request, session, export, fmt)


@router.get(
    "/exports/budget-compliance",
    response_class=StreamingResponse,
    responses=_file("Sheets Kepatuhan Anggaran (the year's check) and Anggaran Unit (the CSV's table)"),
)
async def exports_budget_compliance(
    request: Request,
    session: SessionDep,
    _: BudgetReader,
    year: BudgetYear = None,
    fmt: Format = ExportFormat.xlsx,
) -> Response:
    """The year's mandatory-spending check as a spreadsheet: rupiah as whole numbers, per unit.

    The CSV holds the per-unit table (Anggaran Unit); the XLSX also has the province's check.
    """
    export = await service.budget_compliance(session, year or date.today().year)
    return await downloads.spreadsheet(request, session, export, fmt)
