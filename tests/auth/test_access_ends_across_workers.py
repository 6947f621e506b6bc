"""A deactivation made through one worker reaches another within BANGKOM_ACCESS_RECHECK_SECONDS.

The other worker is a real `bangkom serve` process on the test database, so nothing in this process
can tell it about the change: it learns it only by reading the database again once what it keeps
about the token's subject is older than its recheck time. Rows are committed for real (the other
process cannot see a rolled-back transaction) and removed afterwards.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import delete

from app.auth.models import RefreshToken, User
from app.core.audit import AuditEntry
from app.core.config import Settings
from app.core.db import Database, create_database
from app.core.security import Role
from app.main import create_app
from tests import factories
from tests.audit.helpers import append_only_lifted
from tests.factories import FAST_HASH
from tests.live_server import free_port, stop

RECHECK_SECONDS = 1


@dataclass
class Worker:
    """An in-process app and its database, committing for real."""

    client: httpx.AsyncClient
    db: Database


@pytest.fixture
def other_worker(settings: Settings, tmp_path: Path) -> Iterator[str]:
    """`bangkom serve` on the test database, as a second worker would run; yields its base URL."""
    port = free_port()
    env = os.environ | {
        "BANGKOM_ENVIRONMENT": "test",
        "BANGKOM_DATABASE_URL": settings.database_url,
        "BANGKOM_SECRET_KEY": settings.secret_key,
        "BANGKOM_DATA_DIR": str(tmp_path / "data"),
        "BANGKOM_SPA_DIR": str(tmp_path / "no-spa"),
        "BANGKOM_LOG_LEVEL": "WARNING",
        "BANGKOM_ACCESS_RECHECK_SECONDS": str(RECHECK_SECONDS),
        # The suite's own database: the daily jobs would commit snapshots and audit rows for real.
        "BANGKOM_BACKGROUND_JOBS": "false",
    }
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"bangkom serve exited:\n{log.read_text()}"
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"bangkom serve did not start:\n{log.read_text()}"
            time.sleep(0.2)
        yield base
    finally:
        stop(server)


@pytest.fixture
async def this_worker(settings: Settings) -> AsyncIterator[Worker]:
    app = create_app(settings)
    db = create_database(settings)
    app.state.db = db
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as c:
            yield Worker(c, db)
    finally:
        await db.fast.close()
        await db.engine.dispose()


async def _remove(db: Database, users: list[User]) -> None:
    async with db.write_sessions() as session:
        async with append_only_lifted(session):
            await session.execute(
                delete(AuditEntry).where(
                    AuditEntry.entity == "user", AuditEntry.key.in_([u.username for u in users])
                )
            )
        await session.execute(delete(RefreshToken).where(RefreshToken.user_id.in_([u.id for u in users])))
        await session.execute(delete(User).where(User.id.in_([u.id for u in users])))
        await session.commit()


class TestAnotherWorker:
    async def test_a_deactivation_reaches_the_other_worker_within_the_recheck_time(
        self, settings: Settings, this_worker: Worker, other_worker: str
    ) -> None:
        suffix = uuid.uuid4().hex[:8]
        async with this_worker.db.write_sessions() as session:
            admin = await factories.create_user(session, f"live.admin.{suffix}", Role.bpsdm_admin)
            auditor = await factories.create_user(session, f"live.auditor.{suffix}", Role.auditor)
            auditor.password_hash = FAST_HASH
            await session.commit()
        try:
            here = this_worker.client
            r = await here.post(
                "/api/v1/auth/token",
                data={"grant_type": "password", "username": auditor.username, "password": factories.PASSWORD},
            )
            assert r.status_code == 200, r.text
            token = {"Authorization": f"Bearer {r.json()['access_token']}"}
            async with httpx.AsyncClient(base_url=other_worker) as there:
                assert (await there.get("/api/v1/auth/me", headers=token)).status_code == 200

                r = await here.patch(
                    f"/api/v1/users/{auditor.id}",
                    json={"active": False},
                    headers=factories.bearer(settings, factories.principal_of(admin)) | {"If-Match": "*"},
                )
                assert r.status_code == 200, r.text
                changed = time.monotonic()
                # The worker that made the change knows at once.
                assert (await here.get("/api/v1/auth/me", headers=token)).status_code == 401

                while (status := (await there.get("/api/v1/auth/me", headers=token)).status_code) == 200:
                    assert time.monotonic() - changed < RECHECK_SECONDS + 5, (
                        "the other worker still accepts it"
                    )
                    await asyncio.sleep(0.1)
                assert status == 401
        finally:
            await _remove(this_worker.db, [admin, auditor])
