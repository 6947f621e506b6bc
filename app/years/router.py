"""A year's closing date for claims, and the claims it leaves for a final decision."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from app.auth.dependencies import ANY_USER, allow
from app.core.concurrency import IfMatchHeader, etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import PageDep, paginate
from app.core.security import Principal, Role
from app.learning.models import LearningRecord
from app.learning.reports import service as reports
from app.learning.reports.schemas import QueuePage
from app.org import service as org_service
from app.years import service
from app.years.schemas import YearClosingBody, YearClosingRead

router = APIRouter(prefix="/years", tags=["years"])

Year = Annotated[int, Path(ge=2000, le=2100, description="The year whose claims close", examples=[2026])]
ClosingReader = Annotated[Principal, Depends(allow(*ANY_USER, scope="learning:read"))]
PendingReader = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor))]


@router.get("/{year}/closing", response_model=YearClosingRead, responses=problem_responses(404))
async def year_closing_get(
    year: Year, session: SessionDep, principal: ClosingReader, response: Response
) -> YearClosingRead:
    """When claims for the year close, and how many of the caller's claims for it are still pending."""
    row = await service.get(session, year)
    if row is not None:
        response.headers["ETag"] = etag(row.version)
    return await service.to_read(session, principal, year, row)


@router.put(
    "/{year}/closing",
    response_model=YearClosingRead,
    responses={
        201: {"description": "Set the year's closing date", "model": YearClosingRead},
        **problem_responses(422),
    },
)
async def year_closing_put(
    year: Year,
    body: YearClosingBody,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(Role.bpsdm_admin))],
    response: Response,
    if_match: IfMatchHeader = None,
) -> YearClosingRead:
    """Set the last day claims for the year may be filed (changing it needs If-Match)."""
    row, created = await service.put(session, principal, year, body, if_match)
    response.status_code = 201 if created else 200
    response.headers["ETag"] = etag(row.version)
    return await service.to_read(session, principal, year, row)


@router.get("/{year}/closing/pending", response_model=QueuePage, responses=problem_responses(404))
async def year_closing_pending(
    year: Year,
    session: SessionDep,
    principal: PendingReader,
    page: PageDep,
    unit_id: Annotated[
        int | None,
        Query(ge=1, le=2**31 - 1, description="This unit and its descendants (default: all in reach)"),
    ] = None,
) -> QueuePage:
    """The year's claims still pending, left for a final decision, oldest submission first (paged)."""
    root = await org_service.unit_in_reach(session, principal, unit_id)
    stmt = reports.queue_query(principal, root, year=year)
    records, cursor, total = await paginate(
        session, stmt, [LearningRecord.created_at, LearningRecord.id], page
    )
    return QueuePage(items=await reports.queue_items(session, records), next_cursor=cursor, total=total)
