"""The 9-box over HTTP: one ASN's box, the talent map, the people of a box, and the map as XLSX/CSV."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from app.asn import service as asn_service
from app.asn.dependencies import NipPath
from app.asn.models import Asn
from app.auth.dependencies import ANY_USER, allow
from app.core import downloads
from app.core.db import SessionDep
from app.core.downloads import ExportFormat
from app.core.errors import problem_responses
from app.core.pagination import PageDep
from app.core.security import Principal, Role
from app.core.spreadsheets import XLSX_MEDIA_TYPE
from app.core.types import latest_indonesian_date
from app.talent.box import export, service
from app.talent.box.schemas import BoxPeoplePage, TalentMap, TalentRead

router = APIRouter(tags=["talent"])

# Every user may ask for a box (an ASN their own, when the year's rules show it); clients need talent:read.
TalentReader = Annotated[Principal, Depends(allow(*ANY_USER, scope="talent:read"))]
MapReader = Annotated[
    Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor, scope="talent:read"))
]
Year = Annotated[
    int | None,
    Query(
        ge=1950, le=2100, description="The SKP year whose talent_rules apply; the current year when omitted"
    ),
]
UnitFilter = Annotated[
    int | None,
    Query(
        ge=1,
        le=2**31 - 1,
        description="This unit and its descendants (default: the province; an OPD admin's own unit)",
    ),
]
Box = Annotated[int, Path(ge=1, le=9, description="The box, 1–9", examples=[9])]


class MapFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


async def asn_for_talent(nip: NipPath, session: SessionDep, principal: TalentReader) -> Asn:
    return await asn_service.get_in_scope(session, principal, nip)


TalentAsn = Annotated[Asn, Depends(asn_for_talent)]


def _year(year: int | None) -> int:
    return year or latest_indonesian_date().year


@router.get(
    "/asn/{nip}/talent",
    response_model=TalentRead,
    responses=problem_responses(403, 404),
)
async def talent_get(
    asn: TalentAsn, session: SessionDep, principal: TalentReader, year: Year = None
) -> TalentRead:
    """The ASN's place on the year's 9-box: kinerja, potensial, box, talent pool and what to do next.

    Kinerja comes from the year's SKP predikat; potensial from the JPM (the year's jpm_method) and the
    latest potential assessment on or before 31 December, with the year's weights and cut-offs. An
    absent input is named in `missing` and leaves the box null. An ASN reads their own only when the
    year's `talent_rules.visible_to_asn` is true (403 `talent_not_visible` otherwise).
    """
    return await service.talent_of(session, principal, asn, _year(year))


@router.get(
    "/reports/talent-map",
    response_model=TalentMap,
    responses=problem_responses(404),
)
async def reports_talent_map(
    session: SessionDep, principal: MapReader, year: Year = None, unit_id: UnitFilter = None
) -> Response:
    """How many active ASN each box of the 9-box holds, for the unit (or province) and each sub-unit.

    `units` are the unit's children (the top-level units for the province), each with its descendants;
    `direct` holds the unit's own ASN. `missing` says why the others are not placed.
    """
    report = await service.talent_map(session, principal, _year(year), unit_id)
    return Response(report.model_dump_json(), media_type="application/json")


@router.get(
    "/reports/talent-map/box/{box}",
    response_model=BoxPeoplePage,
    responses=problem_responses(404, 422),
)
async def reports_talent_map_box(
    box: Box,
    session: SessionDep,
    principal: MapReader,
    page: PageDep,
    year: Year = None,
    unit_id: UnitFilter = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of the NIP or of the name")] = None,
) -> BoxPeoplePage:
    """The active ASN placed in one box of the year's 9-box, by NIP (paged)."""
    items, cursor, total = await service.box_people(session, principal, _year(year), box, unit_id, page, q)
    return BoxPeoplePage(items=items, next_cursor=cursor, total=total)


BINARY = {"schema": {"type": "string", "format": "binary"}}
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Sheets Peta Talenta (counts per box per unit) and Daftar Talenta (one row per active "
        "ASN in reach); the CSV holds Daftar Talenta",
        "headers": {
            "Content-Disposition": {
                "description": 'attachment; filename="peta-talenta-….xlsx" (or ….csv)',
                "schema": {"type": "string"},
            }
        },
        # The XLSX also as application/octet-stream to a caller that asks only for that (a generated
        # client; see downloads.served_type).
        "content": {
            XLSX_MEDIA_TYPE: BINARY,
            downloads.BYTES_MEDIA_TYPE: BINARY,
            "text/csv": {"schema": {"type": "string"}},
        },
    },
    **problem_responses(404),
}


@router.get("/exports/talent-map", response_class=StreamingResponse, responses=EXPORT_RESPONSES)
async def exports_talent_map(
    request: Request,
    session: SessionDep,
    principal: MapReader,
    year: Year = None,
    unit_id: UnitFilter = None,
    fmt: Annotated[
        MapFormat,
        Query(alias="format", description="`xlsx` (default): both sheets; `csv`: Daftar Talenta"),
    ] = MapFormat.xlsx,
) -> Response:
    """The talent map as a spreadsheet: counts per box per unit, and every active ASN with their box.

    Daftar Talenta columns: NIP (text, all 18 digits), Nama, Unit Kerja, Predikat SKP, Kinerja, JPM, Skor
    Penilaian Potensi, Skor Potensial, Potensial, Kotak, Label Kotak, Kelompok Rencana Suksesi (the
    talent pool) and Data Belum Ada (the missing inputs; without the year's SKP result only "SKP").
    """
    built = await export.talent_map(session, principal, _year(year), unit_id)
    response = await downloads.spreadsheet(request, session, built, ExportFormat(fmt.value))
    if fmt is MapFormat.xlsx:
        response.headers["content-type"] = downloads.served_type(
            XLSX_MEDIA_TYPE, request.headers.get("accept")
        )
    return response
