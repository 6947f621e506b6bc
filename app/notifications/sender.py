"""The email sender: claims due deliveries, sends them through SMTP, records each outcome.

A pass claims up to a batch of due deliveries in one short transaction (PostgreSQL: `FOR UPDATE SKIP
LOCKED`, so several senders share the work; SQLite has one writer at a time): each becomes `sending`
with a lease and one more attempt. Each message is then sent and its `sent` committed at once, before
the next. A failure sends it back to `queued` with the next attempt after an exponential, capped
backoff, or to `failed` when its attempts are spent (or the server refused it for good).

A sender that dies between the server's acceptance and that commit leaves the delivery `sending`; once
its lease runs out another pass claims it and sends it again. That is the one way a message can go out
twice, and both copies carry the Message-ID chosen when it was queued, so mail systems can drop the
second. Nothing is ever lost: a delivery stays queued until a server accepted it or it failed for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.core.db import is_postgres
from app.core.types import utcnow
from app.notifications import smtp
from app.notifications.models import (
    FAILED,
    QUEUED,
    SENDING,
    SENT,
    Notification,
    NotificationDelivery,
    NotificationPreference,
)

log = logging.getLogger("bangkom.notifications")

# Test-only fault hook (tests/notifications/test_killed_sender.py): set to "1", the process kills itself
# with SIGKILL right after the SMTP server accepted a message and before `sent` is committed, as a crash
# at the worst moment would. Inert unless set; never set it in production.
KILL_AFTER_SEND = "BANGKOM_TEST_KILL_AFTER_SEND"
_MAX_ERROR = 1000
_GAVE_UP_SENDING = "The sender stopped while sending (the message may have gone out); no attempts were left"


@dataclass
class SendResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0  # failed this time, queued for a later attempt
    failed: int = 0  # given up

    def __add__(self, other: SendResult) -> SendResult:
        return SendResult(
            self.claimed + other.claimed,
            self.sent + other.sent,
            self.retried + other.retried,
            self.failed + other.failed,
        )


@dataclass(frozen=True, slots=True)
class _Claim:
    id: int
    attempts: int
    lease_until: datetime
    mail: smtp.Mail


Sessions = async_sessionmaker[AsyncSession]


def backoff(settings: Settings, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: base × 2^(attempts-1), at most the cap."""
    seconds = settings.notify_backoff_base_s * 2 ** min(max(attempts - 1, 0), 30)
    return timedelta(seconds=min(seconds, settings.notify_backoff_max_s))


async def send_due(
    sessions: Sessions, settings: Settings, *, limit: int | None = None, now: datetime | None = None
) -> SendResult:
    """One pass: claim up to `limit` due deliveries (settings.notify_batch) and send them.

    Without an SMTP host nothing is claimed: deliveries wait. `now` fixes the clock (tests).
    """
    if not settings.smtp_host:
        return SendResult()

    def clock() -> datetime:
        return now if now is not None else utcnow()

    claims = await _claim(sessions, settings, limit or settings.notify_batch, clock())
    result = SendResult(claimed=len(claims))
    if not claims:
        return result
    try:
        client = await asyncio.to_thread(smtp.connect, settings)
    except OSError as exc:  # refused, unreachable, TLS or login failure (SMTPException is an OSError)
        log.warning("SMTP server %s:%s unavailable: %s", settings.smtp_host, settings.smtp_port, exc)
        for claim in claims:
            result += await _after_failure(sessions, settings, claim, exc, clock())
        return result
    try:
        for index, claim in enumerate(claims):
            if clock() + timedelta(seconds=settings.smtp_timeout_s) >= claim.lease_until:
                # Too little lease left to send and commit before another sender may take it over.
                await _release(sessions, claims[index:])
                break
            try:
                message = smtp.build(settings, claim.mail, clock())
            except ValueError as exc:  # an address or text no email header can carry: never sendable
                result += await _after_failure(sessions, settings, claim, exc, clock(), final=True)
                continue
            try:
                await asyncio.to_thread(client.send_message, message)
            except OSError as exc:
                result += await _after_failure(sessions, settings, claim, exc, clock())
                if smtp.breaks_connection(exc):
                    await _release(sessions, claims[index + 1 :])
                    break
                continue
            _after_accept()
            result += await _mark_sent(sessions, claim, clock())
    finally:
        await asyncio.to_thread(smtp.close, client)
    return result


async def send_all_due(sessions: Sessions, settings: Settings) -> SendResult:
    """Passes until nothing is due now (what failed waits for its backoff): `send --once`."""
    total = SendResult()
    while True:
        result = await send_due(sessions, settings)
        total += result
        if result.claimed < settings.notify_batch or result.sent == 0:
            return total


async def run_forever(sessions: Sessions, settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Send due deliveries every notify_interval_s (at once again after a full batch) until `stop`."""
    stop = stop or asyncio.Event()
    if not settings.smtp_host:
        log.info("no SMTP host (BANGKOM_SMTP_HOST): email notifications wait in the outbox")
    while not stop.is_set():
        try:
            result = await send_due(sessions, settings)
        except Exception:  # the database away for a moment must not end the loop
            log.exception("notification sender pass failed")
            result = SendResult()
        if result.claimed >= settings.notify_batch and result.sent:
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=settings.notify_interval_s)


def _after_accept() -> None:
    if os.environ.get(KILL_AFTER_SEND) == "1":
        os.kill(os.getpid(), signal.SIGKILL)


async def _claim(sessions: Sessions, settings: Settings, limit: int, now: datetime) -> list[_Claim]:
    d, n, p = NotificationDelivery, Notification, NotificationPreference
    lease_until = now + timedelta(seconds=settings.notify_lease_s)
    async with sessions() as session, session.begin():
        lapsed = and_(d.status == SENDING, d.lease_until < now)
        # Held by a sender that died, with no attempt left: it may have gone out; it is not sent again.
        await session.execute(
            update(d)
            .where(lapsed, d.attempts >= settings.notify_max_attempts)
            .values(status=FAILED, lease_until=None, last_error=_GAVE_UP_SENDING)
        )
        ids = await _pick(session, select(d.id).where(lapsed).order_by(d.id).limit(limit))
        if len(ids) < limit:
            queued = and_(d.status == QUEUED, d.next_attempt_at <= now)
            ids += await _pick(
                session, select(d.id).where(queued).order_by(d.next_attempt_at).limit(limit - len(ids))
            )
        if not ids:
            return []
        await session.execute(
            update(d)
            .where(d.id.in_(ids))
            .values(status=SENDING, lease_until=lease_until, attempts=d.attempts + 1)
        )
        rows = await session.execute(
            select(
                d.id,
                d.attempts,
                d.address,
                d.message_id,
                n.title_id,
                n.body_id,
                n.title_en,
                n.body_en,
                n.link,
                p.language,
            )
            .join(n, n.id == d.notification_id)
            .outerjoin(p, p.user_id == n.user_id)
            .where(d.id.in_(ids))
            .order_by(d.id)
        )
        claims = []
        for (
            row_id,
            attempts,
            address,
            message_id,
            title_id,
            body_id,
            title_en,
            body_en,
            link,
            language,
        ) in rows:
            english = language == "en"
            mail = smtp.Mail(
                address=address,
                message_id=message_id,
                subject=title_en if english else title_id,
                body=body_en if english else body_id,
                link=link,
                language="en" if english else "id",
            )
            claims.append(_Claim(row_id, attempts, lease_until, mail))
        return claims


async def _pick(session: AsyncSession, stmt: Select[int]) -> list[int]:
    if is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    return list((await session.execute(stmt)).scalars())


def _held(claim: _Claim) -> tuple[ColumnElement[bool], ...]:
    """Still this pass's claim: nobody took the delivery over after its lease ran out."""
    d = NotificationDelivery
    return (d.id == claim.id, d.status == SENDING, d.lease_until == claim.lease_until)


async def _mark_sent(sessions: Sessions, claim: _Claim, now: datetime) -> SendResult:
    d = NotificationDelivery
    async with sessions() as session, session.begin():
        done = await session.execute(
            update(d).where(*_held(claim)).values(status=SENT, sent_at=now, lease_until=None, last_error=None)
        )
    if not getattr(done, "rowcount", 0):
        log.warning("delivery %s was taken over by another sender while this one sent it", claim.id)
    return SendResult(sent=1)


async def _after_failure(
    sessions: Sessions,
    settings: Settings,
    claim: _Claim,
    exc: BaseException,
    now: datetime,
    *,
    final: bool = False,
) -> SendResult:
    d = NotificationDelivery
    error = f"{type(exc).__name__}: {exc}"[:_MAX_ERROR]
    final = final or smtp.is_permanent(exc) or claim.attempts >= settings.notify_max_attempts
    values: dict[str, object] = {"lease_until": None, "last_error": error}
    if final:
        values["status"] = FAILED
        log.warning("delivery %s failed for good after %d attempts: %s", claim.id, claim.attempts, error)
    else:
        values["status"] = QUEUED
        values["next_attempt_at"] = now + backoff(settings, claim.attempts)
    async with sessions() as session, session.begin():
        await session.execute(update(d).where(*_held(claim)).values(**values))
    return SendResult(failed=1) if final else SendResult(retried=1)


async def _release(sessions: Sessions, claims: list[_Claim]) -> None:
    """Hand back claims this pass did not try: queued again at once, the attempt not counted."""
    if not claims:
        return
    d = NotificationDelivery
    async with sessions() as session, session.begin():
        for claim in claims:
            await session.execute(
                update(d)
                .where(*_held(claim))
                .values(status=QUEUED, lease_until=None, attempts=d.attempts - 1)
            )
