"""User accounts and integration clients administered by BPSDM."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.config import Settings
from tests.factories import PASSWORD, World
from tests.http import as_, problem


async def login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/token", data={"grant_type": "password", "username": username, "password": password}
    )


class TestUsers:
    async def test_create_login_and_audit(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        body = {
            "username": "Opd.Dinkes",
            "password": "Ganti#Segera1",
            "role": "opd_admin",
            "unit_id": world.unit_b.id,
        }
        r = await client.post("/api/v1/users", json=body, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 201, r.text
        assert r.json()["username"] == "opd.dinkes"
        assert "password" not in r.text and "hash" not in r.text
        assert (await login(client, "opd.dinkes", "Ganti#Segera1")).status_code == 200
        rows = (
            (
                await session.execute(
                    select(AuditEntry).where(AuditEntry.entity == "user", AuditEntry.key == "opd.dinkes")
                )
            )
            .scalars()
            .all()
        )
        assert [a.action for a in rows][:1] == ["create"]
        assert all("Ganti" not in str(a.after) for a in rows)

    @pytest.mark.parametrize(
        ("body", "status", "code"),
        [
            ({"username": "x.admin", "password": "short", "role": "bpsdm_admin"}, 422, "validation_error"),
            ({"username": "x.admin", "password": "Panjang#123", "role": "opd_admin"}, 422, "invalid_account"),
            (
                {"username": "x.asn", "password": "Panjang#123", "role": "asn", "nip": "199001012015011001"},
                422,
                "invalid_account",
            ),
            (
                {"username": "x.admin", "password": "Panjang#123", "role": "superuser"},
                422,
                "validation_error",
            ),
            ({"username": "bpsdm", "password": "Panjang#123", "role": "auditor"}, 409, "username_taken"),
            ({"username": "x y", "password": "Panjang#123", "role": "auditor"}, 422, "validation_error"),
        ],
    )
    async def test_invalid(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        body: dict[str, object],
        status: int,
        code: str,
    ) -> None:
        r = await client.post("/api/v1/users", json=body, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == status, r.text
        assert r.json()["code"] == code

    @pytest.mark.parametrize("who", ["opd_a", "asn_a", "auditor"])
    async def test_only_bpsdm_creates(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        body = {"username": "x.aud", "password": "Panjang#123", "role": "auditor"}
        assert (
            await client.post("/api/v1/users", json=body, headers=as_(settings, world, who))
        ).status_code == 403

    async def test_auditor_reads_list(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(
            "/api/v1/users", params={"role": "opd_admin"}, headers=as_(settings, world, "auditor")
        )
        assert r.status_code == 200
        assert {u["username"] for u in r.json()["items"]} == {"opd.a", "opd.a1", "opd.b"}
        assert (await client.get("/api/v1/users", headers=as_(settings, world, "asn_a"))).status_code == 403

    async def test_deactivate_ends_sessions(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        tokens = (await login(client, "opd.b", PASSWORD)).json()
        user_id = world.users["opd_b"].id
        h = as_(settings, world, "bpsdm")
        no_match = await client.patch(f"/api/v1/users/{user_id}", json={"active": False}, headers=h)
        assert no_match.status_code == 428
        etag = (await client.get(f"/api/v1/users/{user_id}", headers=h)).headers["etag"]
        r = await client.patch(
            f"/api/v1/users/{user_id}", json={"active": False}, headers=h | {"If-Match": etag}
        )
        assert r.status_code == 200 and r.json()["active"] is False
        refreshed = await client.post(
            "/api/v1/auth/token",
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        )
        assert refreshed.status_code == 400
        assert (await login(client, "opd.b", PASSWORD)).status_code == 400

    async def test_password_reset(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        user_id = world.users["auditor"].id
        h = as_(settings, world, "bpsdm")
        etag = (await client.get(f"/api/v1/users/{user_id}", headers=h)).headers["etag"]
        r = await client.patch(
            f"/api/v1/users/{user_id}", json={"password": "Baru#Sekali9"}, headers=h | {"If-Match": etag}
        )
        assert r.status_code == 200
        assert (await login(client, "auditor", PASSWORD)).status_code == 400
        assert (await login(client, "auditor", "Baru#Sekali9")).status_code == 200

    @pytest.mark.parametrize("field", ["role", "active"])
    async def test_a_role_or_active_flag_cannot_be_null(
        self, client: httpx.AsyncClient, settings: Settings, world: World, field: str
    ) -> None:
        # Schemathesis found {"role": null} answered 500; unit_id and nip may still be cleared.
        target = world.users["opd_b"]
        h = as_(settings, world, "bpsdm")
        etag = (await client.get(f"/api/v1/users/{target.id}", headers=h)).headers["etag"]
        r = await client.patch(
            f"/api/v1/users/{target.id}", json={field: None}, headers=h | {"If-Match": etag}
        )
        assert problem(r, 422, "null_not_allowed")["detail"] == f"{field} cannot be null"

    async def test_unknown_user(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get("/api/v1/users/999999", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 404 and r.json()["code"] == "user_not_found"


class TestClients:
    async def test_lifecycle(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        r = await client.post(
            "/api/v1/clients", json={"name": "SIMPEG Kaltim", "scopes": ["asn:read", "asn:write"]}, headers=h
        )
        assert r.status_code == 201, r.text
        assert r.headers["cache-control"] == "no-store"
        created = r.json()
        creds = {
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": created["client_secret"],
        }
        assert (await client.post("/api/v1/auth/token", data=creds)).status_code == 200

        listed = (await client.get("/api/v1/clients", headers=h)).json()
        assert all("client_secret" not in c for c in listed["items"])

        rotated = await client.post(f"/api/v1/clients/{created['id']}/secret", headers=h)
        assert rotated.status_code == 200
        assert (await client.post("/api/v1/auth/token", data=creds)).status_code == 401
        creds["client_secret"] = rotated.json()["client_secret"]
        assert (await client.post("/api/v1/auth/token", data=creds)).status_code == 200

        r = await client.patch(
            f"/api/v1/clients/{created['id']}", json={"active": False}, headers=h | {"If-Match": '"2"'}
        )
        assert r.status_code == 200, r.text
        assert (await client.post("/api/v1/auth/token", data=creds)).status_code == 401
        actions = (
            (
                await session.execute(
                    select(AuditEntry.action)
                    .where(AuditEntry.entity == "integration_client")
                    .order_by(AuditEntry.id)
                )
            )
            .scalars()
            .all()
        )
        assert actions == ["create", "rotate_secret", "update"]

    async def test_unknown_scope(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.post(
            "/api/v1/clients",
            json={"name": "LMS", "scopes": ["everything"]},
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 422

    async def test_only_bpsdm(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.post(
            "/api/v1/clients",
            json={"name": "LMS", "scopes": ["learning:write"]},
            headers=as_(settings, world, "opd_a"),
        )
        assert r.status_code == 403
