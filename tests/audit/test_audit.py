"""The append-only audit trail: who may read it, filters, order, pagination, and one row per write."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.config import Settings
from tests import factories
from tests.factories import World, bearer, client_principal
from tests.http import PROBLEM, as_

WITA = timezone(timedelta(hours=8))  # Kalimantan Timur
AUDIT_FIELDS = {"id", "at", "actor", "role", "action", "entity", "key", "before", "after", "request_id"}
RULES = factories.RULES_BODY


async def max_audit_id(session: AsyncSession) -> int:
    return (await session.execute(select(func.coalesce(func.max(AuditEntry.id), 0)))).scalar_one()


async def rows_after(session: AsyncSession, last_id: int) -> list[AuditEntry]:
    return list(
        (
            await session.execute(select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id))
        ).scalars()
    )


async def audit(
    client: httpx.AsyncClient, settings: Settings, world: World, who: str = "auditor", **params: Any
) -> dict[str, Any]:
    r = await client.get("/api/v1/audit", params=params, headers=as_(settings, world, who))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def some_writes(client: httpx.AsyncClient, settings: Settings, world: World) -> list[httpx.Response]:
    """Five audited writes by two actors: unit create + update, position create, rules create, ASN create."""
    bpsdm = as_(settings, world, "bpsdm")
    out = [
        await client.post(
            "/api/v1/units", json={"code": "BAPPEDA", "name": "Bappeda", "kind": "badan"}, headers=bpsdm
        )
    ]
    unit_id = out[0].json()["id"]
    out.append(
        await client.patch(
            f"/api/v1/units/{unit_id}",
            json={"name": "Bappeda Kaltim"},
            headers=bpsdm | {"If-Match": out[0].headers["etag"]},
        )
    )
    out.append(
        await client.post(
            "/api/v1/positions",
            json={
                "code": "BAPPEDA-PERENCANA",
                "name": "Perencana Ahli Muda",
                "jenis_jabatan": "fungsional",
                "jenjang": "ahli_muda",
                "unit_id": unit_id,
            },
            headers=bpsdm,
        )
    )
    out.append(await client.put("/api/v1/rules/2026", json=RULES, headers=bpsdm))
    out.append(
        await client.post(
            "/api/v1/asn",
            json={
                "nip": "199208172019032007",
                "name": "Rina Marlina",
                "employment_type": "pns",
                "unit_id": world.unit_a.id,
            },
            headers=as_(settings, world, "opd_a"),
        )
    )
    assert [r.status_code for r in out] == [201, 200, 201, 201, 201], [r.text for r in out]
    return out


class TestAccess:
    @pytest.mark.parametrize("who", ["bpsdm", "auditor"])
    async def test_readers(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.get("/api/v1/audit", headers=as_(settings, world, who))
        assert r.status_code == 200
        assert r.json() == {"items": [], "next_cursor": None, "total": 0}

    @pytest.mark.parametrize("who", ["opd_a", "opd_a1", "asn_a"])
    async def test_other_roles(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.get("/api/v1/audit", headers=as_(settings, world, who))
        assert r.status_code == 403
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "forbidden"

    async def test_clients_never(self, client: httpx.AsyncClient, settings: Settings) -> None:
        every_scope = client_principal(
            "asn:read",
            "asn:write",
            "learning:read",
            "learning:write",
            "budget:read",
            "budget:write",
            "reference:read",
        )
        r = await client.get("/api/v1/audit", headers=bearer(settings, every_scope))
        assert r.status_code == 403

    async def test_anonymous(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/audit")
        assert r.status_code == 401
        assert r.headers["www-authenticate"].startswith("Bearer")


class TestAppendOnly:
    @pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "POST"])
    async def test_no_writes_on_the_collection(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, method: str
    ) -> None:
        await some_writes(client, settings, world)
        before = await max_audit_id(session)
        r = await client.request(
            method, "/api/v1/audit", json={"actor": "x"}, headers=as_(settings, world, "bpsdm")
        )
        assert r.status_code == 405
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "method_not_allowed"
        assert await max_audit_id(session) == before
        assert (await audit(client, settings, world))["total"] == 5

    @pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
    async def test_no_item_resource(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, method: str
    ) -> None:
        await some_writes(client, settings, world)
        last = await max_audit_id(session)
        r = await client.request(method, f"/api/v1/audit/{last}", headers=as_(settings, world, "bpsdm"))
        assert r.status_code in (404, 405)
        assert r.headers["content-type"] == PROBLEM
        assert (await audit(client, settings, world))["total"] == 5

    async def test_only_get_routes_under_audit(self, app: Any) -> None:
        audit_routes = [
            (sorted(rc.methods or ()), rc.path)
            for rc in iter_route_contexts(app.routes)
            if isinstance(rc.original_route, APIRoute) and (rc.path or "").startswith("/api/v1/audit")
        ]
        assert sorted(audit_routes) == [(["GET"], "/api/v1/audit"), (["GET"], "/api/v1/audit/entities")]


class TestList:
    async def test_shape_and_newest_first(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        writes = await some_writes(client, settings, world)
        body = await audit(client, settings, world)
        assert body["total"] == 5 and body["next_cursor"] is None
        items = body["items"]
        assert all(set(i) == AUDIT_FIELDS for i in items)
        assert [i["id"] for i in items] == sorted((i["id"] for i in items), reverse=True)
        ats = [datetime.fromisoformat(i["at"].replace("Z", "+00:00")) for i in items]
        assert ats == sorted(ats, reverse=True)
        assert all(a.utcoffset() == timedelta(0) for a in ats)
        assert [(i["entity"], i["action"]) for i in items] == [
            ("asn", "create"),
            ("rule_set", "create"),
            ("position", "create"),
            ("unit", "update"),
            ("unit", "create"),
        ]
        assert [i["request_id"] for i in items] == [r.headers["x-request-id"] for r in reversed(writes)]
        newest = items[0]
        assert (newest["actor"], newest["role"], newest["key"]) == (
            "opd.a",
            "opd_admin",
            "199208172019032007",
        )
        assert newest["before"] is None and newest["after"]["name"] == "Rina Marlina"
        update = items[3]
        assert update["before"]["name"] == "Bappeda" and update["after"]["name"] == "Bappeda Kaltim"
        assert update["key"] == str(writes[0].json()["id"])

    async def test_filters(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        writes = await some_writes(client, settings, world)
        unit_key = str(writes[0].json()["id"])

        async def seen(**params: Any) -> list[tuple[str, str]]:
            body = await audit(client, settings, world, "bpsdm", **params)
            assert body["total"] == len(body["items"])
            return [(i["entity"], i["action"]) for i in body["items"]]

        assert await seen(entity="unit") == [("unit", "update"), ("unit", "create")]
        assert await seen(entity="unit", action="create") == [("unit", "create")]
        assert await seen(entity="unit", key=unit_key) == [("unit", "update"), ("unit", "create")]
        assert await seen(entity="rule_set", key="2026") == [("rule_set", "create")]
        assert await seen(key="199208172019032007") == [("asn", "create")]
        assert await seen(actor="opd.a") == [("asn", "create")]
        assert len(await seen(actor="bpsdm")) == 4
        assert await seen(action="update") == [("unit", "update")]
        assert await seen(actor="auditor") == []
        assert await seen(entity="UNIT") == []  # exact matches
        assert await seen(entity="uni") == []

    async def test_since_and_until(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        start = datetime.now(UTC) - timedelta(seconds=1)
        await some_writes(client, settings, world)
        end = datetime.now(UTC) + timedelta(seconds=1)

        async def total(**params: datetime) -> int:
            body = await audit(client, settings, world, **{k: v.isoformat() for k, v in params.items()})
            return int(body["total"])

        assert await total(since=start) == 5
        assert await total(since=end) == 0
        assert await total(until=start) == 0
        assert await total(until=end) == 5
        assert await total(since=start, until=end) == 5
        # The offset is honoured: the same instants in WITA (UTC+8) select the same rows.
        assert await total(since=start.astimezone(WITA)) == 5
        assert await total(since=end.astimezone(WITA)) == 0
        assert await total(until=start.astimezone(WITA)) == 0

    async def test_since_splits_the_trail(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await some_writes(client, settings, world)
        rows = await rows_after(session, 0)
        middle = rows[2].at
        body = await audit(client, settings, world, since=middle.isoformat())
        assert {i["id"] for i in body["items"]} == {r.id for r in rows if r.at >= middle}
        body = await audit(client, settings, world, until=middle.isoformat())
        assert {i["id"] for i in body["items"]} == {r.id for r in rows if r.at < middle}

    @pytest.mark.parametrize(
        "params",
        [
            {"since": "2026-01-01T00:00:00"},  # naive: which zone?
            {"until": "2026-01-01T08:00:00"},
            {"since": "2026-01-01"},
            {"since": "kemarin"},
            {"entity": "x" * 121},
            {"actor": "x" * 121},
            {"limit": 0},
            {"limit": 501},
            {"cursor": "not-a-cursor"},
        ],
    )
    async def test_bad_parameters(
        self, client: httpx.AsyncClient, settings: Settings, world: World, params: dict[str, Any]
    ) -> None:
        r = await client.get("/api/v1/audit", params=params, headers=as_(settings, world, "auditor"))
        assert r.status_code == 422
        assert r.headers["content-type"] == PROBLEM
        body = r.json()
        assert body["code"] in {"validation_error", "invalid_cursor"}
        if body["code"] == "validation_error" and ("since" in params or "until" in params):
            assert body["errors"][0]["loc"] == ["query", next(iter(params))]

    async def test_cursor_pagination(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await some_writes(client, settings, world)
        everything = [i["id"] for i in (await audit(client, settings, world))["items"]]
        seen: list[int] = []
        sizes: list[int] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
            body = await audit(client, settings, world, **params)
            assert body["total"] == 5
            seen += [i["id"] for i in body["items"]]
            sizes.append(len(body["items"]))
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert sizes == [2, 2, 1]
        assert seen == everything

    async def test_cursor_with_a_filter(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await some_writes(client, settings, world)
        first = await audit(client, settings, world, actor="bpsdm", limit=3)
        assert first["total"] == 4 and len(first["items"]) == 3
        rest = await audit(client, settings, world, actor="bpsdm", limit=3, cursor=first["next_cursor"])
        assert len(rest["items"]) == 1 and rest["next_cursor"] is None
        assert rest["items"][0]["id"] < first["items"][-1]["id"]


class TestEntities:
    async def test_empty_trail(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get("/api/v1/audit/entities", headers=as_(settings, world, "auditor"))
        assert r.status_code == 200
        assert r.json() == {"items": []}

    @pytest.mark.parametrize("who", ["bpsdm", "auditor"])
    async def test_the_names_written_in_order(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        await some_writes(client, settings, world)
        r = await client.get("/api/v1/audit/entities", headers=as_(settings, world, who))
        assert r.status_code == 200
        assert r.json() == {"items": ["asn", "position", "rule_set", "unit"]}
        # Each name filters the list to its rows.
        for name in r.json()["items"]:
            assert {i["entity"] for i in (await audit(client, settings, world, entity=name))["items"]} == {
                name
            }

    @pytest.mark.parametrize("who", ["opd_a", "asn_a"])
    async def test_other_roles(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.get("/api/v1/audit/entities", headers=as_(settings, world, who))
        assert r.status_code == 403
        assert r.json()["code"] == "forbidden"


@dataclass
class Write:
    name: str
    entity: str
    action: str
    actor: str
    role: str
    creates: bool
    run: Callable[[httpx.AsyncClient, Settings, World, dict[str, str]], Awaitable[tuple[httpx.Response, str]]]


async def _units_create(
    c: httpx.AsyncClient, s: Settings, w: World, extra: dict[str, str]
) -> tuple[httpx.Response, str]:
    r = await c.post(
        "/api/v1/units",
        json={"code": "BAPPEDA", "name": "Bappeda", "kind": "badan"},
        headers=as_(s, w, "bpsdm") | extra,
    )
    return r, str(r.json()["id"])


async def _units_update(
    c: httpx.AsyncClient, s: Settings, w: World, extra: dict[str, str]
) -> tuple[httpx.Response, str]:
    h = as_(s, w, "bpsdm")
    etag = (await c.get(f"/api/v1/units/{w.unit_b.id}", headers=h)).headers["etag"]
    r = await c.patch(
        f"/api/v1/units/{w.unit_b.id}",
        json={"parent_id": w.unit_a.id},
        headers=h | extra | {"If-Match": etag},
    )
    return r, str(w.unit_b.id)


async def _positions_create(
    c: httpx.AsyncClient, s: Settings, w: World, extra: dict[str, str]
) -> tuple[httpx.Response, str]:
    body = {
        "code": "B-KASUBAG",
        "name": "Kepala Subbagian Umum",
        "jenis_jabatan": "pengawas",
        "unit_id": w.unit_b.id,
    }
    r = await c.post("/api/v1/positions", json=body, headers=as_(s, w, "bpsdm") | extra)
    return r, str(r.json()["id"])


async def _positions_update(
    c: httpx.AsyncClient, s: Settings, w: World, extra: dict[str, str]
) -> tuple[httpx.Response, str]:
    h = as_(s, w, "bpsdm")
    etag = (await c.get(f"/api/v1/positions/{w.position_a.id}", headers=h)).headers["etag"]
    r = await c.patch(
        f"/api/v1/positions/{w.position_a.id}",
        json={"name": "Pengolah Data"},
        headers=h | extra | {"If-Match": etag},
    )
    return r, str(w.position_a.id)


async def _rules_create(
    c: httpx.AsyncClient, s: Settings, w: World, extra: dict[str, str]
) -> tuple[httpx.Response, str]:
    return await c.put("/api/v1/rules/2026", json=RULES, headers=as_(s, w, "bpsdm") | extra), "2026"


async def _rules_replace(
    c: httpx.AsyncClient, s: Settings, w: World, extra: dict[str, str]
) -> tuple[httpx.Response, str]:
    h = as_(s, w, "bpsdm")
    etag = (await c.get("/api/v1/rules/2019", headers=h)).headers["etag"]
    return await c.put(
        "/api/v1/rules/2019", json=RULES | {"jp_minutes": 60}, headers=h | extra | {"If-Match": etag}
    ), "2019"


async def _asn_create(
    c: httpx.AsyncClient, s: Settings, w: World, extra: dict[str, str]
) -> tuple[httpx.Response, str]:
    body = {
        "nip": "199208172019032007",
        "name": "Rina Marlina",
        "employment_type": "pns",
        "unit_id": w.unit_a1.id,
    }
    return await c.post("/api/v1/asn", json=body, headers=as_(s, w, "opd_a") | extra), "199208172019032007"


async def _asn_update(
    c: httpx.AsyncClient, s: Settings, w: World, extra: dict[str, str]
) -> tuple[httpx.Response, str]:
    h = as_(s, w, "asn_a")
    etag = (await c.get(f"/api/v1/asn/{w.asn_a.nip}", headers=h)).headers["etag"]
    return await c.patch(
        f"/api/v1/asn/{w.asn_a.nip}",
        json={"phone": "+62 811 5400 123"},
        headers=h | extra | {"If-Match": etag},
    ), w.asn_a.nip


WRITES = [
    Write("units_create", "unit", "create", "bpsdm", "bpsdm_admin", True, _units_create),
    Write("units_update", "unit", "update", "bpsdm", "bpsdm_admin", False, _units_update),
    Write("positions_create", "position", "create", "bpsdm", "bpsdm_admin", True, _positions_create),
    Write("positions_update", "position", "update", "bpsdm", "bpsdm_admin", False, _positions_update),
    Write("rules_put_create", "rule_set", "create", "bpsdm", "bpsdm_admin", True, _rules_create),
    Write("rules_put_replace", "rule_set", "update", "bpsdm", "bpsdm_admin", False, _rules_replace),
    Write("asn_create", "asn", "create", "opd.a", "opd_admin", True, _asn_create),
]


class TestOneRowPerWrite:
    @pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
    async def test_exactly_one_row(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, write: Write
    ) -> None:
        last = await max_audit_id(session)
        rid = f"req-{write.name}-0001"
        r, key = await write.run(client, settings, world, {"X-Request-ID": rid})
        assert r.status_code in (200, 201), r.text
        assert r.headers["x-request-id"] == rid
        rows = await rows_after(session, last)
        assert len(rows) == 1
        row = rows[0]
        assert (row.actor, row.role, row.action, row.entity, row.key) == (
            write.actor,
            write.role,
            write.action,
            write.entity,
            key,
        )
        assert row.request_id == rid
        assert row.after is not None
        if write.creates:
            assert row.before is None
        else:
            assert row.before is not None and row.before != row.after
            assert set(row.before) == set(row.after)
        assert row.at.tzinfo is not None and abs(datetime.now(UTC) - row.at) < timedelta(minutes=5)
        # The API shows the same row.
        listed = await audit(client, settings, world, entity=write.entity, key=key)
        assert [i["id"] for i in listed["items"]] == [row.id]
        assert listed["items"][0]["request_id"] == rid

    async def test_asn_self_update(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        last = await max_audit_id(session)
        r, key = await _asn_update(client, settings, world, {})
        assert r.status_code == 200, r.text
        rows = await rows_after(session, last)
        assert [(a.actor, a.role, a.action, a.entity, a.key) for a in rows] == [
            (world.asn_a.nip, "asn", "update", "asn", key)
        ]
        assert rows[0].before is not None and rows[0].before["phone"] is None
        assert rows[0].after is not None and rows[0].after["phone"] == "+62 811 5400 123"
        # A generated request id, when the caller sends none, is recorded just the same.
        assert rows[0].request_id == r.headers["x-request-id"]
        assert len(r.headers["x-request-id"]) >= 16

    async def test_unsafe_request_id_is_replaced_everywhere(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        last = await max_audit_id(session)
        r, _ = await _units_create(client, settings, world, {"X-Request-ID": "bad id with spaces"})
        assert r.status_code == 201
        assert r.headers["x-request-id"] != "bad id with spaces"
        rows = await rows_after(session, last)
        assert [a.request_id for a in rows] == [r.headers["x-request-id"]]

    async def test_idempotent_replay_writes_nothing_more(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        last = await max_audit_id(session)
        first, _ = await _units_create(client, settings, world, {"Idempotency-Key": "audit-k1"})
        second, _ = await _units_create(client, settings, world, {"Idempotency-Key": "audit-k1"})
        assert first.status_code == second.status_code == 201
        assert len(await rows_after(session, last)) == 1

    @pytest.mark.parametrize(
        ("method", "path", "body", "who", "status"),
        [
            ("POST", "/api/v1/units", {"code": "DINAS_A", "name": "Dup", "kind": "dinas"}, "bpsdm", 409),
            ("POST", "/api/v1/units", {"code": "X1", "name": "X", "kind": "kementerian"}, "bpsdm", 422),
            ("POST", "/api/v1/units", {"code": "X1", "name": "X", "kind": "dinas"}, "opd_a", 403),
            ("PATCH", "/api/v1/units/{unit_a}", {"name": "X"}, "bpsdm", 428),
            ("PATCH", "/api/v1/units/{unit_a}", {"parent_id": "{unit_a1}"}, "bpsdm", 422),
            (
                "POST",
                "/api/v1/positions",
                {"code": "P1", "name": "P", "jenis_jabatan": "fungsional", "unit_id": "{unit_a}"},
                "bpsdm",
                422,
            ),
            ("PUT", "/api/v1/rules/2019", RULES, "bpsdm", 428),
            ("PUT", "/api/v1/rules/2026", RULES | {"form_rules": [{"form_code": "99"}]}, "bpsdm", 422),
            ("PUT", "/api/v1/rules/2026", RULES, "auditor", 403),
        ],
    )
    async def test_failed_writes_leave_no_row(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        method: str,
        path: str,
        body: dict[str, Any],
        who: str,
        status: int,
    ) -> None:
        ids = {"{unit_a}": world.unit_a.id, "{unit_a1}": world.unit_a1.id}
        path = path.replace("{unit_a}", str(world.unit_a.id))
        body = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
        headers = as_(settings, world, who)
        if method == "PATCH" and "parent_id" in body:
            headers |= {"If-Match": (await client.get(path, headers=headers)).headers["etag"]}
        last = await max_audit_id(session)
        r = await client.request(method, path, json=body, headers=headers)
        assert r.status_code == status, r.text
        assert await rows_after(session, last) == []
