"""Login throttling on POST /api/v1/auth/token (grant_type=password), counted per username."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import LoginThrottle
from app.core.audit import AuditEntry
from app.core.config import Settings
from app.core.types import utcnow
from tests import factories
from tests.factories import World

TOKEN_URL = "/api/v1/auth/token"
PROBLEM = "application/problem+json"
WRONG = "not-the-password"


# Argon2 at its production cost takes ~0.15 s per login. A stored hash carries its own parameters,
# so giving the accounts a cheap one keeps these login-heavy tests fast without changing the code path.


pytestmark = pytest.mark.usefixtures("fast_logins")


async def login(
    client: httpx.AsyncClient, username: str, password: str = factories.PASSWORD
) -> httpx.Response:
    return await client.post(
        TOKEN_URL, data={"grant_type": "password", "username": username, "password": password}
    )


async def fail(client: httpx.AsyncClient, username: str, times: int) -> None:
    for attempt in range(1, times + 1):
        r = await login(client, username, WRONG)
        assert r.status_code == 400, f"attempt {attempt}: {r.text}"
        assert r.json()["error"] == "invalid_grant"


def assert_throttled(r: httpx.Response, settings: Settings) -> dict[str, Any]:
    assert r.status_code == 429, r.text
    assert r.headers["content-type"] == PROBLEM
    retry_after = r.headers["retry-after"]
    assert retry_after.isdigit(), retry_after
    assert 0 < int(retry_after) <= settings.login_lockout_seconds
    body: dict[str, Any] = r.json()
    assert body["status"] == 429
    assert body["code"] == "login_throttled"
    assert "access_token" not in body
    return body


async def throttle_row(session: AsyncSession, username: str) -> tuple[int, Any] | None:
    row = (
        await session.execute(
            select(LoginThrottle.failures, LoginThrottle.locked_until).where(
                LoginThrottle.username == username
            )
        )
    ).first()
    await session.commit()
    return None if row is None else (row.failures, row.locked_until)


async def lock_out(session: AsyncSession, username: str, seconds: int = 120) -> None:
    now = utcnow()
    session.add(
        LoginThrottle(
            username=username, failures=0, window_start=now, locked_until=now + timedelta(seconds=seconds)
        )
    )
    await session.commit()


class TestLockout:
    async def test_sixth_attempt_is_refused_even_with_the_right_password(
        self, client: httpx.AsyncClient, world: World, settings: Settings, session: AsyncSession
    ) -> None:
        assert settings.login_max_failures == 5
        await fail(client, "opd.a", 5)
        assert_throttled(await login(client, "opd.a"), settings)
        assert_throttled(await login(client, "opd.a", WRONG), settings)

        locked = (
            await session.execute(select(AuditEntry).where(AuditEntry.action == "login_locked"))
        ).scalar_one()
        assert (locked.actor, locked.entity, locked.key) == ("login:opd.a", "user", "opd.a")

    async def test_four_failures_do_not_lock(self, client: httpx.AsyncClient, world: World) -> None:
        await fail(client, "opd.a", 4)
        assert (await login(client, "opd.a")).status_code == 200

    async def test_other_usernames_are_not_affected(
        self, client: httpx.AsyncClient, world: World, settings: Settings, session: AsyncSession
    ) -> None:
        await fail(client, "opd.a", 5)
        assert_throttled(await login(client, "opd.a"), settings)
        r = await login(client, "opd.b")
        assert r.status_code == 200, r.text
        await fail(client, "opd.b", 1)
        assert await throttle_row(session, "opd.b") == (1, None)

    async def test_the_lock_covers_every_spelling_of_the_username(
        self, client: httpx.AsyncClient, world: World, settings: Settings, session: AsyncSession
    ) -> None:
        await lock_out(session, "opd.a")
        for spelling in ("opd.a", "OPD.A", " Opd.A "):
            assert_throttled(await login(client, spelling), settings)

    async def test_unknown_usernames_are_throttled_alike(
        self, client: httpx.AsyncClient, world: World, settings: Settings
    ) -> None:
        # Otherwise a 429 would tell which usernames exist.
        await fail(client, "nobody.here", 5)
        assert_throttled(await login(client, "nobody.here"), settings)

    async def test_retry_after_counts_down_to_the_end_of_the_lock(
        self, client: httpx.AsyncClient, world: World, settings: Settings, session: AsyncSession
    ) -> None:
        await lock_out(session, "opd.a", seconds=42)
        r = await login(client, "opd.a")
        assert_throttled(r, settings)
        assert int(r.headers["retry-after"]) in (41, 42)

    async def test_login_works_again_when_the_lock_ends(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        await lock_out(session, "opd.a")
        await session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.username == "opd.a")
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
        r = await login(client, "opd.a")
        assert r.status_code == 200, r.text
        assert await throttle_row(session, "opd.a") is None


class TestCounterReset:
    async def test_a_successful_login_resets_the_count(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        await fail(client, "opd.a", 4)
        assert await throttle_row(session, "opd.a") == (4, None)
        assert (await login(client, "opd.a")).status_code == 200
        assert await throttle_row(session, "opd.a") is None
        await fail(client, "opd.a", 4)
        r = await login(client, "opd.a")
        assert r.status_code == 200, r.text

    async def test_failures_outside_the_window_are_forgotten(
        self, client: httpx.AsyncClient, world: World, settings: Settings, session: AsyncSession
    ) -> None:
        await fail(client, "opd.a", 4)
        await session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.username == "opd.a")
            .values(window_start=utcnow() - timedelta(seconds=settings.login_window_seconds + 1))
        )
        await session.commit()
        await fail(client, "opd.a", 1)
        assert await throttle_row(session, "opd.a") == (1, None)
        await fail(client, "opd.a", 3)
        r = await login(client, "opd.a")
        assert r.status_code == 200, r.text
