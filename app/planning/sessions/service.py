"""Course sessions (angkatan): creating and changing them, their seats, and reading them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.courses import service as courses
from app.competencies.models import Course
from app.core import audit
from app.core.errors import Conflict, NotFound, Unprocessable, refuse_nulls
from app.core.i18n import msg
from app.core.locks import advisory_xact_lock
from app.core.security import Principal, Role
from app.core.types import latest_indonesian_date, utcnow
from app.org import service as org_service
from app.org.models import Unit
from app.planning.models import HOLDS_SEAT, CourseSession, CourseSessionUnitQuota, Nomination
from app.planning.sessions.schemas import (
    NominationRead,
    SessionCreate,
    SessionRead,
    SessionUpdate,
    UnitQuotaIn,
    UnitSeats,
)

AUDIT_FIELDS = ("course_id", "batch", "starts_on", "ends_on", "quota", "place", "online_url", "cancelled")
NOT_NULL = ("starts_on", "ends_on", "quota", "unit_quota", "cancelled")


class CourseSessionNotFound(NotFound):
    code = "course_session_not_found"


class CourseInactive(Unprocessable):
    code = "course_inactive"


class CourseJpMissing(Unprocessable):
    code = "course_jp_missing"


class InvalidSessionDates(Unprocessable):
    code = "invalid_session_dates"


class SessionPlaceRequired(Unprocessable):
    code = "session_place_required"


class InvalidUnitQuota(Unprocessable):
    code = "invalid_unit_quota"


class UnitQuotaExceedsQuota(Unprocessable):
    code = "unit_quota_exceeds_quota"


class QuotaBelowTaken(Conflict):
    code = "quota_below_taken"


class UnitQuotaBelowTaken(Conflict):
    code = "unit_quota_below_taken"


class SessionCredited(Conflict):
    code = "session_credited"


def opd_of(path: str) -> int:
    """The OPD of a unit: the top-level unit of its tree, the first id of its materialised path."""
    return int(path.strip("/").split("/")[0])


def is_open(course_session: CourseSession, today: date | None = None) -> bool:
    """Nominations are taken until the day before the session starts, unless it is cancelled."""
    return not course_session.cancelled and (today or latest_indonesian_date()) < course_session.starts_on


# -- loading --------------------------------------------------------------------------------------


async def get(session: AsyncSession, session_id: int) -> CourseSession:
    found = await session.get(CourseSession, session_id)
    if found is None:
        raise CourseSessionNotFound(msg("No course session with id {session_id}", session_id=session_id))
    return found


async def lock(session: AsyncSession, session_id: int) -> CourseSession:
    """The session row, locked until the transaction ends (PostgreSQL; SQLite writers are serialised
    already), and read afresh: every writer that counts seats takes it first, so no two count at once."""
    stmt = (
        select(CourseSession)
        .where(CourseSession.id == session_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is None:
        raise CourseSessionNotFound(msg("No course session with id {session_id}", session_id=session_id))
    return found


async def unit_quotas(session: AsyncSession, session_id: int) -> dict[int, int]:
    rows = await session.execute(
        select(CourseSessionUnitQuota.unit_id, CourseSessionUnitQuota.quota).where(
            CourseSessionUnitQuota.session_id == session_id
        )
    )
    return {unit_id: quota for unit_id, quota in rows}


async def seats_taken(session: AsyncSession, session_ids: Sequence[int]) -> dict[int, dict[int, int]]:
    """session id → OPD → nominations holding a seat."""
    out: dict[int, dict[int, int]] = defaultdict(dict)
    if not session_ids:
        return out
    rows = await session.execute(
        select(Nomination.session_id, Nomination.unit_id, func.count())
        .where(Nomination.session_id.in_(set(session_ids)), Nomination.status.in_(HOLDS_SEAT))
        .group_by(Nomination.session_id, Nomination.unit_id)
    )
    for session_id, unit_id, n in rows:
        out[session_id][unit_id] = n
    return out


# -- writing --------------------------------------------------------------------------------------


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise InvalidSessionDates(
            msg(
                "ends_on {ends_on} is before starts_on {starts_on}",
                ends_on=ends_on.isoformat(),
                starts_on=starts_on.isoformat(),
            )
        )


def _check_place(place: str | None, online_url: str | None) -> None:
    if not place and not online_url:
        raise SessionPlaceRequired("A session needs a place, an online_url, or both")


async def _check_unit_quotas(session: AsyncSession, wanted: list[UnitQuotaIn], quota: int) -> dict[int, int]:
    out: dict[int, int] = {}
    for item in wanted:
        if item.unit_id in out:
            raise InvalidUnitQuota(msg("unit_quota names unit {unit_id} twice", unit_id=item.unit_id))
        out[item.unit_id] = item.quota
    if out:
        rows = await session.execute(select(Unit.id, Unit.parent_id).where(Unit.id.in_(out)))
        top = {unit_id for unit_id, parent_id in rows if parent_id is None}
        for unit_id in out:
            if unit_id not in top:
                raise InvalidUnitQuota(
                    msg(
                        "unit_quota: unit {unit_id} is not an OPD (a top-level unit); seats are reserved "
                        "per OPD",
                        unit_id=unit_id,
                    )
                )
    _check_reserved(out, quota)
    return out


def _check_reserved(quotas: dict[int, int], quota: int) -> None:
    reserved = sum(quotas.values())
    if reserved > quota:
        raise UnitQuotaExceedsQuota(
            msg(
                "The unit quotas reserve {reserved} seats, more than the session's quota of {quota}",
                reserved=reserved,
                quota=quota,
            )
        )


def _snapshot(course_session: CourseSession, quotas: dict[int, int]) -> dict[str, Any]:
    return audit.snapshot(course_session, AUDIT_FIELDS) | {
        "unit_quota": [{"unit_id": u, "quota": q} for u, q in sorted(quotas.items())]
    }


async def _set_unit_quotas(session: AsyncSession, session_id: int, quotas: dict[int, int]) -> None:
    existing = (
        await session.execute(
            select(CourseSessionUnitQuota).where(CourseSessionUnitQuota.session_id == session_id)
        )
    ).scalars()
    for row in existing:
        if row.unit_id not in quotas:
            await session.delete(row)
        else:
            row.quota = quotas.pop(row.unit_id)
    for unit_id, quota in quotas.items():
        session.add(CourseSessionUnitQuota(session_id=session_id, unit_id=unit_id, quota=quota))
    await session.flush()


async def create(
    session: AsyncSession, principal: Principal, course_id: int, data: SessionCreate
) -> CourseSession:
    course = await courses.get(session, course_id)
    if not course.active:
        raise CourseInactive(
            msg("Course {course_id} is inactive; activate it before scheduling sessions", course_id=course_id)
        )
    if course.jp is None:
        raise CourseJpMissing(
            msg(
                "Course {course_id} has no JP; set the course's jp, which attendance credits",
                course_id=course_id,
            )
        )
    _check_dates(data.starts_on, data.ends_on)
    _check_place(data.place, data.online_url)
    quotas = await _check_unit_quotas(session, data.unit_quota, data.quota)
    # Two sessions created at once for one course would both take the same next batch number.
    await advisory_xact_lock(session, f"course_sessions:{course_id}")
    last = await session.scalar(
        select(func.max(CourseSession.batch)).where(CourseSession.course_id == course_id)
    )
    course_session = CourseSession(
        course_id=course_id,
        batch=(last or 0) + 1,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        quota=data.quota,
        place=data.place,
        online_url=data.online_url,
        cancelled=False,
        created_by=principal.actor,
    )
    session.add(course_session)
    await session.flush()
    await _set_unit_quotas(session, course_session.id, dict(quotas))
    audit.record(
        session,
        principal,
        "create",
        "course_session",
        course_session.id,
        after=_snapshot(course_session, quotas),
    )
    return course_session


async def update(
    session: AsyncSession, principal: Principal, course_session: CourseSession, data: SessionUpdate
) -> CourseSession:
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    refuse_nulls(changes, NOT_NULL)
    starts_on = changes.get("starts_on", course_session.starts_on)
    ends_on = changes.get("ends_on", course_session.ends_on)
    _check_dates(starts_on, ends_on)
    _check_place(
        changes.get("place", course_session.place), changes.get("online_url", course_session.online_url)
    )
    current = await unit_quotas(session, course_session.id)
    quota = changes.pop("quota", course_session.quota)
    if changes.pop("unit_quota", None) is not None and data.unit_quota is not None:
        wanted = await _check_unit_quotas(session, data.unit_quota, quota)
    else:
        wanted = dict(current)
        _check_reserved(wanted, quota)
    changes["quota"] = quota
    dates_change = (starts_on, ends_on) != (course_session.starts_on, course_session.ends_on)
    if dates_change and await _credited(session, course_session.id):
        raise SessionCredited("Attendance of this session has been credited; its dates can no longer change")
    taken = (await seats_taken(session, [course_session.id])).get(course_session.id, {})
    _check_seats(quota, wanted, taken)
    before = _snapshot(course_session, current)
    for field, value in changes.items():
        setattr(course_session, field, value)
    after = _snapshot(course_session, wanted)
    if after == before:
        return course_session
    # The unit quotas live in another table: touching the row bumps the version, so the ETag moves too.
    course_session.updated_at = utcnow()
    await session.flush()
    if wanted != current:
        await _set_unit_quotas(session, course_session.id, dict(wanted))
    audit.record(
        session, principal, "update", "course_session", course_session.id, before=before, after=after
    )
    return course_session


def _check_seats(quota: int, quotas: dict[int, int], taken: dict[int, int]) -> None:
    total = sum(taken.values())
    if quota < total:
        raise QuotaBelowTaken(
            msg(
                "{taken} seats are taken; the quota cannot go below that (decline or withdraw nominations first)",
                taken=total,
            )
        )
    for unit_id, unit_quota in quotas.items():
        if unit_quota < taken.get(unit_id, 0):
            raise UnitQuotaBelowTaken(
                msg(
                    "Unit {unit_id} holds {taken} seats; its quota cannot go below that",
                    unit_id=unit_id,
                    taken=taken.get(unit_id, 0),
                )
            )
    open_seats = quota - sum(quotas.values())
    open_taken = sum(n for unit_id, n in taken.items() if unit_id not in quotas)
    if open_seats < open_taken:
        raise QuotaBelowTaken(
            msg(
                "OPDs without a unit quota hold {taken} seats, but only {open} would be left unreserved",
                taken=open_taken,
                open=open_seats,
            )
        )


async def _credited(session: AsyncSession, session_id: int) -> bool:
    found = await session.execute(
        select(Nomination.id)
        .where(Nomination.session_id == session_id, Nomination.record_id.is_not(None))
        .limit(1)
    )
    return found.first() is not None


# -- reading --------------------------------------------------------------------------------------


def course_query(course_id: int) -> Select[CourseSession]:
    return select(CourseSession).where(CourseSession.course_id == course_id)


def calendar_query(
    starts_from: date | None, until: date | None, course_id: int | None
) -> Select[CourseSession]:
    """Sessions running on any day of [from, to]: starting on or before `to`, ending on or after `from`."""
    stmt = select(CourseSession)
    if until is not None:
        stmt = stmt.where(CourseSession.starts_on <= until)
    if starts_from is not None:
        stmt = stmt.where(CourseSession.ends_on >= starts_from)
    if course_id is not None:
        stmt = stmt.where(CourseSession.course_id == course_id)
    return stmt


async def read_many(session: AsyncSession, rows: Sequence[CourseSession]) -> list[SessionRead]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    course_rows = await session.execute(
        select(Course.id, Course.code, Course.title).where(Course.id.in_({r.course_id for r in rows}))
    )
    course_of = {cid: (code, title) for cid, code, title in course_rows}
    quota_rows = await session.execute(
        select(
            CourseSessionUnitQuota.session_id,
            CourseSessionUnitQuota.unit_id,
            CourseSessionUnitQuota.quota,
            Unit.name,
        )
        .join(Unit, Unit.id == CourseSessionUnitQuota.unit_id)
        .where(CourseSessionUnitQuota.session_id.in_(ids))
        .order_by(CourseSessionUnitQuota.session_id, Unit.name, Unit.id)
    )
    quotas: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for session_id, unit_id, quota, name in quota_rows:
        quotas[session_id].append((unit_id, quota, name))
    taken = await seats_taken(session, ids)
    today = latest_indonesian_date()
    out = []
    for r in rows:
        code, title = course_of[r.course_id]
        held = taken.get(r.id, {})
        total = sum(held.values())
        out.append(
            SessionRead(
                id=r.id,
                course_id=r.course_id,
                course_code=code,
                course_title=title,
                batch=r.batch,
                starts_on=r.starts_on,
                ends_on=r.ends_on,
                quota=r.quota,
                taken=total,
                available=max(r.quota - total, 0),
                unit_quota=[
                    UnitSeats(unit_id=u, unit_name=name, quota=q, taken=held.get(u, 0))
                    for u, q, name in quotas.get(r.id, [])
                ],
                place=r.place,
                online_url=r.online_url,
                cancelled=r.cancelled,
                nominations_open=is_open(r, today),
                created_by=r.created_by,
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
        )
    return out


async def read_one(session: AsyncSession, principal: Principal, course_session: CourseSession) -> SessionRead:
    read = (await read_many(session, [course_session]))[0]
    if principal.role is Role.opd_admin or principal.role is Role.asn:
        stmt = nominations_query(principal, course_session.id, None)
        rows = list((await session.execute(stmt.order_by(Nomination.id).limit(1000))).scalars())
        read.nominations = await nomination_reads(session, rows)
    return read


def nominations_query(principal: Principal, session_id: int, status: str | None) -> Select[Nomination]:
    """The session's nominations the caller reaches: an OPD admin's, of the ASN now in its units; an
    ASN's own; everything for BPSDM and auditors."""
    stmt = select(Nomination).where(Nomination.session_id == session_id)
    if status is not None:
        stmt = stmt.where(Nomination.status == status)
    if principal.role is Role.asn:
        return stmt.where(Nomination.nip == (principal.nip or ""))
    condition = org_service.unit_scope_condition(principal, Asn.unit_id)
    if condition is not None:
        stmt = stmt.where(Nomination.nip.in_(select(Asn.nip).where(condition)))
    return stmt


async def nomination_reads(session: AsyncSession, rows: Sequence[Nomination]) -> list[NominationRead]:
    if not rows:
        return []
    found = await session.execute(select(Asn.nip, Asn.name).where(Asn.nip.in_({r.nip for r in rows})))
    names = {nip: name for nip, name in found}
    return [
        NominationRead(
            id=r.id,
            session_id=r.session_id,
            nip=r.nip,
            name=names.get(r.nip, ""),
            unit_id=r.unit_id,
            status=r.status,
            nominated_by=r.nominated_by,
            nominated_at=r.nominated_at,
            decided_by=r.decided_by,
            decided_at=r.decided_at,
            decision_note=r.decision_note,
            record_id=r.record_id,
            attended_at=r.attended_at,
        )
        for r in rows
    ]
