"""An ASN's development plan: catalogue courses for each competency below the position standard, and
the JP they would add toward the year's target.

It reads both competencies (gaps, the catalogue) and the JP ledger, so it lives with the ledger, the
domain above competencies.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.courses.offers import offered_courses
from app.competencies.gaps.service import competency_gaps
from app.core.types import round_jp
from app.learning.models import JpYearTotal
from app.learning.plan.schemas import DevelopmentPlan, PlanItem
from app.rules import service as rules_service

PPPK = "pppk"
ZERO = Decimal("0.00")


async def development_plan(session: AsyncSession, asn: Asn, year: int, today: date) -> DevelopmentPlan:
    """`asn` is already checked to be in the caller's scope."""
    gaps = await competency_gaps(session, asn, year)
    # Stable sort: equal gaps keep the standard's order (manajerial, sosial kultural, teknis).
    short = sorted((i for i in gaps.items if i.gap is not None and i.gap < 0), key=lambda i: i.gap or 0)
    offered = await offered_courses(session, [i.competency_code for i in short], today)
    items = [
        PlanItem(
            competency_code=i.competency_code,
            name=i.name,
            group=i.group,
            required_level=i.required_level,
            actual_level=i.actual_level or 0,
            gap=i.gap or 0,
            courses=offered.get(i.competency_code, []),
        )
        for i in short
    ]
    planned: dict[int, Decimal] = {}
    for item in items:
        if item.courses:
            first = item.courses[0]
            planned[first.id] = first.jp or ZERO
    planned_jp = round_jp(sum(planned.values(), ZERO))
    total = await session.get(JpYearTotal, (asn.nip, year))
    verified = round_jp(Decimal(total.jp)) if total is not None else ZERO
    projected = round_jp(verified + planned_jp)
    target: Decimal | None = None
    if asn.employment_type != PPPK:
        target = round_jp((await rules_service.rules_for_year(session, year)).pns_min_jp)
    return DevelopmentPlan(
        nip=asn.nip,
        year=year,
        employment_type=asn.employment_type,
        position_id=asn.position_id,
        as_of=today,
        jpm=gaps.jpm,
        items=items,
        unassessed=gaps.missing,
        verified_jp=verified,
        target_jp=target,
        planned_jp=planned_jp,
        projected_jp=projected,
        remaining_after_plan_jp=None if target is None else max(ZERO, round_jp(target - projected)),
    )
