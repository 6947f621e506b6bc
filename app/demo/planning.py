"""Demo development planning: this year's individual plans, a few course sessions with nominations, and
the programmes of some OPDs, so the planning pages have something to show on the first `make run`.

- Plans: about a third of the ASN with a competency below standard have a plan for this year, most of
  them approved, some submitted (waiting for their OPD admin) and some still drafts. Each item is the
  gap's first catalogue course. The demo logins have none: their story is to draw one up.
- Sessions: upcoming sessions (angkatan) of BPSDM courses over the next months, one with seats set aside
  for Diskominfo; and one session that ended last week, its nominees accepted but their attendance not
  yet recorded — the step BPSDM takes next.
- Programmes: the OPDs with the most approved plans get a programme drawn from them, one line per course.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.models import CompetencyStanding, Course, CourseCompetency
from app.org.models import Unit
from app.planning.models import (
    ACCEPTED,
    APPROVED,
    DRAFT,
    NOMINATED,
    SUBMITTED,
    CourseSession,
    CourseSessionUnitQuota,
    DevelopmentPlan,
    DevelopmentPlanEvent,
    DevelopmentPlanItem,
    DevelopmentProgram,
    DevelopmentProgramLine,
    Nomination,
)

ACTOR = "demo"
PLANNED_SHARE = 0.35
# A course's price for one participant, per JP: what a day of BPSDM's classroom training costs.
COST_PER_JP_IDR = 150_000
PROGRAMMES = 6
ENDED_NOMINEES = 4
TRAINING_BODY = "BPSDM"
SEAT_QUOTA = 30
PNS = "pns"
DISKOMINFO = "DISKOMINFO"
CAMPUS = "Kampus BPSDM Provinsi Kalimantan Timur, Jl. H.A.M.M. Rifadin, Samarinda"
ONLINE = "https://zoom.us/j/8123456789"


@dataclass(slots=True)
class PlanningSummary:
    plans: int = 0
    sessions: int = 0
    nominations: int = 0
    programmes: int = 0


def _quarter(day: date) -> int:
    return (day.month - 1) // 3 + 1


async def _opd_of(session: AsyncSession) -> dict[int, int]:
    """Unit id → the id of its OPD (the top unit of its branch)."""
    rows = (await session.execute(select(Unit.id, Unit.path))).all()
    return {unit_id: int(path.strip("/").split("/")[0]) for unit_id, path in rows}


async def load_planning(
    session: AsyncSession, rng: random.Random, *, today: date, keep: set[str]
) -> PlanningSummary:
    """`keep`: the demo logins' NIPs, left without plans or nominations."""
    summary = PlanningSummary()
    year = today.year
    courses = {c.id: c for c in (await session.scalars(select(Course).where(Course.active.is_(True)))).all()}
    by_competency: dict[str, list[int]] = defaultdict(list)
    for course_id, code in (
        await session.execute(select(CourseCompetency.course_id, CourseCompetency.competency_code))
    ).all():
        if course_id in courses:
            by_competency[code].append(course_id)
    for ids in by_competency.values():
        ids.sort()
    short = (
        await session.execute(
            select(
                CompetencyStanding.nip, CompetencyStanding.competency_code, Asn.unit_id, Asn.employment_type
            )
            .join(Asn, Asn.nip == CompetencyStanding.nip)
            .where(
                CompetencyStanding.active.is_(True),
                CompetencyStanding.actual_level < CompetencyStanding.required_level,
            )
            .order_by(CompetencyStanding.nip, CompetencyStanding.competency_code)
        )
    ).all()
    gaps: dict[str, list[str]] = defaultdict(list)
    unit_of: dict[str, int] = {}
    pns: set[str] = set()
    for nip, code, unit_id, employment_type in short:
        if nip in keep or code not in by_competency:
            continue
        gaps[nip].append(code)
        unit_of[nip] = unit_id
        if employment_type == PNS:
            pns.add(nip)
    opd_of = await _opd_of(session)
    approved_by_opd: dict[int, list[DevelopmentPlanItem]] = defaultdict(list)
    for nip in sorted(gaps):
        if rng.random() >= PLANNED_SHARE:
            continue
        status = rng.choices((APPROVED, SUBMITTED, DRAFT), weights=(70, 15, 15))[0]
        plan = DevelopmentPlan(nip=nip, year=year, unit_id=unit_of[nip], status=status, created_by=ACTOR)
        session.add(plan)
        await session.flush()
        items: list[DevelopmentPlanItem] = []
        for position, code in enumerate(gaps[nip][:3]):
            course = courses[rng.choice(by_competency[code][:3])]
            jp = course.jp if course.jp is not None else Decimal("24.00")
            quarter = (
                _quarter(course.starts_on)
                if course.starts_on and course.starts_on.year == year
                else rng.randint(2, 4)
            )
            items.append(
                DevelopmentPlanItem(
                    plan_id=plan.id,
                    position=position,
                    competency_code=code,
                    course_id=course.id,
                    title=course.title,
                    form_code=course.form_code,
                    planned_jp=jp,
                    planned_quarter=quarter,
                    estimated_cost_idr=int(jp) * COST_PER_JP_IDR,
                    reason=None,
                )
            )
        session.add_all(items)
        snapshot = [
            {
                "competency_code": i.competency_code,
                "course_id": i.course_id,
                "title": i.title,
                "planned_jp": str(i.planned_jp),
            }
            for i in items
        ]
        session.add(
            DevelopmentPlanEvent(
                plan_id=plan.id, actor=ACTOR, role="asn", action="created", to_status=DRAFT, items=snapshot
            )
        )
        if status in (SUBMITTED, APPROVED):
            session.add(
                DevelopmentPlanEvent(
                    plan_id=plan.id,
                    actor=ACTOR,
                    role="asn",
                    action="submitted",
                    from_status=DRAFT,
                    to_status=SUBMITTED,
                )
            )
        if status == APPROVED:
            session.add(
                DevelopmentPlanEvent(
                    plan_id=plan.id,
                    actor=ACTOR,
                    role="opd_admin",
                    action="approved",
                    from_status=SUBMITTED,
                    to_status=APPROVED,
                )
            )
            approved_by_opd[opd_of[unit_of[nip]]].extend(items)
        summary.plans += 1
    await session.flush()
    summary.programmes = _programmes(session, year, approved_by_opd)
    summary.sessions, summary.nominations = await _sessions(
        session, rng, today, courses, by_competency, gaps, unit_of, opd_of, pns
    )
    await session.flush()
    return summary


def _programmes(
    session: AsyncSession, year: int, approved_by_opd: dict[int, list[DevelopmentPlanItem]]
) -> int:
    largest = sorted(approved_by_opd, key=lambda opd: (-len(approved_by_opd[opd]), opd))[:PROGRAMMES]
    for opd in largest:
        session.add(DevelopmentProgram(unit_id=opd, year=year, updated_by=ACTOR))
        by_course: dict[int, list[DevelopmentPlanItem]] = defaultdict(list)
        for item in approved_by_opd[opd]:
            if item.course_id is not None:
                by_course[item.course_id].append(item)
        for position, (course_id, items) in enumerate(sorted(by_course.items())):
            participants = len({i.plan_id for i in items})
            session.add(
                DevelopmentProgramLine(
                    unit_id=opd,
                    year=year,
                    position=position,
                    course_id=course_id,
                    title=items[0].title,
                    sessions=-(-participants // SEAT_QUOTA),
                    participants=participants,
                    jp=items[0].planned_jp,
                    cost_idr=sum(i.estimated_cost_idr for i in items),
                    competency_codes=sorted({i.competency_code for i in items if i.competency_code}),
                    source="idp",
                )
            )
    return len(largest)


async def _sessions(
    session: AsyncSession,
    rng: random.Random,
    today: date,
    courses: dict[int, Course],
    by_competency: dict[str, list[int]],
    gaps: dict[str, list[str]],
    unit_of: dict[str, int],
    opd_of: dict[int, int],
    pns: set[str],
) -> tuple[int, int]:
    planned = {course_id for ids in by_competency.values() for course_id in ids}
    # Courses with JP (attendance credits a course's JP), the shortest first: they run most often.
    short_courses = sorted(
        (c for c in courses.values() if c.jp is not None and c.id in planned),
        key=lambda c: (c.jp or 0, c.id),
    )[:5]
    if not short_courses:
        return 0, 0
    diskominfo = await session.scalar(select(Unit.id).where(Unit.code == DISKOMINFO))
    batches: dict[int, int] = defaultdict(int)

    def new_session(course: Course, starts: date, online: bool) -> CourseSession:
        batches[course.id] += 1
        made = CourseSession(
            course_id=course.id,
            batch=batches[course.id],
            starts_on=starts,
            ends_on=starts + timedelta(days=_days(course) - 1),
            quota=SEAT_QUOTA,
            place=None if online else CAMPUS,
            online_url=ONLINE if online else None,
            created_by=ACTOR,
        )
        session.add(made)
        return made

    # The ended session first (angkatan 1 of its course): nominees of one OPD, accepted, waiting for
    # their attendance to be recorded.
    first = short_courses[0]
    ended = new_session(first, today - timedelta(days=6 + _days(first)), online=False)
    upcoming = [
        new_session(course, today + timedelta(days=21 + 14 * index), online=index % 2 == 1)
        for index, course in enumerate(short_courses)
    ]
    await session.flush()
    if diskominfo is not None:
        session.add(CourseSessionUnitQuota(session_id=upcoming[0].id, unit_id=diskominfo, quota=5))
    # The ended session's nominees work in the OPD with the most people below standard, other than the
    # two the demo's admin logins look after (their stories must not see JP arrive).
    busy = set(
        (await session.scalars(select(Unit.id).where(Unit.code.in_((DISKOMINFO, TRAINING_BODY))))).all()
    )
    opd_sizes: dict[int, int] = defaultdict(int)
    for nip in gaps:
        opd_sizes[opd_of[unit_of[nip]]] += 1
    others = [opd for opd in sorted(opd_sizes, key=lambda o: (-opd_sizes[o], o)) if opd not in busy]
    nominations = 0
    attended: set[str] = set()
    if others:
        opd = others[0]
        wanted = {code for code, ids in by_competency.items() if first.id in ids}
        # PNS: a PPPK's JP is capped at 24 a year, less than the course gives.
        staff = [nip for nip in sorted(gaps) if opd_of[unit_of[nip]] == opd and nip in pns]
        # Those below standard on the course's competencies first.
        people = sorted(staff, key=lambda nip: not wanted & set(gaps[nip]))[:ENDED_NOMINEES]
        for nip in people:
            session.add(
                Nomination(
                    session_id=ended.id,
                    nip=nip,
                    unit_id=opd,
                    status=ACCEPTED,
                    nominated_by=ACTOR,
                    decided_by=ACTOR,
                )
            )
            attended.add(nip)
            nominations += 1
    # A few nominations for the upcoming sessions from the other OPDs, some accepted.
    pool = [nip for nip in sorted(gaps) if opd_of[unit_of[nip]] not in busy and nip not in attended]
    rng.shuffle(pool)
    for number, made in enumerate(upcoming):
        for nip in pool[number * 6 : number * 6 + 6]:
            status = rng.choice((NOMINATED, ACCEPTED))
            session.add(
                Nomination(
                    session_id=made.id,
                    nip=nip,
                    unit_id=opd_of[unit_of[nip]],
                    status=status,
                    nominated_by=ACTOR,
                    decided_by=ACTOR if status == ACCEPTED else None,
                )
            )
            nominations += 1
    return 1 + len(upcoming), nominations


def _days(course: Course) -> int:
    """A session's length: 8 JP a day."""
    return max(1, int(course.jp or 8) // 8)
