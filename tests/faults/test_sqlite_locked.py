"""SQLite's single write lock held by another process: writers retry BEGIN IMMEDIATE, then answer 503
(never 500) with nothing written; readers are not blocked (WAL)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.asn.models import Asn
from app.core.audit import AuditEntry
from app.core.db import create_database
from app.main import create_app
from tests.conftest import backend
from tests.factories import make_nip
from tests.faults.conftest import Target, assert_unavailable, await_for

pytestmark = pytest.mark.skipif(backend() != "sqlite", reason="SQLite's write lock; runs in the SQLite suite")


class Retries(logging.Handler):
    """Counts the "database is locked" retries app.core.db announces."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("database is locked"):
            self.seen += 1


@pytest.fixture
def retries() -> Iterator[Retries]:
    handler = Retries()
    logger = logging.getLogger("bangkom.db")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@pytest.fixture
def holder(target: Target) -> Iterator[sqlite3.Connection]:
    """Another process's connection (plain sqlite3) that can take the write lock."""
    conn = sqlite3.connect(str(make_url(target.url).database), isolation_level=None, timeout=0)
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


@asynccontextmanager
async def _client(target: Target, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    configured = target.settings.model_copy(update=settings)
    app = create_app(configured)
    app.state.db = create_database(configured)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bangkom") as c:
            yield c
    finally:
        await app.state.db.engine.dispose()


def _profile(target: Target, birth: date) -> dict[str, Any]:
    return {
        "nip": make_nip(birth=birth),
        "name": "Pegawai Antri",
        "employment_type": "pns",
        "unit_id": target.world.unit_a.id,
    }


async def _written(target: Target, nip: str) -> tuple[int, int]:
    return (
        await target.count(select(Asn.nip).where(Asn.nip == nip)),
        await target.count(select(AuditEntry.id).where(AuditEntry.entity == "asn", AuditEntry.key == nip)),
    )


async def test_writer_gets_the_lock_when_it_is_released_during_the_retries(
    target: Target, holder: sqlite3.Connection, retries: Retries
) -> None:
    bpsdm = target.headers("bpsdm")
    body = _profile(target, date(1982, 4, 5))
    # Each attempt waits 100 ms for the lock; 20 retries leave the test plenty of time to release it.
    async with _client(target, sqlite_busy_timeout_ms=100, db_busy_retries=20) as c:
        holder.execute("BEGIN IMMEDIATE")
        writing = asyncio.create_task(c.post("/api/v1/asn", json=body, headers=bpsdm))

        async def retrying() -> bool:
            return retries.seen >= 1 or writing.done()

        await await_for(retrying, "the writer's first retry")
        read = await c.get(f"/api/v1/asn/{target.world.asn_a.nip}", headers=bpsdm)
        assert read.status_code == 200  # WAL: readers do not wait for the writer
        assert not writing.done()
        holder.execute("COMMIT")
        created = await writing
        assert created.status_code == 201, created.text
    assert retries.seen >= 1
    assert await _written(target, body["nip"]) == (1, 1)


async def test_writer_gets_503_when_the_lock_stays_taken(
    target: Target, holder: sqlite3.Connection, retries: Retries
) -> None:
    bpsdm = target.headers("bpsdm")
    body = _profile(target, date(1983, 5, 6))
    async with _client(target, sqlite_busy_timeout_ms=50, db_busy_retries=2) as c:
        holder.execute("BEGIN IMMEDIATE")
        r = await c.post("/api/v1/asn", json=body, headers=bpsdm)
        assert_unavailable(r)
        assert retries.seen == 2
        read = await c.get(f"/api/v1/asn/{target.world.asn_a.nip}", headers=bpsdm)
        assert read.status_code == 200
        holder.execute("ROLLBACK")
        assert await _written(target, body["nip"]) == (0, 0)
        # Once the lock is free the same request goes through: nothing of the failed one is left over.
        again = await c.post("/api/v1/asn", json=body, headers=bpsdm)
        assert again.status_code == 201, again.text
    assert retries.seen == 2
    assert await _written(target, body["nip"]) == (1, 1)
