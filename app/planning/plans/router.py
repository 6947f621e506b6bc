"""Individual development plans (IDP): read, propose, edit, submit, decide."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from app.asn.models import Asn
from app.core.concurrency import IfMatchHeader, etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.idempotency import Created, IdempotencyDep
from app.core.pagination import PageDep, paginate
from app.org import service as org_service
from app.planning.models import SUBMITTED, DevelopmentPlan
from app.planning.plans import service
from app.planning.plans.dependencies import (
    DecidableAsn,
    PlanApprover,
    PlanLister,
    PlanWriter,
    ReadableAsn,
    WritableAsn,
    Year,
)
from app.planning.plans.schemas import PlanCreate, PlanDecision, PlanHistory, PlanItemsPut, PlanPage, PlanRead

router = APIRouter(tags=["planning"])

PLAN_PATH = "/asn/{nip}/development-plans/{year}"


def _location(asn: Asn, year: int) -> str:
    return f"/api/v1/asn/{asn.nip}/development-plans/{year}"


@router.get(PLAN_PATH, response_model=PlanRead, responses=problem_responses(404))
async def development_plans_get(
    asn: ReadableAsn, year: Year, session: SessionDep, response: Response
) -> PlanRead:
    """The ASN's development plan for the year, with each item's progress (404 until one is made)."""
    plan = await service.require(session, asn.nip, year)
    response.headers["ETag"] = etag(plan.version)
    return await service.to_read(session, plan, await service.items_of(session, plan.id))


@router.post(
    PLAN_PATH,
    status_code=201,
    response_model=PlanRead,
    responses=problem_responses(404, 409, 422),
)
async def development_plans_create(
    asn: WritableAsn,
    year: Year,
    session: SessionDep,
    principal: PlanWriter,
    idem: IdempotencyDep,
    body: PlanCreate | None = None,
) -> Response:
    """Make the year's plan as a draft: proposed from the competency gaps, or from the items given."""

    async def create() -> Created:
        plan, items = await service.create(session, principal, asn, year, body)
        read = await service.to_read(session, plan, items)
        return Created(read, _location(asn, year), version=plan.version)

    return await idem.once(create)


@router.put(
    PLAN_PATH + "/items",
    response_model=PlanRead,
    responses=problem_responses(404, 409, 422),
)
async def development_plans_items_put(
    asn: WritableAsn,
    year: Year,
    body: PlanItemsPut,
    session: SessionDep,
    principal: PlanWriter,
    response: Response,
    if_match: IfMatchHeader = None,
) -> PlanRead:
    """Replace the items of a draft or returned plan (needs If-Match)."""
    plan = await service.require(session, asn.nip, year)
    items = await service.replace_items(session, principal, plan, body, if_match)
    response.headers["ETag"] = etag(plan.version)
    return await service.to_read(session, plan, items)


@router.post(
    PLAN_PATH + "/submit",
    response_model=PlanRead,
    responses=problem_responses(404, 409, 422),
)
async def development_plans_submit(
    asn: WritableAsn, year: Year, session: SessionDep, principal: PlanWriter, response: Response
) -> PlanRead:
    """Submit a draft or returned plan for the OPD admin's decision."""
    plan = await service.require(session, asn.nip, year)
    items = await service.submit(session, principal, asn, plan)
    response.headers["ETag"] = etag(plan.version)
    return await service.to_read(session, plan, items)


@router.post(
    PLAN_PATH + "/decision",
    response_model=PlanRead,
    responses=problem_responses(404, 409, 422),
)
async def development_plans_decide(
    asn: DecidableAsn,
    year: Year,
    body: PlanDecision,
    session: SessionDep,
    principal: PlanApprover,
    response: Response,
) -> PlanRead:
    """Approve or return a submitted plan (OPD or BPSDM admin reaching the ASN; never one's own)."""
    plan = await service.require(session, asn.nip, year)
    items = await service.decide(session, principal, asn, plan, body)
    response.headers["ETag"] = etag(plan.version)
    return await service.to_read(session, plan, items)


@router.get(PLAN_PATH + "/history", response_model=PlanHistory, responses=problem_responses(404))
async def development_plans_history(asn: ReadableAsn, year: Year, session: SessionDep) -> PlanHistory:
    """Every step of the plan with its items as they were then, oldest first."""
    return await service.history(session, await service.require(session, asn.nip, year))


@router.get("/development-plans", response_model=PlanPage, responses=problem_responses(404))
async def development_plans_list(
    session: SessionDep,
    principal: PlanLister,
    page: PageDep,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="Plans for this year")] = None,
    status: Annotated[
        Literal["draft", "submitted", "approved", "returned"] | None,
        Query(
            description="Plans in this state; `submitted` lists the approval queue, oldest submission first"
        ),
    ] = None,
    unit_id: Annotated[
        int | None,
        Query(ge=1, le=2**31 - 1, description="ASN of this unit and its descendants (default: all in reach)"),
    ] = None,
    q: Annotated[str | None, Query(max_length=100, description="NIP prefix or part of the name")] = None,
) -> PlanPage:
    """Development plans of the ASN in the caller's units (paged); the approval queue with status=submitted."""
    root = await org_service.unit_in_reach(session, principal, unit_id)
    stmt = service.list_query(principal, root, year=year, status=status, q=q)
    keys = [DevelopmentPlan.submitted_at, DevelopmentPlan.id] if status == SUBMITTED else [DevelopmentPlan.id]
    plans, cursor, total = await paginate(session, stmt, keys, page)
    return PlanPage(items=await service.summaries(session, plans), next_cursor=cursor, total=total)
