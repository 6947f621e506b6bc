"""Daily snapshots: the day's figures of every unit (rolled up) and of the province, stored so that a past
day, the trend and the league's history are read rather than recomputed from records that have changed.

`take()` is what the daily schedule and `bangkom snapshot` call. Taking a day again replaces its rows.
A day taken after the fact (`--date`) counts the records as they stand when it is taken, as of that day.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.completeness.figures import Figures, Tally, compute
from app.completeness.models import PROVINCE, CompletenessSnapshot
from app.core import audit
from app.core.security import Principal
from app.rules.completeness import INDICATOR_CODES

S = CompletenessSnapshot


def _row(on: date, unit_id: int, figures: Figures) -> dict[str, Any]:
    return {
        "taken_on": on,
        "unit_id": unit_id,
        "headcount": figures.headcount,
        **dict(zip(INDICATOR_CODES, figures.complete, strict=True)),
        "queue_pending": figures.pending,
        "queue_over_sla": figures.over_sla,
        "queue_oldest_days": figures.oldest_days,
        "score": figures.score,
    }


async def take(session: AsyncSession, on: date, actor: Principal | str = "system") -> int:
    """Store the figures of `on` for every unit and the province, replacing any taken that day; the
    number of rows stored."""
    live = await compute(session, None, on)
    rolled: dict[int, Tally] = live.rolled()
    rows = [_row(on, unit_id, live.figures(tally)) for unit_id, tally in sorted(rolled.items())]
    province = live.figures(live.total())
    rows.append(_row(on, PROVINCE, province))
    replaced = await session.scalar(select(func.count()).select_from(S).where(S.taken_on == on))
    await session.execute(delete(S).where(S.taken_on == on))
    await session.execute(insert(S), rows)
    audit.record(
        session,
        actor,
        "replace" if replaced else "create",
        "completeness_snapshot",
        on.isoformat(),
        after={
            "units": len(rows) - 1,
            "headcount": province.headcount,
            "score": None if province.score is None else str(province.score),
        },
    )
    return len(rows)


def figures_of(row: CompletenessSnapshot) -> Figures:
    return Figures(
        headcount=row.headcount,
        complete=tuple(getattr(row, code) for code in INDICATOR_CODES),
        score=None if row.score is None else Decimal(row.score),
        pending=row.queue_pending,
        over_sla=row.queue_over_sla,
        oldest_days=row.queue_oldest_days,
    )


async def of_day(session: AsyncSession, on: date, unit_ids: Collection[int]) -> dict[int, Figures]:
    """The day's stored figures of these units (PROVINCE for the province), by unit id."""
    rows = await session.execute(select(S).where(S.taken_on == on, S.unit_id.in_(list(unit_ids))))
    return {row.unit_id: figures_of(row) for row in rows.scalars()}


async def between(session: AsyncSession, unit_id: int, first: date, last: date) -> list[CompletenessSnapshot]:
    rows = await session.execute(
        select(S).where(S.unit_id == unit_id, S.taken_on >= first, S.taken_on <= last).order_by(S.taken_on)
    )
    return list(rows.scalars())


async def latest_before(session: AsyncSession, before: date) -> date | None:
    day: date | None = await session.scalar(
        select(func.max(S.taken_on)).where(S.unit_id == PROVINCE, S.taken_on < before)
    )
    return day


async def recent_days(session: AsyncSession, up_to: date, count: int) -> list[date]:
    """The last `count` days with a snapshot, up to `up_to`, oldest first."""
    rows = await session.execute(
        select(S.taken_on)
        .where(S.unit_id == PROVINCE, S.taken_on <= up_to)
        .order_by(S.taken_on.desc())
        .limit(count)
    )
    return sorted(rows.scalars())


async def scores(
    session: AsyncSession, days: Collection[date], unit_ids: Collection[int]
) -> dict[tuple[int, date], Decimal | None]:
    """The stored score of each (unit, day) asked for that has a snapshot."""
    if not days or not unit_ids:
        return {}
    rows = await session.execute(
        select(S.unit_id, S.taken_on, S.score).where(
            S.taken_on.in_(list(days)), S.unit_id.in_(list(unit_ids))
        )
    )
    return {(u, d): None if s is None else Decimal(s) for u, d, s in rows.all()}
