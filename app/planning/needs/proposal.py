"""A suggested programme for a unit's subtree and year, in the shape of the programme's lines.

1. `idp`: the approved IDP items of the year, grouped by catalogue course (free titles by competency
   and title); participants = the distinct ASN, jp = the course's JP (else the largest planned_jp),
   cost = Σ each item's estimated_cost_idr, or jp × cost_per_jp_idr for an item estimated at 0.
2. `gap`: each competency with ASN below standard that the IDP items do not cover: the active
   catalogue course for it with the soonest start; participants = below_standard − the ASN whose
   approved items name the competency or a course developing it.
3. `mandatory`: each mandatory need with people left, leaving out those whose approved items plan the
   need's course already.

sessions = ⌈participants / the course's quota⌉, 30 a session without a quota. Money in whole rupiah:
jp × participants × cost_per_jp_idr is worked out on fractions and rounded half-up.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.budgets.money import ceil_div, div_half_up
from app.competencies.courses.offers import offered_courses
from app.competencies.models import Course
from app.competencies.standards.lookup import dictionary_order
from app.core.i18n import localise, msg
from app.core.security import Principal
from app.core.types import latest_indonesian_date, round_jp
from app.org import service as org_service
from app.org.models import Unit
from app.planning.models import APPROVED, DevelopmentPlan, DevelopmentPlanItem
from app.planning.needs import mandatory
from app.planning.needs.schemas import ProgramProposal, ProposalLine
from app.planning.needs.service import catalogue, gaps, need_title
from app.rules import service as rules_service

# A session's size when the catalogue gives the course no quota.
DEFAULT_QUOTA = 30


def sessions_for(participants: int, quota: int | None) -> int:
    return ceil_div(participants, quota if quota else DEFAULT_QUOTA)


def price(jp: Decimal | None, participants: int, cost_per_jp_idr: int) -> int:
    """jp × participants × cost_per_jp_idr in whole rupiah (half-up); 0 without JP."""
    if jp is None:
        return 0
    exact = Fraction(jp) * participants * cost_per_jp_idr
    return div_half_up(exact.numerator, exact.denominator)


@dataclass(frozen=True, slots=True)
class _Item:
    nip: str
    course_id: int | None
    competency_code: str | None
    title: str
    planned_jp: Decimal
    estimated_cost_idr: int


@dataclass(slots=True)
class _Group:
    """Approved items planning one course (or one free title for one competency)."""

    title: str
    course_id: int | None
    nips: set[str] = field(default_factory=set)
    items: list[_Item] = field(default_factory=list)
    competencies: set[str] = field(default_factory=set)


async def _approved_items(session: AsyncSession, root: Unit, year: int) -> list[_Item]:
    p, i = DevelopmentPlan, DevelopmentPlanItem
    stmt = (
        select(p.nip, i.course_id, i.competency_code, i.title, i.planned_jp, i.estimated_cost_idr)
        .select_from(p)
        .join(i, i.plan_id == p.id)
        .where(
            p.year == year,
            p.status == APPROVED,
            p.unit_id.in_(org_service.subtree_ids(root.id)),
        )
        .order_by(p.id, i.position)
    )
    return [
        _Item(nip, course_id, code, title, round_jp(Decimal(planned_jp)), int(cost))
        for nip, course_id, code, title, planned_jp, cost in (await session.execute(stmt)).all()
    ]


def _ordered(codes: set[str]) -> list[str]:
    """Dictionary order: manajerial M1..M8, sosial kultural SK1.., then teknis."""

    def group(code: str) -> str:
        if re.fullmatch(r"M\d+", code):
            return "manajerial"
        return "sosial_kultural" if re.fullmatch(r"SK\d+", code) else "teknis"

    return sorted(codes, key=lambda c: dictionary_order(c, group(c)))


def _group_items(
    items: list[_Item], courses: dict[int, Course], develops: dict[int, set[str]]
) -> list[_Group]:
    groups: dict[tuple[object, ...], _Group] = {}
    for item in items:
        course = courses.get(item.course_id) if item.course_id is not None else None
        if course is not None:
            key: tuple[object, ...] = ("course", course.id)
            group = groups.setdefault(
                key, _Group(course.title, course.id, competencies=set(develops[course.id]))
            )
        else:
            title = item.title.strip()
            key = ("title", item.competency_code, title.lower())
            group = groups.setdefault(key, _Group(title, None))
        if item.competency_code is not None:
            group.competencies.add(item.competency_code)
        group.nips.add(item.nip)
        group.items.append(item)
    return sorted(groups.values(), key=lambda g: (-len(g.nips), g.title.lower(), g.course_id or 0))


async def propose(session: AsyncSession, principal: Principal, unit_id: int, year: int) -> ProgramProposal:
    root = await org_service.unit_in_reach(session, principal, unit_id)
    rules = (await rules_service.rules_for_year(session, year)).planning_rules
    per_jp = rules.cost_per_jp_idr

    items = await _approved_items(session, root, year)
    courses, develops = await catalogue(session, {i.course_id for i in items if i.course_id is not None})
    groups = _group_items(items, courses, develops)
    # Who the approved items cover, per competency: the items' own and their courses' competencies.
    covered: dict[str, set[str]] = defaultdict(set)
    for group in groups:
        for competency in group.competencies:
            covered[competency].update(group.nips)

    lines: list[ProposalLine] = []
    for group in groups:
        course = courses.get(group.course_id) if group.course_id is not None else None
        jp: Decimal | None = (
            round_jp(course.jp)
            if course is not None and course.jp is not None
            else max(i.planned_jp for i in group.items)
        )
        cost = sum(
            i.estimated_cost_idr if i.estimated_cost_idr > 0 else price(jp, 1, per_jp) for i in group.items
        )
        people = len(group.nips)
        lines.append(
            ProposalLine(
                course_id=group.course_id,
                title=group.title,
                sessions=sessions_for(people, None if course is None else course.quota),
                participants=people,
                jp=jp,
                cost_idr=cost,
                competency_codes=_ordered(group.competencies),
                source="idp",
                note=localise(
                    msg("{items} approved IDP items of {people} ASN", items=len(group.items), people=people)
                ),
            )
        )

    gap_rows = [
        g for g in await gaps(session, root) if g.below_standard > len(covered.get(g.competency_code, ()))
    ]
    gap_rows.sort(key=lambda g: (-g.total_shortfall, -g.below_standard, g.competency_code))
    today = latest_indonesian_date()
    offers = await offered_courses(session, [g.competency_code for g in gap_rows], today)
    for gap in gap_rows:
        already = len(covered.get(gap.competency_code, ()))
        people = gap.below_standard - already
        offered = offers.get(gap.competency_code)
        if offered:
            pick = offered[0]
            jp = None if pick.jp is None else round_jp(Decimal(str(pick.jp)))
            line_codes = set(pick.competency_codes) | {gap.competency_code}
            note = msg(
                "{below} ASN below the standard in {code}, {planned} of them planned in approved IDPs",
                below=gap.below_standard,
                code=gap.competency_code,
                planned=already,
            )
            lines.append(
                ProposalLine(
                    course_id=pick.id,
                    title=pick.title,
                    sessions=sessions_for(people, pick.quota),
                    participants=people,
                    jp=jp,
                    cost_idr=price(jp, people, per_jp),
                    competency_codes=_ordered(line_codes),
                    source="gap",
                    note=localise(note),
                )
            )
        else:
            note = msg(
                "{below} ASN below the standard in {code}, {planned} of them planned in approved IDPs; "
                "the catalogue offers no course for it: set the JP and the cost",
                below=gap.below_standard,
                code=gap.competency_code,
                planned=already,
            )
            lines.append(
                ProposalLine(
                    course_id=None,
                    title=gap.name,
                    sessions=sessions_for(people, None),
                    participants=people,
                    jp=None,
                    cost_idr=0,
                    competency_codes=[gap.competency_code],
                    source="gap",
                    note=localise(note),
                )
            )

    counts = await mandatory.count(session, root, year, rules.mandatory, exclude_planned=True)
    need_courses, need_develops = await catalogue(session, {n.course_id for n in counts if n.course_id})
    for need in counts:
        if need.count == 0:
            continue
        course = need_courses.get(need.course_id) if need.course_id is not None else None
        title = need_title(need)
        jp = None if course is None or course.jp is None else round_jp(course.jp)
        note = (
            msg("{count} ASN still need {title}", count=need.count, title=title)
            if jp is not None
            else msg("{count} ASN still need {title}; set the JP and the cost", count=need.count, title=title)
        )
        lines.append(
            ProposalLine(
                course_id=None if course is None else course.id,
                title=title if course is None else course.title,
                sessions=sessions_for(need.count, None if course is None else course.quota),
                participants=need.count,
                jp=jp,
                cost_idr=price(jp, need.count, per_jp),
                competency_codes=[] if course is None else _ordered(need_develops.get(course.id, set())),
                source="mandatory",
                note=localise(note),
            )
        )

    return ProgramProposal(
        unit_id=root.id,
        unit_name=root.name,
        year=year,
        cost_per_jp_idr=per_jp,
        lines=lines,
        total_cost_idr=sum(line.cost_idr for line in lines),
        total_participants=sum(line.participants for line in lines),
    )
