"""The outbox: what queue_many stores, what it skips, and the email deliveries it queues."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.types import utcnow
from app.notifications import outbox
from app.notifications.models import NotificationPreference
from tests.factories import World
from tests.notifications.helpers import deliveries, outgoing, stored

MESSAGE_ID = re.compile(r"^<[0-9a-f]{32}@[A-Za-z0-9.-]+>$")


class TestQueueMany:
    async def test_each_user_and_key_is_stored_once(self, session: AsyncSession, world: World) -> None:
        asn, bpsdm = world.users["asn_a"], world.users["bpsdm"]
        given = [
            outgoing(asn, "a"),
            outgoing(asn, "a", title_id="kedua"),
            outgoing(asn, "b"),
            outgoing(bpsdm, "a"),
        ]
        assert await outbox.queue_many(session, given) == 3
        assert await outbox.queue_many(session, [outgoing(asn, "a"), outgoing(asn, "c")]) == 1
        assert await outbox.queue(session, outgoing(asn, "c")) is False
        assert await outbox.queue_many(session, []) == 0

        rows = await stored(session)
        assert [(r.user_id, r.dedup_key) for r in rows] == [
            (asn.id, "a"),
            (asn.id, "b"),
            (bpsdm.id, "a"),
            (asn.id, "c"),
        ]
        first = rows[0]
        assert (first.title_id, first.title_en, first.body_id, first.link) == (
            "Pengingat a",
            "Reminder a",
            "Isi pengingat a.",
            "/asn/jp",
        )
        assert first.read_at is None and first.created_at <= utcnow()
        # The ASN's profile has an address; the BPSDM account has none, so no email for it.
        sent = await deliveries(session)
        by_notification = {d.notification_id: d for d in sent}
        assert set(by_notification) == {rows[0].id, rows[1].id, rows[3].id}
        assert {d.address for d in sent} == {world.asn_a.email}
        assert all((d.channel, d.status, d.attempts) == ("email", "queued", 0) for d in sent)
        assert all(MESSAGE_ID.fullmatch(d.message_id) for d in sent)
        assert len({d.message_id for d in sent}) == 3

    async def test_preferences_decide_email_address_and_unread(
        self, session: AsyncSession, world: World
    ) -> None:
        asn_a, asn_b, bpsdm, opd = (world.users[k] for k in ("asn_a", "asn_b", "bpsdm", "opd_a"))
        session.add_all(
            [
                NotificationPreference(user_id=asn_a.id, in_app=True, email=False),
                NotificationPreference(user_id=asn_b.id, in_app=False, email=True),
                NotificationPreference(
                    user_id=bpsdm.id, in_app=True, email=True, email_address="kabid@bpsdm.example.org"
                ),
                NotificationPreference(
                    user_id=opd.id, in_app=True, email=True, email_address="opd@example.org"
                ),
            ]
        )
        await session.flush()
        given = [outgoing(asn_a), outgoing(asn_b), outgoing(bpsdm), outgoing(opd, email=False)]
        assert await outbox.queue_many(session, given) == 4

        rows = {r.user_id: r for r in await stored(session)}
        # in_app off: kept in the inbox, but already read.
        assert rows[asn_b.id].read_at is not None
        assert all(rows[u.id].read_at is None for u in (asn_a, bpsdm, opd))
        addresses = {d.notification_id: d.address for d in await deliveries(session)}
        assert addresses == {
            rows[asn_b.id].id: world.asn_b.email,
            rows[bpsdm.id].id: "kabid@bpsdm.example.org",
        }

    async def test_a_title_too_long_is_cut(self, session: AsyncSession, world: World) -> None:
        long = outgoing(world.users["asn_a"], title_en="x" * 400)
        assert await outbox.queue(session, long)
        [cut] = await stored(session)
        assert cut.title_en == "x" * 299 + "…" and cut.title_id == long.title_id

    async def test_an_inactive_account_gets_no_email(self, session: AsyncSession, world: World) -> None:
        user = world.users["asn_b"]
        user.active = False
        await session.flush()
        assert await outbox.queue(session, outgoing(user)) is True
        assert await deliveries(session) == []

    async def test_a_rollback_leaves_nothing_queued(self, session: AsyncSession, world: World) -> None:
        with pytest.raises(RuntimeError):
            async with session.begin_nested():
                assert await outbox.queue_many(session, [outgoing(world.users["asn_a"])]) == 1
                raise RuntimeError("the write that caused the message failed")
        assert await stored(session) == []
        assert await deliveries(session) == []

    async def test_thousands_at_once(self, session: AsyncSession, world: World) -> None:
        asn = world.users["asn_a"]
        given = [outgoing(asn, f"k{i}", email=i % 2 == 0) for i in range(6001)]
        assert await outbox.queue_many(session, given) == 6001
        assert len(await deliveries(session)) == 3001
        assert await outbox.queue_many(session, given[-2:]) == 0


class TestLastNotified:
    async def test_latest_message_of_the_kind_per_user(self, session: AsyncSession, world: World) -> None:
        asn, opd = world.users["asn_a"], world.users["opd_a"]
        await outbox.queue_many(
            session,
            [
                outgoing(asn, "2026-06", kind="jp"),
                outgoing(asn, "2026-07", kind="jp"),
                outgoing(opd, "x", kind="queue"),
            ],
        )
        rows = await stored(session)
        rows[0].created_at = utcnow() - timedelta(days=40)
        await session.flush()
        got = {user_id: at for user_id, at in (await session.execute(outbox.last_notified("jp"))).all()}
        assert got == {asn.id: rows[1].created_at}
        assert (await session.execute(select(outbox.last_notified("none").subquery()))).all() == []
