"""The catalogue of learning activities and the competencies each develops."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.courses.schemas import CourseCreate, CourseRead, CourseUpdate
from app.competencies.models import Competency, Course, CourseCompetency
from app.competencies.standards.lookup import dictionary_order, require_codes
from app.core import audit
from app.core.errors import Conflict, NotFound, Unprocessable, refuse_nulls
from app.core.i18n import msg
from app.core.security import Principal
from app.core.types import round_jp, utcnow
from app.reference.forms import check_form_code

AUDIT_FIELDS = (
    "code",
    "title",
    "form_code",
    "jp",
    "organizer",
    "starts_on",
    "ends_on",
    "quota",
    "active",
)
NOT_NULL = ("code", "title", "form_code", "competency_codes", "active")


class CourseNotFound(NotFound):
    code = "course_not_found"


class CourseCodeExists(Conflict):
    code = "course_code_exists"


class InvalidCourseDates(Unprocessable):
    code = "invalid_dates"


# -- reading --------------------------------------------------------------------------------------


def list_query(
    *,
    competency_code: str | None,
    form_code: str | None,
    q: str | None,
    active: bool | None,
    starts_from: date | None,
    starts_until: date | None,
) -> Select[Any]:
    stmt = select(Course)
    if competency_code:
        stmt = stmt.where(
            Course.id.in_(
                select(CourseCompetency.course_id).where(
                    CourseCompetency.competency_code == competency_code.strip()
                )
            )
        )
    if form_code:
        stmt = stmt.where(Course.form_code == form_code.strip())
    if q and q.strip():
        needle = q.strip().lower()
        stmt = stmt.where(
            func.lower(Course.title).contains(needle, autoescape=True)
            | func.lower(Course.code).contains(needle, autoescape=True)
            | func.lower(func.coalesce(Course.organizer, "")).contains(needle, autoescape=True)
        )
    if active is not None:
        stmt = stmt.where(Course.active.is_(active))
    if starts_from is not None:
        stmt = stmt.where(Course.starts_on >= starts_from)
    if starts_until is not None:
        stmt = stmt.where(Course.starts_on <= starts_until)
    return stmt


async def get(session: AsyncSession, course_id: int) -> Course:
    course = await session.get(Course, course_id)
    if course is None:
        raise CourseNotFound(msg("No course with id {course_id}", course_id=course_id))
    return course


async def competency_codes(session: AsyncSession, course_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each course's competency codes, in dictionary order (one query for a whole page)."""
    out: dict[int, list[str]] = defaultdict(list)
    if not course_ids:
        return out
    rows = (
        await session.execute(
            select(CourseCompetency.course_id, CourseCompetency.competency_code, Competency.group)
            .join(Competency, Competency.code == CourseCompetency.competency_code)
            .where(CourseCompetency.course_id.in_(set(course_ids)))
        )
    ).all()
    for course_id, code, _group in sorted(rows, key=lambda r: dictionary_order(r[1], r[2])):
        out[course_id].append(code)
    return out


def to_read(course: Course, codes_of: dict[int, list[str]]) -> CourseRead:
    return CourseRead(
        id=course.id,
        code=course.code,
        title=course.title,
        form_code=course.form_code,
        jp=course.jp,
        competency_codes=list(codes_of.get(course.id, [])),
        organizer=course.organizer,
        starts_on=course.starts_on,
        ends_on=course.ends_on,
        quota=course.quota,
        active=course.active,
        updated_at=course.updated_at,
    )


async def read_many(session: AsyncSession, courses: Sequence[Course]) -> list[CourseRead]:
    codes_of = await competency_codes(session, [c.id for c in courses])
    return [to_read(c, codes_of) for c in courses]


async def read_one(session: AsyncSession, course: Course) -> CourseRead:
    return (await read_many(session, [course]))[0]


# -- writing --------------------------------------------------------------------------------------


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise InvalidCourseDates(
            msg(
                "ends_on {ends_on} is before starts_on {starts_on}",
                ends_on=ends_on.isoformat(),
                starts_on=starts_on.isoformat(),
            )
        )


async def _code_taken(session: AsyncSession, code: str, exclude_id: int | None = None) -> bool:
    stmt = select(Course.id).where(func.lower(Course.code) == code.lower())
    if exclude_id is not None:
        stmt = stmt.where(Course.id != exclude_id)
    return (await session.execute(stmt)).first() is not None


async def _flush(session: AsyncSession, code: str) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent request took the code between check and insert
        raise CourseCodeExists(msg("A course with code {code} exists", code=code)) from exc


async def _set_competencies(session: AsyncSession, course_id: int, wanted: list[str]) -> None:
    await session.execute(delete(CourseCompetency).where(CourseCompetency.course_id == course_id))
    if wanted:
        await session.execute(
            insert(CourseCompetency), [{"course_id": course_id, "competency_code": c} for c in wanted]
        )


def _snapshot(course: Course, competencies: list[str]) -> dict[str, Any]:
    return audit.snapshot(course, AUDIT_FIELDS) | {"competency_codes": sorted(competencies)}


async def create(session: AsyncSession, principal: Principal, data: CourseCreate) -> Course:
    check_form_code(data.form_code)
    _check_dates(data.starts_on, data.ends_on)
    await require_codes(session, data.competency_codes, field="competency_codes")
    if await _code_taken(session, data.code):
        raise CourseCodeExists(msg("A course with code {code} exists", code=data.code))
    fields = data.model_dump(exclude={"competency_codes"})
    fields["jp"] = None if data.jp is None else round_jp(data.jp)
    course = Course(**fields, updated_at=utcnow())
    session.add(course)
    await _flush(session, data.code)
    await _set_competencies(session, course.id, data.competency_codes)
    audit.record(
        session, principal, "create", "course", course.id, after=_snapshot(course, data.competency_codes)
    )
    return course


async def update(session: AsyncSession, principal: Principal, course: Course, data: CourseUpdate) -> Course:
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    refuse_nulls(changes, NOT_NULL)
    if "form_code" in changes:
        check_form_code(changes["form_code"])
    _check_dates(changes.get("starts_on", course.starts_on), changes.get("ends_on", course.ends_on))
    current = (await competency_codes(session, [course.id])).get(course.id, [])
    wanted: list[str] | None = changes.pop("competency_codes", None)
    if wanted is not None:
        await require_codes(session, wanted, field="competency_codes")
    if "code" in changes and await _code_taken(session, changes["code"], exclude_id=course.id):
        raise CourseCodeExists(msg("A course with code {code} exists", code=changes["code"]))
    if changes.get("jp") is not None:
        changes["jp"] = round_jp(changes["jp"])
    before = _snapshot(course, current)
    for field, value in changes.items():
        setattr(course, field, value)
    codes_changed = wanted is not None and set(wanted) != set(current)
    after = _snapshot(course, wanted if codes_changed and wanted is not None else current)
    if after == before:
        return course
    # The links live in another table: touching the row bumps the version, so the ETag moves too.
    course.updated_at = utcnow()
    await _flush(session, course.code)
    if codes_changed and wanted is not None:
        await _set_competencies(session, course.id, wanted)
    audit.record(session, principal, "update", "course", course.id, before=before, after=after)
    return course
