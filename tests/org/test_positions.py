"""Positions (jabatan): jenis jabatan and jenjang rules, unit references, ETag/If-Match, lists, audit."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.config import Settings
from tests import factories
from tests.factories import World, bearer, client_principal
from tests.http import PROBLEM, as_, audit_rows

JENIS_JABATAN = (
    "jpt_utama",
    "jpt_madya",
    "jpt_pratama",
    "administrator",
    "pengawas",
    "pelaksana",
    "fungsional",
)


async def etag_of(client: httpx.AsyncClient, position_id: int, headers: dict[str, str]) -> str:
    r = await client.get(f"/api/v1/positions/{position_id}", headers=headers)
    assert r.status_code == 200, r.text
    return r.headers["etag"]


def new_position(world: World, **change: Any) -> dict[str, Any]:
    return {
        "code": "DINAS_A-PRAKOM-MUDA",
        "name": "Pranata Komputer Ahli Muda",
        "jenis_jabatan": "fungsional",
        "jenjang": "ahli_muda",
        "unit_id": world.unit_a.id,
    } | change


class TestList:
    async def _codes(self, client: httpx.AsyncClient, h: dict[str, str], **params: Any) -> set[str]:
        r = await client.get("/api/v1/positions", params=params, headers=h)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total"] == len(body["items"])
        return {p["code"] for p in body["items"]}

    async def test_filters(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await factories.create_position(
            session, world.unit_a1, jenis_jabatan="fungsional", jenjang="ahli_pertama", code="A1-ANALIS"
        )
        await factories.create_position(
            session, world.unit_b, jenis_jabatan="administrator", code="B-KABID_UMUM"
        )
        await session.commit()
        h = as_(settings, world, "bpsdm")
        assert await self._codes(client, h) == {world.position_a.code, "A1-ANALIS", "B-KABID_UMUM"}
        assert await self._codes(client, h, unit_id=world.unit_a1.id) == {"A1-ANALIS"}
        # unit_id is exact (positions belong to one unit), not a subtree filter.
        assert await self._codes(client, h, unit_id=world.unit_a.id) == {world.position_a.code}
        assert await self._codes(client, h, jenis_jabatan="fungsional") == {"A1-ANALIS"}
        assert await self._codes(client, h, jenis_jabatan="administrator", unit_id=world.unit_b.id) == {
            "B-KABID_UMUM"
        }
        assert await self._codes(client, h, jenis_jabatan="pengawas") == set()
        assert await self._codes(client, h, q="JABATAN FUNGSIONAL") == {"A1-ANALIS"}  # name, case-insensitive
        assert await self._codes(client, h, q="kabid_umum") == {"B-KABID_UMUM"}  # code
        assert await self._codes(client, h, q="%") == set()

    async def test_item_shape(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        body = (await client.get("/api/v1/positions", headers=as_(settings, world, "asn_b"))).json()
        assert body["total"] == 1 and body["next_cursor"] is None
        item = body["items"][0]
        assert {k: item[k] for k in ("id", "code", "name", "jenis_jabatan", "jenjang", "unit_id")} == {
            "id": world.position_a.id,
            "code": world.position_a.code,
            "name": "Jabatan pelaksana",
            "jenis_jabatan": "pelaksana",
            "jenjang": None,
            "unit_id": world.unit_a.id,
        }

    async def test_cursor_pagination(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        for i in range(4):
            await factories.create_position(session, world.unit_b, code=f"B-POS-{i}")
        await session.commit()
        h = as_(settings, world, "auditor")
        seen: list[int] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
            body = (await client.get("/api/v1/positions", params=params, headers=h)).json()
            assert body["total"] == 5
            assert 1 <= len(body["items"]) <= 2
            seen += [p["id"] for p in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen == sorted(seen) and len(set(seen)) == 5

    @pytest.mark.parametrize(
        "params",
        [{"limit": 0}, {"limit": 501}, {"cursor": "@@"}, {"unit_id": 0}, {"jenis_jabatan": "x" * 21}],
    )
    async def test_bad_parameters(
        self, client: httpx.AsyncClient, settings: Settings, world: World, params: dict[str, Any]
    ) -> None:
        r = await client.get("/api/v1/positions", params=params, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 422
        assert r.headers["content-type"] == PROBLEM

    async def test_clients_need_reference_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        assert (
            await client.get(
                "/api/v1/positions", headers=bearer(settings, client_principal("reference:read"))
            )
        ).status_code == 200
        r = await client.get("/api/v1/positions", headers=bearer(settings, client_principal("asn:read")))
        assert r.status_code == 403
        assert r.json()["code"] == "forbidden"


class TestGet:
    async def test_found_with_etag(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get(
            f"/api/v1/positions/{world.position_a.id}", headers=as_(settings, world, "opd_b")
        )
        assert r.status_code == 200
        assert re.fullmatch(r'"[0-9]+"', r.headers["etag"])
        assert r.json()["code"] == world.position_a.code

    async def test_not_found(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get("/api/v1/positions/999999", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 404
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "position_not_found"

    async def test_invalid_id(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get("/api/v1/positions/0", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 422
        assert r.json()["code"] == "validation_error"


class TestCreate:
    async def test_created_with_location_etag_and_audit(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        payload = new_position(world)
        r = await client.post("/api/v1/positions", json=payload, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 201, r.text
        body = r.json()
        assert r.headers["location"] == f"/api/v1/positions/{body['id']}"
        assert re.fullmatch(r'"[0-9]+"', r.headers["etag"])
        assert {k: body[k] for k in payload} == payload
        got = await client.get(r.headers["location"], headers=as_(settings, world, "asn_a"))
        assert got.status_code == 200 and got.json() == body
        assert got.headers["etag"] == r.headers["etag"]
        rows = await audit_rows(session, "position", body["id"])
        assert [(a.action, a.actor, a.role) for a in rows] == [("create", "bpsdm", "bpsdm_admin")]
        assert rows[0].before is None and rows[0].after is not None
        # The default competency standard (docs/domain.md: Ahli Muda → level 2) is part of the same write.
        after = dict(rows[0].after)
        standard = after.pop("standard")
        assert after == payload
        assert {line["required_level"] for line in standard} == {2} and len(standard) == 9
        assert rows[0].request_id == r.headers["x-request-id"]

    @pytest.mark.parametrize("jenis", [j for j in JENIS_JABATAN if j != "fungsional"])
    async def test_every_non_fungsional_kind_without_jenjang(
        self, client: httpx.AsyncClient, settings: Settings, world: World, jenis: str
    ) -> None:
        r = await client.post(
            "/api/v1/positions",
            json=new_position(world, code=f"POS-{jenis}", jenis_jabatan=jenis, jenjang=None),
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 201, r.text
        assert (r.json()["jenis_jabatan"], r.json()["jenjang"]) == (jenis, None)

    async def test_jenjang_may_be_omitted_for_non_fungsional(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        payload = new_position(world, code="POS-PENGAWAS", jenis_jabatan="pengawas")
        del payload["jenjang"]
        r = await client.post("/api/v1/positions", json=payload, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 201
        assert r.json()["jenjang"] is None

    @pytest.mark.parametrize("jenjang", ["ahli_utama", "ahli_pertama", "penyelia", "pemula"])
    async def test_fungsional_jenjang(
        self, client: httpx.AsyncClient, settings: Settings, world: World, jenjang: str
    ) -> None:
        r = await client.post(
            "/api/v1/positions",
            json=new_position(world, jenjang=jenjang),
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 201
        assert r.json()["jenjang"] == jenjang

    @pytest.mark.parametrize(
        ("change", "status", "code"),
        [
            ({"jenjang": None}, 422, "invalid_code"),  # fungsional needs a jenjang
            ({"jenjang": "ahli_super"}, 422, "invalid_code"),
            ({"jenis_jabatan": "pelaksana"}, 422, "invalid_code"),  # non-fungsional must not carry one
            ({"jenis_jabatan": "administrator", "jenjang": "ahli_muda"}, 422, "invalid_code"),
            ({"unit_id": 999999}, 422, "unit_not_found"),
            ({"jenis_jabatan": "eselon_2"}, 422, "validation_error"),
            ({"jenis_jabatan": "Fungsional"}, 422, "validation_error"),
            ({"jenis_jabatan": "fungsional "}, 422, "validation_error"),
            ({"jenis_jabatan": None}, 422, "validation_error"),
            ({"unit_id": 0}, 422, "validation_error"),
            ({"code": "bad code"}, 422, "validation_error"),
            ({"code": "x" * 61}, 422, "validation_error"),
            ({"name": ""}, 422, "validation_error"),
            ({"eselon": "III.a"}, 422, "validation_error"),  # unknown fields are refused
        ],
    )
    async def test_rejected(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        change: dict[str, Any],
        status: int,
        code: str,
    ) -> None:
        r = await client.post(
            "/api/v1/positions", json=new_position(world, **change), headers=as_(settings, world, "bpsdm")
        )
        assert r.status_code == status, r.text
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == code
        if code == "validation_error":
            assert r.json()["errors"][0]["loc"][0] == "body"
        if "jenis_jabatan" in change and code == "validation_error":
            assert r.json()["errors"][0]["loc"] == ["body", "jenis_jabatan"]
        assert (
            await session.execute(select(AuditEntry).where(AuditEntry.entity == "position"))
        ).first() is None

    @pytest.mark.parametrize("code", ["DINAS_A-PRAKOM-MUDA", "dinas_a-prakom-muda"])
    async def test_duplicate_code(
        self, client: httpx.AsyncClient, settings: Settings, world: World, code: str
    ) -> None:
        h = as_(settings, world, "bpsdm")
        assert (
            await client.post("/api/v1/positions", json=new_position(world), headers=h)
        ).status_code == 201
        r = await client.post(
            "/api/v1/positions", json=new_position(world, code=code, unit_id=world.unit_b.id), headers=h
        )
        assert r.status_code == 409
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "position_code_exists"

    @pytest.mark.parametrize("who", ["opd_a", "auditor", "asn_a"])
    async def test_only_bpsdm_admin_creates(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.post(
            "/api/v1/positions", json=new_position(world), headers=as_(settings, world, who)
        )
        assert r.status_code == 403
        assert r.json()["code"] == "forbidden"

    async def test_idempotent_replay(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm") | {"Idempotency-Key": "pos-1"}
        first = await client.post("/api/v1/positions", json=new_position(world), headers=h)
        second = await client.post("/api/v1/positions", json=new_position(world), headers=h)
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert second.headers["location"] == first.headers["location"]
        assert second.headers["idempotent-replayed"] == "true"
        assert len(await audit_rows(session, "position", first.json()["id"])) == 1
        other = await client.post("/api/v1/positions", json=new_position(world, name="Lain"), headers=h)
        assert other.status_code == 422
        assert other.json()["code"] == "idempotency_key_reused"


class TestUpdate:
    async def test_if_match_required_then_stale(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        url = f"/api/v1/positions/{world.position_a.id}"
        missing = await client.patch(url, json={"name": "Pengadministrasi Umum"}, headers=h)
        assert missing.status_code == 428
        assert missing.headers["content-type"] == PROBLEM
        assert missing.json()["code"] == "precondition_required"
        etag = await etag_of(client, world.position_a.id, h)
        ok = await client.patch(url, json={"name": "Pengadministrasi Umum"}, headers=h | {"If-Match": etag})
        assert ok.status_code == 200, ok.text
        assert ok.json()["name"] == "Pengadministrasi Umum"
        assert ok.headers["etag"] != etag
        stale = await client.patch(url, json={"name": "Lain"}, headers=h | {"If-Match": etag})
        assert stale.status_code == 412
        assert stale.json()["code"] == "precondition_failed"
        rows = await audit_rows(session, "position", world.position_a.id)
        assert [(a.action, a.actor) for a in rows] == [("update", "bpsdm")]
        assert rows[0].before is not None and rows[0].before["name"] == "Jabatan pelaksana"
        assert rows[0].after is not None and rows[0].after["name"] == "Pengadministrasi Umum"
        assert rows[0].after["code"] == world.position_a.code
        assert rows[0].request_id == ok.headers["x-request-id"]

    async def test_become_fungsional_with_jenjang_and_back(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        url = f"/api/v1/positions/{world.position_a.id}"
        r = await client.patch(
            url,
            json={"jenis_jabatan": "fungsional"},
            headers=h | {"If-Match": await etag_of(client, world.position_a.id, h)},
        )
        assert r.status_code == 422
        assert r.json()["code"] == "invalid_code"
        r = await client.patch(
            url,
            json={"jenis_jabatan": "fungsional", "jenjang": "mahir"},
            headers=h | {"If-Match": await etag_of(client, world.position_a.id, h)},
        )
        assert r.status_code == 200, r.text
        assert (r.json()["jenis_jabatan"], r.json()["jenjang"]) == ("fungsional", "mahir")
        # Leaving fungsional while keeping the jenjang is refused; clearing it works.
        r = await client.patch(
            url, json={"jenis_jabatan": "pelaksana"}, headers=h | {"If-Match": r.headers["etag"]}
        )
        assert r.status_code == 422
        assert r.json()["code"] == "invalid_code"
        r = await client.patch(
            url,
            json={"jenis_jabatan": "pelaksana", "jenjang": None},
            headers=h | {"If-Match": await etag_of(client, world.position_a.id, h)},
        )
        assert r.status_code == 200
        assert (r.json()["jenis_jabatan"], r.json()["jenjang"]) == ("pelaksana", None)

    async def test_move_to_another_unit(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        r = await client.patch(
            f"/api/v1/positions/{world.position_a.id}",
            json={"unit_id": world.unit_b.id},
            headers=h | {"If-Match": await etag_of(client, world.position_a.id, h)},
        )
        assert r.status_code == 200
        assert r.json()["unit_id"] == world.unit_b.id

    @pytest.mark.parametrize(
        ("change", "code"),
        [
            ({"unit_id": 999999}, "unit_not_found"),
            ({"jenjang": "ahli_muda"}, "invalid_code"),
            ({"jenis_jabatan": "kepala"}, "validation_error"),
            ({"name": None}, "null_not_allowed"),
            ({"unit_id": None}, "null_not_allowed"),
            ({"jenis_jabatan": None}, "null_not_allowed"),
            ({"id": 5}, "validation_error"),
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
        etag = await etag_of(client, world.position_a.id, h)
        r = await client.patch(
            f"/api/v1/positions/{world.position_a.id}", json=change, headers=h | {"If-Match": etag}
        )
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == code
        assert await etag_of(client, world.position_a.id, h) == etag
        assert await audit_rows(session, "position", world.position_a.id) == []

    async def test_recode_to_a_taken_code(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        other = await factories.create_position(session, world.unit_b, code="B-SEKRETARIS")
        await session.commit()
        h = as_(settings, world, "bpsdm")
        r = await client.patch(
            f"/api/v1/positions/{world.position_a.id}",
            json={"code": "b-sekretaris"},
            headers=h | {"If-Match": await etag_of(client, world.position_a.id, h)},
        )
        assert r.status_code == 409
        assert r.json()["code"] == "position_code_exists"
        r = await client.patch(
            f"/api/v1/positions/{other.id}",
            json={"code": "B-Sekretaris"},
            headers=h | {"If-Match": await etag_of(client, other.id, h)},
        )
        assert r.status_code == 200  # its own code, only the case changes

    async def test_no_op_update_keeps_etag_and_writes_no_audit(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        etag = await etag_of(client, world.position_a.id, h)
        r = await client.patch(
            f"/api/v1/positions/{world.position_a.id}",
            json={"name": "Jabatan pelaksana"},
            headers=h | {"If-Match": etag},
        )
        assert r.status_code == 200
        assert r.headers["etag"] == etag
        assert await audit_rows(session, "position", world.position_a.id) == []

    async def test_not_found(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.patch(
            "/api/v1/positions/999999",
            json={"name": "X"},
            headers=as_(settings, world, "bpsdm") | {"If-Match": '"1"'},
        )
        assert r.status_code == 404
        assert r.json()["code"] == "position_not_found"

    @pytest.mark.parametrize("who", ["opd_a", "auditor", "asn_a"])
    async def test_only_bpsdm_admin_updates(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        etag = await etag_of(client, world.position_a.id, as_(settings, world, "bpsdm"))
        r = await client.patch(
            f"/api/v1/positions/{world.position_a.id}",
            json={"name": "X"},
            headers=as_(settings, world, who) | {"If-Match": etag},
        )
        assert r.status_code == 403
        assert r.json()["code"] == "forbidden"
