"""The email sender against a real SMTP server process: delivery, retries with backoff, refusals,
lapsed claims, TLS and logins. The sender's transactions commit to savepoints of the test's."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from email.utils import parseaddr

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.config import Settings
from app.core.types import utcnow
from app.notifications import outbox, sender
from app.notifications.models import NotificationDelivery, NotificationPreference
from app.notifications.sender import SendResult, backoff
from tests.factories import World
from tests.faults.conftest import await_for, free_port
from tests.notifications.conftest import SENDER, Certificate, StartServer, mail_settings
from tests.notifications.helpers import deliveries, outgoing

Sessions = async_sessionmaker[AsyncSession]


async def _queue(session: AsyncSession, world: World, *who: str) -> None:
    for name in who or ("asn_a",):
        await outbox.queue(session, outgoing(world.users[name], f"k-{name}"))
    await session.commit()


async def _only(session: AsyncSession) -> NotificationDelivery:
    [delivery] = await deliveries(session)
    return delivery


class TestDelivery:
    async def test_each_message_arrives_once_with_its_headers(
        self,
        session: AsyncSession,
        sessions: Sessions,
        settings: Settings,
        world: World,
        smtp_server: StartServer,
    ) -> None:
        server = smtp_server()
        asn_a, asn_b = world.users["asn_a"], world.users["asn_b"]
        session.add(NotificationPreference(user_id=asn_b.id, in_app=True, email=True, language="en"))
        await outbox.queue(
            session, outgoing(asn_a, title_id="JP Anda\nkurang 8 JP", body_id="Sampai Juli 12 JP.")
        )
        await outbox.queue(session, outgoing(asn_b, title_en="Your JP is 8 short", link=None))
        await session.commit()

        before = utcnow()
        assert await sender.send_due(sessions, mail_settings(settings, server.port)) == SendResult(
            claimed=2, sent=2
        )
        sent = {d.address: d for d in await deliveries(session)}
        mails = {m.rcpt_tos[0]: m for m in server.mails()}
        assert set(mails) == set(sent) == {world.asn_a.email, world.asn_b.email}
        assert world.asn_a.email is not None and world.asn_b.email is not None

        indonesian = mails[world.asn_a.email]
        message = indonesian.message
        assert indonesian.mail_from == parseaddr(SENDER)[1]
        assert message["From"] == SENDER
        assert message["To"] == world.asn_a.email
        assert message["Subject"] == "JP Anda kurang 8 JP"  # a line break cannot travel in a header
        assert message["Message-ID"] == sent[world.asn_a.email].message_id
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["Content-Language"] == "id"
        body = message.get_content()
        assert body.startswith("Sampai Juli 12 JP.")
        assert "Buka di Bangkom: https://bangkom.example.org/asn/jp" in body

        english = mails[world.asn_b.email].message
        assert english["Subject"] == "Your JP is 8 short"
        assert english.get_content().startswith("Reminder text k1.")
        assert "Open in Bangkom" not in english.get_content()  # no link given

        for delivery in sent.values():
            assert (delivery.status, delivery.attempts, delivery.lease_until) == ("sent", 1, None)
            assert delivery.sent_at is not None and delivery.sent_at >= before
        assert await sender.send_due(sessions, mail_settings(settings, server.port)) == SendResult()
        assert len(server.mails()) == 2

    async def test_without_an_smtp_host_email_waits(
        self, session: AsyncSession, sessions: Sessions, settings: Settings, world: World
    ) -> None:
        await _queue(session, world)
        assert settings.smtp_host == ""
        assert await sender.send_due(sessions, settings) == SendResult()
        delivery = await _only(session)
        assert (delivery.status, delivery.attempts) == ("queued", 0)

    async def test_the_loop_sends_until_stopped(
        self,
        session: AsyncSession,
        sessions: Sessions,
        settings: Settings,
        world: World,
        smtp_server: StartServer,
    ) -> None:
        server = smtp_server()
        await _queue(session, world)
        stop = asyncio.Event()
        task = asyncio.create_task(
            sender.run_forever(sessions, mail_settings(settings, server.port, notify_interval_s=0.05), stop)
        )
        await await_for(lambda: asyncio.sleep(0, server.mails()), "the loop's first message")
        stop.set()
        await asyncio.wait_for(task, timeout=30)
        assert (await _only(session)).status == "sent"
        assert len(server.mails()) == 1


class TestRetries:
    def test_backoff_doubles_up_to_its_cap(self, settings: Settings) -> None:
        s = settings.model_copy(update={"notify_backoff_base_s": 60, "notify_backoff_max_s": 600})
        assert [backoff(s, n).total_seconds() for n in (1, 2, 3, 4, 5, 50)] == [60, 120, 240, 480, 600, 600]

    async def test_server_down_then_up_delivers_exactly_once(
        self,
        session: AsyncSession,
        sessions: Sessions,
        settings: Settings,
        world: World,
        smtp_server: StartServer,
    ) -> None:
        port = free_port()  # nothing listens there yet
        s = mail_settings(settings, port, notify_backoff_base_s=60)
        await _queue(session, world)
        t0 = utcnow()
        assert await sender.send_due(sessions, s, now=t0) == SendResult(claimed=1, retried=1)
        delivery = await _only(session)
        assert (delivery.status, delivery.attempts, delivery.lease_until) == ("queued", 1, None)
        assert delivery.next_attempt_at == t0 + timedelta(seconds=60)
        assert delivery.last_error is not None and "ConnectionRefusedError" in delivery.last_error

        server = smtp_server(port=port)
        assert await sender.send_due(sessions, s, now=t0 + timedelta(seconds=59)) == SendResult()
        assert server.mails() == []
        assert await sender.send_due(sessions, s, now=t0 + timedelta(seconds=60)) == SendResult(
            claimed=1, sent=1
        )
        delivery = await _only(session)
        assert (delivery.status, delivery.attempts) == ("sent", 2)
        assert await sender.send_due(sessions, s, now=t0 + timedelta(hours=5)) == SendResult()
        [mail] = server.mails()
        assert mail.message["Message-ID"] == delivery.message_id

    async def test_attempts_run_out_then_it_fails(
        self, session: AsyncSession, sessions: Sessions, settings: Settings, world: World
    ) -> None:
        s = mail_settings(
            settings, free_port(), notify_max_attempts=4, notify_backoff_base_s=10, notify_backoff_max_s=25
        )
        await _queue(session, world)
        now = utcnow()
        waits = []
        for _ in range(3):
            assert await sender.send_due(sessions, s, now=now) == SendResult(claimed=1, retried=1)
            delivery = await _only(session)
            waits.append((delivery.next_attempt_at - now).total_seconds())
            now = delivery.next_attempt_at
        assert waits == [10, 20, 25]
        assert await sender.send_due(sessions, s, now=now) == SendResult(claimed=1, failed=1)
        delivery = await _only(session)
        assert (delivery.status, delivery.attempts) == ("failed", 4)
        assert await sender.send_due(sessions, s, now=now + timedelta(days=1)) == SendResult()

    async def test_a_refused_recipient_fails_for_good_and_the_rest_go(
        self,
        session: AsyncSession,
        sessions: Sessions,
        settings: Settings,
        world: World,
        smtp_server: StartServer,
    ) -> None:
        server = smtp_server("--refuse", str(world.asn_a.email))
        await _queue(session, world, "asn_a", "asn_b")
        assert await sender.send_due(sessions, mail_settings(settings, server.port)) == SendResult(
            claimed=2, sent=1, failed=1
        )
        rows = {d.address: d for d in await deliveries(session)}
        assert world.asn_a.email is not None and world.asn_b.email is not None
        refused = rows[world.asn_a.email]
        assert (refused.status, refused.attempts) == ("failed", 1)
        assert refused.last_error is not None and "550" in refused.last_error
        assert rows[world.asn_b.email].status == "sent"
        assert [m.rcpt_tos for m in server.mails()] == [[world.asn_b.email]]


async def _lapse(session: AsyncSession, attempts: int, now: datetime) -> None:
    """What a sender that died mid-send leaves behind: the delivery claimed, its lease run out."""
    await session.execute(
        update(NotificationDelivery).values(
            status="sending", attempts=attempts, lease_until=now - timedelta(seconds=1)
        )
    )
    await session.commit()


class TestLapsedClaims:
    async def test_a_lapsed_claim_is_sent_again_under_its_message_id(
        self,
        session: AsyncSession,
        sessions: Sessions,
        settings: Settings,
        world: World,
        smtp_server: StartServer,
    ) -> None:
        server = smtp_server()
        await _queue(session, world)
        now = utcnow()
        await _lapse(session, 1, now)
        assert await sender.send_due(sessions, mail_settings(settings, server.port), now=now) == SendResult(
            claimed=1, sent=1
        )
        delivery = await _only(session)
        assert (delivery.status, delivery.attempts) == ("sent", 2)
        assert [m.message["Message-ID"] for m in server.mails()] == [delivery.message_id]

    async def test_a_claim_held_into_the_lease_is_left_alone(
        self,
        session: AsyncSession,
        sessions: Sessions,
        settings: Settings,
        world: World,
        smtp_server: StartServer,
    ) -> None:
        server = smtp_server()
        await _queue(session, world)
        now = utcnow()
        await _lapse(session, 1, now + timedelta(minutes=5))  # still leased for 5 minutes less a second
        assert await sender.send_due(sessions, mail_settings(settings, server.port), now=now) == SendResult()
        assert server.mails() == []

    async def test_with_no_attempt_left_it_fails_without_sending(
        self,
        session: AsyncSession,
        sessions: Sessions,
        settings: Settings,
        world: World,
        smtp_server: StartServer,
    ) -> None:
        server = smtp_server()
        await _queue(session, world)
        now = utcnow()
        await _lapse(session, 3, now)
        s = mail_settings(settings, server.port, notify_max_attempts=3)
        assert await sender.send_due(sessions, s, now=now) == SendResult()
        delivery = await _only(session)
        assert (delivery.status, delivery.lease_until) == ("failed", None)
        assert delivery.last_error is not None and "may have gone out" in delivery.last_error
        assert server.mails() == []


class TestTls:
    async def test_starttls_and_login(
        self,
        session: AsyncSession,
        sessions: Sessions,
        settings: Settings,
        world: World,
        smtp_server: StartServer,
        certificate: Certificate,
    ) -> None:
        server = smtp_server(
            "--security", "starttls", "--cert", str(certificate.cert), "--key", str(certificate.key),
            "--auth", "bangkom:Rahasia#2026",
        )  # fmt: skip
        await _queue(session, world)
        s = mail_settings(
            settings,
            server.port,
            smtp_security="starttls",
            smtp_ca_file=certificate.cert,
            smtp_username="bangkom",
            smtp_password="wrong",
        )
        # A refused login is the configuration's fault, which someone can fix: retried, not failed.
        now = utcnow()
        assert await sender.send_due(sessions, s, now=now) == SendResult(claimed=1, retried=1)
        error = (await _only(session)).last_error
        assert error is not None and "SMTPAuthenticationError" in error
        s = s.model_copy(update={"smtp_password": "Rahasia#2026"})
        later = now + timedelta(hours=1)
        assert await sender.send_due(sessions, s, now=later) == SendResult(claimed=1, sent=1)
        assert len(server.mails()) == 1

    async def test_tls_from_the_first_byte_and_an_untrusted_certificate(
        self,
        session: AsyncSession,
        sessions: Sessions,
        settings: Settings,
        world: World,
        smtp_server: StartServer,
        certificate: Certificate,
    ) -> None:
        server = smtp_server(
            "--security", "tls", "--cert", str(certificate.cert), "--key", str(certificate.key)
        )
        await _queue(session, world)
        s = mail_settings(settings, server.port, smtp_security="tls")
        now = utcnow()
        # Self-signed and not trusted through smtp_ca_file: nothing is sent to an unverified server.
        assert await sender.send_due(sessions, s, now=now) == SendResult(claimed=1, retried=1)
        error = (await _only(session)).last_error
        assert error is not None and "CERTIFICATE_VERIFY_FAILED" in error
        s = s.model_copy(update={"smtp_ca_file": certificate.cert})
        assert await sender.send_due(sessions, s, now=now + timedelta(hours=1)) == SendResult(
            claimed=1, sent=1
        )
        assert len(server.mails()) == 1
