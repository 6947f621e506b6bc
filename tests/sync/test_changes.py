"""The change feed: every kind of write appears once per commit, in order, paged by an opaque cursor,
with the entity as it is now, filtered by the caller's scopes.

These run in the per-test rolled-back transaction; committing for real (where the ordering lock
matters) is tests/sync/test_changes_concurrency.py.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core import changes
from app.core.audit import AuditEntry
from app.core.changes import Change
from app.core.config import Settings
from app.sync import feed
from tests.competencies.helpers import assess
from tests.factories import World
from tests.http import as_, problem
from tests.learning.helpers import create as create_record
from tests.learning.test_xapi import STATEMENTS, statement, voiding, writer
from tests.sync.test_sync_asn import make_nips, profile
from tests.sync.test_sync_asn import post as sync

CHANGES = "/api/v1/sync/changes"


async def head(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.coalesce(func.max(Change.seq), 0))) or 0)


async def position(session: AsyncSession) -> str:
    """A cursor at the end of the feed as it is now: what a consumer that is up to date holds."""
    return feed.encode_position(await head(session))


async def page(
    client: httpx.AsyncClient, headers: dict[str, str], since: str | None = None, **params: Any
) -> dict[str, Any]:
    query = params | ({"since": since} if since is not None else {})
    r = await client.get(CHANGES, params=query, headers=headers)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


async def drain(
    client: httpx.AsyncClient, headers: dict[str, str], since: str | None, limit: int = 1000
) -> tuple[list[dict[str, Any]], str]:
    """Every item after `since`, following next_cursor until has_more is false."""
    items: list[dict[str, Any]] = []
    while True:
        data = await page(client, headers, since, limit=limit)
        items.extend(data["items"])
        since = data["next_cursor"]
        if not data["has_more"]:
            return items, since


def seqs(items: list[dict[str, Any]]) -> list[int]:
    return [i["seq"] for i in items]


def assert_dense(items: list[dict[str, Any]], after: int) -> None:
    assert seqs(items) == list(range(after + 1, after + 1 + len(items)))


def refs(items: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(i["entity"], i["key"], i["op"]) for i in items]


def raw_cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.fixture
def bpsdm(settings: Settings, world: World) -> dict[str, str]:
    return as_(settings, world, "bpsdm")


class TestEveryWriteAppears:
    async def test_asn_create_and_patch_with_the_current_profile(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World, bpsdm: dict[str, str]
    ) -> None:
        start = await head(session)
        [nip] = make_nips(1, gender="female")
        created = await client.post("/api/v1/asn", json=profile(nip, world), headers=bpsdm)
        assert created.status_code == 201, created.text
        patched = await client.patch(
            f"/api/v1/asn/{nip}", json={"name": "Siti Aminah"}, headers=bpsdm | {"If-Match": "*"}
        )
        assert patched.status_code == 200, patched.text
        items, _ = await drain(client, bpsdm, feed.encode_position(start))
        assert refs(items) == [("asn", nip, "upsert"), ("asn", nip, "upsert")]
        assert_dense(items, start)
        now = (await client.get(f"/api/v1/asn/{nip}", headers=bpsdm)).json()
        # Both entries carry the profile as it is now, not as it was at the first change.
        assert [i["data"] for i in items] == [now, now]
        assert now["name"] == "Siti Aminah"
        assert items[0]["at"] <= items[1]["at"]

    async def test_sync_batch_lists_created_and_updated_but_not_unchanged(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        kept, edited, fresh = make_nips(3, gender="male")
        first = await sync(client, settings, world, [profile(kept, world), profile(edited, world)])
        assert first.json()["created"] == 2
        start = await head(session)
        second = await sync(
            client,
            settings,
            world,
            [profile(kept, world), profile(edited, world, golongan="III/c"), profile(fresh, world)],
        )
        assert {k: second.json()[k] for k in ("created", "updated", "unchanged")} == {
            "created": 1,
            "updated": 1,
            "unchanged": 1,
        }
        items, _ = await drain(client, as_(settings, world, "bpsdm"), feed.encode_position(start))
        assert sorted(refs(items)) == [("asn", edited, "upsert"), ("asn", fresh, "upsert")]
        assert_dense(items, start)
        assert {i["key"]: i["data"]["golongan"] for i in items} == {edited: "III/c", fresh: "III/b"}

    async def test_learning_record_create_approve_reject_void(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        own, opd, bpsdm = (as_(settings, world, who) for who in ("asn_a", "opd_a", "bpsdm"))
        start = await head(session)
        approved = await create_record(client, world.asn_a.nip, own)
        rejected = await create_record(client, world.asn_a.nip, own)
        voided = await create_record(client, world.asn_a.nip, own)
        for record_id, decision in ((approved["id"], "approve"), (rejected["id"], "reject")):
            r = await client.post(
                f"/api/v1/learning-records/{record_id}/verification", json={"decision": decision}, headers=opd
            )
            assert r.status_code == 200, r.text
        r = await client.post(
            f"/api/v1/learning-records/{voided['id']}/void", json={"reason": "Salah input"}, headers=own
        )
        assert r.status_code == 200, r.text
        items, _ = await drain(client, bpsdm, feed.encode_position(start))
        a, b, c = (str(x["id"]) for x in (approved, rejected, voided))
        assert refs(items) == [
            ("learning_record", a, "upsert"),
            ("learning_record", b, "upsert"),
            ("learning_record", c, "upsert"),
            ("learning_record", a, "upsert"),
            ("learning_record", b, "upsert"),
            ("learning_record", c, "void"),
        ]
        assert_dense(items, start)
        for item in items:
            got = await client.get(f"/api/v1/learning-records/{item['key']}", headers=bpsdm)
            assert item["data"] == got.json()
        assert [items[i]["data"]["status"] for i in (3, 4, 5)] == ["verified", "rejected", "voided"]
        assert [h["action"] for h in items[5]["data"]["history"]] == ["created", "voided"]

    async def test_xapi_statements_through_the_bulk_path(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        start = await head(session)
        batch = [statement(world.asn_a.nip), statement(world.asn_b.nip), statement(world.pppk_a.nip)]
        r = await client.post(STATEMENTS, json=batch, headers=writer(settings))
        assert r.status_code == 200, r.text
        r = await client.post(STATEMENTS, json=voiding(batch[1]["id"]), headers=writer(settings))
        assert r.status_code == 200, r.text
        items, _ = await drain(client, as_(settings, world, "bpsdm"), feed.encode_position(start))
        assert_dense(items, start)
        assert [(i["entity"], i["op"]) for i in items] == [("learning_record", "upsert")] * 3 + [
            ("learning_record", "void")
        ]
        by_statement = {i["data"]["external_id"]: i for i in items[:3]}
        assert set(by_statement) == {s["id"] for s in batch}
        assert {i["data"]["nip"] for i in items[:3]} == {world.asn_a.nip, world.asn_b.nip, world.pppk_a.nip}
        assert items[3]["key"] == by_statement[batch[1]["id"]]["key"]
        assert items[3]["data"]["status"] == "voided"
        # The first entry of the voided record shows it as it is now: voided too.
        assert by_statement[batch[1]["id"]]["data"]["status"] == "voided"

    async def test_assessment_with_its_results(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        start = await head(session)
        created = await assess(
            client, world.asn_a.nip, as_(settings, world, "opd_a"), "2025-08-14", {"M1": 3}
        )
        items, _ = await drain(client, bpsdm, feed.encode_position(start))
        assert refs(items) == [("assessment", str(created["id"]), "upsert")]
        assert_dense(items, start)
        got = await client.get(f"/api/v1/assessments/{created['id']}", headers=bpsdm)
        assert items[0]["data"] == got.json() == created
        assert items[0]["data"]["results"] == [{"competency_code": "M1", "level": 3}]

    async def test_a_change_whose_row_is_gone_has_null_data(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World, bpsdm: dict[str, str]
    ) -> None:
        # Rows are never deleted through the API; a row removed by hand must not break the feed.
        start = await head(session)
        odd = ["987654321", "²", "9" * 40, "-1"]
        changes.note_many(session, "learning_record", odd)
        changes.note(session, "asn", "000000000000000000")
        changes.note(session, "assessment", "x1")
        await session.commit()
        items, _ = await drain(client, bpsdm, feed.encode_position(start))
        assert [(i["entity"], i["key"], i["data"]) for i in items] == [
            *(("learning_record", key, None) for key in odd),
            ("asn", "000000000000000000", None),
            ("assessment", "x1", None),
        ]


class TestPaging:
    async def test_small_pages_have_no_gaps_and_no_duplicates(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        start = await head(session)
        nips = make_nips(7)
        r = await sync(client, settings, world, [profile(n, world) for n in nips])
        assert r.json()["created"] == 7
        since = feed.encode_position(start)
        pages = []
        while True:
            data = await page(client, bpsdm, since, limit=2)
            pages.append(data)
            assert data["next_cursor"]
            since = data["next_cursor"]
            if not data["has_more"]:
                break
        assert [len(p["items"]) for p in pages] == [2, 2, 2, 1]
        assert [p["has_more"] for p in pages] == [True, True, True, False]
        items = [i for p in pages for i in p["items"]]
        assert_dense(items, start)
        assert sorted(i["key"] for i in items) == sorted(nips)
        # The cursor round-trips: the same cursor gives the same page.
        again = await page(client, bpsdm, pages[0]["next_cursor"], limit=2)
        assert again == pages[1]

    async def test_an_empty_page_keeps_the_cursor(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World, bpsdm: dict[str, str]
    ) -> None:
        at_end = await position(session)
        data = await page(client, bpsdm, at_end)
        assert data == {"items": [], "next_cursor": at_end, "has_more": False}
        [nip] = make_nips(1, gender="female")
        r = await client.post("/api/v1/asn", json=profile(nip, world), headers=bpsdm)
        assert r.status_code == 201
        data = await page(client, bpsdm, at_end)
        assert refs(data["items"]) == [("asn", nip, "upsert")]
        assert data["next_cursor"] == await position(session)

    async def test_from_the_beginning(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World, bpsdm: dict[str, str]
    ) -> None:
        [nip] = make_nips(1, gender="female")
        assert (await client.post("/api/v1/asn", json=profile(nip, world), headers=bpsdm)).status_code == 201
        first = await page(client, bpsdm, limit=1000)
        assert first == await page(client, bpsdm, feed.encode_position(0), limit=1000)
        assert first["items"]
        assert seqs(first["items"]) == sorted(set(seqs(first["items"])))
        oldest = await session.scalar(select(func.min(Change.seq)))
        assert_dense(first["items"], int(oldest or 1) - 1)
        items, cursor = await drain(client, bpsdm, None)
        assert items[-1]["key"] == nip
        assert cursor == await position(session)

    async def test_default_page_is_100(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        start = await head(session)
        r = await sync(client, settings, world, [profile(n, world) for n in make_nips(101)])
        assert r.json()["created"] == 101
        data = await page(client, as_(settings, world, "bpsdm"), feed.encode_position(start))
        assert len(data["items"]) == 100
        assert data["has_more"] is True
        assert data["next_cursor"] == feed.encode_position(start + 100)

    @pytest.mark.parametrize(
        "cursor",
        [
            "%%%",
            "not-a-cursor",
            raw_cursor({"seq": 1}),
            raw_cursor(["c1"]),
            raw_cursor(["c0", 1]),
            raw_cursor(["c1", -1]),
            raw_cursor(["c1", "1"]),
            raw_cursor(["c1", True]),
            raw_cursor(["c1", 1.5]),
            "x" * 201,
        ],
    )
    async def test_invalid_cursor(
        self, client: httpx.AsyncClient, bpsdm: dict[str, str], cursor: str
    ) -> None:
        r = await client.get(CHANGES, params={"since": cursor}, headers=bpsdm)
        if len(cursor) > 200:
            problem(r, 422, "validation_error")
        else:
            problem(r, 422, "invalid_cursor")

    async def test_a_cursor_ahead_of_the_feed_is_refused(
        self, client: httpx.AsyncClient, session: AsyncSession, bpsdm: dict[str, str]
    ) -> None:
        r = await client.get(
            CHANGES, params={"since": feed.encode_position(await head(session) + 1)}, headers=bpsdm
        )
        body = problem(r, 422, "invalid_cursor")
        assert "ahead of the feed" in body["detail"]

    @pytest.mark.parametrize("limit", ["0", "1001", "-1", "ten"])
    async def test_limit_out_of_range(
        self, client: httpx.AsyncClient, bpsdm: dict[str, str], limit: str
    ) -> None:
        body = problem(
            await client.get(CHANGES, params={"limit": limit}, headers=bpsdm), 422, "validation_error"
        )
        assert body["errors"][0]["loc"] == ["query", "limit"]

    async def test_limit_bounds_are_accepted(self, client: httpx.AsyncClient, bpsdm: dict[str, str]) -> None:
        for limit in (1, 1000):
            assert (await client.get(CHANGES, params={"limit": limit}, headers=bpsdm)).status_code == 200

    async def test_a_page_loads_its_entities_in_a_few_queries(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        world: World,
        engine: AsyncEngine,
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        start = await head(session)
        await sync(client, settings, world, [profile(n, world) for n in make_nips(20)])
        batch = [statement(world.asn_a.nip) for _ in range(20)]
        assert (await client.post(STATEMENTS, json=batch, headers=writer(settings))).status_code == 200
        for n in range(5):
            await assess(client, world.asn_a.nip, bpsdm, f"2025-08-{n + 10}", {"M1": 3, "M2": 2})
        with count_statements(engine) as executed:
            data = await page(client, bpsdm, feed.encode_position(start), limit=1000)
        assert len(data["items"]) == 45
        # max(seq), the page, ASN, records, their history, assessments, their results.
        assert len(executed) <= 7, executed


@contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    executed: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            executed.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield executed
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)


class TestScopes:
    async def _one_of_each(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> tuple[str, str, str]:
        bpsdm = as_(settings, world, "bpsdm")
        [nip] = make_nips(1, gender="female")
        assert (await client.post("/api/v1/asn", json=profile(nip, world), headers=bpsdm)).status_code == 201
        record = await create_record(client, world.asn_a.nip, bpsdm)
        assessment = await assess(client, world.asn_a.nip, bpsdm, "2025-08-14", {"M1": 3})
        return nip, str(record["id"]), str(assessment["id"])

    @pytest.mark.parametrize(
        ("who", "sees"),
        [
            ("bpsdm", {"asn", "learning_record", "assessment"}),
            ("auditor", {"asn", "learning_record", "assessment"}),
            ("client:learning:read", {"learning_record"}),
            ("client:learning:read learning:write", {"learning_record"}),
            ("client:asn:read", {"asn", "assessment"}),
            ("client:asn:read budget:read", {"asn", "assessment"}),
            ("client:asn:read learning:read", {"asn", "learning_record", "assessment"}),
        ],
    )
    async def test_each_caller_sees_what_its_scopes_reach_and_passes_the_rest(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        world: World,
        who: str,
        sees: set[str],
    ) -> None:
        start = await head(session)
        nip, record_id, assessment_id = await self._one_of_each(client, settings, world)
        everything = [("asn", nip), ("learning_record", record_id), ("assessment", assessment_id)]
        items, cursor = await drain(client, as_(settings, world, who), feed.encode_position(start), limit=1)
        assert [(i["entity"], i["key"]) for i in items] == [e for e in everything if e[0] in sees]
        # The cursor ends past the changes the caller may not read: it will not see them later.
        assert cursor == await position(session)

    async def test_a_sparse_client_moves_through_a_bounded_window(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        world: World,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(feed, "SCAN_WINDOW", 3)
        start = await head(session)
        await sync(client, settings, world, [profile(n, world) for n in make_nips(7)])
        record = await create_record(client, world.asn_a.nip, as_(settings, world, "bpsdm"))
        learner = as_(settings, world, "client:learning:read")
        first = await page(client, learner, feed.encode_position(start))
        # Three ASN changes looked at and passed; more to come.
        assert first == {"items": [], "next_cursor": feed.encode_position(start + 3), "has_more": True}
        items, cursor = await drain(client, learner, first["next_cursor"])
        assert refs(items) == [("learning_record", str(record["id"]), "upsert")]
        assert items[0]["seq"] == start + 8
        assert cursor == feed.encode_position(start + 8)

    @pytest.mark.parametrize(
        "who",
        [
            "client:",
            "client:budget:read reference:read budget:write",
            # Write scopes push data; they do not read the profiles the feed carries.
            "client:asn:write",
            "client:learning:write",
            "client:asn:write learning:write",
            "opd_a",
            "asn_a",
        ],
    )
    async def test_forbidden(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.get(CHANGES, headers=as_(settings, world, who))
        body = problem(r, 403, "forbidden")
        if who.startswith("client:"):
            assert "read scope" in body["detail"]

    async def test_forbidden_before_validation(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(
            CHANGES, params={"since": "junk", "limit": 0}, headers=as_(settings, world, "client:budget:read")
        )
        problem(r, 403, "forbidden")

    async def test_anonymous(self, client: httpx.AsyncClient) -> None:
        problem(await client.get(CHANGES, params={"limit": 0}), 401, "unauthorized")


class TestConsistency:
    async def test_every_audited_feed_write_has_a_change(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        bpsdm, opd = as_(settings, world, "bpsdm"), as_(settings, world, "opd_a")
        start = await head(session)
        last_audit = int(await session.scalar(select(func.coalesce(func.max(AuditEntry.id), 0))) or 0)
        nips = make_nips(3, gender="female")
        await sync(client, settings, world, [profile(n, world) for n in nips])
        r = await client.patch(
            f"/api/v1/asn/{nips[0]}", json={"golongan": "III/d"}, headers=opd | {"If-Match": "*"}
        )
        assert r.status_code == 200, r.text
        record = await create_record(client, world.asn_a.nip, as_(settings, world, "asn_a"))
        r = await client.post(
            f"/api/v1/learning-records/{record['id']}/verification", json={"decision": "approve"}, headers=opd
        )
        assert r.status_code == 200, r.text
        batch = [statement(world.asn_b.nip) for _ in range(3)]
        assert (await client.post(STATEMENTS, json=batch, headers=writer(settings))).status_code == 200
        await assess(client, world.asn_a.nip, opd, "2025-08-14", {"M1": 3})
        # A write outside the feed's entities (a unit) must not appear in it.
        r = await client.post(
            "/api/v1/units",
            json={"code": f"U_{uuid.uuid4().hex[:8]}", "name": "Bidang Baru", "kind": "bidang"},
            headers=bpsdm,
        )
        assert r.status_code == 201, r.text

        audited = (
            await session.execute(
                select(AuditEntry.entity, AuditEntry.key).where(
                    AuditEntry.id > last_audit, AuditEntry.entity.in_(sorted(changes.FEED_ENTITIES))
                )
            )
        ).all()
        logged = (await session.execute(select(Change.entity, Change.key).where(Change.seq > start))).all()
        assert {tuple(a) for a in audited} == {tuple(c) for c in logged}
        # One change per committed write of an entity: 3 + 1 ASN, 2 record transitions, 3 xAPI, 1 assessment.
        assert len(logged) == len(audited) == 10
        items, _ = await drain(client, bpsdm, feed.encode_position(start))
        assert [(i["entity"], i["key"]) for i in items] == [
            tuple(c)
            for c in (
                await session.execute(
                    select(Change.entity, Change.key).where(Change.seq > start).order_by(Change.seq)
                )
            ).all()
        ]
