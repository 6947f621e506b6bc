"""Each unit's yearly development programme and the province's consolidation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from app.auth.dependencies import allow
from app.core import downloads
from app.core.concurrency import IfMatchHeader, etag
from app.core.db import SessionDep
from app.core.downloads import ExportFormat
from app.core.errors import problem_responses
from app.core.params import IdPath
from app.core.security import Principal, Role
from app.core.spreadsheets import XLSX_MEDIA_TYPE
from app.planning.programs import service, xlsx
from app.planning.programs.schemas import ProgramBody, ProgramRead, ProvinceProgram

# Tagged per route: the XLSX belongs with the other exports.
router = APIRouter()

# BPSDM any unit, an OPD admin its subtree (404 outside), the auditor reads; systems with budget:read.
Reader = Annotated[
    Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor, scope="budget:read"))
]
Writer = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin))]
# The province view shows every unit's programme: BPSDM, auditors and systems, as the budget check.
ProvinceReader = Annotated[Principal, Depends(allow(Role.bpsdm_admin, Role.auditor, scope="budget:read"))]

Year = Annotated[int, Path(ge=2000, le=2100, description="The programme's (budget) year", examples=[2027])]
UnitPath = Annotated[IdPath, Path(description="The unit whose programme it is")]


@router.get(
    "/units/{unit_id}/development-programs/{year}",
    tags=["planning"],
    response_model=ProgramRead,
    responses=problem_responses(404),
)
async def development_programs_get(
    unit_id: UnitPath, year: Year, session: SessionDep, principal: Reader, response: Response
) -> ProgramRead:
    """A unit's development programme for the year, its cost against the pagu and the gap it closes."""
    unit, row = await service.get(session, principal, unit_id, year)
    if row is not None:
        response.headers["ETag"] = etag(row.version)
    return await service.read(session, unit, year, row)


@router.put(
    "/units/{unit_id}/development-programs/{year}",
    tags=["planning"],
    response_model=ProgramRead,
    responses={
        201: {"description": "Created the unit's programme for the year", "model": ProgramRead},
        **problem_responses(404, 422),
    },
)
async def development_programs_put(
    unit_id: UnitPath,
    year: Year,
    body: ProgramBody,
    session: SessionDep,
    principal: Writer,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ProgramRead:
    """Create or replace a unit's development programme for the year (replacing needs If-Match)."""
    unit, row, created = await service.put(session, principal, unit_id, year, body, if_match)
    response.status_code = 201 if created else 200
    response.headers["ETag"] = etag(row.version)
    if created:
        response.headers["Location"] = f"/api/v1/units/{unit_id}/development-programs/{year}"
    return await service.read(session, unit, year, row)


@router.get(
    "/development-programs/{year}",
    tags=["planning"],
    response_model=ProvinceProgram,
    responses=problem_responses(404),
)
async def development_programs_province(
    year: Year, session: SessionDep, _: ProvinceReader
) -> ProvinceProgram:
    """Every unit's programme for the year, by unit and by course, against the mandatory spending."""
    return await service.province(session, year)


@router.get(
    "/exports/development-programs",
    tags=["exports"],
    response_class=StreamingResponse,
    responses=xlsx.FILE_RESPONSES,
)
async def exports_development_programs(
    request: Request,
    session: SessionDep,
    principal: Reader,
    year: Annotated[int, Query(ge=2000, le=2100, description="The programmes' year")],
    unit_id: Annotated[
        int | None,
        Query(
            ge=1,
            le=2**31 - 1,
            description="This unit and its descendants (default: the province; an OPD admin's own unit)",
        ),
    ] = None,
    fmt: xlsx.FormatQuery = ExportFormat.xlsx,
) -> Response:
    """The development programmes as the spreadsheet submitted for APBD planning.

    Program Pengembangan: No, Unit Kerja, Kegiatan/Pelatihan, Kode, Kompetensi, Jumlah Angkatan,
    Jumlah Peserta, JP, Biaya (Rp), Sumber Kebutuhan, and a Jumlah row. Ringkasan: the total against
    the pagu, the threshold, the required minimum and whether it is met.
    """
    built = await xlsx.programmes_export(session, principal, year, unit_id)
    response = await downloads.spreadsheet(request, session, built, fmt)
    if fmt is ExportFormat.xlsx:
        response.headers["content-type"] = downloads.served_type(
            XLSX_MEDIA_TYPE, request.headers.get("accept")
        )
    return response
