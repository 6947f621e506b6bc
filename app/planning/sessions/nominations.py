"""A nomination's life after it is proposed: BPSDM accepts or declines it, the OPD may withdraw it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn import service as asn_service
from app.asn.models import Asn
from app.competencies.courses import service as courses
from app.core import audit
from app.core.errors import Conflict, NotFound
from app.core.i18n import msg
from app.core.security import Principal
from app.core.types import utcnow
from app.planning.models import ACCEPTED, DECLINED, NOMINATED, WITHDRAWN, Nomination
from app.planning.sessions import notify, service
from app.planning.sessions.quota import refuse_closed

AUDIT_FIELDS = ("session_id", "nip", "unit_id", "status", "decided_by", "decision_note")


class NominationNotFound(NotFound):
    code = "nomination_not_found"


class NominationNotPending(Conflict):
    code = "nomination_not_pending"


class NominationNotWithdrawable(Conflict):
    code = "nomination_not_withdrawable"


async def get_in_scope(session: AsyncSession, principal: Principal, nomination_id: int) -> Nomination:
    """The nomination, locked (PostgreSQL) and read afresh; 404 unless its ASN is in the caller's scope."""
    stmt = (
        select(Nomination)
        .where(Nomination.id == nomination_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    condition = asn_service.scope_condition(principal)
    if condition is not None:
        stmt = stmt.where(Nomination.nip.in_(select(Asn.nip).where(condition)))
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is None:
        raise NominationNotFound(
            msg("No nomination with id {nomination_id} in your scope", nomination_id=nomination_id)
        )
    return found


def _snapshot(nomination: Nomination) -> dict[str, Any]:
    return audit.snapshot(nomination, AUDIT_FIELDS)


async def decide(
    session: AsyncSession, principal: Principal, nomination: Nomination, decision: str, note: str | None
) -> Nomination:
    """nominated → accepted | declined; a declined seat is free again. The nominee is told."""
    if nomination.status != NOMINATED:
        raise NominationNotPending(
            msg("Only a pending nomination can be decided; this one is {status}", status=nomination.status)
        )
    course_session = await service.get(session, nomination.session_id)
    if course_session.cancelled:
        refuse_closed(course_session)
    before = _snapshot(nomination)
    nomination.status = ACCEPTED if decision == "accept" else DECLINED
    nomination.decided_by, nomination.decided_at = principal.actor, utcnow()
    nomination.decision_note = note or None
    await session.flush()
    audit.record(
        session, principal, "decide", "nomination", nomination.id, before=before, after=_snapshot(nomination)
    )
    course = await courses.get(session, course_session.course_id)
    await notify.nomination_decided(session, nomination, course_session, course)
    return nomination


async def withdraw(
    session: AsyncSession, principal: Principal, nomination: Nomination, note: str | None
) -> Nomination:
    """nominated | accepted → withdrawn, before the session starts; the seat is free again."""
    if nomination.status not in (NOMINATED, ACCEPTED):
        raise NominationNotWithdrawable(
            msg("A {status} nomination cannot be withdrawn", status=nomination.status)
        )
    course_session = await service.get(session, nomination.session_id)
    refuse_closed(course_session)
    before = _snapshot(nomination)
    nomination.status = WITHDRAWN
    nomination.decided_by, nomination.decided_at = principal.actor, utcnow()
    nomination.decision_note = note or None
    await session.flush()
    audit.record(
        session,
        principal,
        "withdraw",
        "nomination",
        nomination.id,
        before=before,
        after=_snapshot(nomination),
    )
    return nomination
