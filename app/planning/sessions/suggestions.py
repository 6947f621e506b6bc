"""Whom an OPD might nominate for a session: planned first, then the largest competency shortfall."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Select, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.courses import service as courses
from app.competencies.models import CompetencyStanding
from app.core.i18n import localise, msg
from app.learning import service as learning
from app.learning.models import VERIFIED, LearningRecord
from app.org import service as org_service
from app.org.models import Unit
from app.planning.models import (
    APPROVED,
    WITHDRAWN,
    CourseSession,
    DevelopmentPlan,
    DevelopmentPlanItem,
    Nomination,
)
from app.planning.sessions.schemas import Suggestion, SuggestionList

LIMIT = 50


async def suggest(session: AsyncSession, course_session: CourseSession, root: Unit | None) -> SuggestionList:
    """Active ASN of `root`'s subtree (everyone's without one): those whose approved IDP of the session's
    year names the course, then those below standard on the course's competencies, largest total
    shortfall first; never one nominated already or holding a verified record of the course."""
    course = await courses.get(session, course_session.course_id)
    codes = (await courses.competency_codes(session, [course.id])).get(course.id, [])
    year = course_session.ends_on.year
    candidates: Select[str] = select(Asn.nip).where(Asn.active.is_(true()))
    if root is not None:
        candidates = candidates.where(Asn.unit_id.in_(org_service.subtree_ids(root.id)))
    nominated = select(Nomination.nip).where(
        Nomination.session_id == course_session.id, Nomination.status != WITHDRAWN
    )
    of_course = (
        select(Nomination.record_id)
        .join(CourseSession, CourseSession.id == Nomination.session_id)
        .where(CourseSession.course_id == course.id, Nomination.record_id.is_not(None))
    )
    done = select(LearningRecord.nip).where(
        LearningRecord.status == VERIFIED,
        (LearningRecord.title_key == learning.title_key(course.title)) | LearningRecord.id.in_(of_course),
    )
    candidates = candidates.where(Asn.nip.not_in(nominated), Asn.nip.not_in(done))

    planned_rows = await session.execute(
        select(DevelopmentPlan.nip)
        .join(DevelopmentPlanItem, DevelopmentPlanItem.plan_id == DevelopmentPlan.id)
        .where(
            DevelopmentPlan.status == APPROVED,
            DevelopmentPlan.year == year,
            DevelopmentPlanItem.course_id == course.id,
            DevelopmentPlan.nip.in_(candidates),
        )
        .distinct()
    )
    planned = set(planned_rows.scalars())
    shortfall: dict[str, int] = {}
    below: dict[str, list[str]] = defaultdict(list)
    if codes:
        gap = CompetencyStanding.required_level - CompetencyStanding.actual_level
        is_below = (
            CompetencyStanding.competency_code.in_(codes),
            CompetencyStanding.active.is_(true()),
            CompetencyStanding.actual_level.is_not(None),
            CompetencyStanding.actual_level < CompetencyStanding.required_level,
        )
        ranked = await session.execute(
            select(CompetencyStanding.nip, func.sum(gap).label("shortfall"))
            .where(*is_below, CompetencyStanding.nip.in_(candidates))
            .group_by(CompetencyStanding.nip)
            .order_by(func.sum(gap).desc(), CompetencyStanding.nip)
            .limit(LIMIT)
        )
        shortfall = {nip: int(total) for nip, total in ranked}
        if planned:
            planned_gaps = await session.execute(
                select(CompetencyStanding.nip, func.sum(gap))
                .where(*is_below, CompetencyStanding.nip.in_(planned))
                .group_by(CompetencyStanding.nip)
            )
            shortfall |= {nip: int(total) for nip, total in planned_gaps}
    order = sorted(planned, key=lambda nip: (-shortfall.get(nip, 0), nip))
    order += [nip for nip in sorted(shortfall, key=lambda nip: (-shortfall[nip], nip)) if nip not in planned]
    order = order[:LIMIT]
    if not order:
        return SuggestionList(items=[])
    if codes:
        rows = await session.execute(
            select(CompetencyStanding.nip, CompetencyStanding.competency_code).where(
                *is_below, CompetencyStanding.nip.in_(order)
            )
        )
        for nip, code in rows:
            below[nip].append(code)
    people = {
        nip: (name, unit_id)
        for nip, name, unit_id in (
            await session.execute(select(Asn.nip, Asn.name, Asn.unit_id).where(Asn.nip.in_(order)))
        )
    }
    items = []
    for rank, nip in enumerate(order, start=1):
        reasons = []
        if nip in planned:
            reasons.append(
                str(localise(msg("Approved development plan {year} names this course", year=year)))
            )
        if shortfall.get(nip, 0) > 0:
            reasons.append(
                str(
                    localise(
                        msg(
                            "Below standard on {codes}: {shortfall} level(s) short",
                            codes=", ".join(sorted(below[nip], key=codes.index)),
                            shortfall=shortfall[nip],
                        )
                    )
                )
            )
        name, unit_id = people[nip]
        items.append(
            Suggestion(
                nip=nip,
                name=name,
                unit_id=unit_id,
                rank=rank,
                reasons=reasons,
                planned=nip in planned,
                shortfall=shortfall.get(nip, 0),
            )
        )
    return SuggestionList(items=items)
