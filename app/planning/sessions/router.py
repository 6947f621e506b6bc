"""Course sessions (angkatan), nominations and attendance."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Response
from fastapi.responses import JSONResponse

from app.auth.dependencies import ANY_USER, allow
from app.competencies.courses import service as courses
from app.core.concurrency import IfMatchHeader, check_if_match, etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.idempotency import Created, IdempotencyDep
from app.core.pagination import PageDep, paginate
from app.core.params import BigIdPath, IdPath, IsoDate
from app.core.security import Principal, Role
from app.org import service as org_service
from app.planning.models import CourseSession, Nomination
from app.planning.sessions import attendance, nominations, quota, service, suggestions
from app.planning.sessions.schemas import (
    AttendanceBody,
    AttendanceResult,
    DecisionBody,
    NominationPage,
    NominationRead,
    NominationsCreate,
    NominationsResult,
    SessionCreate,
    SessionPage,
    SessionRead,
    SessionUpdate,
    SuggestionList,
    WithdrawBody,
)

router = APIRouter(tags=["sessions"])

Reader = Annotated[Principal, Depends(allow(*ANY_USER, scope="reference:read"))]
Bpsdm = Annotated[Principal, Depends(allow(Role.bpsdm_admin))]
Nominator = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin))]
NominationReader = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor))]
CourseId = Annotated[IdPath, Path(description="Course id")]
SessionId = Annotated[IdPath, Path(description="Course session id")]
NominationId = Annotated[BigIdPath, Path(description="Nomination id")]


@router.get(
    "/courses/{course_id}/sessions",
    response_model=SessionPage,
    responses=problem_responses(404),
)
async def course_sessions_list(
    course_id: CourseId, session: SessionDep, _: Reader, page: PageDep
) -> SessionPage:
    """A course's sessions (angkatan), in batch order, with their seats."""
    # The cursor is judged first: a forged one is 422 `invalid_cursor` whatever the course.
    stmt = service.course_query(course_id)
    rows, cursor, total = await paginate(session, stmt, [CourseSession.batch, CourseSession.id], page)
    await courses.get(session, course_id)
    return SessionPage(items=await service.read_many(session, rows), next_cursor=cursor, total=total)


@router.post(
    "/courses/{course_id}/sessions",
    status_code=201,
    response_model=SessionRead,
    responses=problem_responses(404, 422),
)
async def course_sessions_create(
    course_id: CourseId, body: SessionCreate, session: SessionDep, principal: Bpsdm, idem: IdempotencyDep
) -> Response:
    """Schedule a session (angkatan) of a course: dates, quota, seats reserved per OPD, place or link."""

    async def create() -> Created:
        course_session = await service.create(session, principal, course_id, body)
        read = await service.read_one(session, principal, course_session)
        return Created(read, f"/api/v1/course-sessions/{course_session.id}", version=course_session.version)

    return await idem.once(create)


@router.get("/course-sessions", response_model=SessionPage, responses=problem_responses(422))
async def course_sessions_calendar(
    session: SessionDep,
    _: Reader,
    page: PageDep,
    starts_from: Annotated[
        IsoDate | None, Query(alias="from", description="Sessions running on or after this day")
    ] = None,
    until: Annotated[
        IsoDate | None, Query(alias="to", description="Sessions running on or before this day")
    ] = None,
    course_id: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="Only this course's sessions")
    ] = None,
) -> SessionPage:
    """The calendar: every course's sessions running in a period, by start date."""
    stmt = service.calendar_query(starts_from, until, course_id)
    rows, cursor, total = await paginate(session, stmt, [CourseSession.starts_on, CourseSession.id], page)
    return SessionPage(items=await service.read_many(session, rows), next_cursor=cursor, total=total)


@router.get(
    "/course-sessions/{session_id}",
    response_model=SessionRead,
    responses=problem_responses(404),
)
async def course_sessions_get(
    session_id: SessionId, session: SessionDep, principal: Reader, response: Response
) -> SessionRead:
    """One session with its seats (and an OPD admin's own nominees, an ASN's own nomination)."""
    course_session = await service.get(session, session_id)
    response.headers["ETag"] = etag(course_session.version)
    return await service.read_one(session, principal, course_session)


@router.patch(
    "/course-sessions/{session_id}",
    response_model=SessionRead,
    responses=problem_responses(404, 409, 422),
)
async def course_sessions_update(
    session_id: SessionId,
    body: SessionUpdate,
    session: SessionDep,
    principal: Bpsdm,
    response: Response,
    if_match: IfMatchHeader = None,
) -> SessionRead:
    """Change a session's dates, quota, unit quotas, place or link, or cancel it."""
    course_session = await service.lock(session, session_id)
    check_if_match(if_match, course_session.version)
    course_session = await service.update(session, principal, course_session, body)
    response.headers["ETag"] = etag(course_session.version)
    return await service.read_one(session, principal, course_session)


@router.post(
    "/course-sessions/{session_id}/nominations",
    response_model=NominationsResult,
    responses=problem_responses(404, 409),
)
async def nominations_create(
    session_id: SessionId,
    body: NominationsCreate,
    session: SessionDep,
    principal: Nominator,
    idem: IdempotencyDep,
) -> JSONResponse:
    """Nominate ASN of the caller's units for a session: a result per NIP, never beyond the seats."""
    if (replay := await idem.replay()) is not None:
        return replay
    result = await quota.nominate(session, principal, session_id, body.nips)
    return await idem.respond(200, result, {})


@router.get(
    "/course-sessions/{session_id}/nominations",
    response_model=NominationPage,
    responses=problem_responses(404),
)
async def nominations_list(
    session_id: SessionId,
    session: SessionDep,
    principal: NominationReader,
    page: PageDep,
    status: Annotated[
        Literal["nominated", "accepted", "declined", "withdrawn"] | None,
        Query(description="Only nominations in this state"),
    ] = None,
) -> NominationPage:
    """A session's nominations in the caller's units (all for BPSDM), by OPD, then in the order made."""
    # The cursor is judged first: a forged one is 422 `invalid_cursor` whatever the session.
    stmt = service.nominations_query(principal, session_id, status)
    rows, cursor, total = await paginate(session, stmt, [Nomination.unit_id, Nomination.id], page)
    await service.get(session, session_id)
    return NominationPage(
        items=await service.nomination_reads(session, rows), next_cursor=cursor, total=total
    )


@router.get(
    "/course-sessions/{session_id}/suggestions",
    response_model=SuggestionList,
    responses=problem_responses(404),
)
async def course_sessions_suggestions(
    session_id: SessionId,
    session: SessionDep,
    principal: Nominator,
    unit_id: Annotated[
        int | None,
        Query(ge=1, le=2**31 - 1, description="This unit and its descendants (default: all in reach)"),
    ] = None,
) -> SuggestionList:
    """Whom to nominate: ASN planned for the course, then the largest shortfalls on its competencies."""
    course_session = await service.get(session, session_id)
    root = await org_service.unit_in_reach(session, principal, unit_id)
    return await suggestions.suggest(session, course_session, root)


@router.post(
    "/course-sessions/{session_id}/attendance",
    response_model=AttendanceResult,
    responses=problem_responses(404, 409, 422),
)
async def course_sessions_attendance(
    session_id: SessionId, body: AttendanceBody, session: SessionDep, principal: Bpsdm
) -> AttendanceResult:
    """Credit the accepted nominees who attended: one verified learning record each, exactly once."""
    course_session = await service.get(session, session_id)
    return (await attendance.credit_attendance(session, principal, course_session, body.nips)).answer()


@router.post(
    "/nominations/{nomination_id}/decision",
    response_model=NominationRead,
    responses=problem_responses(404, 409),
)
async def nominations_decide(
    nomination_id: NominationId, body: DecisionBody, session: SessionDep, principal: Bpsdm
) -> NominationRead:
    """Accept or decline a pending nomination; the nominee is told."""
    nomination = await nominations.get_in_scope(session, principal, nomination_id)
    nomination = await nominations.decide(session, principal, nomination, body.decision, body.note)
    return (await service.nomination_reads(session, [nomination]))[0]


@router.post(
    "/nominations/{nomination_id}/withdraw",
    response_model=NominationRead,
    responses=problem_responses(404, 409),
)
async def nominations_withdraw(
    nomination_id: NominationId,
    session: SessionDep,
    principal: Nominator,
    body: Annotated[WithdrawBody | None, Body()] = None,
) -> NominationRead:
    """Withdraw a nomination before the session starts; its seat is free again."""
    nomination = await nominations.get_in_scope(session, principal, nomination_id)
    nomination = await nominations.withdraw(session, principal, nomination, body.note if body else None)
    return (await service.nomination_reads(session, [nomination]))[0]
