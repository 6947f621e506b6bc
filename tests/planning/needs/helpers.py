"""Shared pieces of the training-needs tests: a small province with standards, assessments, approved
and other IDPs, catalogue courses and verified JP, written straight into the tables."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.models import Course, CourseCompetency
from app.core.config import Settings
from app.learning import totals
from app.org.models import Position
from app.planning.models import APPROVED, DevelopmentPlan, DevelopmentPlanItem
from tests import factories
from tests.competencies.test_standings import assess, place, set_standard
from tests.factories import World, bearer

REPORT = "/api/v1/reports/training-needs"
YEAR = 2027
_codes = itertools.count(1)


def as_(settings: Settings, world: World, who: str) -> dict[str, str]:
    return bearer(settings, world.principal(who))


async def add_course(
    session: AsyncSession,
    competencies: list[str],
    *,
    title: str | None = None,
    jp: str | None = "40",
    quota: int | None = 30,
    starts_on: date | None = None,
    code: str | None = None,
    active: bool = True,
) -> Course:
    n = next(_codes)
    course = Course(
        code=code or f"TNA-{n:03d}",
        title=title or f"Pelatihan {n}",
        form_code="3",
        jp=None if jp is None else Decimal(jp),
        quota=quota,
        starts_on=starts_on,
        active=active,
    )
    session.add(course)
    await session.flush()
    for competency in competencies:
        session.add(CourseCompetency(course_id=course.id, competency_code=competency))
    await session.flush()
    return course


Item = dict[str, Any]


async def add_plan(
    session: AsyncSession, asn: Asn, items: list[Item], *, year: int = YEAR, status: str = APPROVED
) -> DevelopmentPlan:
    """An IDP of the ASN's unit; each item: competency_code, course_id, title, planned_jp, cost."""
    plan = DevelopmentPlan(nip=asn.nip, year=year, unit_id=asn.unit_id, status=status, created_by="test")
    session.add(plan)
    await session.flush()
    for position, item in enumerate(items):
        session.add(
            DevelopmentPlanItem(
                plan_id=plan.id,
                position=position,
                competency_code=item.get("competency_code"),
                course_id=item.get("course_id"),
                title=item.get("title", "Rencana"),
                form_code=item.get("form_code", "3"),
                planned_jp=Decimal(item.get("planned_jp", "10")),
                planned_quarter=2,
                estimated_cost_idr=item.get("cost", 0),
            )
        )
    await session.flush()
    return plan


async def verified_jp(session: AsyncSession, asn: Asn, year: int, form_code: str) -> None:
    await totals.add(session, nip=asn.nip, year=year, form_code=form_code, jp=Decimal(8), records=1)


@dataclass
class Province:
    """unit_a: position_a (M1 3, M2 3) held by asn_a and pengawas p2 (M1 3) held by `extra`;
    unit_a1 (below unit_a): position_x (M1 3, M4 2) held by asn_a1 and `unrated`;
    unit_b: position_a's standard held by asn_b."""

    position_x: Position
    pengawas: Position
    extra: Asn
    unrated: Asn


async def build(session: AsyncSession, world: World) -> Province:
    position_x = await factories.create_position(session, world.unit_a1, jenis_jabatan="administrator")
    pengawas = await factories.create_position(session, world.unit_a, jenis_jabatan="pengawas")
    extra = await factories.create_asn(session, world.unit_a, name="Rahmat Hidayat")
    unrated = await factories.create_asn(session, world.unit_a1, name="Nur Aini")
    await set_standard(session, world.position_a, {"M1": 3, "M2": 3})
    await set_standard(session, position_x, {"M1": 3, "M4": 2})
    await set_standard(session, pengawas, {"M1": 3})
    await place(session, world.asn_a1, position_x)
    await place(session, unrated, position_x)
    await place(session, world.asn_b, world.position_a)
    await place(session, extra, pengawas)
    # asn_a: M1 2 below (1), M2 2 above (5): the surplus never offsets the shortfall.
    await assess(session, world.asn_a.nip, date(2026, 1, 10), {"M1": 1, "M2": 5})
    # extra: M1 1 below (2).
    await assess(session, extra.nip, date(2026, 1, 11), {"M1": 2})
    # asn_a1: M1 above (4), M4 1 below (1).
    await assess(session, world.asn_a1.nip, date(2026, 1, 12), {"M1": 4, "M4": 1})
    # asn_b (another OPD): M1 2 below, M2 at the standard.
    await assess(session, world.asn_b.nip, date(2026, 1, 13), {"M1": 1, "M2": 3})
    return Province(position_x, pengawas, extra, unrated)
