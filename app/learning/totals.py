"""Keeping jp_totals and jp_year_totals in step with the ledger, atomically under concurrent writers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Numeric

from app.core.db import upsert_insert
from app.core.hooks import Hooks
from app.learning.jp import yearly_caps
from app.learning.models import JpTotal, JpYearTotal
from app.rules import service as rules_service

_CAPS_KEY = "learning.yearly_caps"

TotalsHook = Callable[[AsyncSession, Collection[tuple[str, int]]], Awaitable[None]]
# Each runs as `hook(session, changed)` with the (nip, year) pairs whose verified totals moved (a record
# verified, voided, imported), in that transaction, so figures built on verified learning follow.
after_change: Hooks[TotalsHook] = Hooks()


async def _caps(session: AsyncSession, year: int) -> dict[str, Decimal]:
    """The year's per-form caps, read once per transaction (a batch touches many ASN of one year)."""
    cache: dict[int, dict[str, Decimal]] = session.info.setdefault(_CAPS_KEY, {})
    if year not in cache:
        cache[year] = yearly_caps(await rules_service.rules_for_year(session, year))
    return cache[year]


async def add(
    session: AsyncSession, *, nip: str, year: int, form_code: str, jp: Decimal, records: int
) -> None:
    """Add `jp` (negative to remove) and `records` to the ASN's verified total for the year and form."""
    await add_many(session, {(nip, year, form_code): (jp, records)})


async def add_many(
    session: AsyncSession, changes: Mapping[tuple[str, int, str], tuple[Decimal, int]]
) -> None:
    """Apply (jp, records) changes per (nip, year, form_code) to jp_totals and jp_year_totals.

    Each total moves by INSERT … ON CONFLICT DO UPDATE with an increment, so concurrent
    transactions never overwrite each other's additions (PostgreSQL row locks; SQLite's single
    writer). The year total moves by what the change means once the form's yearly cap is applied,
    worked out from the form total the increment returned.
    """
    if not changes:
        return
    insert_ = upsert_insert(session)
    stmt = insert_(JpTotal)
    stmt = stmt.on_conflict_do_update(
        index_elements=[JpTotal.nip, JpTotal.year, JpTotal.form_code],
        set_={"jp": JpTotal.jp + stmt.excluded.jp, "records": JpTotal.records + stmt.excluded.records},
    ).returning(JpTotal.nip, JpTotal.year, JpTotal.form_code, JpTotal.jp)
    rows = [
        {"nip": nip, "year": year, "form_code": form, "jp": jp, "records": records}
        for (nip, year, form), (jp, records) in sorted(changes.items())
    ]
    new_totals = {(n, y, f): Decimal(jp) for n, y, f, jp in (await session.execute(stmt, rows)).all()}
    counted: dict[tuple[str, int], Decimal] = {}
    for (nip, year, form), (jp, _) in changes.items():
        cap = (await _caps(session, year)).get(form)
        if cap is None:
            delta = jp
        else:
            new = new_totals[(nip, year, form)]
            delta = min(new, cap) - min(new - jp, cap)
        counted[(nip, year)] = counted.get((nip, year), Decimal(0)) + delta
    year_stmt = insert_(JpYearTotal)
    year_stmt = year_stmt.on_conflict_do_update(
        index_elements=[JpYearTotal.nip, JpYearTotal.year],
        set_={"jp": JpYearTotal.jp + year_stmt.excluded.jp},
    )
    await session.execute(
        year_stmt, [{"nip": nip, "year": year, "jp": jp} for (nip, year), jp in sorted(counted.items())]
    )
    for hook in after_change:
        await hook(session, list(counted))


async def recompute_years(session: AsyncSession, first_year: int, last_year: int | None) -> None:
    """Rebuild jp_year_totals for the years from jp_totals (after their rules, and so caps, changed)."""
    years = select(JpTotal.year).where(JpTotal.year >= first_year).distinct()
    if last_year is not None:
        years = years.where(JpTotal.year <= last_year)
    for year in list((await session.execute(years)).scalars()):
        caps = await _caps_fresh(session, year)
        counted: Any = JpTotal.jp
        if caps:
            counted = case(
                *[
                    (and_(JpTotal.form_code == f, JpTotal.jp > c), literal(c, Numeric(10, 2)))
                    for f, c in caps.items()
                ],
                else_=JpTotal.jp,
            )
        await session.execute(delete(JpYearTotal).where(JpYearTotal.year == year))
        await session.execute(
            insert(JpYearTotal).from_select(
                ["nip", "year", "jp"],
                select(JpTotal.nip, JpTotal.year, func.sum(counted))
                .where(JpTotal.year == year)
                .group_by(JpTotal.nip, JpTotal.year),
            )
        )


async def _caps_fresh(session: AsyncSession, year: int) -> dict[str, Decimal]:
    session.info.pop(_CAPS_KEY, None)
    return await _caps(session, year)


async def follow_rules(session: AsyncSession, year: int, next_own_year: int | None) -> None:
    """Recompute the capped year totals of the years a changed rule set governs."""
    await recompute_years(session, year, None if next_own_year is None else next_own_year - 1)
