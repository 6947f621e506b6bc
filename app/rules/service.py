"""Rule sets by year: a year without its own set uses the latest earlier one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import audit
from app.core.concurrency import check_if_match
from app.core.errors import Conflict, NotFound
from app.core.hooks import Hooks
from app.core.i18n import msg
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


class RulesExist(Conflict):
    code = "rules_exist"


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
    return await _store(session, principal, year, body, if_match)


async def _store(
    session: AsyncSession,
    principal: Principal,
    year: int,
    body: RuleSetBody,
    if_match: str | None,
    copied_from: int | None = None,
) -> tuple[RuleSet, bool]:
    unknown = sorted({r.form_code for r in body.form_rules if not forms.is_form_code(r.form_code)})
    if unknown:
        raise forms.UnknownFormCode(forms.unknown_form_detail(*unknown))
    data = audit.jsonable(body.model_dump())
    # A copy says so in its audit row, and from which year; the stored set is the plain rules.
    action, note = ("copy", {"copied_from": copied_from}) if copied_from is not None else (None, {})
    existing = await session.get(RuleSet, year)
    if existing is None:
        row = RuleSet(year=year, data=data)
        session.add(row)
        await session.flush()
        audit.record(session, principal, action or "create", "rule_set", year, after=data | note)
        await _changed(session, year)
        return row, True
    check_if_match(if_match, existing.version)
    # As read today: a set stored before a field existed has that field's default (docs/domain.md).
    before = audit.jsonable(RuleSetBody.model_validate(existing.data).model_dump())
    if data != before:
        existing.data = data
        await session.flush()
        audit.record(
            session, principal, action or "update", "rule_set", year, before=before, after=data | note
        )
        await _changed(session, year)
    return existing, False


async def copy(
    session: AsyncSession,
    principal: Principal,
    year: int,
    from_year: int,
    *,
    replace_existing: bool = False,
    if_match: str | None = None,
) -> tuple[RuleSet, bool]:
    """Give `year` its own copy of the set `from_year` itself has (not one it falls back to).

    A target that has its own set is refused (409 `rules_exist`) unless the caller asks to replace
    it, and then only with If-Match on the target's version, as a PUT would.
    """
    source = await session.get(RuleSet, from_year)
    if source is None:
        raise RulesNotFound(msg("{year} has no rule set of its own to copy", year=from_year))
    existing = await session.get(RuleSet, year)
    if existing is not None and not replace_existing:
        raise RulesExist(
            msg(
                '{year} already has its own rule set; send "replace": true with If-Match to overwrite it',
                year=year,
            )
        )
    return await _store(
        session, principal, year, RuleSetBody.model_validate(source.data), if_match, copied_from=from_year
    )


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
