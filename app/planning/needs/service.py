"""The training-needs analysis (analisis kebutuhan pelatihan) of a unit's subtree or the province.

The gap figures come from competency_unit_totals (per unit and competency, kept current by
app/competencies/standards/standings.py) summed over the subtree, so the province costs a few thousand
rows, never the half million standings. `total_shortfall` sums `shortfall_sum`, Σ max(0, required −
actual) per person and competency: a surplus never offsets anyone's gap. The plans' side is the approved
IDP items of the year whose plan's unit is in the subtree, summed per (course, competency) in one pass.
The figures are cached until the next write (app/core/report_cache.py); titles are put in the reader's
language only when the answer is built.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.models import Competency, CompetencyUnitTotal, Course, CourseCompetency
from app.core.i18n import current_language
from app.core.report_cache import ReportCache
from app.core.security import Principal
from app.core.types import round_jp
from app.org import service as org_service
from app.org.models import Unit
from app.planning.models import APPROVED, DevelopmentPlan, DevelopmentPlanItem
from app.planning.needs import mandatory
from app.planning.needs.schemas import (
    ApprovedTotals,
    MandatoryNeedCount,
    NeedCourse,
    TrainingNeedItem,
    TrainingNeedsReport,
)
from app.rules import service as rules_service

JP_SUM = Numeric(16, 2)
ZERO_JP = round_jp(Decimal(0))


@dataclass(slots=True)
class Tally:
    items: int = 0
    jp: Decimal = ZERO_JP
    cost_idr: int = 0

    def add(self, items: int, jp: Decimal, cost_idr: int) -> None:
        self.items += items
        self.jp = round_jp(self.jp + jp)
        self.cost_idr += cost_idr


@dataclass(slots=True)
class Gap:
    competency_code: str
    name: str
    group: str
    required: int
    assessed: int
    below_standard: int
    total_shortfall: int


@dataclass(slots=True)
class Approved:
    """Approved IDP items of the year in the subtree, per competency, per course, and in all."""

    by_competency: dict[str, Tally] = field(default_factory=dict)
    by_course: dict[int, Tally] = field(default_factory=dict)
    # Where each course is listed: the competencies its items name (the course's own are added later).
    course_named: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    total: Tally = field(default_factory=Tally)


@dataclass(frozen=True, slots=True)
class Figures:
    """The report before the reader's language is applied (what the cache holds)."""

    year: int
    unit_id: int | None
    items: list[TrainingNeedItem]
    mandatory: list[mandatory.NeedCount]
    approved: ApprovedTotals


def _in_subtree(column: Any, root: Unit | None) -> Any:
    return None if root is None else column.in_(org_service.subtree_ids(root.id))


async def gaps(session: AsyncSession, root: Unit | None) -> list[Gap]:
    """Per competency some active ASN's standard asks for: the subtree's summed unit totals."""
    t = CompetencyUnitTotal
    stmt = (
        select(
            t.competency_code,
            Competency.name,
            Competency.group,
            func.sum(t.required),
            func.sum(t.assessed),
            func.sum(t.with_gap),
            func.sum(t.shortfall_sum),
        )
        .join(Competency, Competency.code == t.competency_code)
        .group_by(t.competency_code, Competency.name, Competency.group)
        .having(func.sum(t.required) > 0)
    )
    where = _in_subtree(t.unit_id, root)
    if where is not None:
        stmt = stmt.where(where)
    return [
        Gap(code, name, group, int(required), int(assessed), int(below), int(shortfall))
        for code, name, group, required, assessed, below, shortfall in (await session.execute(stmt)).all()
    ]


async def approved(session: AsyncSession, root: Unit | None, year: int) -> Approved:
    p, i = DevelopmentPlan, DevelopmentPlanItem
    stmt = (
        select(
            i.course_id,
            i.competency_code,
            func.count(),
            func.coalesce(func.sum(i.planned_jp, type_=JP_SUM), 0),
            func.coalesce(func.sum(i.estimated_cost_idr), 0),
        )
        .select_from(p)
        .join(i, i.plan_id == p.id)
        .where(p.year == year, p.status == APPROVED)
        .group_by(i.course_id, i.competency_code)
    )
    where = _in_subtree(p.unit_id, root)
    if where is not None:
        stmt = stmt.where(where)
    out = Approved()
    for course_id, code, items, jp, cost in (await session.execute(stmt)).all():
        figures = (int(items), round_jp(Decimal(jp)), int(cost))
        out.total.add(*figures)
        if code is not None:
            out.by_competency.setdefault(code, Tally()).add(*figures)
        if course_id is not None:
            out.by_course.setdefault(course_id, Tally()).add(*figures)
            if code is not None:
                out.course_named[course_id].add(code)
    return out


async def catalogue(session: AsyncSession, ids: set[int]) -> tuple[dict[int, Course], dict[int, set[str]]]:
    """The courses of `ids`, and the competencies each develops."""
    if not ids:
        return {}, {}
    courses = {c.id: c for c in (await session.execute(select(Course).where(Course.id.in_(ids)))).scalars()}
    develops: dict[int, set[str]] = defaultdict(set)
    for course_id, code in (
        await session.execute(
            select(CourseCompetency.course_id, CourseCompetency.competency_code).where(
                CourseCompetency.course_id.in_(ids)
            )
        )
    ).all():
        develops[course_id].add(code)
    return courses, develops


async def _named_only(session: AsyncSession, codes: set[str]) -> dict[str, tuple[str, str]]:
    """Name and group of competencies only approved items name (no standard in scope asks for them)."""
    if not codes:
        return {}
    rows = await session.execute(
        select(Competency.code, Competency.name, Competency.group).where(Competency.code.in_(codes))
    )
    return {code: (name, group) for code, name, group in rows.all()}


def rank_key(item: TrainingNeedItem) -> tuple[int, int, str]:
    """By need: the largest total shortfall first, then the most people below standard, then the code."""
    return (-item.total_shortfall, -item.below_standard, item.competency_code)


async def compute(session: AsyncSession, root: Unit | None, year: int) -> Figures:
    found = await gaps(session, root)
    plans = await approved(session, root, year)
    courses, develops = await catalogue(session, set(plans.by_course))
    by_code = {g.competency_code: g for g in found}
    extra = await _named_only(session, set(plans.by_competency) - set(by_code))
    for code, (name, group) in extra.items():
        by_code[code] = Gap(code, name, group, 0, 0, 0, 0)

    listed: dict[str, list[NeedCourse]] = defaultdict(list)
    for course_id, tally in plans.by_course.items():
        course = courses.get(course_id)
        if course is None:
            continue
        entry = NeedCourse(
            course_id=course.id,
            code=course.code,
            title=course.title,
            jp=None if course.jp is None else round_jp(course.jp),
            approved_items=tally.items,
            approved_jp=tally.jp,
        )
        for code in develops.get(course_id, set()) | plans.course_named.get(course_id, set()):
            listed[code].append(entry)

    items = []
    for code, gap in by_code.items():
        tally = plans.by_competency.get(code, Tally())
        items.append(
            TrainingNeedItem(
                competency_code=code,
                name=gap.name,
                group=gap.group,
                assessed=gap.assessed,
                below_standard=gap.below_standard,
                total_shortfall=gap.total_shortfall,
                approved_items=tally.items,
                approved_jp=tally.jp,
                approved_cost_idr=tally.cost_idr,
                courses=sorted(listed.get(code, []), key=lambda c: (-c.approved_items, c.code)),
            )
        )
    items.sort(key=rank_key)
    rules = (await rules_service.rules_for_year(session, year)).planning_rules
    counts = await mandatory.count(session, root, year, rules.mandatory)
    return Figures(
        year=year,
        unit_id=None if root is None else root.id,
        items=items,
        mandatory=counts,
        approved=ApprovedTotals(items=plans.total.items, jp=plans.total.jp, cost_idr=plans.total.cost_idr),
    )


def need_title(need: mandatory.NeedCount) -> str:
    return need.title_en if current_language() == "en" else need.title_id


async def report(
    session: AsyncSession, principal: Principal, unit_id: int | None, year: int, cache: ReportCache | None
) -> TrainingNeedsReport:
    root = await org_service.unit_in_reach(session, principal, unit_id)

    async def fresh() -> Figures:
        return await compute(session, root, year)

    if cache is None:
        figures = await fresh()
    else:
        figures = await cache.get(session, ("training_needs", None if root is None else root.id, year), fresh)
    return TrainingNeedsReport(
        year=figures.year,
        unit_id=figures.unit_id,
        items=figures.items,
        mandatory=[
            MandatoryNeedCount(code=n.code, title=need_title(n), course_id=n.course_id, count=n.count)
            for n in figures.mandatory
        ],
        approved=figures.approved,
    )
