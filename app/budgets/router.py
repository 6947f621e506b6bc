from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from app.auth.dependencies import allow
from app.budgets import service
from app.budgets.models import Budget, UnitBudget
from app.budgets.schemas import (
    BudgetBody,
    BudgetCompliance,
    BudgetPage,
    BudgetRead,
    ComplianceTrend,
    UnitBudgetBody,
    UnitBudgetPage,
    UnitBudgetRead,
)
from app.core.concurrency import IfMatchHeader, etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import PageDep, paginate
from app.core.params import IdPath, segment_except
from app.core.security import Principal, Role

router = APIRouter(tags=["budgets"])
# `{year:budget_year}`: PUT /budgets/compliance is a 405 (GET only), not budgets_put with year "compliance".
segment_except("budget_year", "compliance")

Writer = Annotated[Principal, Depends(allow(Role.bpsdm_admin, scope="budget:write"))]
Reader = Annotated[
    Principal, Depends(allow(Role.bpsdm_admin, Role.auditor, Role.opd_admin, scope="budget:read"))
]
# The check shows every unit's spending: BPSDM, auditors and systems; an OPD admin reads its own rows.
ComplianceReader = Annotated[Principal, Depends(allow(Role.bpsdm_admin, Role.auditor, scope="budget:read"))]

Year = Annotated[int, Path(ge=2000, le=2100, description="Budget (fiscal) year", examples=[2025])]
YearBound = Annotated[int | None, Query(ge=2000, le=2100)]


@router.get(
    "/budgets/compliance",
    response_model=ComplianceTrend,
    responses=problem_responses(404),
)
async def budgets_compliance_trend(
    session: SessionDep,
    _: ComplianceReader,
    from_year: YearBound = None,
    to_year: YearBound = None,
) -> ComplianceTrend:
    """The mandatory-spending check for each year on record in the range, oldest first."""
    return await service.compliance_trend(session, from_year, to_year)


@router.get(
    "/budgets",
    response_model=BudgetPage,
)
async def budgets_list(session: SessionDep, _: Reader, page: PageDep) -> BudgetPage:
    """The years with a budget on record, oldest first."""
    rows, cursor, total = await paginate(session, service.list_budgets_query(), [Budget.year], page)
    return BudgetPage(items=[service.budget_read(b) for b in rows], next_cursor=cursor, total=total)


@router.get(
    "/budgets/{year:budget_year}",
    response_model=BudgetRead,
    responses=problem_responses(404),
)
async def budgets_get(year: Year, session: SessionDep, _: Reader, response: Response) -> BudgetRead:
    """A year's total belanja daerah and jurisdiction."""
    budget = await service.get_budget(session, year)
    response.headers["ETag"] = etag(budget.version)
    return service.budget_read(budget)


@router.put(
    "/budgets/{year:budget_year}",
    response_model=BudgetRead,
    responses={
        201: {"description": "Recorded the year's budget", "model": BudgetRead},
    },
)
async def budgets_put(
    year: Year,
    body: BudgetBody,
    session: SessionDep,
    principal: Writer,
    response: Response,
    if_match: IfMatchHeader = None,
) -> BudgetRead:
    """Record or replace a year's total belanja daerah (replacing needs If-Match)."""
    budget, created = await service.put_budget(session, principal, year, body, if_match)
    response.status_code = 201 if created else 200
    response.headers["ETag"] = etag(budget.version)
    if created:
        response.headers["Location"] = f"/api/v1/budgets/{year}"
    return service.budget_read(budget)


@router.get(
    "/budgets/{year}/compliance",
    response_model=BudgetCompliance,
    responses=problem_responses(404),
)
async def budgets_compliance(year: Year, session: SessionDep, _: ComplianceReader) -> BudgetCompliance:
    """Whether the year's competency-development pagu reaches the mandatory share of belanja daerah."""
    return await service.compliance(session, year)


@router.get(
    "/budgets/{year}/units",
    response_model=UnitBudgetPage,
    responses=problem_responses(404),
)
async def unit_budgets_list(
    year: Year, session: SessionDep, principal: Reader, page: PageDep
) -> UnitBudgetPage:
    """The units' competency-development budgets of a year (an OPD admin's: its subtree's)."""
    await service.get_budget(session, year)
    rows, cursor, total = await paginate(
        session, service.list_unit_budgets_query(principal, year), [UnitBudget.unit_id], page
    )
    items = await service.unit_budget_reads(session, rows)
    return UnitBudgetPage(items=items, next_cursor=cursor, total=total)


@router.get(
    "/budgets/{year}/units/{unit_id}",
    response_model=UnitBudgetRead,
    responses=problem_responses(404),
)
async def unit_budgets_get(
    year: Year, unit_id: IdPath, session: SessionDep, principal: Reader, response: Response
) -> UnitBudgetRead:
    """A unit's pagu and realisasi in a year."""
    row = await service.get_unit_budget(session, principal, year, unit_id)
    response.headers["ETag"] = etag(row.version)
    return (await service.unit_budget_reads(session, [row]))[0]


@router.put(
    "/budgets/{year}/units/{unit_id}",
    response_model=UnitBudgetRead,
    responses={
        201: {"description": "Recorded the unit's budget", "model": UnitBudgetRead},
        **problem_responses(404),
    },
)
async def unit_budgets_put(
    year: Year,
    unit_id: IdPath,
    body: UnitBudgetBody,
    session: SessionDep,
    principal: Writer,
    response: Response,
    if_match: IfMatchHeader = None,
) -> UnitBudgetRead:
    """Record or replace a unit's pagu and realisasi for a year (replacing needs If-Match)."""
    row, unit, created = await service.put_unit_budget(session, principal, year, unit_id, body, if_match)
    response.status_code = 201 if created else 200
    response.headers["ETag"] = etag(row.version)
    if created:
        response.headers["Location"] = f"/api/v1/budgets/{year}/units/{unit_id}"
    return service.unit_budget_read(row, unit)
