"""Counting the checklist: per unit, how many active ASN meet each indicator and how old the verification
queue is, in two aggregate queries; then rolled up the unit tree in Python.

`compute()` answers for a subtree (or the province) on a day; what it returns is cached and shared
between readers (app.core.report_cache), so nothing here is changed after it is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.completeness.indicators import Day, age_days, conditions, facts
from app.core.db import is_postgres
from app.core.types import round2
from app.learning.models import PENDING, LearningRecord
from app.org.models import Unit
from app.rules import service as rules_service
from app.rules.completeness import INDICATOR_CODES, CompletenessRules


@dataclass(slots=True)
class Tally:
    headcount: int = 0
    complete: list[int] = field(default_factory=lambda: [0] * len(INDICATOR_CODES))
    pending: int = 0
    over_sla: int = 0
    oldest: datetime | None = None  # when the oldest pending claim was filed

    def add(self, other: Tally) -> None:
        self.headcount += other.headcount
        self.complete = [a + b for a, b in zip(self.complete, other.complete, strict=True)]
        self.pending += other.pending
        self.over_sla += other.over_sla
        if other.oldest is not None and (self.oldest is None or other.oldest < self.oldest):
            self.oldest = other.oldest


@dataclass(frozen=True, slots=True)
class Figures:
    """What a report row shows, whether counted now or read from a snapshot."""

    headcount: int
    complete: tuple[int, ...]
    score: Decimal | None
    pending: int
    over_sla: int
    oldest_days: int | None

    def pcts(self) -> list[Decimal | None]:
        return [pct(c, self.headcount) for c in self.complete]


def pct(complete: int, headcount: int) -> Decimal | None:
    return round2(Decimal(100 * complete) / headcount) if headcount else None


def score(complete: Sequence[int], headcount: int, rules: CompletenessRules) -> Decimal | None:
    """The mean of the scored indicators' percentages (as reported, 2 decimals); null when nobody."""
    if not headcount:
        return None
    wanted = set(rules.score_indicators)
    pcts = [pct(c, headcount) for code, c in zip(INDICATOR_CODES, complete, strict=True) if code in wanted]
    known = [p for p in pcts if p is not None]
    return round2(sum(known, Decimal(0)) / len(known)) if known else None


@dataclass(frozen=True, slots=True)
class UnitInfo:
    id: int
    code: str
    name: str
    path: str

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1  # "/1/7/" is depth 2

    def ancestry(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/")]


@dataclass(frozen=True, slots=True)
class Live:
    """The day's counts for a subtree: each unit's own active ASN and pending claims."""

    as_of: date
    rules: CompletenessRules
    root: UnitInfo | None
    units: dict[int, UnitInfo]
    direct: dict[int, Tally]

    def children(self) -> list[UnitInfo]:
        """The root's children (the top-level units for the province), by name."""
        depth = self.root.depth + 1 if self.root is not None else 1
        return sorted(
            (u for u in self.units.values() if u.depth == depth), key=lambda u: (u.name.lower(), u.id)
        )

    def rolled(self) -> dict[int, Tally]:
        """Every unit of the subtree over its descendants."""
        totals = {unit_id: Tally() for unit_id in self.units}
        for unit_id, tally in self.direct.items():
            unit = self.units.get(unit_id)
            if unit is None:
                continue
            for ancestor in unit.ancestry():
                if ancestor in totals:
                    totals[ancestor].add(tally)
        return totals

    def total(self) -> Tally:
        everything = Tally()
        for unit_id, tally in self.direct.items():
            if unit_id in self.units:
                everything.add(tally)
        return everything

    def figures(self, tally: Tally) -> Figures:
        return Figures(
            headcount=tally.headcount,
            complete=tuple(tally.complete),
            score=score(tally.complete, tally.headcount, self.rules),
            pending=tally.pending,
            over_sla=tally.over_sla,
            oldest_days=None if tally.oldest is None else age_days(tally.oldest, self.as_of),
        )


async def rules_of(session: AsyncSession, as_of: date) -> CompletenessRules:
    return (await rules_service.rules_for_year(session, as_of.year)).completeness_rules


def counts_statement(day: Day, unit_ids: Iterable[int] | None) -> Any:
    """Per unit: active ASN, and of them how many meet each indicator."""
    people = None if unit_ids is None else select(Asn.nip).where(Asn.unit_id.in_(list(unit_ids)))
    found = facts(day, people)
    stmt = (
        select(
            Asn.unit_id,
            func.count().label("headcount"),
            *(func.sum(case((c, 1), else_=0)).label(code) for code, c in conditions(found).items()),
        )
        .outerjoin(found, found.c.nip == Asn.nip)
        .where(Asn.active.is_(True))
        .group_by(Asn.unit_id)
    )
    if unit_ids is not None:
        stmt = stmt.where(Asn.unit_id.in_(list(unit_ids)))
    return stmt


def queue_statement(day: Day, unit_ids: Iterable[int] | None) -> Any:
    """Per unit: the pending claims of its ASN filed by the end of the day (as the verification queue
    lists them), the oldest's filing time, and how many have waited past the SLA."""
    stmt = (
        select(
            Asn.unit_id,
            func.count().label("pending"),
            func.min(LearningRecord.created_at).label("oldest"),
            # Only pending claims are read, so the filing time alone says which are overdue, and the
            # pending index (created_at, nip, year) answers the whole statement.
            func.sum(case((LearningRecord.created_at < day.overdue_before, 1), else_=0)).label("over_sla"),
        )
        .select_from(LearningRecord)
        .join(Asn, Asn.nip == LearningRecord.nip)
        .where(LearningRecord.status == PENDING, LearningRecord.created_at < day.ends_at)
        .group_by(Asn.unit_id)
    )
    if unit_ids is not None:
        stmt = stmt.where(Asn.unit_id.in_(list(unit_ids)))
    return stmt


def _info(unit: Any) -> UnitInfo:
    return UnitInfo(unit.id, unit.code, unit.name, unit.path)


async def compute(session: AsyncSession, root: Unit | None, as_of: date) -> Live:
    """The counts of the day for `root`'s subtree (None: the province), from the records as they are."""
    rules = await rules_of(session, as_of)
    units_stmt = select(Unit.id, Unit.code, Unit.name, Unit.path)
    if root is not None:
        units_stmt = units_stmt.where(Unit.path.like(root.path + "%"))
    units = {row.id: _info(row) for row in (await session.execute(units_stmt)).all()}
    day = Day.of(as_of, rules)
    unit_ids = None if root is None else list(units)
    direct: dict[int, Tally] = {}
    serial = is_postgres(session)
    if serial:
        # The counts are one hash aggregate by NIP: parallel workers each aggregate their share and
        # the leader sorts and merges ~60,000 groups again, 20–30 % slower than one process (measured
        # with bench/data_completeness.py). Undone below, or by the rollback of a failed statement.
        await session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    for row in (await session.execute(counts_statement(day, unit_ids))).all():
        direct[row.unit_id] = Tally(
            headcount=row.headcount, complete=[int(row._mapping[code] or 0) for code in INDICATOR_CODES]
        )
    for row in (await session.execute(queue_statement(day, unit_ids))).all():
        tally = direct.setdefault(row.unit_id, Tally())
        tally.pending, tally.over_sla, tally.oldest = row.pending, int(row.over_sla or 0), row.oldest
    if serial:
        await session.execute(text("SET LOCAL max_parallel_workers_per_gather TO DEFAULT"))
    return Live(
        as_of=as_of,
        rules=rules,
        root=None if root is None else _info(root),
        units=units,
        direct=direct,
    )
