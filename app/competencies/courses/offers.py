"""Catalogue courses on offer for competencies: what a development plan proposes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.courses import service as courses
from app.competencies.courses.schemas import CourseRead
from app.competencies.models import Course, CourseCompetency

COURSES_PER_COMPETENCY = 5


async def offered_courses(
    session: AsyncSession, competency_codes: list[str], today: date
) -> dict[str, list[CourseRead]]:
    """Per competency, up to 5 active courses not ended before `today`, soonest start first (undated last)."""
    if not competency_codes:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=CourseCompetency.competency_code,
            order_by=(Course.starts_on.is_(None), Course.starts_on, Course.id),
        )
        .label("rank")
    )
    ranked = (
        select(CourseCompetency.competency_code, CourseCompetency.course_id, rank)
        .join(Course, Course.id == CourseCompetency.course_id)
        .where(
            CourseCompetency.competency_code.in_(competency_codes),
            Course.active.is_(True),
            or_(Course.ends_on.is_(None), Course.ends_on >= today),
        )
        .subquery()
    )
    picked = (
        await session.execute(
            select(ranked.c.competency_code, ranked.c.course_id)
            .where(ranked.c.rank <= COURSES_PER_COMPETENCY)
            .order_by(ranked.c.competency_code, ranked.c.rank)
        )
    ).all()
    ids = {course_id for _, course_id in picked}
    rows = (await session.execute(select(Course).where(Course.id.in_(ids)))).scalars().all() if ids else []
    read = {c.id: c for c in await courses.read_many(session, rows)}
    out: dict[str, list[CourseRead]] = defaultdict(list)
    for code, course_id in picked:
        out[code].append(read[course_id])
    return out
