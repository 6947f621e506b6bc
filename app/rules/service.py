"""Rule sets by year: a year without its own set uses the latest earlier one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import audit
from app.core.concurrency import check_if_match
from app.core.errors import NotFound
from app.core.hooks import Hooks
from app.core.security import Principal
from app.reference import forms
from app.rules.models import RuleSet
from app.rules.schemas import RuleSetBody, RuleSetRead

RulesChangedHook = Callable[[AsyncSession, int, "int | None"], Awaitable[None]]
# Each runs as `hook(session, year, next_own_year)` in the transaction that changes a year's rules, so
# figures derived from the rules (learning's capped year totals) follow without this domain importing them.
after_rules_change: Hooks[RulesChangedHook] = Hooks()


class RulesNotFound(NotFound):
    code = "rules_not_found"


async def applicable(session: AsyncSession, year: int) -> RuleSet:
    """The rule set in force for `year` (the earliest one also covers years before it)."""
    row = (
        await session.execute(
            select(RuleSet).where(RuleSet.year <= year).order_by(RuleSet.year.desc()).limit(1)
        )
    ).scalar_one_or_none()
    if row is None:
        row = (await session.execute(select(RuleSet).order_by(RuleSet.year).limit(1))).scalar_one_or_none()
    if row is None:
        raise RulesNotFound("No rule set is configured; run the migrations")
    return row


async def rules_for_year(session: AsyncSession, year: int) -> RuleSetBody:
    return RuleSetBody.model_validate((await applicable(session, year)).data)


def to_read(row: RuleSet, year: int) -> RuleSetRead:
    return RuleSetRead.model_validate(
        row.data | {"year": year, "source_year": row.year, "updated_at": row.updated_at}
    )


async def replace(
    session: AsyncSession, principal: Principal, year: int, body: RuleSetBody, if_match: str | None
) -> tuple[RuleSet, bool]:
    """Create or replace the year's own rule set; replacing needs If-Match (docs/api.md, Conventions)."""
    unknown = sorted({r.form_code for r in body.form_rules if not forms.is_form_code(r.form_code)})
    if unknown:
        raise forms.UnknownFormCode(forms.unknown_form_detail(*unknown))
    data = audit.jsonable(body.model_dump())
    existing = await session.get(RuleSet, year)
    if existing is None:
        row = RuleSet(year=year, data=data)
        session.add(row)
        await session.flush()
        audit.record(session, principal, "create", "rule_set", year, after=data)
        await _changed(session, year)
        return row, True
    check_if_match(if_match, existing.version)
    before = existing.data
    if data != before:
        existing.data = data
        await session.flush()
        audit.record(session, principal, "update", "rule_set", year, before=before, after=data)
        await _changed(session, year)
    return existing, False


async def _changed(session: AsyncSession, year: int) -> None:
    """Let dependent figures follow: the years `year`'s rules govern, up to the next year with its own."""
    next_own = (
        await session.execute(select(RuleSet.year).where(RuleSet.year > year).order_by(RuleSet.year).limit(1))
    ).scalar_one_or_none()
    earlier = (await session.execute(select(RuleSet.year).where(RuleSet.year < year).limit(1))).first()
    # The earliest rule set also governs the years before it.
    first = year if earlier is not None else 1900
    for hook in after_rules_change:
        await hook(session, first, next_own)
