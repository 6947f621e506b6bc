"""The inbox, the preferences and the delivery log over HTTP."""

from __future__ import annotations

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.types import utcnow
from app.notifications import outbox
from app.notifications.models import Notification
from tests.factories import World
from tests.http import as_, audit_rows, problem
from tests.notifications.helpers import deliveries, outgoing, stored

ME = "/api/v1/me/notifications"
PREFERENCES = "/api/v1/me/notification-preferences"
LOG = "/api/v1/notifications/deliveries"


async def _inbox(
    session: AsyncSession, world: World, who: str = "asn_a", count: int = 3
) -> list[Notification]:
    """`count` messages for `who` (k1 read already) and one for asn_b."""
    user = world.users[who]
    await outbox.queue_many(
        session,
        [outgoing(user, f"k{i}") for i in range(1, count + 1)] + [outgoing(world.users["asn_b"], "k1")],
    )
    await session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.dedup_key == "k1")
        .values(read_at=utcnow())
    )
    await session.commit()
    return await stored(session, user)


class TestInbox:
    async def test_mine_newest_first_in_my_language_with_the_unread_count(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        await _inbox(session, world)
        h = as_(settings, world, "asn_a")
        r = await client.get(ME, headers=h)
        assert r.status_code == 200, r.text
        body = r.json()
        assert [n["title"] for n in body["items"]] == ["Reminder k3", "Reminder k2", "Reminder k1"]
        assert (body["total"], body["unread_count"], body["next_cursor"]) == (3, 2, None)
        first = body["items"][0]
        assert (first["body"], first["link"], first["kind"], first["read_at"]) == (
            "Reminder text k3.",
            "/asn/jp",
            "test_kind",
            None,
        )
        assert body["items"][2]["read_at"] is not None

        unread = (await client.get(f"{ME}?unread=true", headers=h)).json()
        assert [n["title"] for n in unread["items"]] == ["Reminder k3", "Reminder k2"]
        assert (unread["total"], unread["unread_count"]) == (2, 2)
        read = (await client.get(f"{ME}?unread=false", headers=h)).json()
        assert [n["title"] for n in read["items"]] == ["Reminder k1"]
        assert read["unread_count"] == 2

        indonesian = (await client.get(f"{ME}?limit=2", headers=h | {"Accept-Language": "id"})).json()
        assert [n["title"] for n in indonesian["items"]] == ["Pengingat k3", "Pengingat k2"]
        assert indonesian["items"][0]["body"] == "Isi pengingat k3."
        rest = (await client.get(f"{ME}?limit=2&cursor={indonesian['next_cursor']}", headers=h)).json()
        assert [n["title"] for n in rest["items"]] == ["Reminder k1"] and rest["next_cursor"] is None

    async def test_every_role_reads_only_its_own(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        await _inbox(session, world, "opd_a", count=2)
        for who, titles in (
            ("opd_a", ["Reminder k2", "Reminder k1"]),
            ("asn_b", ["Reminder k1"]),
            ("bpsdm", []),
        ):
            r = await client.get(ME, headers=as_(settings, world, who))
            assert r.status_code == 200, r.text
            assert [n["title"] for n in r.json()["items"]] == titles, who
        r = await client.get(ME, headers=as_(settings, world, "auditor"))
        assert r.json() == {"items": [], "next_cursor": None, "total": 0, "unread_count": 0}


class TestMarkRead:
    async def test_marked_once_and_audited_once(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        rows = await _inbox(session, world)
        target = rows[2]  # k3, unread
        h = as_(settings, world, "asn_a")
        r = await client.post(f"{ME}/{target.id}/read", headers=h)
        assert r.status_code == 200, r.text
        read_at = r.json()["read_at"]
        assert read_at is not None and r.json()["id"] == target.id
        again = await client.post(f"{ME}/{target.id}/read", headers=h)
        assert again.status_code == 200 and again.json()["read_at"] == read_at
        assert (await client.get(ME, headers=h)).json()["unread_count"] == 1
        audited = await audit_rows(session, "notification", target.id)
        assert [(a.action, a.actor) for a in audited] == [("read", world.users["asn_a"].username)]

    async def test_someone_elses_is_not_found(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        await _inbox(session, world)
        [theirs] = await stored(session, world.users["asn_b"])
        for who in ("asn_a", "bpsdm", "opd_b"):
            r = await client.post(f"{ME}/{theirs.id}/read", headers=as_(settings, world, who))
            problem(r, 404, "notification_not_found")
        problem(
            await client.post(f"{ME}/999999/read", headers=as_(settings, world, "asn_b")),
            404,
            "notification_not_found",
        )
        [still] = await stored(session, world.users["asn_b"])
        assert still.read_at is None

    async def test_read_all(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        await _inbox(session, world)
        h = as_(settings, world, "asn_a")
        r = await client.post(f"{ME}/read-all", headers=h)
        assert r.status_code == 200, r.text
        assert r.json() == {"marked": 2, "unread_count": 0}
        assert (await client.post(f"{ME}/read-all", headers=h)).json() == {"marked": 0, "unread_count": 0}
        key = f"user/{world.users['asn_a'].id}"
        assert [(a.action, a.after) for a in await audit_rows(session, "notification", key)] == [
            ("read_all", {"count": 2})
        ]
        # Someone else's inbox is untouched.
        [theirs] = await stored(session, world.users["asn_b"])
        assert theirs.read_at is None


class TestPreferences:
    async def test_defaults_then_replaced_under_if_match(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "asn_a")
        r = await client.get(PREFERENCES, headers=h)
        assert r.status_code == 200, r.text
        assert r.headers["etag"] == '"0"'
        assert r.json() == {
            "in_app": True,
            "email": True,
            "email_address": None,
            "language": "id",
            "delivery_address": world.asn_a.email,
        }
        body = {"in_app": False, "email": False, "language": "en"}
        problem(await client.put(PREFERENCES, json=body, headers=h), 428, "precondition_required")
        problem(
            await client.put(PREFERENCES, json=body, headers=h | {"If-Match": '"3"'}),
            412,
            "precondition_failed",
        )
        r = await client.put(PREFERENCES, json=body, headers=h | {"If-Match": '"0"'})
        assert r.status_code == 200, r.text
        assert r.headers["etag"] == '"1"'
        assert r.json() == body | {"email_address": None, "delivery_address": world.asn_a.email}
        assert (await client.get(PREFERENCES, headers=h)).headers["etag"] == '"1"'
        same = await client.put(PREFERENCES, json=body, headers=h | {"If-Match": '"1"'})
        assert same.status_code == 200 and same.headers["etag"] == '"1"'
        audited = await audit_rows(session, "notification_preferences", world.users["asn_a"].id)
        assert [(a.action, a.after) for a in audited] == [
            ("create", {"in_app": False, "email": False, "email_address": None, "language": "en"})
        ]

        # What the preferences say is what the outbox does: no email, and no unread badge.
        await outbox.queue(session, outgoing(world.users["asn_a"]))
        assert await deliveries(session) == []
        assert (await client.get(ME, headers=h)).json()["unread_count"] == 0

    async def test_an_admin_gives_the_address_its_email_goes_to(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        assert (await client.get(PREFERENCES, headers=h)).json()["delivery_address"] is None
        body = {"in_app": True, "email": True, "email_address": "Kabid.PKP@BPSDM.example.org"}
        r = await client.put(PREFERENCES, json=body, headers=h | {"If-Match": '"0"'})
        assert r.status_code == 200, r.text
        assert r.json()["delivery_address"] == r.json()["email_address"] == "kabid.pkp@bpsdm.example.org"
        await outbox.queue(session, outgoing(world.users["bpsdm"]))
        assert [d.address for d in await deliveries(session)] == ["kabid.pkp@bpsdm.example.org"]

    async def test_what_is_not_a_preference_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "asn_a") | {"If-Match": '"0"'}
        for body in (
            {"in_app": True, "email": True, "email_address": "bukan alamat"},
            {"in_app": "yes", "email": True},
            {"in_app": True, "email": True, "sms": True},
            {"in_app": True, "email": True, "language": "jv"},
            {"in_app": True},
        ):
            problem(await client.put(PREFERENCES, json=body, headers=h), 422, "validation_error")


class TestDeliveryLog:
    async def test_bpsdm_and_the_auditor_read_the_log(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        await outbox.queue(session, outgoing(world.users["asn_a"], kind="asn_below_jp_target"))
        await outbox.queue(session, outgoing(world.users["asn_b"], kind="year_closing"))
        await session.commit()
        sent = await deliveries(session)
        r = await client.get(LOG, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total"] == 2 and [d["id"] for d in body["items"]] == [sent[1].id, sent[0].id]
        newest = body["items"][0]
        assert {
            k: newest[k] for k in ("user_id", "username", "kind", "channel", "address", "status", "attempts")
        } == {
            "user_id": world.users["asn_b"].id,
            "username": world.users["asn_b"].username,
            "kind": "year_closing",
            "channel": "email",
            "address": world.asn_b.email,
            "status": "queued",
            "attempts": 0,
        }
        assert newest["message_id"] == sent[1].message_id and newest["last_error"] is None
        auditor = as_(settings, world, "auditor")
        only = (await client.get(f"{LOG}?kind=asn_below_jp_target", headers=auditor)).json()
        assert [d["address"] for d in only["items"]] == [world.asn_a.email]
        assert (await client.get(f"{LOG}?status=sent", headers=auditor)).json()["total"] == 0
        assert (await client.get(f"{LOG}?status=queued&limit=1", headers=auditor)).json()["next_cursor"]
        problem(await client.get(f"{LOG}?status=lost", headers=auditor), 422, "validation_error")
