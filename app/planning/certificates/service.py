"""Certificates BPSDM issues to the credited participants of a session, and what anyone may check.

A participant is credited when attendance created a verified learning record for their nomination
(`nominations.record_id`); each credited nomination gets one certificate, once. A certificate is not
edited afterwards: voiding its learning record revokes it (the public check then says `valid: false`).
The learning record's own `certificate_number` is left as it is: records are an append-only ledger
changed only by transitions (app/learning/service.py), so the link is `certificates.record_id`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn import service as asn_service
from app.asn.models import Asn
from app.competencies.models import Course
from app.core import audit
from app.core.errors import Conflict, NotFound
from app.core.i18n import msg
from app.core.security import Principal
from app.core.types import WIT, round_jp
from app.learning.models import VERIFIED, LearningRecord
from app.planning.certificates import numbers
from app.planning.certificates.schemas import (
    ISSUER,
    CertificateRead,
    IssuedCertificate,
    IssueResult,
    PublicCertificate,
)
from app.planning.models import Certificate, CourseSession, Nomination

# Attempts at a fresh random part when a number is taken already (two course codes that read alike).
MAX_NUMBER_ATTEMPTS = 5


class CourseSessionNotFound(NotFound):
    code = "course_session_not_found"


class CertificateNotFound(NotFound):
    code = "certificate_not_found"


class CertificateRevoked(Conflict):
    code = "certificate_revoked"


def _session_not_found(session_id: int) -> CourseSessionNotFound:
    return CourseSessionNotFound(msg("No course session with id {session_id}", session_id=session_id))


def _certificate_not_found(number: str) -> CertificateNotFound:
    return CertificateNotFound(msg("No certificate with number {number}", number=number[:80]))


async def get_session(session: AsyncSession, session_id: int, *, lock: bool = False) -> CourseSession:
    """The session (404 when unknown); `lock` holds its row until commit, so that issuing for one
    session runs one at a time (on SQLite the write transaction already does)."""
    stmt = select(CourseSession).where(CourseSession.id == session_id)
    if lock:
        stmt = stmt.with_for_update()
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is None:
        raise _session_not_found(session_id)
    return found


# -- issuing --------------------------------------------------------------------------------------------


async def issue(session: AsyncSession, principal: Principal, session_id: int) -> IssueResult:
    """One certificate to each credited participant who has none yet, numbered on from the last."""
    course_session = await get_session(session, session_id, lock=True)
    course = await session.get(Course, course_session.course_id)
    if course is None:  # pragma: no cover - a foreign key
        raise _session_not_found(session_id)
    had, last = (
        await session.execute(
            select(func.count(), func.coalesce(func.max(Certificate.sequence), 0)).where(
                Certificate.session_id == session_id
            )
        )
    ).one()
    holders = select(Certificate.nomination_id).where(Certificate.session_id == session_id)
    due = (
        await session.execute(
            select(Nomination.id, Nomination.nip, Nomination.record_id, Asn.name)
            .join(LearningRecord, LearningRecord.id == Nomination.record_id)
            .join(Asn, Asn.nip == Nomination.nip)
            .where(
                Nomination.session_id == session_id,
                LearningRecord.status == VERIFIED,
                Nomination.id.not_in(holders),
            )
            .order_by(Asn.name, Nomination.nip)
        )
    ).all()
    if not due:
        return IssueResult(issued=[], already_issued=int(had))

    year = course_session.ends_on.year
    sequences = range(int(last) + 1, int(last) + 1 + len(due))
    chosen = await _free_numbers(
        session,
        [numbers.number(year, course.code, course_session.batch, seq, "") for seq in sequences],
    )
    certificates = [
        Certificate(
            number=number,
            session_id=session_id,
            sequence=sequence,
            nomination_id=nomination_id,
            nip=nip,
            record_id=record_id,
            issued_by=principal.actor,
        )
        for (nomination_id, nip, record_id, _), sequence, number in zip(due, sequences, chosen, strict=True)
    ]
    session.add_all(certificates)
    await session.flush()
    audit.record(
        session,
        principal,
        "issue",
        "certificate",
        session_id,
        after={"numbers": [c.number for c in certificates], "already_issued": int(had)},
    )
    return IssueResult(
        issued=[
            IssuedCertificate(number=c.number, nip=c.nip, name=name)
            for c, (_, _, _, name) in zip(certificates, due, strict=True)
        ],
        already_issued=int(had),
    )


async def _free_numbers(session: AsyncSession, stems: list[str]) -> list[str]:
    """Each stem (a number without its random part) completed with a random part no certificate has."""
    chosen = [stem + numbers.suffix() for stem in stems]
    for _ in range(MAX_NUMBER_ATTEMPTS):
        taken = set(
            (
                await session.execute(select(Certificate.number).where(Certificate.number.in_(chosen)))
            ).scalars()
        )
        repeated = {n for n in chosen if chosen.count(n) > 1}
        if not taken and not repeated:
            return chosen
        seen: set[str] = set()
        fresh = []
        for number in chosen:
            if number in taken or number in seen:
                number = number[: -numbers.SUFFIX_LENGTH] + numbers.suffix()
            seen.add(number)
            fresh.append(number)
        chosen = fresh
    raise RuntimeError("no free certificate number after several random parts")


# -- reading --------------------------------------------------------------------------------------------


def session_list_query(principal: Principal, session_id: int) -> Select[Certificate]:
    """A session's certificates the caller may see: an OPD admin only its own units' ASN."""
    stmt = select(Certificate).where(Certificate.session_id == session_id)
    condition = asn_service.scope_condition(principal)
    if condition is not None:
        stmt = stmt.where(Certificate.nip.in_(select(Asn.nip).where(condition)))
    return stmt


def asn_list_query(nip: str) -> Select[Certificate]:
    return select(Certificate).where(Certificate.nip == nip)


def _details() -> Select[Certificate, str, Course, CourseSession, Decimal, str]:
    return (
        select(Certificate, Asn.name, Course, CourseSession, LearningRecord.jp, LearningRecord.status)
        .join(Asn, Asn.nip == Certificate.nip)
        .join(CourseSession, CourseSession.id == Certificate.session_id)
        .join(Course, Course.id == CourseSession.course_id)
        .join(LearningRecord, LearningRecord.id == Certificate.record_id)
    )


def _read(row: Any) -> CertificateRead:
    certificate, name, course, course_session, jp, status = row
    return CertificateRead(
        number=certificate.number,
        session_id=certificate.session_id,
        sequence=certificate.sequence,
        nip=certificate.nip,
        name=name,
        course_id=course.id,
        course_code=course.code,
        course_title=course.title,
        batch=course_session.batch,
        starts_on=course_session.starts_on,
        ends_on=course_session.ends_on,
        jp=round_jp(jp),
        record_id=certificate.record_id,
        issued_by=certificate.issued_by,
        issued_at=certificate.issued_at,
        issued_on=certificate.issued_at.astimezone(WIT).date(),
        revoked=status != VERIFIED,
    )


async def read_many(session: AsyncSession, certificates: Sequence[Certificate]) -> list[CertificateRead]:
    """The certificates with their holder, course, session and JP, in the order given."""
    if not certificates:
        return []
    ids = [c.id for c in certificates]
    rows = (await session.execute(_details().where(Certificate.id.in_(ids)))).all()
    by_id = {row[0].id: _read(row) for row in rows}
    return [by_id[i] for i in ids]


async def for_holder(session: AsyncSession, principal: Principal, number: str) -> CertificateRead:
    """A certificate whose holder the caller may read (404 otherwise); a revoked one is refused (409)."""
    wanted = numbers.normalise(number)
    if wanted is None:
        raise _certificate_not_found(number)
    stmt = _details().where(Certificate.number == wanted)
    condition = asn_service.scope_condition(principal)
    if condition is not None:
        stmt = stmt.where(condition)
    row = (await session.execute(stmt)).one_or_none()
    if row is None:
        raise _certificate_not_found(number)
    read = _read(row)
    if read.revoked:
        raise CertificateRevoked(
            msg(
                "Certificate {number} was revoked: its learning record was voided",
                number=read.number,
            )
        )
    return read


async def public(session: AsyncSession, number: str) -> PublicCertificate:
    """What the public check shows of a certificate: name, course, dates, JP; 404 when unknown."""
    wanted = numbers.normalise(number)
    if wanted is None:
        raise _certificate_not_found(number)
    row = (await session.execute(_details().where(Certificate.number == wanted))).one_or_none()
    if row is None:
        raise _certificate_not_found(number)
    read = _read(row)
    return PublicCertificate(
        number=read.number,
        name=read.name,
        course_title=read.course_title,
        starts_on=read.starts_on,
        ends_on=read.ends_on,
        jp=read.jp,
        issued_on=read.issued_on,
        issuer=ISSUER,
        valid=not read.revoked,
        revoked=read.revoked,
    )
