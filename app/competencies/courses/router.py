from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from app.auth.dependencies import ANY_USER, allow
from app.competencies.courses import service as courses
from app.competencies.courses.schemas import (
    CourseCreate,
    CoursePage,
    CourseRead,
    CourseUpdate,
)
from app.competencies.models import Course
from app.core.concurrency import IfMatchHeader, check_if_match, etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.idempotency import Created, IdempotencyDep
from app.core.pagination import PageDep, paginate
from app.core.params import IdPath, IsoDate
from app.core.security import Principal, Role

router = APIRouter(tags=["courses"])

Reader = Annotated[Principal, Depends(allow(*ANY_USER, scope="reference:read"))]
Editor = Annotated[Principal, Depends(allow(Role.bpsdm_admin))]
CourseId = Annotated[IdPath, Path(description="Course id")]


@router.get(
    "/courses",
    response_model=CoursePage,
)
async def courses_list(
    session: SessionDep,
    _: Reader,
    page: PageDep,
    competency_code: Annotated[
        str | None, Query(max_length=20, description="Only courses developing this competency")
    ] = None,
    form_code: Annotated[
        str | None, Query(max_length=4, description="Only this learning form (/reference/learning_forms)")
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=100, description="Case-insensitive substring of title, code or organizer"),
    ] = None,
    active: Annotated[
        bool | None, Query(description="Only active (true) or inactive (false) courses")
    ] = None,
    starts_from: Annotated[
        IsoDate | None,
        Query(description="Only courses starting on or after this date (undated ones drop out)"),
    ] = None,
    starts_until: Annotated[
        IsoDate | None,
        Query(description="Only courses starting on or before this date (undated ones drop out)"),
    ] = None,
) -> CoursePage:
    """List the catalogue of learning activities, in creation order."""
    stmt = courses.list_query(
        competency_code=competency_code,
        form_code=form_code,
        q=q,
        active=active,
        starts_from=starts_from,
        starts_until=starts_until,
    )
    rows, cursor, total = await paginate(session, stmt, [Course.id], page)
    return CoursePage(items=await courses.read_many(session, rows), next_cursor=cursor, total=total)


@router.post(
    "/courses",
    status_code=201,
    response_model=CourseRead,
    responses=problem_responses(409),
)
async def courses_create(
    body: CourseCreate, session: SessionDep, principal: Editor, idem: IdempotencyDep
) -> Response:
    """Add a course to the catalogue."""

    async def create() -> Created:
        course = await courses.create(session, principal, body)
        read = await courses.read_one(session, course)
        return Created(read, f"/api/v1/courses/{course.id}", version=course.version)

    return await idem.once(create)


@router.get(
    "/courses/{course_id}",
    response_model=CourseRead,
    responses=problem_responses(404),
)
async def courses_get(course_id: CourseId, session: SessionDep, _: Reader, response: Response) -> CourseRead:
    """Get one course of the catalogue."""
    course = await courses.get(session, course_id)
    response.headers["ETag"] = etag(course.version)
    return await courses.read_one(session, course)


@router.patch(
    "/courses/{course_id}",
    response_model=CourseRead,
    responses=problem_responses(404, 409),
)
async def courses_update(
    course_id: CourseId,
    body: CourseUpdate,
    session: SessionDep,
    principal: Editor,
    response: Response,
    if_match: IfMatchHeader = None,
) -> CourseRead:
    """Update a course; `competency_codes`, when given, replaces the list."""
    course = await courses.get(session, course_id)
    check_if_match(if_match, course.version)
    course = await courses.update(session, principal, course, body)
    response.headers["ETag"] = etag(course.version)
    return await courses.read_one(session, course)
