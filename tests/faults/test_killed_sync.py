"""The server killed (SIGKILL) while a 5,000-profile SIMPEG batch is in flight: after a restart the batch is
all there or not there at all, and SIMPEG's retry with the same Idempotency-Key applies it exactly once."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Callable
from datetime import date

import asyncpg
import httpx
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app.asn.models import Asn
from app.core.audit import AuditEntry
from app.core.changes import Change
from app.core.idempotency import IdempotencyRecord
from tests.conftest import PG_ADMIN_DSN, backend
from tests.faults.conftest import Server, Target, await_for
from tests.sync.test_sync_asn import make_nips

SYNC = "/api/v1/sync/asn"
BATCH = 5000


async def _write_in_progress(target: Target) -> bool:
    """Some transaction of the server's holds the write lock right now (the batch's, the only writer)."""
    if backend() == "postgres":
        conn = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            found = await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND xact_start IS NOT NULL"
                " AND pid <> pg_backend_pid()",
                make_url(target.url).database,
            )
        finally:
            await conn.close()
        return bool(found)

    def probe() -> bool:
        # SQLite has one writer: if the write lock cannot be had at once, the batch holds it.
        probe = sqlite3.connect(str(make_url(target.url).database), timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc) or "busy" in str(exc), exc
            return True
        finally:
            probe.close()

    return await asyncio.to_thread(probe)


async def _state(target: Target, nips: list[str], key: str) -> tuple[int, int, int, int]:
    """Profiles, their audit rows, their change-feed rows, and stored responses for the key."""
    return (
        await target.count(select(Asn.nip).where(Asn.nip.in_(nips))),
        await target.count(
            select(AuditEntry.id).where(
                AuditEntry.entity == "asn", AuditEntry.action == "create", AuditEntry.key.in_(nips)
            )
        ),
        await target.count(select(Change.seq).where(Change.entity == "asn", Change.key.in_(nips))),
        await target.count(select(IdempotencyRecord.id).where(IdempotencyRecord.key == key)),
    )


async def test_batch_killed_in_flight_is_all_or_nothing_and_applied_once_on_retry(
    target: Target, servers: Callable[..., Server]
) -> None:
    nips = make_nips(BATCH, start=date(1963, 3, 1))
    unit = target.world.unit_a.id
    items = [{"nip": n, "name": f"Pegawai {n[-5:]}", "employment_type": "pns", "unit_id": unit} for n in nips]
    key = str(uuid.uuid4())
    headers = target.headers("client:asn:write") | {"Idempotency-Key": key}

    server = servers(target.env())
    async with server.client() as c:
        sending = asyncio.create_task(c.post(SYNC, json={"items": items}, headers=headers))
        await await_for(lambda: _write_in_progress(target), "the batch's transaction")
        server.kill()
        try:
            first: httpx.Response | None = await sending
        except httpx.TransportError:
            first = None  # the connection died with the server, as intended

    profiles, audited, changed, stored = await _state(target, nips, key)
    if first is None or first.status_code != 200:
        assert (profiles, audited, changed, stored) == (0, 0, 0, 0)
    else:  # the commit won the race against the kill: then all of it, and its response, are stored
        assert (profiles, audited, changed, stored) == (BATCH, BATCH, BATCH, 1)

    server = servers(target.env())
    async with server.client() as c:
        retried = await c.post(SYNC, json={"items": items}, headers=headers)
        assert retried.status_code == 200, retried.text
        assert retried.json()["created"] == BATCH and retried.json()["errors"] == []
        assert (retried.headers.get("idempotent-replayed") == "true") == (profiles == BATCH)
        replayed = await c.post(SYNC, json={"items": items}, headers=headers)
        assert replayed.headers["idempotent-replayed"] == "true"
        assert replayed.json() == retried.json()

    assert await _state(target, nips, key) == (BATCH, BATCH, BATCH, 1)
    per_nip = await target.rows(
        select(func.count())
        .select_from(Asn)
        .where(Asn.nip.in_(nips))
        .group_by(Asn.nip)
        .having(func.count() > 1)
    )
    assert per_nip == []
