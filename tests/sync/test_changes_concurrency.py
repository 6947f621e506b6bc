"""The change feed under concurrent writers with real commits: a poller following its cursor while
they commit sees every change exactly once, with no gap in `seq`.

The rolled-back `client` cannot show this: the numbering is decided at commit, under a lock that only
matters between committed transactions. This builds its own app on the test database and removes
every row it wrote, change_log rows included, so the shared database's feed is as it was.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, func, select

from app.asn.models import Asn
from app.core.audit import AuditEntry
from app.core.changes import Change
from app.core.config import Settings
from app.core.db import Database, create_database
from app.core.idempotency import IdempotencyRecord
from app.core.security import Principal, Role
from app.learning.models import JpTotal, JpYearTotal, LearningEvent, LearningRecord
from app.main import create_app
from app.org.models import Unit
from app.sync import feed
from tests import factories
from tests.audit.helpers import append_only_lifted
from tests.learning.helpers import body

WRITERS = 8
WRITES = 10
CHANGES = "/api/v1/sync/changes"


@dataclass
class Live:
    client: httpx.AsyncClient
    db: Database
    headers: dict[str, str]
    unit_id: int
    nips: list[str]
    start: int
    idempotency_prefix: str = field(default_factory=lambda: f"feedconc-{uuid.uuid4().hex[:8]}-")


async def _head(db: Database) -> int:
    async with db.read_sessions() as session:
        return int(await session.scalar(select(func.coalesce(func.max(Change.seq), 0))) or 0)


async def _remove(db: Database, live_nips: list[str], unit_id: int, start: int, prefix: str) -> None:
    async with db.write_sessions() as session:
        records = select(LearningRecord.id).where(LearningRecord.nip.in_(live_nips))
        keys = [str(i) for i in (await session.execute(records)).scalars()]
        # The audit trail is append-only; a test that committed for real lifts that to clean up.
        async with append_only_lifted(session):
            await session.execute(
                delete(AuditEntry).where(
                    ((AuditEntry.entity == "learning_record") & AuditEntry.key.in_(keys))
                    | ((AuditEntry.entity == "asn") & AuditEntry.key.in_(live_nips))
                )
            )
        # Only this test commits while it runs, so every change after `start` is its own.
        await session.execute(delete(Change).where(Change.seq > start))
        await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.key.startswith(prefix)))
        await session.execute(delete(LearningEvent).where(LearningEvent.record_id.in_(records)))
        await session.execute(delete(LearningRecord).where(LearningRecord.nip.in_(live_nips)))
        await session.execute(delete(JpTotal).where(JpTotal.nip.in_(live_nips)))
        await session.execute(delete(JpYearTotal).where(JpYearTotal.nip.in_(live_nips)))
        await session.execute(delete(Asn).where(Asn.nip.in_(live_nips)))
        await session.execute(delete(Unit).where(Unit.id == unit_id))
        await session.commit()


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[Live]:
    """An app committing for real, with a unit and one ASN per writer, all removed afterwards."""
    app = create_app(settings)
    db = create_database(settings)
    app.state.db = db
    try:
        async with db.write_sessions() as session:
            unit = await factories.create_unit(session, f"FEED_{uuid.uuid4().hex[:10].upper()}")
            people = [
                await factories.create_asn(session, unit, birth=date(1980, 1, 1 + i), name=f"Pegawai {i}")
                for i in range(WRITERS)
            ]
            await session.commit()
            nips, unit_id = [a.nip for a in people], unit.id
        start = await _head(db)
        live: Live | None = None
        try:
            headers = factories.bearer(settings, Principal(subject="bpsdm", role=Role.bpsdm_admin))
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                live = Live(client, db, headers, unit_id, nips, start)
                yield live
        finally:
            prefix = live.idempotency_prefix if live is not None else "-"
            await _remove(db, nips, unit_id, start, prefix)
    finally:
        await db.fast.close()
        await db.engine.dispose()


def _profile(nip: str, unit_id: int, n: int) -> dict[str, Any]:
    return {"nip": nip, "name": f"Pegawai Sinkron {n}", "employment_type": "pns", "unit_id": unit_id}


async def _writer(live: Live, index: int) -> list[tuple[str, str]]:
    """WRITES committed changes to this writer's ASN and its records; returns what each changed."""
    nip, client, headers = live.nips[index], live.client, live.headers
    wrote: list[tuple[str, str]] = []
    for n in range(WRITES):
        kind = n % 3
        if kind == 0:
            r = await client.post(f"/api/v1/asn/{nip}/learning-records", json=body(), headers=headers)
            assert r.status_code == 201, r.text
            wrote.append(("learning_record", str(r.json()["id"])))
        elif kind == 1:
            r = await client.patch(
                f"/api/v1/asn/{nip}", json={"name": f"Pegawai Ubah {n}"}, headers=headers | {"If-Match": "*"}
            )
            assert r.status_code == 200, r.text
            wrote.append(("asn", nip))
        else:
            # The set-based path (note_many), not audit.record.
            key = f"{live.idempotency_prefix}{index}-{n}"
            r = await client.post(
                "/api/v1/sync/asn",
                json={"items": [_profile(nip, live.unit_id, n)]},
                headers=headers | {"Idempotency-Key": key},
            )
            assert r.status_code == 200, r.text
            assert r.json()["updated"] == 1, r.text
            wrote.append(("asn", nip))
    return wrote


async def _poll(live: Live, done: asyncio.Event, seen: list[dict[str, Any]], polls: list[bool]) -> None:
    """Follow the feed by its cursor while the writers run, then read to the end once they are done."""
    since = feed.encode_position(live.start)
    while True:
        finished = done.is_set()
        r = await live.client.get(CHANGES, params={"since": since, "limit": 7}, headers=live.headers)
        assert r.status_code == 200, r.text
        data = r.json()
        seen.extend(data["items"])
        since = data["next_cursor"]
        polls.append(finished)
        if finished and not data["has_more"]:
            return
        await asyncio.sleep(0)


class TestConcurrentWriters:
    async def test_a_polling_consumer_sees_every_commit_once_and_in_order(self, live: Live) -> None:
        done = asyncio.Event()
        seen: list[dict[str, Any]] = []
        polls: list[bool] = []
        poller = asyncio.create_task(_poll(live, done, seen, polls))
        try:
            results = await asyncio.gather(*(_writer(live, i) for i in range(WRITERS)))
        finally:
            done.set()
            await poller

        total = WRITERS * WRITES
        seqs = [item["seq"] for item in seen]
        assert seqs == list(range(live.start + 1, live.start + 1 + total)), seqs
        assert await _head(live.db) == live.start + total
        wrote = Counter(change for changes in results for change in changes)
        assert Counter((item["entity"], item["key"]) for item in seen) == wrote
        # The consumer really read while the writers were committing, not only afterwards.
        assert polls.count(False) > 1
        # Each writer's own changes appear in the order it made them (commit order).
        for changes in results:
            mine = [(i["entity"], i["key"]) for i in seen if (i["entity"], i["key"]) in set(changes)]
            assert mine == changes
