"""Access ends when the account or the login does: an access token issued before a deactivation, a
change of rights, a logout or a stolen refresh token's reuse is refused on the very next request, not
when it expires (issue 13). Another worker's view is in test_access_ends_across_workers.py.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import IntegrationClient, User
from app.core.config import Settings
from tests import factories
from tests.factories import FAST_CLIENT_HASH, World
from tests.http import PROBLEM, as_
from tests.learning.helpers import body

TOKEN_URL = "/api/v1/auth/token"
RECORDS = "/api/v1/learning-records"


pytestmark = pytest.mark.usefixtures("fast_logins")


@pytest.fixture
async def lms(session: AsyncSession) -> IntegrationClient:
    client = await factories.create_client(session, "learning:write learning:read", client_id="bk_lms_access")
    client.secret_hash = FAST_CLIENT_HASH
    await session.commit()
    return client


@pytest.fixture
async def claim(client: httpx.AsyncClient, settings: Settings, world: World) -> int:
    """A pending claim of asn_a, waiting for its OPD admin."""
    r = await client.post(
        f"/api/v1/asn/{world.asn_a.nip}/learning-records", json=body(), headers=as_(settings, world, "asn_a")
    )
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    record_id: int = r.json()["id"]
    return record_id


async def login(client: httpx.AsyncClient, username: str) -> dict[str, Any]:
    r = await client.post(
        TOKEN_URL, data={"grant_type": "password", "username": username, "password": factories.PASSWORD}
    )
    assert r.status_code == 200, r.text
    pair: dict[str, Any] = r.json()
    return pair


async def client_token(client: httpx.AsyncClient) -> str:
    r = await client.post(
        TOKEN_URL,
        data={
            "grant_type": "client_credentials",
            "client_id": "bk_lms_access",
            "client_secret": factories.CLIENT_SECRET,
        },
    )
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def create_verified(client: httpx.AsyncClient, world: World, token: str) -> httpx.Response:
    return await client.post(
        f"/api/v1/asn/{world.asn_a.nip}/learning-records", json=body(), headers=bearer(token)
    )


async def approve(client: httpx.AsyncClient, record_id: int, token: str) -> httpx.Response:
    return await client.post(
        f"{RECORDS}/{record_id}/verification", json={"decision": "approve"}, headers=bearer(token)
    )


def refused(r: httpx.Response) -> None:
    assert r.status_code == 401, r.text
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["code"] == "unauthorized"
    assert r.headers["www-authenticate"].startswith("Bearer")


async def works(client: httpx.AsyncClient, world: World, token: str) -> None:
    """The token writes before the change, so this worker has already checked and kept its subject."""
    r = await create_verified(client, world, token)
    assert r.status_code == 201 and r.json()["status"] == "verified", r.text


async def patch_user(
    client: httpx.AsyncClient, settings: Settings, world: World, user: User, change: dict[str, Any]
) -> None:
    r = await client.patch(
        f"/api/v1/users/{user.id}", json=change, headers=as_(settings, world, "bpsdm") | {"If-Match": "*"}
    )
    assert r.status_code == 200, r.text


class TestUserChanges:
    @pytest.mark.parametrize(
        "change",
        [
            {"active": False},
            {"role": "auditor", "unit_id": None},
            {"unit_id": "unit_b"},
            {"password": "Sandi#Baru2026"},
        ],
        ids=["deactivated", "role_changed", "unit_changed", "password_reset"],
    )
    async def test_the_old_access_token_is_refused_on_the_next_write(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        claim: int,
        change: dict[str, Any],
    ) -> None:
        token = (await login(client, "opd.a"))["access_token"]
        colleague = (await login(client, "bpsdm"))["access_token"]
        await works(client, world, token)
        if change.get("unit_id") == "unit_b":
            change = {"unit_id": world.unit_b.id}
        await patch_user(client, settings, world, world.users["opd_a"], change)

        refused(await create_verified(client, world, token))
        refused(await approve(client, claim, token))
        refused(await client.get("/api/v1/auth/me", headers=bearer(token)))
        # Only that account's tokens end.
        assert (await approve(client, claim, colleague)).status_code == 200

    async def test_a_new_login_works_at_once(
        self, client: httpx.AsyncClient, settings: Settings, world: World, claim: int
    ) -> None:
        old = (await login(client, "opd.a"))["access_token"]
        await works(client, world, old)
        await patch_user(client, settings, world, world.users["opd_a"], {"unit_id": world.unit_a1.id})
        await patch_user(client, settings, world, world.users["opd_a"], {"unit_id": world.unit_a.id})
        new = (await login(client, "opd.a"))["access_token"]
        assert (await approve(client, claim, new)).status_code == 200
        refused(await create_verified(client, world, old))


class TestClientChanges:
    @pytest.mark.parametrize(
        "change",
        [{"active": False}, {"scopes": ["learning:read"]}, "rotate"],
        ids=["deactivated", "scopes_changed", "secret_rotated"],
    )
    async def test_the_old_access_token_is_refused_on_the_next_write(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        lms: IntegrationClient,
        change: dict[str, Any] | str,
    ) -> None:
        token = await client_token(client)
        await works(client, world, token)
        admin = as_(settings, world, "bpsdm")
        # A new name changes nothing the token stands for.
        r = await client.patch(
            f"/api/v1/clients/{lms.id}", json={"name": "LMS"}, headers=admin | {"If-Match": "*"}
        )
        assert r.status_code == 200, r.text
        await works(client, world, token)
        if change == "rotate":
            r = await client.post(f"/api/v1/clients/{lms.id}/secret", headers=admin)
        else:
            r = await client.patch(
                f"/api/v1/clients/{lms.id}", json=change, headers=admin | {"If-Match": "*"}
            )
        assert r.status_code == 200, r.text

        refused(await create_verified(client, world, token))


class TestLoginEnds:
    @pytest.mark.parametrize("which", ["refresh_token", "access_token"])
    async def test_logout_ends_the_access_token_of_that_login(
        self, client: httpx.AsyncClient, world: World, claim: int, which: str
    ) -> None:
        pair = await login(client, "opd.a")
        other = (await login(client, "opd.a"))["access_token"]
        await works(client, world, pair["access_token"])
        r = await client.post(
            "/api/v1/auth/revoke", data={"token": pair[which]}, headers=bearer(pair["access_token"])
        )
        assert r.status_code == 200, r.text

        refused(await create_verified(client, world, pair["access_token"]))
        refused(await approve(client, claim, pair["access_token"]))
        # The same person's other login is another session and goes on.
        assert (await approve(client, claim, other)).status_code == 200

    async def test_reusing_a_refresh_token_ends_every_access_token_of_the_login(
        self, client: httpx.AsyncClient, world: World, claim: int
    ) -> None:
        first = await login(client, "opd.a")
        r = await client.post(
            TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
        )
        assert r.status_code == 200, r.text
        second = r.json()
        await works(client, world, first["access_token"])
        await works(client, world, second["access_token"])

        # A thief replays the first refresh token: the whole login is revoked, access tokens included.
        r = await client.post(
            TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
        )
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant", r.text

        for token in (first["access_token"], second["access_token"]):
            refused(await create_verified(client, world, token))
            refused(await approve(client, claim, token))


class TestEveryWayIn:
    """Routes that authenticate on their own path honour the same check."""

    async def test_change_feed_imports_and_fast_profile_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        token = (await login(client, "opd.a"))["access_token"]
        paths = ["/api/v1/sync/changes", "/api/v1/imports/1", f"/api/v1/asn/{world.asn_a.nip}"]
        for path in paths:
            assert (await client.get(path, headers=bearer(token))).status_code in (200, 403, 404)
        await patch_user(client, settings, world, world.users["opd_a"], {"active": False})
        for path in paths:
            refused(await client.get(path, headers=bearer(token)))

    async def test_xapi_basic_credentials_of_a_deactivated_client(
        self, client: httpx.AsyncClient, settings: Settings, world: World, lms: IntegrationClient
    ) -> None:
        basic = httpx.BasicAuth("bk_lms_access", factories.CLIENT_SECRET)
        version = {"X-Experience-API-Version": "1.0.3"}
        r = await client.post("/api/v1/xapi/statements", json=[], auth=basic, headers=version)
        assert r.status_code not in (401, 403), r.text
        r = await client.patch(
            f"/api/v1/clients/{lms.id}",
            json={"active": False},
            headers=as_(settings, world, "bpsdm") | {"If-Match": "*"},
        )
        assert r.status_code == 200, r.text
        r = await client.post("/api/v1/xapi/statements", json=[], auth=basic, headers=version)
        assert r.status_code == 401, r.text
        assert r.headers["www-authenticate"].startswith("Basic")

    async def test_xapi_basic_credentials_follow_a_scope_change(
        self, client: httpx.AsyncClient, settings: Settings, world: World, lms: IntegrationClient
    ) -> None:
        basic = httpx.BasicAuth("bk_lms_access", factories.CLIENT_SECRET)
        version = {"X-Experience-API-Version": "1.0.3"}
        r = await client.post("/api/v1/xapi/statements", json=[], auth=basic, headers=version)
        assert r.status_code not in (401, 403), r.text
        r = await client.patch(
            f"/api/v1/clients/{lms.id}",
            json={"scopes": ["asn:read"]},
            headers=as_(settings, world, "bpsdm") | {"If-Match": "*"},
        )
        assert r.status_code == 200, r.text
        # Authenticated afresh (not refused for a stale generation), and now without learning:write.
        r = await client.post("/api/v1/xapi/statements", json=[], auth=basic, headers=version)
        assert r.status_code == 403, r.text


class TestTokenClaims:
    async def test_tokens_carry_the_generation_and_the_login(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        from jose import jwt

        pair = await login(client, "opd.a")
        claims = jwt.get_unverified_claims(pair["access_token"])
        generation = (
            await session.execute(select(User.token_generation).where(User.username == "opd.a"))
        ).scalar_one()
        assert claims["gen"] == generation
        assert isinstance(claims["fam"], str) and len(claims["fam"]) == 32
