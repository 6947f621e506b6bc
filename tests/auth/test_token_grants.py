"""POST /api/v1/auth/token (password, refresh_token, client_credentials), /auth/revoke and /auth/me."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import IntegrationClient, RefreshToken, User
from app.core.audit import AuditEntry
from app.core.config import Settings
from app.core.security import Role, hash_secret
from app.core.types import utcnow
from tests import factories
from tests.factories import FAST_CLIENT_HASH, World

TOKEN_URL = "/api/v1/auth/token"
PROBLEM = "application/problem+json"
RULES_BODY = factories.RULES_BODY


pytestmark = pytest.mark.usefixtures("fast_logins")


async def create_client(
    session: AsyncSession, scopes: str, *, client_id: str = "bk_test_client", active: bool = True
) -> IntegrationClient:
    client = await factories.create_client(session, scopes, client_id=client_id)
    client.secret_hash = FAST_CLIENT_HASH
    client.active = active
    await session.commit()
    return client


def assert_problem(r: httpx.Response, status: int, code: str, *, oauth: bool = True) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"https://bangkom.id/problems/{code}"
    if oauth:
        assert body["error"] == code
        assert body["error_description"]
    return body


async def login(
    client: httpx.AsyncClient, username: str, password: str = factories.PASSWORD
) -> httpx.Response:
    return await client.post(
        TOKEN_URL, data={"grant_type": "password", "username": username, "password": password}
    )


async def refresh(client: httpx.AsyncClient, refresh_token: str) -> httpx.Response:
    return await client.post(TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": refresh_token})


async def me(client: httpx.AsyncClient, access_token: str) -> httpx.Response:
    return await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {access_token}"})


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


class TestPasswordGrant:
    async def test_success_returns_a_bearer_token_pair_that_is_not_cached(
        self, client: httpx.AsyncClient, world: World, settings: Settings
    ) -> None:
        r = await login(client, "opd.a")
        assert r.status_code == 200, r.text
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["content-type"] == "application/json"
        body = r.json()
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == settings.access_token_minutes * 60
        assert body["access_token"].count(".") == 2
        assert isinstance(body["refresh_token"], str) and len(body["refresh_token"]) >= 40
        assert "scope" not in body

    async def test_access_token_identifies_an_opd_admin(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        token = (await login(client, "opd.a")).json()["access_token"]
        r = await me(client, token)
        assert r.status_code == 200, r.text
        assert r.json() == {
            "username": "opd.a",
            "role": "opd_admin",
            "nip": None,
            "unit_id": world.unit_a.id,
            "scopes": [],
            "must_change_password": False,
        }

    async def test_access_token_identifies_an_asn(self, client: httpx.AsyncClient, world: World) -> None:
        nip = world.asn_a.nip
        token = (await login(client, nip)).json()["access_token"]
        r = await me(client, token)
        assert r.status_code == 200, r.text
        assert r.json() == {
            "username": nip,
            "role": "asn",
            "nip": nip,
            "unit_id": world.unit_a.id,
            "scopes": [],
            "must_change_password": False,
        }

    async def test_username_is_case_insensitive(self, client: httpx.AsyncClient, world: World) -> None:
        r = await login(client, "  OPD.A ")
        assert r.status_code == 200, r.text
        assert (await me(client, r.json()["access_token"])).json()["username"] == "opd.a"

    async def test_success_is_audited(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        r = await login(client, "bpsdm")
        assert r.status_code == 200, r.text
        rows = (await session.execute(select(AuditEntry).where(AuditEntry.action == "login"))).scalars().all()
        assert [(a.actor, a.role, a.entity, a.key) for a in rows] == [
            ("bpsdm", "bpsdm_admin", "user", "bpsdm")
        ]
        assert rows[0].request_id == r.headers["x-request-id"]


class TestPasswordGrantFailures:
    async def test_wrong_password_is_invalid_grant(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        r = await login(client, "opd.a", "wrong-password")
        body = assert_problem(r, 400, "invalid_grant")
        assert "access_token" not in body
        logins = (await session.execute(select(AuditEntry.id).where(AuditEntry.action == "login"))).all()
        assert logins == []

    async def test_unknown_user_gets_the_same_answer_as_a_wrong_password(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        unknown = assert_problem(await login(client, "nobody"), 400, "invalid_grant")
        wrong = assert_problem(await login(client, "opd.b", "wrong-password"), 400, "invalid_grant")
        assert unknown["detail"] == wrong["detail"]

    async def test_inactive_user_cannot_log_in(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        await factories.create_user(session, "retired", Role.opd_admin, unit=world.unit_b, active=False)
        await session.commit()
        assert_problem(await login(client, "retired"), 400, "invalid_grant")

    async def test_username_longer_than_any_account_is_invalid_grant(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        assert_problem(await login(client, "x" * 500), 400, "invalid_grant")

    async def test_missing_username_or_password_is_invalid_request(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        for data in (
            {"grant_type": "password", "password": factories.PASSWORD},
            {"grant_type": "password", "username": "opd.a"},
            {"grant_type": "password", "username": "", "password": factories.PASSWORD},
            {"grant_type": "password"},
        ):
            assert_problem(await client.post(TOKEN_URL, data=data), 400, "invalid_request")


class TestGrantType:
    async def test_missing_grant_type_is_invalid_request(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        r = await client.post(TOKEN_URL, data={"username": "opd.a", "password": factories.PASSWORD})
        assert_problem(r, 400, "invalid_request")

    async def test_json_body_is_not_a_token_request(self, client: httpx.AsyncClient, world: World) -> None:
        r = await client.post(
            TOKEN_URL, json={"grant_type": "password", "username": "opd.a", "password": factories.PASSWORD}
        )
        assert_problem(r, 400, "invalid_request")

    async def test_unsupported_grant_type(self, client: httpx.AsyncClient, world: World) -> None:
        for grant in ("authorization_code", "implicit", "PASSWORD", "x" * 300):
            body = assert_problem(
                await client.post(TOKEN_URL, data={"grant_type": grant}), 400, "unsupported_grant_type"
            )
            assert len(body["detail"]) < 200


class TestRefreshGrant:
    async def test_rotation_issues_a_new_working_pair(self, client: httpx.AsyncClient, world: World) -> None:
        first = (await login(client, "opd.a")).json()
        r = await refresh(client, first["refresh_token"])
        assert r.status_code == 200, r.text
        assert r.headers["cache-control"] == "no-store"
        second = r.json()
        assert second["token_type"] == "bearer"
        assert second["refresh_token"] != first["refresh_token"]
        assert second["access_token"] != first["access_token"]
        assert (await me(client, second["access_token"])).json()["username"] == "opd.a"
        third = await refresh(client, second["refresh_token"])
        assert third.status_code == 200, third.text
        assert third.json()["refresh_token"] not in (first["refresh_token"], second["refresh_token"])

    async def test_reuse_is_rejected_and_revokes_the_whole_family(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        first = (await login(client, "opd.a")).json()["refresh_token"]
        other_login = (await login(client, "opd.a")).json()["refresh_token"]
        newest = (await refresh(client, first)).json()["refresh_token"]

        assert_problem(await refresh(client, first), 400, "invalid_grant")
        # The thief (or the victim) holding the newest token is logged out too.
        assert_problem(await refresh(client, newest), 400, "invalid_grant")

        family = (
            await session.execute(
                select(RefreshToken.family_id).where(RefreshToken.token_hash == hash_secret(first))
            )
        ).scalar_one()
        revoked = (
            (await session.execute(select(RefreshToken.revoked_at).where(RefreshToken.family_id == family)))
            .scalars()
            .all()
        )
        assert len(revoked) == 2 and all(at is not None for at in revoked)
        reused = (
            (await session.execute(select(AuditEntry.key).where(AuditEntry.action == "refresh_token_reused")))
            .scalars()
            .all()
        )
        assert family in reused
        await session.commit()
        # Another login of the same user is a different family and keeps working.
        r = await refresh(client, other_login)
        assert r.status_code == 200, r.text

    async def test_unknown_refresh_token(self, client: httpx.AsyncClient, world: World) -> None:
        assert_problem(await refresh(client, "not-a-token-we-ever-issued"), 400, "invalid_grant")

    async def test_access_token_is_not_a_refresh_token(self, client: httpx.AsyncClient, world: World) -> None:
        access = (await login(client, "opd.a")).json()["access_token"]
        assert_problem(await refresh(client, access), 400, "invalid_grant")

    async def test_expired_refresh_token(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        token = (await login(client, "opd.a")).json()["refresh_token"]
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.token_hash == hash_secret(token))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
        assert_problem(await refresh(client, token), 400, "invalid_grant")

    async def test_deactivated_user_cannot_refresh(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        token = (await login(client, "opd.b")).json()["refresh_token"]
        await session.execute(update(User).where(User.username == "opd.b").values(active=False))
        await session.commit()
        assert_problem(await refresh(client, token), 400, "invalid_grant")

    async def test_missing_refresh_token_is_invalid_request(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        r = await client.post(TOKEN_URL, data={"grant_type": "refresh_token"})
        assert_problem(r, 400, "invalid_request")


class TestRevoke:
    async def test_logout_revokes_the_refresh_token(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        pair = (await login(client, "opd.a")).json()
        r = await client.post(
            "/api/v1/auth/revoke", data={"token": pair["refresh_token"]}, headers=bearer(pair["access_token"])
        )
        assert r.status_code == 200, r.text
        assert r.content == b""
        assert_problem(await refresh(client, pair["refresh_token"]), 400, "invalid_grant")
        logout = (await session.execute(select(AuditEntry).where(AuditEntry.action == "logout"))).scalar_one()
        assert (logout.actor, logout.entity) == ("opd.a", "refresh_token_family")

    async def test_revoking_an_old_token_of_the_family_revokes_the_current_one(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        pair = (await login(client, "opd.a")).json()
        current = (await refresh(client, pair["refresh_token"])).json()["refresh_token"]
        r = await client.post(
            "/api/v1/auth/revoke", data={"token": pair["refresh_token"]}, headers=bearer(pair["access_token"])
        )
        assert r.status_code == 200, r.text
        assert_problem(await refresh(client, current), 400, "invalid_grant")

    async def test_someone_elses_token_is_left_alone(self, client: httpx.AsyncClient, world: World) -> None:
        victim = (await login(client, "opd.a")).json()["refresh_token"]
        other = (await login(client, "opd.b")).json()["access_token"]
        r = await client.post("/api/v1/auth/revoke", data={"token": victim}, headers=bearer(other))
        assert r.status_code == 200, r.text
        assert (await refresh(client, victim)).status_code == 200

    async def test_unknown_token_is_accepted_quietly(self, client: httpx.AsyncClient, world: World) -> None:
        access = (await login(client, "opd.a")).json()["access_token"]
        r = await client.post("/api/v1/auth/revoke", data={"token": "never-issued"}, headers=bearer(access))
        assert r.status_code == 200, r.text

    async def test_requires_a_bearer_token(self, client: httpx.AsyncClient, world: World) -> None:
        token = (await login(client, "opd.a")).json()["refresh_token"]
        r = await client.post("/api/v1/auth/revoke", data={"token": token})
        assert_problem(r, 401, "unauthorized", oauth=False)
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert (await refresh(client, token)).status_code == 200


async def _client_token(client: httpx.AsyncClient, **data: str) -> httpx.Response:
    form = {
        "grant_type": "client_credentials",
        "client_id": "bk_test_client",
        "client_secret": factories.CLIENT_SECRET,
    }
    return await client.post(TOKEN_URL, data=form | data)


class TestClientCredentials:
    async def test_form_credentials(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        await create_client(session, "asn:read asn:write")
        r = await _client_token(client)
        assert r.status_code == 200, r.text
        assert r.headers["cache-control"] == "no-store"
        body = r.json()
        assert body["token_type"] == "bearer"
        assert body["scope"] == "asn:read asn:write"
        assert "refresh_token" not in body
        assert (await me(client, body["access_token"])).json() == {
            "username": "client:bk_test_client",
            "role": "client",
            "nip": None,
            "unit_id": None,
            "scopes": ["asn:read", "asn:write"],
            "must_change_password": False,
        }

    async def test_http_basic_credentials(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        await create_client(session, "asn:read asn:write")
        r = await client.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            auth=("bk_test_client", factories.CLIENT_SECRET),
        )
        assert r.status_code == 200, r.text
        assert r.json()["scope"] == "asn:read asn:write"
        assert "refresh_token" not in r.json()

    async def test_requesting_a_subset_of_scopes(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        await create_client(session, "asn:read asn:write")
        r = await _client_token(client, scope="asn:read")
        assert r.status_code == 200, r.text
        assert r.json()["scope"] == "asn:read"
        assert (await me(client, r.json()["access_token"])).json()["scopes"] == ["asn:read"]

    async def test_unknown_or_ungranted_scope_is_invalid_scope(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        await create_client(session, "asn:read asn:write")
        for scope in ("asn:delete", "budget:read", "asn:read budget:write"):
            assert_problem(await _client_token(client, scope=scope), 400, "invalid_scope")

    async def test_wrong_secret_is_invalid_client(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession, settings: Settings
    ) -> None:
        await create_client(session, "asn:read asn:write")
        for r in (
            await _client_token(client, client_secret="wrong-secret"),
            await client.post(
                TOKEN_URL, data={"grant_type": "client_credentials"}, auth=("bk_test_client", "wrong-secret")
            ),
        ):
            body = assert_problem(r, 401, "invalid_client")
            assert r.headers["www-authenticate"].startswith("Basic")
            assert "access_token" not in body
            assert factories.CLIENT_SECRET not in r.text and settings.secret_key not in r.text

    async def test_unknown_inactive_or_incomplete_client_is_invalid_client(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        await create_client(session, "asn:read", client_id="bk_retired", active=False)
        assert_problem(await _client_token(client, client_id="bk_nobody"), 401, "invalid_client")
        assert_problem(await _client_token(client, client_id="bk_retired"), 401, "invalid_client")
        r = await client.post(TOKEN_URL, data={"grant_type": "client_credentials", "client_id": "bk_retired"})
        assert_problem(r, 401, "invalid_client")
        r = await client.post(
            TOKEN_URL,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": "Basic !!not-base64!!"},
        )
        assert_problem(r, 401, "invalid_client")


class TestClientTokenRights:
    async def test_client_reaches_only_what_its_scopes_allow(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        await create_client(session, "asn:read asn:write")
        await create_client(session, "reference:read", client_id="bk_reference_only")
        asn_token = (await _client_token(client)).json()["access_token"]
        ref_token = (await _client_token(client, client_id="bk_reference_only")).json()["access_token"]

        r = await client.get(f"/api/v1/asn/{world.asn_b.nip}", headers=bearer(asn_token))
        assert r.status_code == 200, r.text
        assert r.json()["nip"] == world.asn_b.nip

        r = await client.put("/api/v1/rules/2030", json=RULES_BODY, headers=bearer(asn_token))
        assert_problem(r, 403, "forbidden", oauth=False)

        r = await client.get("/api/v1/asn", headers=bearer(ref_token))
        assert_problem(r, 403, "forbidden", oauth=False)
        r = await client.get("/api/v1/rules/2030", headers=bearer(ref_token))
        assert r.status_code == 200, r.text
