"""Reminder campaigns as rule data: read and set a year's campaigns, and run them (or rehearse a run)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from app.auth.dependencies import allow
from app.core.concurrency import IfMatchHeader, etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.security import Principal, Role
from app.reminders import service
from app.reminders.schemas import ReminderRulesBody, ReminderRulesRead, ReminderRun

router = APIRouter(prefix="/reminder-rules", tags=["reminders"])

Year = Annotated[int, Path(ge=2000, le=2100, description="Calendar year", examples=[2026])]
Bpsdm = Annotated[Principal, Depends(allow(Role.bpsdm_admin))]


@router.get("/{year}", response_model=ReminderRulesRead, responses=problem_responses(404))
async def reminder_rules_get(
    year: Year,
    session: SessionDep,
    _: Annotated[Principal, Depends(allow(Role.bpsdm_admin, Role.auditor))],
    response: Response,
) -> ReminderRulesRead:
    """The reminder campaigns in force for a year: its own, an earlier year's, or the defaults."""
    row, body = await service.applicable(session, year)
    if row is not None and row.year == year:
        response.headers["ETag"] = etag(row.version)
    return service.to_read(row, body, year)


@router.put(
    "/{year}",
    response_model=ReminderRulesRead,
    responses={
        201: {"description": "Created the year's own campaigns", "model": ReminderRulesRead},
        **problem_responses(422),
    },
)
async def reminder_rules_put(
    year: Year,
    body: ReminderRulesBody,
    session: SessionDep,
    principal: Bpsdm,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ReminderRulesRead:
    """Set the year's own reminder campaigns (replacing them needs If-Match)."""
    row, created = await service.replace(session, principal, year, body, if_match)
    response.status_code = 201 if created else 200
    response.headers["ETag"] = etag(row.version)
    return service.to_read(row, body, year)


@router.post("/{year}/run", response_model=ReminderRun, responses=problem_responses(404))
async def reminder_rules_run(
    request: Request,
    year: Year,
    session: SessionDep,
    principal: Bpsdm,
    dry_run: Annotated[
        bool, Query(description="true (the default): list who would get what and write nothing; false: queue")
    ] = True,
    campaign: Annotated[
        str | None, Query(max_length=40, description="Run only this campaign (its `code`)")
    ] = None,
) -> ReminderRun:
    """Run the year's active reminder campaigns today: who each chooses, and (unless a dry run) queue them."""
    return await service.run(
        session,
        principal,
        year,
        dry_run=dry_run,
        campaign=campaign,
        login_url=service.login_url(request.app.state.settings),
    )
