"""Data completeness over HTTP: the report per unit, its trend, the league of OPDs, the people missing
items, and the spreadsheet."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from app.auth.dependencies import allow
from app.completeness import exports, gaps, service
from app.completeness.schemas import CompletenessLeague, CompletenessReport, CompletenessTrend, DataGapPage
from app.core import downloads
from app.core.db import SessionDep
from app.core.downloads import ExportFormat
from app.core.errors import problem_responses
from app.core.pagination import PageDep
from app.core.params import IdPath, IsoDate
from app.core.report_cache import ReportCacheDep
from app.core.security import Principal, Role
from app.core.spreadsheets import XLSX_MEDIA_TYPE
from app.rules.completeness import IndicatorCode

router = APIRouter(tags=["reports"])

# Admins and the auditor; an OPD admin within its subtree (the league shows every OPD's figures).
Reader = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor))]
UnitFilter = Annotated[
    int | None,
    Query(
        ge=1,
        le=2**31 - 1,
        description="This unit and its descendants (default: the province; an OPD admin's own unit)",
    ),
]
AsOf = Annotated[
    IsoDate | None,
    Query(
        description="The day measured: today when omitted (counted live); an earlier day is read from "
        "that day's snapshot (422 `no_snapshot` when none was taken); a later day is 422 `date_in_future`",
    ),
]
UnitPath = Annotated[IdPath, Path(description="The unit; its descendants are included")]


@router.get(
    "/reports/data-completeness",
    response_model=CompletenessReport,
    responses=problem_responses(404, 422),
)
async def reports_data_completeness(
    session: SessionDep,
    principal: Reader,
    cache: ReportCacheDep,
    unit_id: UnitFilter = None,
    as_of: AsOf = None,
) -> Response:
    """Data completeness of the active ASN per unit: each indicator's share, a score, the queue's age.

    `units` are the unit's children (the top-level units, the OPDs, for the province), each with its
    descendants. Without `unit_id` an OPD admin gets its own subtree.
    """
    report = await service.report(session, principal, unit_id, as_of, cache)
    return Response(report.model_dump_json(), media_type="application/json")


@router.get(
    "/reports/data-completeness/trend",
    response_model=CompletenessTrend,
    responses=problem_responses(404, 422),
)
async def reports_data_completeness_trend(
    session: SessionDep,
    principal: Reader,
    unit_id: UnitFilter = None,
    first: Annotated[
        IsoDate | None, Query(alias="from", description="First day (default: 29 days before `to`)")
    ] = None,
    last: Annotated[IsoDate | None, Query(alias="to", description="Last day (default: today)")] = None,
) -> Response:
    """The unit's (or the province's) completeness on each day with a snapshot, oldest first.

    `from` must not be after `to`, and the range holds at most 366 days (422 `invalid_date_range`).
    """
    trend = await service.trend(session, principal, unit_id, first, last)
    return Response(trend.model_dump_json(by_alias=True), media_type="application/json")


@router.get(
    "/reports/data-completeness/league",
    response_model=CompletenessLeague,
    responses=problem_responses(422),
)
async def reports_data_completeness_league(
    session: SessionDep, _: Reader, cache: ReportCacheDep, as_of: AsOf = None
) -> Response:
    """The OPDs ranked by completeness score, with their scores 7 and 30 days before and a sparkline.

    Every admin and the auditor see the whole table: it is how agencies compare, and it holds only
    names and figures.
    """
    league = await service.league(session, as_of, cache)
    return Response(league.model_dump_json(), media_type="application/json")


@router.get(
    "/units/{unit_id}/data-gaps",
    response_model=DataGapPage,
    responses=problem_responses(404, 422),
)
async def units_data_gaps(
    unit_id: UnitPath,
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    indicator: Annotated[
        IndicatorCode | None, Query(description="Only those missing this indicator (default: missing any)")
    ] = None,
) -> DataGapPage:
    """The unit's active ASN missing an indicator (or any), each with what closes it, by NIP (paged)."""
    items, cursor, total = await gaps.data_gaps(session, principal, unit_id, indicator, page)
    return DataGapPage(items=items, next_cursor=cursor, total=total)


@router.get("/exports/data-completeness", response_class=StreamingResponse, responses=exports.FILE_RESPONSES)
async def exports_data_completeness(
    request: Request,
    session: SessionDep,
    principal: Reader,
    cache: ReportCacheDep,
    unit_id: UnitFilter = None,
    fmt: exports.FormatQuery = ExportFormat.xlsx,
) -> Response:
    """Data completeness as a spreadsheet: the units with each indicator's share, and every active ASN
    missing an item with what to do.

    Kelengkapan Unit: Kode Unit, Unit Kerja, Jumlah ASN, Skor, each indicator's %, Klaim Menunggu,
    Melewati Batas, Tertua (hari), and a Jumlah row. Data Belum Lengkap: NIP, Nama, Unit Kerja, Ada or
    Belum per indicator, Yang Belum Lengkap and Tindakan.
    """
    built = await exports.completeness_export(session, principal, unit_id, cache)
    response = await downloads.spreadsheet(request, session, built, fmt)
    if fmt is ExportFormat.xlsx:
        response.headers["content-type"] = downloads.served_type(
            XLSX_MEDIA_TYPE, request.headers.get("accept")
        )
    return response
