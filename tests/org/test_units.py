"""Units (the perangkat daerah tree): lists and filters, ETag/If-Match, moves with their subtree, audit."""

from __future__ import annotations

import re
from typing import Any, ClassVar

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.config import Settings
from app.org.models import Unit
from tests import factories
from tests.factories import World, bearer, client_principal
from tests.http import PROBLEM, as_, audit_rows


async def codes_of(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> set[str]:
    r = await client.get("/api/v1/units", params=params, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    return {u["code"] for u in body["items"]}


async def etag_of(client: httpx.AsyncClient, unit_id: int, headers: dict[str, str]) -> str:
    r = await client.get(f"/api/v1/units/{unit_id}", headers=headers)
    assert r.status_code == 200, r.text
    return r.headers["etag"]


class TestList:
    async def test_lists_every_unit_in_id_order(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get("/api/v1/units", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 200
        body = r.json()
        assert body["total"] == 3
        assert body["next_cursor"] is None
        assert [u["code"] for u in body["items"]] == ["DINAS_A", "BIDANG_A1", "DINAS_B"]
        a1 = body["items"][1]
        assert a1 == {
            "id": world.unit_a1.id,
            "code": "BIDANG_A1",
            "name": "Unit BIDANG_A1",
            "parent_id": world.unit_a.id,
            "kind": "bidang",
            "updated_at": a1["updated_at"],
        }

    async def test_cursor_pagination_covers_everything_once(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        seen: list[int] = []
        cursor: str | None = None
        pages = 0
        while True:
            params: dict[str, Any] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
            r = await client.get("/api/v1/units", params=params, headers=h)
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["total"] == 3
            assert len(body["items"]) == 1
            seen += [u["id"] for u in body["items"]]
            pages += 1
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert pages == 3
        assert seen == sorted(seen) == sorted({world.unit_a.id, world.unit_a1.id, world.unit_b.id})

    async def test_cursor_combines_with_filters(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        first = (await client.get("/api/v1/units", params={"limit": 1, "kind": "dinas"}, headers=h)).json()
        assert [u["code"] for u in first["items"]] == ["DINAS_A"] and first["total"] == 2
        second = (
            await client.get(
                "/api/v1/units",
                params={"limit": 1, "kind": "dinas", "cursor": first["next_cursor"]},
                headers=h,
            )
        ).json()
        assert [u["code"] for u in second["items"]] == ["DINAS_B"]
        assert second["next_cursor"] is None

    async def test_parent_id_lists_direct_children_only(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await factories.create_unit(session, "SEKSI_A1X", parent=world.unit_a1, kind="seksi")
        await session.commit()
        h = as_(settings, world, "bpsdm")
        assert await codes_of(client, h, parent_id=world.unit_a.id) == {"BIDANG_A1"}
        assert await codes_of(client, h, parent_id=world.unit_a1.id) == {"SEKSI_A1X"}
        assert await codes_of(client, h, parent_id=world.unit_b.id) == set()

    async def test_under_is_the_subtree(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await factories.create_unit(session, "SEKSI_A1X", parent=world.unit_a1, kind="seksi")
        await session.commit()
        h = as_(settings, world, "bpsdm")
        assert await codes_of(client, h, under=world.unit_a.id) == {"DINAS_A", "BIDANG_A1", "SEKSI_A1X"}
        assert await codes_of(client, h, under=world.unit_a1.id) == {"BIDANG_A1", "SEKSI_A1X"}
        assert await codes_of(client, h, under=world.unit_b.id) == {"DINAS_B"}
        assert await codes_of(client, h, under=999999) == set()

    async def test_under_does_not_match_sibling_prefixes(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        # Paths are "/<id>/"; unit 1's subtree must not take in unit 10, 11, ... (a naive prefix would).
        many = [await factories.create_unit(session, f"ROOT_{i}") for i in range(12)]
        await session.commit()
        h = as_(settings, world, "bpsdm")
        for unit in many:
            assert await codes_of(client, h, under=unit.id) == {unit.code}

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("bidang", {"BIDANG_A1"}),
            ("DINAS", {"DINAS_A", "DINAS_B"}),
            ("dinas_b", {"DINAS_B"}),
            ("unit ", {"DINAS_A", "BIDANG_A1", "DINAS_B"}),
            ("_a", {"DINAS_A", "BIDANG_A1"}),  # "_" is literal, not a LIKE wildcard
            ("%", set()),
            ("tidak ada", set()),
        ],
    )
    async def test_q(
        self, client: httpx.AsyncClient, settings: Settings, world: World, q: str, expected: set[str]
    ) -> None:
        assert await codes_of(client, as_(settings, world, "bpsdm"), q=q) == expected

    async def test_q_matches_name(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        unit = await factories.create_unit(session, "DISKOMINFO")
        unit.name = "Dinas Komunikasi dan Informatika"
        await session.commit()
        assert await codes_of(client, as_(settings, world, "bpsdm"), q="komunikasi") == {"DISKOMINFO"}

    async def test_kind(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        h = as_(settings, world, "bpsdm")
        assert await codes_of(client, h, kind="bidang") == {"BIDANG_A1"}
        assert await codes_of(client, h, kind="dinas") == {"DINAS_A", "DINAS_B"}
        assert await codes_of(client, h, kind="dinas", under=world.unit_a.id) == {"DINAS_A"}
        assert await codes_of(client, h, kind="badan") == set()

    @pytest.mark.parametrize(
        "params",
        [
            {"limit": 0},
            {"limit": 501},
            {"cursor": "not-a-cursor"},
            {"cursor": "W10"},
            {"parent_id": 0},
            {"under": "x"},
            {"q": "x" * 101},
        ],
    )
    async def test_bad_parameters(
        self, client: httpx.AsyncClient, settings: Settings, world: World, params: dict[str, Any]
    ) -> None:
        r = await client.get("/api/v1/units", params=params, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 422
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] in {"validation_error", "invalid_cursor"}

    @pytest.mark.parametrize("who", ["bpsdm", "auditor", "opd_a", "opd_b", "asn_a"])
    async def test_every_user_reads_the_whole_tree(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        assert await codes_of(client, as_(settings, world, who)) == {"DINAS_A", "BIDANG_A1", "DINAS_B"}

    async def test_clients_need_reference_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        ok = await client.get("/api/v1/units", headers=bearer(settings, client_principal("reference:read")))
        assert ok.status_code == 200
        r = await client.get(
            "/api/v1/units", headers=bearer(settings, client_principal("asn:read", "asn:write"))
        )
        assert r.status_code == 403
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "forbidden"

    async def test_anonymous(self, client: httpx.AsyncClient, world: World) -> None:
        r = await client.get("/api/v1/units")
        assert r.status_code == 401
        assert r.headers["www-authenticate"].startswith("Bearer")


class TestGet:
    async def test_found_with_etag(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get(f"/api/v1/units/{world.unit_a1.id}", headers=as_(settings, world, "opd_b"))
        assert r.status_code == 200
        assert re.fullmatch(r'"[0-9]+"', r.headers["etag"])
        body = r.json()
        assert (body["id"], body["code"], body["parent_id"], body["kind"]) == (
            world.unit_a1.id,
            "BIDANG_A1",
            world.unit_a.id,
            "bidang",
        )
        assert body["updated_at"].endswith(("Z", "+00:00"))

    async def test_not_found(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get("/api/v1/units/999999", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 404
        assert r.headers["content-type"] == PROBLEM
        body = r.json()
        assert body["code"] == "unit_not_found"
        assert body["status"] == 404
        assert body["type"].endswith("/unit_not_found")

    @pytest.mark.parametrize("unit_id", ["0", "-1", "abc", str(2**31)])
    async def test_invalid_id(
        self, client: httpx.AsyncClient, settings: Settings, world: World, unit_id: str
    ) -> None:
        r = await client.get(f"/api/v1/units/{unit_id}", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 422
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "validation_error"
        assert r.json()["errors"][0]["loc"][:2] == ["path", "unit_id"]


class TestCreate:
    body: ClassVar[dict[str, Any]] = {
        "code": "DISKOMINFO",
        "name": "Dinas Komunikasi dan Informatika",
        "kind": "dinas",
    }

    async def test_created_with_location_etag_and_audit(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        r = await client.post("/api/v1/units", json=self.body, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 201, r.text
        body = r.json()
        assert r.headers["location"] == f"/api/v1/units/{body['id']}"
        assert re.fullmatch(r'"[0-9]+"', r.headers["etag"])
        assert {k: body[k] for k in ("code", "name", "kind", "parent_id")} == self.body | {"parent_id": None}
        got = await client.get(r.headers["location"], headers=as_(settings, world, "auditor"))
        assert got.status_code == 200 and got.json() == body
        assert got.headers["etag"] == r.headers["etag"]
        rows = await audit_rows(session, "unit", body["id"])
        assert [(a.action, a.actor, a.role) for a in rows] == [("create", "bpsdm", "bpsdm_admin")]
        assert rows[0].before is None
        assert rows[0].after == {
            "code": "DISKOMINFO",
            "name": "Dinas Komunikasi dan Informatika",
            "kind": "dinas",
            "parent_id": None,
        }
        assert rows[0].request_id == r.headers["x-request-id"]

    async def test_child_joins_the_parent_subtree(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        r = await client.post(
            "/api/v1/units",
            json={"code": "SEKSI_X", "name": "Seksi X", "kind": "seksi", "parent_id": world.unit_a1.id},
            headers=h,
        )
        assert r.status_code == 201, r.text
        assert r.json()["parent_id"] == world.unit_a1.id
        assert "SEKSI_X" in await codes_of(client, h, under=world.unit_a.id)
        assert await codes_of(client, h, parent_id=world.unit_a1.id) == {"SEKSI_X"}

    async def test_opd_admin_of_the_parent_reaches_asn_in_a_new_child(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        r = await client.post(
            "/api/v1/units",
            json={"code": "UPTD_B1", "name": "UPTD B1", "kind": "uptd", "parent_id": world.unit_b.id},
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 201
        unit = await session.get(Unit, r.json()["id"])
        assert unit is not None
        asn = await factories.create_asn(session, unit)
        await session.commit()
        assert (
            await client.get(f"/api/v1/asn/{asn.nip}", headers=as_(settings, world, "opd_b"))
        ).status_code == 200
        assert (
            await client.get(f"/api/v1/asn/{asn.nip}", headers=as_(settings, world, "opd_a"))
        ).status_code == 404

    @pytest.mark.parametrize("code", ["DINAS_A", "dinas_a", "Dinas_A"])
    async def test_duplicate_code(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, code: str
    ) -> None:
        r = await client.post(
            "/api/v1/units", json=self.body | {"code": code}, headers=as_(settings, world, "bpsdm")
        )
        assert r.status_code == 409
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "unit_code_exists"
        assert (await session.execute(select(AuditEntry))).first() is None

    async def test_code_with_surrounding_spaces_is_refused_as_the_document_says(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        # The documented pattern has no spaces; trimming first would accept what the schema refuses.
        r = await client.post(
            "/api/v1/units", json=self.body | {"code": "  DINAS_A  "}, headers=as_(settings, world, "bpsdm")
        )
        assert r.status_code == 422
        assert r.json()["code"] == "validation_error"
        assert r.json()["errors"][0]["loc"] == ["body", "code"]
        assert (await session.execute(select(AuditEntry))).first() is None

    async def test_names_are_trimmed_after_their_documented_length_is_checked(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        # 201 characters as sent: over the documented maxLength of 200 even though 200 remain trimmed.
        r = await client.post("/api/v1/units", json=self.body | {"name": " " + "a" * 200}, headers=headers)
        assert r.status_code == 422
        assert r.json()["errors"][0]["loc"] == ["body", "name"]
        r = await client.post("/api/v1/units", json=self.body | {"name": "   "}, headers=headers)
        assert r.status_code == 422
        assert "besides spaces" in r.json()["errors"][0]["msg"]
        assert (await session.execute(select(AuditEntry))).first() is None
        r = await client.post("/api/v1/units", json=self.body | {"name": "  Dinas X  "}, headers=headers)
        assert r.status_code == 201, r.text
        assert r.json()["name"] == "Dinas X"

    async def test_unknown_parent(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.post(
            "/api/v1/units", json=self.body | {"parent_id": 999999}, headers=as_(settings, world, "bpsdm")
        )
        assert r.status_code == 422
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "unit_not_found"
        assert "parent_id" in r.json()["detail"]

    @pytest.mark.parametrize("kind", ["kementerian", "DINAS", ""])
    async def test_bad_kind(
        self, client: httpx.AsyncClient, settings: Settings, world: World, kind: str
    ) -> None:
        r = await client.post(
            "/api/v1/units", json=self.body | {"kind": kind}, headers=as_(settings, world, "bpsdm")
        )
        assert r.status_code == 422
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "invalid_code"

    @pytest.mark.parametrize(
        "change",
        [
            {"code": "has space"},
            {"code": ""},
            {"code": "x" * 41},
            {"name": ""},
            {"name": "x" * 201},
            {"name": "Dinas\x00"},
            {"parent_id": 0},
            {"parent_id": "DINAS_A"},
            {"path": "/1/"},  # unknown fields are refused, not ignored
            {"version": 5},
        ],
    )
    async def test_invalid_bodies(
        self, client: httpx.AsyncClient, settings: Settings, world: World, change: dict[str, Any]
    ) -> None:
        r = await client.post("/api/v1/units", json=self.body | change, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == PROBLEM
        body = r.json()
        assert body["code"] == "validation_error"
        assert body["errors"][0]["loc"][0] == "body"

    async def test_missing_fields(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.post("/api/v1/units", json={"code": "X"}, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 422
        assert {tuple(e["loc"]) for e in r.json()["errors"]} == {("body", "name"), ("body", "kind")}

    @pytest.mark.parametrize("who", ["opd_a", "auditor", "asn_a"])
    async def test_only_bpsdm_admin_creates(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.post("/api/v1/units", json=self.body, headers=as_(settings, world, who))
        assert r.status_code == 403
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "forbidden"

    async def test_client_cannot_create(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        headers = bearer(
            settings, client_principal("reference:read", "asn:write", "learning:write", "budget:write")
        )
        r = await client.post("/api/v1/units", json=self.body, headers=headers)
        assert r.status_code == 403


class TestCreateIdempotency:
    body: ClassVar[dict[str, Any]] = {
        "code": "BAPPEDA",
        "name": "Badan Perencanaan Pembangunan Daerah",
        "kind": "badan",
    }

    async def test_replay_returns_first_response(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm") | {"Idempotency-Key": "unit-key-1"}
        first = await client.post("/api/v1/units", json=self.body, headers=h)
        second = await client.post("/api/v1/units", json=self.body, headers=h)
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert second.headers["location"] == first.headers["location"]
        assert second.headers["etag"] == first.headers["etag"]
        assert second.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        assert await codes_of(client, as_(settings, world, "bpsdm"), q="BAPPEDA") == {"BAPPEDA"}
        assert len(await audit_rows(session, "unit", first.json()["id"])) == 1

    async def test_same_key_other_body(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm") | {"Idempotency-Key": "unit-key-2"}
        assert (await client.post("/api/v1/units", json=self.body, headers=h)).status_code == 201
        r = await client.post("/api/v1/units", json=self.body | {"name": "Bappeda Kaltim"}, headers=h)
        assert r.status_code == 422
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "idempotency_key_reused"

    async def test_without_key_a_retry_is_a_duplicate(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        assert (await client.post("/api/v1/units", json=self.body, headers=h)).status_code == 201
        r = await client.post("/api/v1/units", json=self.body, headers=h)
        assert r.status_code == 409
        assert r.json()["code"] == "unit_code_exists"


class TestUpdate:
    async def test_if_match_required(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        r = await client.patch(
            f"/api/v1/units/{world.unit_a.id}",
            json={"name": "Dinas A Baru"},
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 428
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "precondition_required"
        assert await audit_rows(session, "unit", world.unit_a.id) == []

    async def test_update_then_stale_etag(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        etag = await etag_of(client, world.unit_a.id, h)
        ok = await client.patch(
            f"/api/v1/units/{world.unit_a.id}",
            json={"name": "Dinas A Baru", "code": "DINAS_A2"},
            headers=h | {"If-Match": etag},
        )
        assert ok.status_code == 200, ok.text
        assert ok.headers["etag"] != etag
        assert (ok.json()["name"], ok.json()["code"]) == ("Dinas A Baru", "DINAS_A2")
        stale = await client.patch(
            f"/api/v1/units/{world.unit_a.id}", json={"name": "Lagi"}, headers=h | {"If-Match": etag}
        )
        assert stale.status_code == 412
        assert stale.headers["content-type"] == PROBLEM
        assert stale.json()["code"] == "precondition_failed"
        got = await client.get(f"/api/v1/units/{world.unit_a.id}", headers=h)
        assert got.json()["name"] == "Dinas A Baru"
        assert got.headers["etag"] == ok.headers["etag"]
        rows = await audit_rows(session, "unit", world.unit_a.id)
        assert [(a.action, a.actor, a.role) for a in rows] == [("update", "bpsdm", "bpsdm_admin")]
        assert rows[0].before == {
            "code": "DINAS_A",
            "name": "Unit DINAS_A",
            "kind": "dinas",
            "parent_id": None,
        }
        assert rows[0].after == {
            "code": "DINAS_A2",
            "name": "Dinas A Baru",
            "kind": "dinas",
            "parent_id": None,
        }
        assert rows[0].request_id == ok.headers["x-request-id"]

    async def test_if_match_lists_and_wildcard(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        etag = await etag_of(client, world.unit_b.id, h)
        r = await client.patch(
            f"/api/v1/units/{world.unit_b.id}",
            json={"name": "B1"},
            headers=h | {"If-Match": f'"999", {etag}'},
        )
        assert r.status_code == 200
        second = await client.patch(
            f"/api/v1/units/{world.unit_b.id}", json={"name": "B2"}, headers=h | {"If-Match": "*"}
        )
        assert second.status_code == 200
        assert len({etag, r.headers["etag"], second.headers["etag"]}) == 3

    async def test_not_found(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.patch(
            "/api/v1/units/999999",
            json={"name": "X"},
            headers=as_(settings, world, "bpsdm") | {"If-Match": '"1"'},
        )
        assert r.status_code == 404
        assert r.json()["code"] == "unit_not_found"

    @pytest.mark.parametrize("code", ["DINAS_B", "dinas_b"])
    async def test_recode_to_a_taken_code(
        self, client: httpx.AsyncClient, settings: Settings, world: World, code: str
    ) -> None:
        h = as_(settings, world, "bpsdm")
        r = await client.patch(
            f"/api/v1/units/{world.unit_a.id}",
            json={"code": code},
            headers=h | {"If-Match": await etag_of(client, world.unit_a.id, h)},
        )
        assert r.status_code == 409
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "unit_code_exists"

    async def test_recode_changing_only_case_of_own_code(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        r = await client.patch(
            f"/api/v1/units/{world.unit_a.id}",
            json={"code": "Dinas_A"},
            headers=h | {"If-Match": await etag_of(client, world.unit_a.id, h)},
        )
        assert r.status_code == 200
        assert r.json()["code"] == "Dinas_A"

    @pytest.mark.parametrize(
        ("change", "code"),
        [
            ({"kind": "kementerian"}, "invalid_code"),
            ({"name": None}, "null_not_allowed"),
            ({"code": None}, "null_not_allowed"),
            ({"kind": None}, "null_not_allowed"),
            ({"name": ""}, "validation_error"),
            ({"path": "/"}, "validation_error"),
            ({"parent_id": 999999}, "unit_not_found"),
        ],
    )
    async def test_rejected_changes(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        change: dict[str, Any],
        code: str,
    ) -> None:
        h = as_(settings, world, "bpsdm")
        etag = await etag_of(client, world.unit_a1.id, h)
        r = await client.patch(
            f"/api/v1/units/{world.unit_a1.id}", json=change, headers=h | {"If-Match": etag}
        )
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == code
        got = await client.get(f"/api/v1/units/{world.unit_a1.id}", headers=h)
        assert got.headers["etag"] == etag
        assert got.json()["parent_id"] == world.unit_a.id
        assert await audit_rows(session, "unit", world.unit_a1.id) == []

    async def test_no_op_update_keeps_etag_and_writes_no_audit(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        etag = await etag_of(client, world.unit_a1.id, h)
        r = await client.patch(
            f"/api/v1/units/{world.unit_a1.id}",
            json={"name": "Unit BIDANG_A1", "parent_id": world.unit_a.id},
            headers=h | {"If-Match": etag},
        )
        assert r.status_code == 200
        assert r.headers["etag"] == etag
        assert await audit_rows(session, "unit", world.unit_a1.id) == []

    @pytest.mark.parametrize("who", ["opd_a", "auditor", "asn_a"])
    async def test_only_bpsdm_admin_updates(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        etag = await etag_of(client, world.unit_a.id, as_(settings, world, "bpsdm"))
        r = await client.patch(
            f"/api/v1/units/{world.unit_a.id}",
            json={"name": "X"},
            headers=as_(settings, world, who) | {"If-Match": etag},
        )
        assert r.status_code == 403
        assert r.json()["code"] == "forbidden"


class TestMove:
    async def _move(
        self, client: httpx.AsyncClient, h: dict[str, str], unit_id: int, parent_id: int | None
    ) -> httpx.Response:
        etag = await etag_of(client, unit_id, h)
        return await client.patch(
            f"/api/v1/units/{unit_id}", json={"parent_id": parent_id}, headers=h | {"If-Match": etag}
        )

    async def test_moving_carries_the_subtree(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        seksi = await factories.create_unit(session, "SEKSI_A1X", parent=world.unit_a1, kind="seksi")
        deep = await factories.create_asn(session, seksi, name="Dewi Lestari")
        await session.commit()
        h = as_(settings, world, "bpsdm")
        before = await etag_of(client, world.unit_a1.id, h)

        r = await self._move(client, h, world.unit_a1.id, world.unit_b.id)
        assert r.status_code == 200, r.text
        assert r.json()["parent_id"] == world.unit_b.id
        assert r.headers["etag"] != before

        assert await codes_of(client, h, under=world.unit_b.id) == {"DINAS_B", "BIDANG_A1", "SEKSI_A1X"}
        assert await codes_of(client, h, under=world.unit_a.id) == {"DINAS_A"}
        assert await codes_of(client, h, under=world.unit_a1.id) == {"BIDANG_A1", "SEKSI_A1X"}
        assert await codes_of(client, h, parent_id=world.unit_b.id) == {"BIDANG_A1"}
        # The grandchild keeps its own parent.
        assert (await client.get(f"/api/v1/units/{seksi.id}", headers=h)).json()[
            "parent_id"
        ] == world.unit_a1.id

        # Scope follows the tree: the new parent's admin reaches the moved ASN, the old one no longer does.
        for nip in (world.asn_a1.nip, deep.nip):
            assert (
                await client.get(f"/api/v1/asn/{nip}", headers=as_(settings, world, "opd_b"))
            ).status_code == 200
            gone = await client.get(f"/api/v1/asn/{nip}", headers=as_(settings, world, "opd_a"))
            assert gone.status_code == 404
            assert gone.json()["code"] == "asn_not_found"
        # The moved unit's own admin still reaches its subtree.
        assert (
            await client.get(f"/api/v1/asn/{deep.nip}", headers=as_(settings, world, "opd_a1"))
        ).status_code == 200
        listed = (await client.get("/api/v1/asn", headers=as_(settings, world, "opd_b"))).json()
        assert {a["nip"] for a in listed["items"]} == {world.asn_b.nip, world.asn_a1.nip, deep.nip}

        rows = await audit_rows(session, "unit", world.unit_a1.id)
        assert [a.action for a in rows] == ["update"]
        assert rows[0].before is not None and rows[0].before["parent_id"] == world.unit_a.id
        assert rows[0].after is not None and rows[0].after["parent_id"] == world.unit_b.id

    async def test_move_to_the_root(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        r = await self._move(client, h, world.unit_a1.id, None)
        assert r.status_code == 200, r.text
        assert r.json()["parent_id"] is None
        assert await codes_of(client, h, under=world.unit_a.id) == {"DINAS_A"}
        assert await codes_of(client, h, under=world.unit_a1.id) == {"BIDANG_A1"}
        assert (
            await client.get(f"/api/v1/asn/{world.asn_a1.nip}", headers=as_(settings, world, "opd_a"))
        ).status_code == 404

    async def test_move_and_back(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        h = as_(settings, world, "bpsdm")
        assert (await self._move(client, h, world.unit_a1.id, world.unit_b.id)).status_code == 200
        assert (await self._move(client, h, world.unit_a1.id, world.unit_a.id)).status_code == 200
        assert await codes_of(client, h, under=world.unit_a.id) == {"DINAS_A", "BIDANG_A1"}
        assert await codes_of(client, h, under=world.unit_b.id) == {"DINAS_B"}
        assert (
            await client.get(f"/api/v1/asn/{world.asn_a1.nip}", headers=as_(settings, world, "opd_a"))
        ).status_code == 200

    @pytest.mark.parametrize("target", ["self", "child", "grandchild"])
    async def test_cycle(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, target: str
    ) -> None:
        seksi = await factories.create_unit(session, "SEKSI_A1X", parent=world.unit_a1, kind="seksi")
        await session.commit()
        new_parent = {"self": world.unit_a.id, "child": world.unit_a1.id, "grandchild": seksi.id}[target]
        h = as_(settings, world, "bpsdm")
        etag = await etag_of(client, world.unit_a.id, h)
        r = await self._move(client, h, world.unit_a.id, new_parent)
        assert r.status_code == 422
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "unit_cycle"
        assert await codes_of(client, h, under=world.unit_a.id) == {"DINAS_A", "BIDANG_A1", "SEKSI_A1X"}
        got = await client.get(f"/api/v1/units/{world.unit_a.id}", headers=h)
        assert got.json()["parent_id"] is None and got.headers["etag"] == etag
        assert await audit_rows(session, "unit", world.unit_a.id) == []
