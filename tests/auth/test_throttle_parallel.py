"""Parallel password guesses for one username get no more real password checks than the limit.

The rolled-back `client` runs everything on one connection, so it cannot send requests that really
overlap; this builds its own app committing for real and removes what it wrote.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import delete, select

from app.auth.models import LoginThrottle
from app.core.audit import AuditEntry
from app.core.config import Settings
from app.core.db import Database, create_database
from app.main import create_app
from tests.audit.helpers import append_only_lifted

GUESSES = 41


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, Database]]:
    app = create_app(settings)
    db = create_database(settings)
    app.state.db = db
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as c:
            yield c, db
    finally:
        await db.fast.close()
        await db.engine.dispose()


async def _remove(db: Database, username: str) -> None:
    async with db.write_sessions() as session:
        async with append_only_lifted(session):
            await session.execute(delete(AuditEntry).where(AuditEntry.key == username))
        await session.execute(delete(LoginThrottle).where(LoginThrottle.username == username))
        await session.commit()


class TestParallelGuesses:
    async def test_each_attempt_is_counted_before_its_password_is_checked(
        self, settings: Settings, live: tuple[httpx.AsyncClient, Database]
    ) -> None:
        client, db = live
        # No such account: a guess costs a check against the dummy hash all the same.
        username = f"guess.{uuid.uuid4().hex[:10]}"
        form = {"grant_type": "password", "username": username, "password": "not-the-password"}
        try:
            responses = await asyncio.gather(
                *(client.post("/api/v1/auth/token", data=form) for _ in range(GUESSES))
            )
            statuses = Counter(r.status_code for r in responses)
            # A 400 invalid_grant is an answer from a real password check; 429 refused before one.
            assert statuses == {400: settings.login_max_failures, 429: GUESSES - settings.login_max_failures}
            assert all(r.json()["code"] == "login_throttled" for r in responses if r.status_code == 429)
            async with db.read_sessions() as session:
                locks = (
                    await session.execute(
                        select(AuditEntry.action).where(
                            AuditEntry.key == username, AuditEntry.action == "login_locked"
                        )
                    )
                ).all()
            assert len(locks) == 1
        finally:
            await _remove(db, username)
