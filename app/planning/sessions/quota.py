"""Nominating ASN for a session within its quota and the OPDs' unit quotas, also under concurrency.

Every writer that adds a seat takes the session's row lock first (`service.lock`) and counts the seats
after it, in the same transaction: two OPD admins nominating at the same instant are served one
after the other, so the second counts the first's seats. A unit quota reserves seats for its OPD:
that OPD never holds more than it, and OPDs without one share what is left (quota − Σ unit quotas).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn import service as asn_service
from app.asn.models import Asn
from app.core import audit
from app.core.errors import Conflict
from app.core.i18n import localise, msg
from app.core.security import Principal
from app.core.types import utcnow
from app.org.models import Unit
from app.planning.models import NOMINATED, WITHDRAWN, CourseSession, Nomination
from app.planning.sessions import service
from app.planning.sessions.schemas import NominationResult, NominationsResult

MAX_NIPS = 500


class SessionClosed(Conflict):
    code = "session_closed"


class AsnInactive(Conflict):
    code = "asn_inactive"


class AlreadyNominated(Conflict):
    code = "already_nominated"


class QuotaFull(Conflict):
    code = "quota_full"


class UnitQuotaFull(Conflict):
    code = "unit_quota_full"


def refuse_closed(course_session: CourseSession) -> None:
    if course_session.cancelled:
        raise SessionClosed(
            msg("Session {session_id} is cancelled", session_id=course_session.id),
            session_id=course_session.id,
        )
    if not service.is_open(course_session):
        raise SessionClosed(
            msg(
                "Session {session_id} started on {starts_on}; nominations closed the day before",
                session_id=course_session.id,
                starts_on=course_session.starts_on.isoformat(),
            ),
            session_id=course_session.id,
        )


def _refused(nip: str, code: str, detail: str) -> NominationResult:
    return NominationResult(nip=nip, status="refused", code=code, detail=str(localise(detail)))


async def nominate(
    session: AsyncSession, principal: Principal, session_id: int, nips: list[str]
) -> NominationsResult:
    """Nominate each NIP in order while seats remain; a NIP refused is reported, the others go ahead."""
    course_session = await service.lock(session, session_id)
    refuse_closed(course_session)
    wanted = list(dict.fromkeys(nips))[:MAX_NIPS]
    condition = asn_service.scope_condition(principal)
    stmt = (
        select(Asn.nip, Asn.active, Unit.path).join(Unit, Unit.id == Asn.unit_id).where(Asn.nip.in_(wanted))
    )
    if condition is not None:
        stmt = stmt.where(condition)
    found = {nip: (active, path) for nip, active, path in (await session.execute(stmt))}
    existing = {
        n.nip: n
        for n in (
            await session.execute(
                select(Nomination)
                .where(Nomination.session_id == session_id, Nomination.nip.in_(list(found)))
                .execution_options(populate_existing=True)
            )
        ).scalars()
    }
    quotas = await service.unit_quotas(session, session_id)
    taken = dict((await service.seats_taken(session, [session_id])).get(session_id, {}))
    total = sum(taken.values())
    open_seats = course_session.quota - sum(quotas.values())
    open_taken = sum(n for unit_id, n in taken.items() if unit_id not in quotas)
    now = utcnow()
    results: list[NominationResult] = []
    made: list[Nomination] = []
    for nip in wanted:
        if nip not in found:
            results.append(
                _refused(
                    nip,
                    asn_service.AsnNotFound.code,
                    msg("No ASN with NIP {nip} in your scope", nip=nip[:18]),
                )
            )
            continue
        active, path = found[nip]
        previous = existing.get(nip)
        if previous is not None and previous.status != WITHDRAWN:
            results.append(
                _refused(
                    nip,
                    AlreadyNominated.code,
                    msg(
                        "{nip} is already nominated for this session ({status})",
                        nip=nip,
                        status=previous.status,
                    ),
                )
            )
            continue
        if not active:
            results.append(_refused(nip, AsnInactive.code, msg("{nip} is not an active ASN", nip=nip)))
            continue
        opd = service.opd_of(path)
        if opd in quotas and taken.get(opd, 0) >= quotas[opd]:
            results.append(
                _refused(
                    nip,
                    UnitQuotaFull.code,
                    msg(
                        "The {quota} seats reserved for OPD {unit_id} are taken",
                        quota=quotas[opd],
                        unit_id=opd,
                    ),
                )
            )
            continue
        if total >= course_session.quota or (opd not in quotas and open_taken >= open_seats):
            results.append(
                _refused(
                    nip,
                    QuotaFull.code,
                    msg("No seat is left for {nip}: the session's seats open to its OPD are taken", nip=nip),
                )
            )
            continue
        if previous is None:
            nomination = Nomination(session_id=session_id, nip=nip, status=NOMINATED)
            session.add(nomination)
        else:
            nomination = previous
            nomination.status = NOMINATED
            nomination.decided_by = nomination.decided_at = nomination.decision_note = None
        nomination.unit_id = opd
        nomination.nominated_by = principal.actor
        nomination.nominated_at = now
        made.append(nomination)
        results.append(NominationResult(nip=nip, status=NOMINATED))  # id once flushed
        taken[opd] = taken.get(opd, 0) + 1
        total += 1
        if opd not in quotas:
            open_taken += 1
    if not made:
        return NominationsResult(nominated=0, refused=len(results), results=results)
    await session.flush()
    ids = {n.nip: n.id for n in made}
    for result in results:
        if result.status == NOMINATED:
            result.nomination_id = ids[result.nip]
    audit.record(
        session,
        principal,
        "nominate",
        "course_session",
        session_id,
        after={
            "nominated": [{"nip": n.nip, "nomination_id": n.id, "unit_id": n.unit_id} for n in made],
            "refused": [{"nip": r.nip[:18], "code": r.code} for r in results if r.status != NOMINATED],
        },
    )
    return NominationsResult(nominated=len(made), refused=len(results) - len(made), results=results)
