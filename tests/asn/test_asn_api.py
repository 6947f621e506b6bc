"""ASN profiles: scope, field-level rights, ETag/If-Match, Idempotency-Key, lists, audit."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.factories import World, bearer, client_principal
from tests.http import PROBLEM, as_, audit_rows


class TestReadScope:
    @pytest.mark.parametrize(
        ("who", "target", "status"),
        [
            ("bpsdm", "asn_b", 200),
            ("auditor", "asn_b", 200),
            ("opd_a", "asn_a", 200),
            ("opd_a", "asn_a1", 200),  # descendant unit
            ("opd_a", "asn_b", 404),  # other OPD
            ("opd_a1", "asn_a1", 200),
            ("opd_a1", "asn_a", 404),  # parent unit is out of reach
            ("opd_b", "asn_a", 404),
            ("asn_a", "asn_a", 200),
            ("asn_a", "asn_b", 404),
            ("asn_a", "pppk_a", 404),  # a colleague in the same unit
        ],
    )
    async def test_get(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, target: str, status: int
    ) -> None:
        nip = getattr(world, target).nip
        r = await client.get(f"/api/v1/asn/{nip}", headers=as_(settings, world, who))
        assert r.status_code == status, r.text
        if status == 404:
            assert r.headers["content-type"] == PROBLEM
            assert r.json()["code"] == "asn_not_found"
        else:
            assert r.json()["nip"] == nip
            assert r.headers["etag"] == '"1"'

    async def test_unknown_and_out_of_scope_look_the_same(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        other = await client.get(f"/api/v1/asn/{world.asn_b.nip}", headers=as_(settings, world, "opd_a"))
        missing = await client.get("/api/v1/asn/199001012015011001", headers=as_(settings, world, "opd_a"))
        assert other.status_code == missing.status_code == 404
        assert other.json()["code"] == missing.json()["code"]

    @pytest.mark.parametrize(
        ("who", "expected"),
        [
            ("bpsdm", {"asn_a", "asn_a1", "asn_b", "pppk_a"}),
            ("auditor", {"asn_a", "asn_a1", "asn_b", "pppk_a"}),
            ("opd_a", {"asn_a", "asn_a1", "pppk_a"}),
            ("opd_a1", {"asn_a1"}),
            ("opd_b", {"asn_b"}),
            ("asn_a", {"asn_a"}),
        ],
    )
    async def test_list_is_scoped(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, expected: set[str]
    ) -> None:
        r = await client.get("/api/v1/asn", headers=as_(settings, world, who))
        assert r.status_code == 200
        body = r.json()
        assert {a["nip"] for a in body["items"]} == {getattr(world, n).nip for n in expected}
        assert body["total"] == len(expected)

    async def test_client_scopes(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        reader = bearer(settings, client_principal("asn:read"))
        assert (await client.get(f"/api/v1/asn/{world.asn_b.nip}", headers=reader)).status_code == 200
        other = bearer(settings, client_principal("learning:read"))
        r = await client.get(f"/api/v1/asn/{world.asn_b.nip}", headers=other)
        assert r.status_code == 403
        assert r.json()["code"] == "forbidden"


class TestListFilters:
    async def test_filters(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        h = as_(settings, world, "bpsdm")

        async def nips(**params: Any) -> set[str]:
            r = await client.get("/api/v1/asn", params=params, headers=h)
            assert r.status_code == 200, r.text
            return {a["nip"] for a in r.json()["items"]}

        assert await nips(unit_id=world.unit_a.id) == {world.asn_a.nip, world.asn_a1.nip, world.pppk_a.nip}
        assert await nips(unit_id=world.unit_a1.id) == {world.asn_a1.nip}
        assert await nips(employment_type="pppk") == {world.pppk_a.nip}
        assert await nips(q="budi") == {world.asn_a1.nip}
        assert await nips(q=world.asn_b.nip[:12]) >= {world.asn_b.nip}
        assert await nips(q="%") == set()  # LIKE wildcards are escaped
        assert await nips(active="false") == set()

    async def test_cursor_pagination_covers_everything_once(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 1}
            if cursor:
                params["cursor"] = cursor
            body = (await client.get("/api/v1/asn", params=params, headers=h)).json()
            assert body["total"] == 4
            seen += [a["nip"] for a in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen == sorted(seen) and len(set(seen)) == 4

    @pytest.mark.parametrize(
        "params",
        [
            {"limit": 0},
            {"limit": 501},
            {"limit": 10**12},
            {"cursor": "not-a-cursor"},
            {"cursor": "W10"},
            {"employment_type": "honorer"},
        ],
    )
    async def test_bad_list_parameters(
        self, client: httpx.AsyncClient, settings: Settings, world: World, params: dict[str, Any]
    ) -> None:
        r = await client.get("/api/v1/asn", params=params, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 422
        assert r.headers["content-type"] == PROBLEM


class TestCreate:
    body = {
        "nip": "199208172019032007",
        "name": "Rina Marlina, S.E.",
        "employment_type": "pns",
        "golongan": "III/b",
        "email": "Rina@Kaltimprov.go.id",
    }

    async def test_created_with_location_etag_and_audit(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        r = await client.post(
            "/api/v1/asn",
            json=self.body | {"unit_id": world.unit_a.id},
            headers=as_(settings, world, "opd_a"),
        )
        assert r.status_code == 201, r.text
        assert r.headers["location"] == "/api/v1/asn/199208172019032007"
        assert r.headers["etag"] == '"1"'
        assert r.json()["email"] == "rina@kaltimprov.go.id"
        rows = await audit_rows(session, "asn", "199208172019032007")
        assert [(a.action, a.actor, a.role) for a in rows] == [("create", "opd.a", "opd_admin")]
        assert rows[0].after is not None and rows[0].after["golongan"] == "III/b"
        assert rows[0].request_id == r.headers["x-request-id"]

    async def test_duplicate(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.post(
            "/api/v1/asn",
            json=self.body | {"nip": world.asn_a.nip, "unit_id": world.unit_a.id},
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 409
        assert r.json()["code"] == "asn_exists"

    @pytest.mark.parametrize("who", ["asn_a", "auditor"])
    async def test_roles_that_may_not_create(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.post(
            "/api/v1/asn", json=self.body | {"unit_id": world.unit_a.id}, headers=as_(settings, world, who)
        )
        assert r.status_code == 403

    async def test_opd_admin_cannot_create_in_another_unit(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(
            "/api/v1/asn",
            json=self.body | {"unit_id": world.unit_b.id},
            headers=as_(settings, world, "opd_a"),
        )
        assert r.status_code == 403
        assert r.json()["code"] == "unit_out_of_scope"

    @pytest.mark.parametrize(
        ("change", "code"),
        [
            ({"unit_id": 999999}, "unit_not_found"),
            ({"position_id": 999999}, "position_not_found"),
            ({"email": "not-an-email"}, "validation_error"),
            ({"phone": "call me"}, "validation_error"),
            ({"name": ""}, "validation_error"),
            ({"name": "x" * 201}, "validation_error"),
            ({"name": "Rina\x00"}, "validation_error"),
            ({"golongan": "III/f"}, "invalid_golongan"),
            ({"education_level": "S4"}, "validation_error"),
            ({"role": "bpsdm_admin"}, "validation_error"),  # mass assignment: unknown fields are refused
            ({"version": 7}, "validation_error"),
        ],
    )
    async def test_invalid_bodies(
        self, client: httpx.AsyncClient, settings: Settings, world: World, change: dict[str, Any], code: str
    ) -> None:
        r = await client.post(
            "/api/v1/asn",
            json=self.body | {"unit_id": world.unit_a.id} | change,
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == code
        if code == "validation_error":
            assert r.json()["errors"][0]["loc"][0] == "body"

    async def test_client_with_asn_write(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(
            "/api/v1/asn",
            json=self.body | {"unit_id": world.unit_b.id},
            headers=bearer(settings, client_principal("asn:write")),
        )
        assert r.status_code == 201
        r = await client.post(
            "/api/v1/asn",
            json=self.body | {"nip": "199208172019032015", "unit_id": world.unit_b.id},
            headers=bearer(settings, client_principal("asn:read")),
        )
        assert r.status_code == 403


class TestIdempotency:
    body = {"nip": "199208172019032007", "name": "Rina Marlina", "employment_type": "pns"}

    async def test_replay_returns_first_response(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm") | {"Idempotency-Key": "key-1"}
        payload = self.body | {"unit_id": world.unit_a.id}
        first = await client.post("/api/v1/asn", json=payload, headers=h)
        second = await client.post("/api/v1/asn", json=payload, headers=h)
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert second.headers["location"] == first.headers["location"]
        assert second.headers["idempotent-replayed"] == "true"
        assert len(await audit_rows(session, "asn", "199208172019032007")) == 1

    async def test_same_key_other_body(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm") | {"Idempotency-Key": "key-2"}
        assert (
            await client.post("/api/v1/asn", json=self.body | {"unit_id": world.unit_a.id}, headers=h)
        ).status_code == 201
        r = await client.post("/api/v1/asn", json=self.body | {"unit_id": world.unit_b.id}, headers=h)
        assert r.status_code == 422
        assert r.json()["code"] == "idempotency_key_reused"

    async def test_keys_belong_to_the_caller(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        payload = self.body | {"unit_id": world.unit_a.id}
        assert (
            await client.post(
                "/api/v1/asn", json=payload, headers=as_(settings, world, "bpsdm") | {"Idempotency-Key": "k"}
            )
        ).status_code == 201
        # Another caller using the same key is not served someone else's response.
        r = await client.post(
            "/api/v1/asn", json=payload, headers=as_(settings, world, "opd_a") | {"Idempotency-Key": "k"}
        )
        assert r.status_code == 409
        assert r.json()["code"] == "asn_exists"

    async def test_failed_request_does_not_burn_the_key(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm") | {"Idempotency-Key": "key-3"}
        bad = await client.post("/api/v1/asn", json=self.body | {"unit_id": 999999}, headers=h)
        assert bad.status_code == 422
        good = await client.post("/api/v1/asn", json=self.body | {"unit_id": world.unit_a.id}, headers=h)
        assert good.status_code == 201


class TestUpdate:
    async def _etag(self, client: httpx.AsyncClient, nip: str, h: dict[str, str]) -> str:
        return (await client.get(f"/api/v1/asn/{nip}", headers=h)).headers["etag"]

    async def test_if_match_required(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.patch(
            f"/api/v1/asn/{world.asn_a.nip}",
            json={"phone": "+62 812 1111 2222"},
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 428
        assert r.json()["code"] == "precondition_required"

    async def test_stale_etag(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        h = as_(settings, world, "bpsdm")
        etag = await self._etag(client, world.asn_a.nip, h)
        ok = await client.patch(
            f"/api/v1/asn/{world.asn_a.nip}",
            json={"phone": "+62 812 1111 2222"},
            headers=h | {"If-Match": etag},
        )
        assert ok.status_code == 200
        assert ok.headers["etag"] != etag
        stale = await client.patch(
            f"/api/v1/asn/{world.asn_a.nip}",
            json={"phone": "+62 812 3333 4444"},
            headers=h | {"If-Match": etag},
        )
        assert stale.status_code == 412
        assert stale.json()["code"] == "precondition_failed"
        assert (await client.get(f"/api/v1/asn/{world.asn_a.nip}", headers=h)).json()[
            "phone"
        ] == "+62 812 1111 2222"

    async def test_asn_edits_own_contact_fields(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "asn_a")
        etag = await self._etag(client, world.asn_a.nip, h)
        r = await client.patch(
            f"/api/v1/asn/{world.asn_a.nip}",
            json={"email": "siti@kaltimprov.go.id", "phone": "+62 811 5400 123", "education_level": "S2"},
            headers=h | {"If-Match": etag},
        )
        assert r.status_code == 200, r.text
        assert r.json()["education_level"] == "S2"
        rows = await audit_rows(session, "asn", world.asn_a.nip)
        assert rows[-1].action == "update" and rows[-1].role == "asn"
        assert rows[-1].before is not None and rows[-1].before["education_level"] is None
        assert rows[-1].after is not None and rows[-1].after["education_level"] == "S2"

    @pytest.mark.parametrize(
        "change",
        [
            {"golongan": "IV/a"},
            {"unit_id": 1},
            {"position_id": 1},
            {"employment_type": "pppk"},
            {"active": False},
            {"nip": "199001012015011001"},
            {"name": "Siti R."},
        ],
    )
    async def test_asn_cannot_edit_simpeg_fields(
        self, client: httpx.AsyncClient, settings: Settings, world: World, change: dict[str, Any]
    ) -> None:
        h = as_(settings, world, "asn_a")
        etag = await self._etag(client, world.asn_a.nip, h)
        r = await client.patch(
            f"/api/v1/asn/{world.asn_a.nip}",
            json=change | {"phone": "+62 811 5400 123"},
            headers=h | {"If-Match": etag},
        )
        assert r.status_code == 403
        assert r.json()["code"] == "field_not_editable"

    async def test_asn_cannot_edit_someone_else(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.patch(
            f"/api/v1/asn/{world.asn_b.nip}",
            json={"phone": "+62 811 5400 123"},
            headers=as_(settings, world, "asn_a") | {"If-Match": '"1"'},
        )
        assert r.status_code == 404

    async def test_admin_changes_master_data(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "opd_a")
        etag = await self._etag(client, world.asn_a.nip, h)
        r = await client.patch(
            f"/api/v1/asn/{world.asn_a.nip}",
            json={"golongan": "III/b", "unit_id": world.unit_a1.id, "active": False},
            headers=h | {"If-Match": etag},
        )
        assert r.status_code == 200, r.text
        assert (r.json()["golongan"], r.json()["unit_id"], r.json()["active"]) == (
            "III/b",
            world.unit_a1.id,
            False,
        )

    @pytest.mark.parametrize(
        ("who", "change", "status", "code"),
        [
            ("opd_a", {"unit_id": "unit_b"}, 403, "unit_out_of_scope"),
            ("bpsdm", {"nip": "199001012015011001"}, 422, "nip_immutable"),
            ("bpsdm", {"gender": "male"}, 422, "nip_mismatch"),
            ("bpsdm", {"employment_type": "pppk"}, 422, "invalid_golongan"),
            ("bpsdm", {"name": None}, 422, "null_not_allowed"),
            ("bpsdm", {"unit_id": 999999}, 422, "unit_not_found"),
            ("auditor", {"phone": "+62 811 5400 123"}, 403, "forbidden"),
        ],
    )
    async def test_rejected_changes(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        who: str,
        change: dict[str, Any],
        status: int,
        code: str,
    ) -> None:
        if change.get("unit_id") == "unit_b":
            change = {"unit_id": world.unit_b.id}
        h = as_(settings, world, who)
        etag = (
            await client.get(f"/api/v1/asn/{world.asn_a.nip}", headers=as_(settings, world, "bpsdm"))
        ).headers["etag"]
        r = await client.patch(f"/api/v1/asn/{world.asn_a.nip}", json=change, headers=h | {"If-Match": etag})
        assert r.status_code == status, r.text
        assert r.json()["code"] == code

    async def test_no_op_update_writes_no_audit(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        etag = await self._etag(client, world.asn_a.nip, h)
        r = await client.patch(
            f"/api/v1/asn/{world.asn_a.nip}",
            json={"golongan": world.asn_a.golongan},
            headers=h | {"If-Match": etag},
        )
        assert r.status_code == 200
        assert r.headers["etag"] == etag
        assert await audit_rows(session, "asn", world.asn_a.nip) == []
