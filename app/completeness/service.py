"""Data completeness per unit: the report (live today, from the day's snapshot for a past day), the trend,
the league of OPDs, and the scores the reminder campaigns read.

Today's figures are counted from the records (app/completeness/figures.py), cached until the next write;
labels are put in the reader's language only when the answer is built, so one cached count serves all.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.completeness import snapshots
from app.completeness.figures import Figures, Live, UnitInfo, compute
from app.completeness.indicators import LABELS, days_before
from app.completeness.models import PROVINCE
from app.completeness.schemas import (
    CompletenessLeague,
    CompletenessReport,
    CompletenessTrend,
    IndicatorFigure,
    LeagueRow,
    QueueFigure,
    SparkPoint,
    TrendIndicator,
    TrendPoint,
    UnitCompleteness,
)
from app.core.errors import Unprocessable
from app.core.i18n import localise, msg
from app.core.report_cache import ReportCache
from app.core.security import Principal
from app.core.types import latest_indonesian_date
from app.org import service as org_service
from app.org.models import Unit
from app.rules.completeness import INDICATOR_CODES

# The trend's longest range: a year, leap day included.
MAX_TREND_DAYS = 366
SPARKLINE_POINTS = 30


class NoSnapshot(Unprocessable):
    code = "no_snapshot"


class DateInFuture(Unprocessable):
    code = "date_in_future"


class InvalidDateRange(Unprocessable):
    code = "invalid_date_range"


def today() -> date:
    return latest_indonesian_date()


def check_day(as_of: date | None) -> date:
    """The day asked for (today when omitted); a day that has not begun anywhere in Indonesia is refused."""
    now = today()
    if as_of is None:
        return now
    if as_of > now:
        raise DateInFuture(
            msg("as_of {as_of} is in the future; ask for today or an earlier day", as_of=as_of)
        )
    return as_of


async def live(session: AsyncSession, root: Unit | None, as_of: date, cache: ReportCache | None) -> Live:
    """Today's counts for the subtree, computed once per change of the data when a cache is given."""

    async def fresh() -> Live:
        return await compute(session, root, as_of)

    if cache is None:
        return await fresh()
    key = ("data_completeness", None if root is None else root.id, as_of.isoformat())
    return await cache.get(session, key, fresh)


# -- the wire shapes ---------------------------------------------------------------------------------


def indicator_figures(figures: Figures) -> list[IndicatorFigure]:
    return [
        IndicatorFigure(code=code, label=localise(LABELS[code]), complete=complete, pct=pct)
        for code, complete, pct in zip(INDICATOR_CODES, figures.complete, figures.pcts(), strict=True)
    ]


def figures_fields(figures: Figures) -> dict[str, Any]:
    return {
        "headcount": figures.headcount,
        "score": figures.score,
        "indicators": indicator_figures(figures),
        "queue": QueueFigure(
            pending=figures.pending, oldest_days=figures.oldest_days, over_sla=figures.over_sla
        ),
    }


def _unit_row(unit: UnitInfo | Unit, figures: Figures) -> UnitCompleteness:
    return UnitCompleteness(unit_id=unit.id, code=unit.code, name=unit.name, **figures_fields(figures))


# -- GET /reports/data-completeness ------------------------------------------------------------------


async def _children(session: AsyncSession, root: Unit | None) -> list[Unit]:
    stmt = select(Unit).where(Unit.parent_id.is_(None) if root is None else Unit.parent_id == root.id)
    found = (await session.execute(stmt)).scalars().all()
    return sorted(found, key=lambda u: (u.name.lower(), u.id))


async def report(
    session: AsyncSession,
    principal: Principal,
    unit_id: int | None,
    as_of: date | None,
    cache: ReportCache | None = None,
) -> CompletenessReport:
    root = await org_service.unit_in_reach(session, principal, unit_id)
    day = check_day(as_of)
    if day == today():
        counted = await live(session, root, day, cache)
        rolled = counted.rolled()
        top = counted.figures(counted.total())
        units = [_unit_row(u, counted.figures(rolled[u.id])) for u in counted.children()]
        source = "live"
    else:
        children = await _children(session, root)
        key = PROVINCE if root is None else root.id
        stored = await snapshots.of_day(session, day, [key, *(u.id for u in children)])
        if key not in stored:
            raise NoSnapshot(
                msg("No completeness snapshot was taken on {day}; pick a day with one", day=day.isoformat())
            )
        top = stored[key]
        units = [_unit_row(u, stored[u.id]) for u in children if u.id in stored]
        source = "snapshot"
    return CompletenessReport(
        as_of=day,
        source=source,
        unit_id=None if root is None else root.id,
        name=None if root is None else root.name,
        units=units,
        **figures_fields(top),
    )


# -- GET /reports/data-completeness/trend -------------------------------------------------------------


async def trend(
    session: AsyncSession, principal: Principal, unit_id: int | None, first: date | None, last: date | None
) -> CompletenessTrend:
    root = await org_service.unit_in_reach(session, principal, unit_id)
    last = last or today()
    first = first or days_before(last, 29)
    if first > last:
        raise InvalidDateRange(
            msg("from ({first}) is after to ({last})", first=first.isoformat(), last=last.isoformat())
        )
    if (last - first).days + 1 > MAX_TREND_DAYS:
        raise InvalidDateRange(msg("A trend covers at most {days} days", days=MAX_TREND_DAYS))
    rows = await snapshots.between(session, PROVINCE if root is None else root.id, first, last)
    points = []
    for row in rows:
        figures = snapshots.figures_of(row)
        points.append(
            TrendPoint(
                date=row.taken_on,
                headcount=figures.headcount,
                score=figures.score,
                indicators=[
                    TrendIndicator(code=code, pct=pct)
                    for code, pct in zip(INDICATOR_CODES, figures.pcts(), strict=True)
                ],
            )
        )
    return CompletenessTrend(
        unit_id=None if root is None else root.id,
        name=None if root is None else root.name,
        from_=first,
        to=last,
        points=points,
    )


# -- GET /reports/data-completeness/league -------------------------------------------------------------


async def _opd_figures(
    session: AsyncSession, day: date, cache: ReportCache | None
) -> tuple[list[Unit | UnitInfo], dict[int, Figures], str]:
    if day == today():
        counted = await live(session, None, day, cache)
        rolled = counted.rolled()
        opds: list[Unit | UnitInfo] = list(counted.children())
        return opds, {u.id: counted.figures(rolled[u.id]) for u in opds}, "live"
    children = await _children(session, None)
    stored = await snapshots.of_day(session, day, [PROVINCE, *(u.id for u in children)])
    if PROVINCE not in stored:
        raise NoSnapshot(
            msg("No completeness snapshot was taken on {day}; pick a day with one", day=day.isoformat())
        )
    return [u for u in children if u.id in stored], stored, "snapshot"


def _ranks(scores: list[Decimal | None]) -> list[int | None]:
    """Competition ranking of scores sorted highest first: equal scores share a rank (1, 2, 2, 4)."""
    ranks: list[int | None] = []
    for position, value in enumerate(scores):
        if value is None:
            ranks.append(None)
        elif position and scores[position - 1] == value:
            ranks.append(ranks[-1])
        else:
            ranks.append(position + 1)
    return ranks


async def league(
    session: AsyncSession, as_of: date | None, cache: ReportCache | None = None
) -> CompletenessLeague:
    day = check_day(as_of)
    opds, figures, source = await _opd_figures(session, day, cache)
    ordered = sorted(
        opds,
        key=lambda u: (figures[u.id].score is None, -(figures[u.id].score or 0), u.name.lower(), u.id),
    )
    spark_days = await snapshots.recent_days(session, day, SPARKLINE_POINTS)
    week, month = days_before(day, 7), days_before(day, 30)
    history = await snapshots.scores(session, {*spark_days, week, month}, [u.id for u in opds])
    ranks = _ranks([figures[u.id].score for u in ordered])
    return CompletenessLeague(
        as_of=day,
        source=source,
        units=[
            LeagueRow(
                rank=rank,
                unit_id=u.id,
                code=u.code,
                name=u.name,
                headcount=figures[u.id].headcount,
                score=figures[u.id].score,
                indicators=indicator_figures(figures[u.id]),
                score_7_days_ago=history.get((u.id, week)),
                score_30_days_ago=history.get((u.id, month)),
                sparkline=[
                    SparkPoint(date=d, score=history[(u.id, d)]) for d in spark_days if (u.id, d) in history
                ],
            )
            for u, rank in zip(ordered, ranks, strict=True)
        ],
    )


# -- for the reminder campaigns -----------------------------------------------------------------------


async def unit_scores(session: AsyncSession, as_of: date) -> dict[int, Decimal | None]:
    """Each OPD's (top-level unit's) score on `as_of`, its descendants rolled up, from the records."""
    counted = await compute(session, None, as_of)
    rolled = counted.rolled()
    return {u.id: counted.figures(rolled[u.id]).score for u in counted.children()}


async def previous_scores(session: AsyncSession, before: date) -> dict[int, Decimal | None]:
    """Each OPD's score in the latest snapshot taken before `before` (empty when there is none)."""
    day = await snapshots.latest_before(session, before)
    if day is None:
        return {}
    opds = [u.id for u in await _children(session, None)]
    stored = await snapshots.of_day(session, day, opds)
    return {unit_id: figures.score for unit_id, figures in stored.items()}
