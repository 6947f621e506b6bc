"""POST /api/v1/auth/revoke as RFC 7009 defines it: `token` and `token_type_hint` form fields, client
authentication for confidential clients (HTTP Basic or form fields), and 200 whether or not there was
anything to revoke. The SPA's way (a user's bearer token) is in test_token_grants.py.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import IntegrationClient, User
from app.core.audit import AuditEntry
from tests import factories
from tests.factories import FAST_CLIENT_HASH, FAST_HASH, World
from tests.http import PROBLEM

TOKEN_URL = "/api/v1/auth/token"
REVOKE_URL = "/api/v1/auth/revoke"
CLIENT_ID = "bk_revoking_client"

BASIC = httpx.BasicAuth(CLIENT_ID, factories.CLIENT_SECRET)


@pytest.fixture(autouse=True)
async def accounts(world: World, session: AsyncSession) -> IntegrationClient:
    await session.execute(update(User).values(password_hash=FAST_HASH))
    client = await factories.create_client(session, "learning:read asn:read", client_id=CLIENT_ID)
    client.secret_hash = FAST_CLIENT_HASH
    await session.commit()
    return client


async def client_token(client: httpx.AsyncClient) -> str:
    r = await client.post(TOKEN_URL, data={"grant_type": "client_credentials"}, auth=BASIC)
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


async def user_login(client: httpx.AsyncClient, username: str = "opd.a") -> dict[str, Any]:
    r = await client.post(
        TOKEN_URL, data={"grant_type": "password", "username": username, "password": factories.PASSWORD}
    )
    assert r.status_code == 200, r.text
    pair: dict[str, Any] = r.json()
    return pair


def revoked_ok(r: httpx.Response) -> None:
    assert r.status_code == 200, r.text
    assert r.content == b""
    assert r.headers["cache-control"] == "no-store"


async def me_status(client: httpx.AsyncClient, access_token: str) -> int:
    return (
        await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {access_token}"})
    ).status_code


class TestAnswer:
    async def test_200_with_an_empty_body_when_something_was_revoked(self, client: httpx.AsyncClient) -> None:
        pair = await user_login(client)
        r = await client.post(
            REVOKE_URL,
            data={"token": pair["refresh_token"], "token_type_hint": "refresh_token"},
            headers={"Authorization": f"Bearer {pair['access_token']}"},
        )
        revoked_ok(r)

    @pytest.mark.parametrize(
        "token",
        ["never-issued", "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl", "x" * 4096],
        ids=["unknown", "malformed_jwt", "longest"],
    )
    async def test_200_for_a_token_that_is_unknown_or_invalid(
        self, client: httpx.AsyncClient, token: str
    ) -> None:
        revoked_ok(await client.post(REVOKE_URL, data={"token": token}, auth=BASIC))

    @pytest.mark.parametrize("hint", ["access_token", "id_token"])
    async def test_a_wrong_or_unknown_hint_does_not_stop_the_search(
        self, client: httpx.AsyncClient, hint: str
    ) -> None:
        pair = await user_login(client)
        r = await client.post(
            REVOKE_URL,
            data={"token": pair["refresh_token"], "token_type_hint": hint},
            headers={"Authorization": f"Bearer {pair['access_token']}"},
        )
        revoked_ok(r)
        r = await client.post(
            TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]}
        )
        assert r.status_code == 400 and r.json()["error"] == "invalid_grant"

    async def test_without_a_token_is_invalid_request(self, client: httpx.AsyncClient) -> None:
        r = await client.post(REVOKE_URL, data={"token_type_hint": "access_token"}, auth=BASIC)
        assert r.status_code == 400, r.text
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["error"] == "invalid_request"


class TestClientAuthentication:
    @pytest.mark.parametrize("how", ["basic", "form"])
    async def test_a_client_revokes_its_access_token(
        self, client: httpx.AsyncClient, session: AsyncSession, how: str
    ) -> None:
        token = await client_token(client)
        assert await me_status(client, token) == 200
        if how == "basic":
            r = await client.post(
                REVOKE_URL, data={"token": token, "token_type_hint": "access_token"}, auth=BASIC
            )
        else:
            form = {"token": token, "client_id": CLIENT_ID, "client_secret": factories.CLIENT_SECRET}
            r = await client.post(REVOKE_URL, data=form)
        revoked_ok(r)
        assert await me_status(client, token) == 401
        # Its credentials still work: a new token is one grant away.
        assert await me_status(client, await client_token(client)) == 200
        audit = (
            await session.execute(select(AuditEntry).where(AuditEntry.action == "revoke_tokens"))
        ).scalar_one()
        assert (audit.actor, audit.entity, audit.key) == (
            f"client:{CLIENT_ID}",
            "integration_client",
            CLIENT_ID,
        )

    async def test_a_client_revokes_with_its_own_bearer_token(self, client: httpx.AsyncClient) -> None:
        token = await client_token(client)
        r = await client.post(REVOKE_URL, data={"token": token}, headers={"Authorization": f"Bearer {token}"})
        revoked_ok(r)
        assert await me_status(client, token) == 401

    @pytest.mark.parametrize(
        "auth",
        [
            {"auth": httpx.BasicAuth(CLIENT_ID, "wrong-secret")},
            {"data": {"client_id": CLIENT_ID, "client_secret": "wrong-secret"}},
            {"data": {"client_id": CLIENT_ID}},
            {"headers": {"Authorization": "Basic not-base64!"}},
        ],
        ids=["basic_wrong_secret", "form_wrong_secret", "form_without_secret", "basic_malformed"],
    )
    async def test_failed_client_authentication_is_401_invalid_client(
        self, client: httpx.AsyncClient, auth: dict[str, Any]
    ) -> None:
        token = await client_token(client)
        data = {"token": token} | auth.pop("data", {})
        r = await client.post(REVOKE_URL, data=data, **auth)
        assert r.status_code == 401, r.text
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["error"] == "invalid_client"
        assert r.headers["www-authenticate"].startswith("Basic")
        assert await me_status(client, token) == 200

    async def test_a_deactivated_client_cannot_authenticate(
        self, client: httpx.AsyncClient, session: AsyncSession, accounts: IntegrationClient
    ) -> None:
        accounts.active = False
        await session.commit()
        r = await client.post(REVOKE_URL, data={"token": "anything"}, auth=BASIC)
        assert r.status_code == 401 and r.json()["error"] == "invalid_client", r.text


class TestOnlyYourOwn:
    async def test_a_client_cannot_end_a_users_login(self, client: httpx.AsyncClient) -> None:
        pair = await user_login(client)
        for token in (pair["refresh_token"], pair["access_token"]):
            revoked_ok(await client.post(REVOKE_URL, data={"token": token}, auth=BASIC))
        assert await me_status(client, pair["access_token"]) == 200
        r = await client.post(
            TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]}
        )
        assert r.status_code == 200, r.text

    async def test_a_user_cannot_end_another_users_access_token(self, client: httpx.AsyncClient) -> None:
        victim = await user_login(client, "opd.b")
        other = await user_login(client, "opd.a")
        r = await client.post(
            REVOKE_URL,
            data={"token": victim["access_token"], "token_type_hint": "access_token"},
            headers={"Authorization": f"Bearer {other['access_token']}"},
        )
        revoked_ok(r)
        assert await me_status(client, victim["access_token"]) == 200

    async def test_a_client_cannot_end_another_clients_tokens(
        self, client: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        other = await factories.create_client(session, "asn:read", client_id="bk_other_client")
        other.secret_hash = FAST_CLIENT_HASH
        await session.commit()
        r = await client.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            auth=httpx.BasicAuth("bk_other_client", factories.CLIENT_SECRET),
        )
        theirs = r.json()["access_token"]
        revoked_ok(await client.post(REVOKE_URL, data={"token": theirs}, auth=BASIC))
        assert await me_status(client, theirs) == 200
