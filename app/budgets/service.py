"""Budgets and the mandatory-spending check (at least 0.34 % / 0.16 % of belanja daerah).

The threshold comes from the year's rule set; all money is integer rupiah and every ratio is
computed exactly (app.budgets.money), so Rp21.69 trillion × 0.34 % is Rp73,746,000,000 to the rupiah.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, Select, and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.budgets import money
from app.budgets.models import Budget, UnitBudget
from app.budgets.schemas import (
    BudgetBody,
    BudgetCompliance,
    BudgetRead,
    ComplianceFigures,
    ComplianceTrend,
    UnitBudgetBody,
    UnitBudgetCompliance,
    UnitBudgetRead,
)
from app.core import audit
from app.core.concurrency import check_if_match
from app.core.errors import NotFound, PreconditionRequired, Unprocessable
from app.core.i18n import msg
from app.core.security import Principal
from app.core.types import round_jp
from app.learning.models import JpYearTotal
from app.org import service as org_service
from app.org.models import Unit
from app.rules import service as rules_service
from app.rules.models import RuleSet
from app.rules.schemas import RuleSetBody

BUDGET_FIELDS = ("jurisdiction", "total_belanja_daerah_idr")
UNIT_BUDGET_FIELDS = ("pagu_idr", "realisasi_idr")
JP_SUM = Numeric(16, 2)
ZERO_JP = round_jp(Decimal(0))


class BudgetNotFound(NotFound):
    code = "budget_not_found"


class UnitBudgetNotFound(NotFound):
    code = "unit_budget_not_found"


class InvalidYearRange(Unprocessable):
    code = "invalid_year_range"


def _no_budget(year: int) -> BudgetNotFound:
    return BudgetNotFound(
        msg(
            "No budget is recorded for {year}; PUT /api/v1/budgets/{year} with the year's total belanja daerah first",
            year=year,
        )
    )


# -- budgets --------------------------------------------------------------------------------------------


async def get_budget(session: AsyncSession, year: int) -> Budget:
    budget = await session.get(Budget, year)
    if budget is None:
        raise _no_budget(year)
    return budget


def list_budgets_query() -> Select[Any]:
    return select(Budget)


async def _insert(session: AsyncSession, row: Budget | UnitBudget) -> bool:
    """Adds `row`; False when a concurrent request created the same key first."""
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def _lost_race(what: str) -> PreconditionRequired:
    return PreconditionRequired(
        msg(
            "{what} was created by another request just now; read it and send If-Match to replace it",
            what=what,
        )
    )


async def put_budget(
    session: AsyncSession, principal: Principal, year: int, body: BudgetBody, if_match: str | None
) -> tuple[Budget, bool]:
    """Create the year's budget (no If-Match needed) or replace it (If-Match required)."""
    data = body.model_dump()
    existing = await session.get(Budget, year)
    if existing is None:
        budget = Budget(year=year, **data)
        if not await _insert(session, budget):
            raise _lost_race(msg("The budget of {year}", year=year))
        audit.record(session, principal, "create", "budget", year, after=data)
        return budget, True
    check_if_match(if_match, existing.version)
    before = audit.snapshot(existing, BUDGET_FIELDS)
    if data != before:
        for field, value in data.items():
            setattr(existing, field, value)
        await session.flush()
        audit.record(session, principal, "update", "budget", year, before=before, after=data)
    return existing, False


def budget_read(budget: Budget) -> BudgetRead:
    return BudgetRead.model_validate(budget)


# -- unit budgets ---------------------------------------------------------------------------------------


def unit_budget_read(row: UnitBudget, unit: Unit) -> UnitBudgetRead:
    return UnitBudgetRead(
        year=row.year,
        unit_id=row.unit_id,
        code=unit.code,
        name=unit.name,
        pagu_idr=row.pagu_idr,
        realisasi_idr=row.realisasi_idr,
        over_pagu=row.realisasi_idr > row.pagu_idr,
        realisation_rate_pct=money.percent(row.realisasi_idr, row.pagu_idr),
        updated_at=row.updated_at,
    )


async def put_unit_budget(
    session: AsyncSession,
    principal: Principal,
    year: int,
    unit_id: int,
    body: UnitBudgetBody,
    if_match: str | None,
) -> tuple[UnitBudget, Unit, bool]:
    await get_budget(session, year)
    unit = await org_service.get_unit(session, unit_id)
    data = body.model_dump()
    key = f"{year}/{unit_id}"
    existing = await session.get(UnitBudget, (year, unit_id))
    if existing is None:
        row = UnitBudget(year=year, unit_id=unit_id, **data)
        if not await _insert(session, row):
            raise _lost_race(msg("The budget of unit {unit_id} in {year}", unit_id=unit_id, year=year))
        audit.record(session, principal, "create", "unit_budget", key, after=data)
        return row, unit, True
    check_if_match(if_match, existing.version)
    before = audit.snapshot(existing, UNIT_BUDGET_FIELDS)
    if data != before:
        for field, value in data.items():
            setattr(existing, field, value)
        await session.flush()
        audit.record(session, principal, "update", "unit_budget", key, before=before, after=data)
    return existing, unit, False


async def get_unit_budget(session: AsyncSession, principal: Principal, year: int, unit_id: int) -> UnitBudget:
    await get_budget(session, year)
    await org_service.unit_in_reach(session, principal, unit_id)
    row = await session.get(UnitBudget, (year, unit_id))
    if row is None:
        raise UnitBudgetNotFound(
            msg(
                "Unit {unit_id} has no budget in {year}; PUT /api/v1/budgets/{year}/units/{unit_id} to record it",
                unit_id=unit_id,
                year=year,
            )
        )
    return row


def list_unit_budgets_query(principal: Principal, year: int) -> Select[Any]:
    stmt = select(UnitBudget).where(UnitBudget.year == year)
    condition = org_service.unit_scope_condition(principal, UnitBudget.unit_id)
    if condition is not None:
        stmt = stmt.where(condition)
    return stmt


async def unit_budget_reads(session: AsyncSession, rows: Sequence[UnitBudget]) -> list[UnitBudgetRead]:
    """Each row with its unit's code and name (one query for the page)."""
    units: dict[int, Unit] = {}
    if rows:
        found = await session.execute(select(Unit).where(Unit.id.in_({r.unit_id for r in rows})))
        units = {u.id: u for u in found.scalars()}
    return [unit_budget_read(r, units[r.unit_id]) for r in rows]


# -- the mandatory-spending check ------------------------------------------------------------------------


def _rules_in_force(rule_sets: Sequence[RuleSet], year: int) -> RuleSetBody:
    """As rules_service.applicable: the latest set not after `year`, else the earliest (sets sorted by year)."""
    chosen = next((r for r in reversed(rule_sets) if r.year <= year), rule_sets[0] if rule_sets else None)
    if chosen is None:
        raise rules_service.RulesNotFound("No rule set is configured; run the migrations")
    return RuleSetBody.model_validate(chosen.data)


async def _rule_sets(session: AsyncSession) -> list[RuleSet]:
    return list((await session.execute(select(RuleSet).order_by(RuleSet.year))).scalars())


def _figures(
    budget: Budget, rules: RuleSetBody, pagu: int, realisasi: int, verified_jp: Decimal
) -> dict[str, Any]:
    threshold: Decimal = getattr(rules.budget_min_pct, budget.jurisdiction)
    total = budget.total_belanja_daerah_idr
    required = money.required_minimum(total, threshold)
    return {
        "year": budget.year,
        "jurisdiction": budget.jurisdiction,
        "total_belanja_daerah_idr": total,
        "threshold_pct": threshold,
        "required_min_idr": required,
        "bangkom_pagu_idr": pagu,
        "bangkom_realisasi_idr": realisasi,
        "pagu_pct": money.percent(pagu, total),
        "realisasi_pct": money.percent(realisasi, total),
        "compliant": pagu >= required,
        "shortfall_idr": max(0, required - pagu),
        "realisation_rate_pct": money.percent(realisasi, pagu),
        "verified_jp": verified_jp,
        "cost_per_jp_idr": money.per_unit_idr(realisasi, verified_jp),
    }


def _active_jp_by_unit(year: int) -> Any:
    """Active ASN per unit (by its path) with their verified JP of the year (jp_year_totals: form caps applied)."""
    return (
        select(
            Unit.path,
            func.count().label("headcount"),
            func.sum(JpYearTotal.jp, type_=JP_SUM).label("jp"),
        )
        .select_from(Asn)
        .join(Unit, Unit.id == Asn.unit_id)
        .outerjoin(JpYearTotal, and_(JpYearTotal.nip == Asn.nip, JpYearTotal.year == year))
        .where(Asn.active.is_(True))
        .group_by(Unit.path)
    )


def _jp(value: Any) -> Decimal:
    return round_jp(Decimal(value)) if value is not None else ZERO_JP


async def compliance(session: AsyncSession, year: int) -> BudgetCompliance:
    """The year's check: required minimum, the units' pagu and realisasi, JP bought and what it cost."""
    budget = await get_budget(session, year)
    rules = _rules_in_force(await _rule_sets(session), year)
    budgeted = (
        await session.execute(
            select(UnitBudget, Unit).join(Unit, Unit.id == UnitBudget.unit_id).where(UnitBudget.year == year)
        )
    ).all()
    # Each unit's people count for it and for every ancestor ("/1/7/23/": 23, 7 and 1).
    subtree: dict[int, list[Any]] = defaultdict(lambda: [0, ZERO_JP])
    total_jp = ZERO_JP
    for path, headcount, jp_sum in (await session.execute(_active_jp_by_unit(year))).all():
        jp = _jp(jp_sum)
        total_jp += jp
        for ancestor in path.strip("/").split("/"):
            tally = subtree[int(ancestor)]
            tally[0] += headcount
            tally[1] += jp

    units: list[UnitBudgetCompliance] = []
    for row, unit in sorted(budgeted, key=lambda pair: (pair[1].name.lower(), pair[1].id)):
        headcount, jp = subtree[unit.id]
        units.append(
            UnitBudgetCompliance(
                unit_id=unit.id,
                code=unit.code,
                name=unit.name,
                pagu_idr=row.pagu_idr,
                realisasi_idr=row.realisasi_idr,
                over_pagu=row.realisasi_idr > row.pagu_idr,
                realisation_rate_pct=money.percent(row.realisasi_idr, row.pagu_idr),
                headcount=headcount,
                verified_jp=round_jp(jp),
                cost_per_jp_idr=money.per_unit_idr(row.realisasi_idr, jp),
                cost_per_asn_idr=money.per_unit_idr(row.realisasi_idr, headcount),
            )
        )
    # Summed in Python: SQLite's SUM stops at 2^63 where many units' 10^16 pagu could reach.
    pagu = sum(row.pagu_idr for row, _ in budgeted)
    realisasi = sum(row.realisasi_idr for row, _ in budgeted)
    return BudgetCompliance(**_figures(budget, rules, pagu, realisasi, round_jp(total_jp)), units=units)


async def compliance_trend(
    session: AsyncSession, from_year: int | None, to_year: int | None
) -> ComplianceTrend:
    """The check for every year on record in the range, in four queries whatever the number of years."""
    if from_year is not None and to_year is not None and from_year > to_year:
        raise InvalidYearRange(
            msg("from_year {from_year} is after to_year {to_year}", from_year=from_year, to_year=to_year)
        )

    def in_range(column: Any, stmt: Select[Any]) -> Select[Any]:
        if from_year is not None:
            stmt = stmt.where(column >= from_year)
        if to_year is not None:
            stmt = stmt.where(column <= to_year)
        return stmt

    budgets = list(
        (await session.execute(in_range(Budget.year, select(Budget)).order_by(Budget.year))).scalars()
    )
    if not budgets:
        return ComplianceTrend(from_year=from_year, to_year=to_year, items=[])
    years = [b.year for b in budgets]
    rule_sets = await _rule_sets(session)
    spent: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for year, pagu, realisasi in (
        await session.execute(
            select(UnitBudget.year, UnitBudget.pagu_idr, UnitBudget.realisasi_idr).where(
                UnitBudget.year.in_(years)
            )
        )
    ).all():
        spent[year][0] += pagu
        spent[year][1] += realisasi
    jp_by_year: dict[int, Decimal] = {
        year: _jp(jp)
        for year, jp in (
            await session.execute(
                select(JpYearTotal.year, func.sum(JpYearTotal.jp, type_=JP_SUM))
                .join(Asn, Asn.nip == JpYearTotal.nip)
                .where(Asn.active.is_(True), JpYearTotal.year.in_(years))
                .group_by(JpYearTotal.year)
            )
        ).all()
    }
    items = [
        ComplianceFigures(
            **_figures(
                budget,
                _rules_in_force(rule_sets, budget.year),
                spent[budget.year][0],
                spent[budget.year][1],
                jp_by_year.get(budget.year, ZERO_JP),
            )
        )
        for budget in budgets
    ]
    return ComplianceTrend(from_year=from_year, to_year=to_year, items=items)
