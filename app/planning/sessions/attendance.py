"""Attendance of a session: one verified learning record per accepted nominee who attended, exactly once.

Exactly once, also when the same list is sent twice at the same instant: the session's row lock
(`service.lock`) serialises creditors, and the nomination's `record_id` (unique) says it was credited.
The record carries `source` "session" and `external_id` "session-<id>", so the ledger's own
(source, external_id, nip) identity holds too: a record found there is linked, not made again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn import service as asn_service
from app.asn.models import Asn
from app.competencies.courses import service as courses
from app.competencies.models import Course
from app.core import audit
from app.core.errors import Conflict
from app.core.i18n import localise, msg
from app.core.security import Principal
from app.core.types import latest_indonesian_date, utcnow
from app.learning import service as learning
from app.learning.jp import record_jp
from app.learning.models import LIVE_STATUSES, LearningRecord
from app.planning.models import ACCEPTED, CourseSession, Nomination
from app.planning.sessions import service
from app.planning.sessions.quota import refuse_closed
from app.planning.sessions.schemas import AttendanceResult, NotCredited
from app.planning.sessions.service import CourseJpMissing
from app.rules import service as rules_service

SOURCE = "session"
DEFAULT_ORGANIZER = "BPSDM"


class SessionNotEnded(Conflict):
    code = "session_not_ended"


class NotNominated(Conflict):
    code = "not_nominated"


class NominationNotAccepted(Conflict):
    code = "nomination_not_accepted"


def external_id(course_session: CourseSession) -> str:
    return f"session-{course_session.id}"


@dataclass(frozen=True, slots=True)
class Refusal:
    """One NIP not credited, with the message as made (an import's report keeps it to show later in
    its reader's language)."""

    nip: str
    code: str
    reason: str


@dataclass(slots=True)
class Credit:
    credited: int
    already_credited: int
    refusals: list[Refusal]

    def answer(self) -> AttendanceResult:
        """The API's answer, in the caller's language."""
        return AttendanceResult(
            credited=self.credited,
            already_credited=self.already_credited,
            not_credited=[
                NotCredited(nip=r.nip, code=r.code, detail=str(localise(r.reason))) for r in self.refusals
            ],
        )


def _not_credited(nip: str, code: str, reason: str) -> Refusal:
    return Refusal(nip=nip[:18], code=code, reason=reason)


async def credit_attendance(
    session: AsyncSession, principal: Principal, course_session: CourseSession, nips: list[str]
) -> Credit:
    """Credit the accepted nominees among `nips` (an import of the session's attendance may call this).

    Takes the session's lock itself; `course_session` is read again under it. NIPs outside the
    caller's scope are reported as unknown.
    """
    course_session = await service.lock(session, course_session.id)
    if course_session.cancelled:
        refuse_closed(course_session)
    today = latest_indonesian_date()
    if course_session.ends_on > today:
        raise SessionNotEnded(
            msg(
                "Session {session_id} ends on {ends_on}; record its attendance from that day on",
                session_id=course_session.id,
                ends_on=course_session.ends_on.isoformat(),
            )
        )
    course = await courses.get(session, course_session.course_id)
    if course.jp is None:
        raise CourseJpMissing(
            msg(
                "Course {course_id} has no JP; set the course's jp, which attendance credits",
                course_id=course.id,
            )
        )
    wanted = list(dict.fromkeys(nips))
    condition = asn_service.scope_condition(principal)
    known_stmt = select(Asn.nip).where(Asn.nip.in_(wanted))
    if condition is not None:
        known_stmt = known_stmt.where(condition)
    known = set((await session.execute(known_stmt)).scalars())
    nominations = {
        n.nip: n
        for n in (
            await session.execute(
                select(Nomination)
                .where(Nomination.session_id == course_session.id, Nomination.nip.in_(list(known)))
                .execution_options(populate_existing=True)
            )
        ).scalars()
    }
    not_credited: list[Refusal] = []
    already = 0
    due: list[Nomination] = []
    for nip in wanted:
        nomination = nominations.get(nip)
        if nip not in known:
            not_credited.append(
                _not_credited(
                    nip,
                    asn_service.AsnNotFound.code,
                    msg("No ASN with NIP {nip} in your scope", nip=nip[:18]),
                )
            )
        elif nomination is None:
            not_credited.append(
                _not_credited(nip, NotNominated.code, msg("{nip} is not a nominee of this session", nip=nip))
            )
        elif nomination.status != ACCEPTED:
            not_credited.append(
                _not_credited(
                    nip,
                    NominationNotAccepted.code,
                    msg("{nip}'s nomination is {status}, not accepted", nip=nip, status=nomination.status),
                )
            )
        elif nomination.record_id is not None:
            already += 1
        else:
            due.append(nomination)
    credited = 0
    if due:
        credited, linked, duplicates = await _credit(session, principal, course_session, course, due)
        already += linked
        not_credited.extend(duplicates)
    return Credit(credited=credited, already_credited=already, refusals=not_credited)


async def _credit(
    session: AsyncSession,
    principal: Principal,
    course_session: CourseSession,
    course: Course,
    due: list[Nomination],
) -> tuple[int, int, list[Refusal]]:
    assert course.jp is not None
    await learning.lock_many(session, [n.nip for n in due])
    ext = external_id(course_session)
    r = LearningRecord
    # Records the ledger holds already under this session's identity (an import that credited them).
    found = dict(
        await learning.probe(
            session, (r.nip, r.id), (r.nip, r.source, r.external_id), [(n.nip, SOURCE, ext) for n in due]
        )
    )
    now = utcnow()
    linked = 0
    fresh: list[Nomination] = []
    for nomination in due:
        if nomination.nip in found:
            nomination.record_id, nomination.attended_at = found[nomination.nip], now
            linked += 1
        else:
            fresh.append(nomination)
    key = learning.title_key(course.title)
    same = {
        nip: rid
        for rid, nip in await learning.probe(
            session,
            (r.id, r.nip),
            (r.nip, r.title_key, r.start_date, r.end_date),
            [(n.nip, key, course_session.starts_on, course_session.ends_on) for n in fresh],
            r.status.in_(LIVE_STATUSES),
        )
    }
    duplicates = [
        _not_credited(
            n.nip,
            learning.PossibleDuplicate.code,
            msg(
                "Learning record {id} of this ASN has the same certificate number or the same title and dates",
                id=same[n.nip],
            ),
        )
        for n in fresh
        if n.nip in same
    ]
    fresh = [n for n in fresh if n.nip not in same]
    rules = await rules_service.rules_for_year(session, course_session.ends_on.year)
    jp = record_jp(
        rules,
        form_code=course.form_code,
        jp=course.jp,
        duration_minutes=None,
        start_date=course_session.starts_on,
        end_date=course_session.ends_on,
    )
    codes = (await courses.competency_codes(session, [course.id])).get(course.id, [])
    records = [
        learning.NewRecord(
            nip=n.nip,
            title=course.title,
            form_code=course.form_code,
            start_date=course_session.starts_on,
            end_date=course_session.ends_on,
            jp=jp,
            external_id=ext,
            organizer=course.organizer or DEFAULT_ORGANIZER,
            jp_claimed=course.jp,
            competency_codes=codes,
            note=f"Attendance of course session {course_session.id}",
            event_data={"session_id": course_session.id, "nomination_id": n.id},
        )
        for n in fresh
    ]
    ids = await learning.insert_verified(session, principal, SOURCE, records, now=now) if records else []
    for nomination, record_id in zip(fresh, ids, strict=True):
        nomination.record_id, nomination.attended_at = record_id, now
    await session.flush()
    if ids or linked:
        audit.record(
            session,
            principal,
            "attendance",
            "course_session",
            course_session.id,
            after={
                "credited": [{"nip": n.nip, "record_id": n.record_id} for n in fresh],
                "linked": linked,
            },
        )
    return len(ids), linked, duplicates
