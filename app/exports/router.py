"""Reports as downloadable spreadsheets: XLSX (typed cells, Indonesian headers) or CSV; and the
recaps a head of unit signs, as PDF (A4, see pdf.py).

CSV is written for Excel as Indonesian offices use it: UTF-8 with a byte-order mark, `;` between
fields (the list separator of the id-ID locale, so a double-click opens it in columns), a decimal
point in numbers and no thousands grouping, dates as YYYY-MM-DD. A CSV holds the export's main
table; the XLSX also has the summary sheets.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from app.asn.dependencies import NipPath
from app.auth.dependencies import ANY_USER, allow
from app.core import downloads
from app.core.db import FastReaderDep, SessionDep
from app.core.downloads import ExportFormat
from app.core.errors import problem_responses
from app.core.security import Principal, Role
from app.core.spreadsheets import XLSX_MEDIA_TYPE
from app.exports import pdf, service

router = APIRouter(tags=["exports"])

LearningReader = Annotated[
    Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor, scope="learning:read"))
]
QueueReader = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor))]
GapReader = Annotated[
    Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor, scope="asn:read"))
]
# Exactly who may read GET /asn/{nip}/jp-summary: an ASN itself, its OPD admins, BPSDM, auditors.
RecapReader = Annotated[Principal, Depends(allow(*ANY_USER, scope="learning:read"))]
BudgetReader = Annotated[Principal, Depends(allow(Role.bpsdm_admin, Role.auditor, scope="budget:read"))]

Format = Annotated[
    ExportFormat,
    Query(
        alias="format", description="`xlsx` (default): typed cells and summary sheets; `csv`: the main table"
    ),
]


class ReportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    pdf = "pdf"


class RecapFormat(StrEnum):
    pdf = "pdf"


ReportFormatQuery = Annotated[
    ReportFormat,
    Query(
        alias="format",
        description="`xlsx` (default): typed cells and summary sheets; `csv`: the main table; "
        "`pdf`: the per-unit recap to sign (A4, no per-ASN rows)",
    ),
]
RecapFormatQuery = Annotated[RecapFormat, Query(alias="format", description="`pdf` (A4)")]
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


BINARY = {"schema": {"type": "string", "format": "binary"}}


def _file(description: str, *, with_pdf: bool = False) -> dict[int | str, dict[str, Any]]:
    content: dict[str, Any] = {XLSX_MEDIA_TYPE: BINARY, "text/csv": {"schema": {"type": "string"}}}
    if with_pdf:
        content[pdf.PDF_MEDIA_TYPE] = BINARY
    return {
        200: {
            "description": description,
            "headers": {
                "Content-Disposition": {
                    "description": 'attachment; filename="….xlsx" (or ….csv'
                    + (", ….pdf" if with_pdf else "")
                    + ")",
                    "schema": {"type": "string"},
                }
            },
            "content": content,
        },
        **problem_responses(404),
    }


def _pdf_file(description: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": description,
            "headers": {
                "Content-Disposition": {
                    "description": 'attachment; filename="….pdf"',
                    "schema": {"type": "string"},
                }
            },
            # The same bytes as application/octet-stream to a caller that asks only for that (a
            # generated client; see downloads.served_type).
            "content": {pdf.PDF_MEDIA_TYPE: BINARY, downloads.BYTES_MEDIA_TYPE: BINARY},
        },
        **problem_responses(404, 422),
    }


def _pdf_response(stem: str, body: bytes, accept: str | None = None) -> Response:
    return Response(
        body,
        media_type=downloads.served_type(pdf.PDF_MEDIA_TYPE, accept),
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{stem}.pdf"',
        },
    )


@router.get(
    "/exports/jp-compliance",
    response_class=StreamingResponse,
    responses=_file(
        "Sheets Kepatuhan JP (one row per active ASN), Ringkasan Unit and Ringkasan PPPK; "
        "or the signed recap as PDF",
        with_pdf=True,
    ),
)
async def exports_jp_compliance(
    request: Request,
    session: SessionDep,
    principal: LearningReader,
    year: Year = None,
    unit_id: UnitFilter = None,
    fmt: ReportFormatQuery = ReportFormat.xlsx,
) -> Response:
    """The JP compliance report as a spreadsheet, one row per active ASN in scope.

    Columns: NIP (text, all 18 digits), Nama, Unit Kerja, Jenis ASN, Golongan, JP Terverifikasi (form caps
    applied), Target JP (PNS/CPNS), Batas JP (PPPK), Kekurangan JP and Status. The XLSX adds the per-unit
    figures of `GET /reports/jp-compliance` (Ringkasan Unit) and the PPPK figures.

    `format=pdf` is the recap a head of OPD signs: the unit's totals, one row per sub-unit, the PPPK
    figures and a signature block (A4; its size follows the number of sub-units, not of ASN).
    """
    year = year or date.today().year
    if fmt is ReportFormat.pdf:
        stem, recap = await service.compliance_recap(session, principal, year, unit_id)
        body = await anyio.to_thread.run_sync(pdf.compliance_recap, recap, datetime.now(UTC))
        return _pdf_response(stem, body)
    export = await service.jp_compliance(session, principal, year, unit_id)
    return await downloads.spreadsheet(request, session, export, ExportFormat(fmt.value))


@router.get(
    "/exports/asn/{nip}/jp-recap",
    response_class=Response,
    responses=_pdf_file("Rekap JP of the ASN for the year, A4"),
)
async def exports_asn_jp_recap(
    request: Request,
    nip: NipPath,
    session: SessionDep,
    reader: FastReaderDep,
    principal: RecapReader,
    year: Year = None,
    fmt: RecapFormatQuery = RecapFormat.pdf,
) -> Response:
    """An ASN's rekap JP for a year as a PDF to sign: verified records, per-form subtotals, the total.

    Who may fetch it is who may read `GET /asn/{nip}/jp-summary` (an ASN only its own; 404 outside
    the caller's scope). The figures are that summary's; the records are the verified ones in date order.
    """
    year = year or date.today().year
    recap = await service.asn_recap(session, reader, principal, nip, year)
    body = await anyio.to_thread.run_sync(pdf.asn_recap, recap, datetime.now(UTC))
    return _pdf_response(f"rekap-jp-{recap.nip}-{year}", body, request.headers.get("accept"))


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
