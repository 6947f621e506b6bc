"""Concurrent writers on one ASN's ledger, with real commits: no lost JP, no duplicate slipping through.

These tests cannot use the rolled-back `client`: the race only exists between committed transactions.
They build their own app on the test database and remove every row they wrote.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select, text

from app.asn.models import Asn
from app.core import idempotency
from app.core.audit import AuditEntry
from app.core.changes import Change
from app.core.config import Settings
from app.core.db import Database, create_database
from app.core.idempotency import IdempotencyRecord
from app.core.security import Principal, Role
from app.learning.models import JpTotal, JpYearTotal, LearningEvent, LearningRecord
from app.main import create_app
from app.org.models import Unit
from tests import factories
from tests.audit.helpers import append_only_lifted
from tests.learning.helpers import body

WRITERS = 32
DUPLICATE_WRITERS = 8


@dataclass
class Live:
    client: httpx.AsyncClient
    db: Database
    nip: str
    headers: dict[str, str]

    async def post(self, **overrides: Any) -> httpx.Response:
        return await self.client.post(
            f"/api/v1/asn/{self.nip}/learning-records", json=body(**overrides), headers=self.headers
        )

    async def records(self) -> list[LearningRecord]:
        async with self.db.read_sessions() as session:
            rows = await session.execute(select(LearningRecord).where(LearningRecord.nip == self.nip))
            return list(rows.scalars())

    async def totals(self) -> list[tuple[int, str, Decimal, int]]:
        async with self.db.read_sessions() as session:
            rows = await session.execute(
                select(JpTotal.year, JpTotal.form_code, JpTotal.jp, JpTotal.records).where(
                    JpTotal.nip == self.nip
                )
            )
            return [(year, form, Decimal(jp), n) for year, form, jp, n in rows]

    async def year_totals(self) -> list[tuple[int, Decimal]]:
        async with self.db.read_sessions() as session:
            rows = await session.execute(
                select(JpYearTotal.year, JpYearTotal.jp).where(JpYearTotal.nip == self.nip)
            )
            return [(year, Decimal(jp)) for year, jp in rows]


async def _remove(db: Database, nip: str, unit_id: int) -> None:
    async with db.write_sessions() as session:
        ids = select(LearningRecord.id).where(LearningRecord.nip == nip)
        keys = [str(i) for i in (await session.execute(ids)).scalars()]
        # The audit trail is append-only; a test that committed for real lifts that to clean up.
        async with append_only_lifted(session):
            await session.execute(
                delete(AuditEntry).where(AuditEntry.entity == "learning_record", AuditEntry.key.in_(keys))
            )
        # Their change-feed rows too, or later feed readers of this test database see records that are gone.
        await session.execute(
            delete(Change).where(
                ((Change.entity == "learning_record") & Change.key.in_(keys))
                | ((Change.entity == "asn") & (Change.key == nip))
            )
        )
        await session.execute(delete(LearningEvent).where(LearningEvent.record_id.in_(ids)))
        await session.execute(delete(LearningRecord).where(LearningRecord.nip == nip))
        await session.execute(delete(JpTotal).where(JpTotal.nip == nip))
        await session.execute(delete(JpYearTotal).where(JpYearTotal.nip == nip))
        await session.execute(delete(Asn).where(Asn.nip == nip))
        await session.execute(delete(Unit).where(Unit.id == unit_id))
        await session.commit()


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[Live]:
    """An app committing for real, and an ASN of its own that is removed again afterwards."""
    app = create_app(settings)
    db = create_database(settings)
    app.state.db = db
    try:
        async with db.write_sessions() as session:
            unit = await factories.create_unit(session, f"CONC_{uuid.uuid4().hex[:10].upper()}")
            asn = await factories.create_asn(session, unit, birth=date(1979, 8, 17), name="Rudi Hartono")
            await session.commit()
            nip, unit_id = asn.nip, unit.id
        try:
            headers = factories.bearer(settings, Principal(subject="bpsdm", role=Role.bpsdm_admin))
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                yield Live(client, db, nip, headers)
        finally:
            await _remove(db, nip, unit_id)
    finally:
        await db.fast.close()
        await db.engine.dispose()


class TestConcurrentWriters:
    async def test_no_jp_is_lost(self, live: Live) -> None:
        # 100 minutes = 2.22 JP: a value a float accumulator would drift on.
        responses = await asyncio.gather(*(live.post(jp=None, duration_minutes=100) for _ in range(WRITERS)))
        assert [r.status_code for r in responses] == [201] * WRITERS, [
            r.text for r in responses if r.status_code != 201
        ]
        assert len({r.json()["id"] for r in responses}) == WRITERS
        records = await live.records()
        assert len(records) == WRITERS
        assert {(r.status, r.jp) for r in records} == {("verified", Decimal("2.22"))}
        assert sum((r.jp for r in records), Decimal(0)) == Decimal("71.04")
        assert await live.totals() == [(2026, "8", Decimal("71.04"), WRITERS)]
        assert await live.year_totals() == [(2026, Decimal("71.04"))]

    async def test_only_one_of_the_same_certificate_is_recorded(self, live: Live) -> None:
        responses = await asyncio.gather(
            *(live.post(certificate_number="BPSDM/KALTIM/2026/0099") for _ in range(DUPLICATE_WRITERS))
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [409] * (DUPLICATE_WRITERS - 1), [r.text for r in responses]
        [winner] = [r.json()["id"] for r in responses if r.status_code == 201]
        for r in responses:
            if r.status_code == 409:
                assert r.headers["content-type"] == "application/problem+json"
                assert (r.json()["code"], r.json()["duplicate_of"]) == ("possible_duplicate", winner)
        assert [r.id for r in await live.records()] == [winner]
        assert await live.totals() == [(2026, "8", Decimal("10.00"), 1)]


class TestConcurrentIdempotencyKey:
    """Parallel retries carrying one Idempotency-Key: the original runs once, the others replay it."""

    async def test_parallel_retries_replay_the_original(self, live: Live) -> None:
        key = f"parallel-{uuid.uuid4().hex}"
        headers = live.headers | {"Idempotency-Key": key}
        same = body(certificate_number="BPSDM/KALTIM/2026/0777")  # one body: body() varies the title
        try:
            responses = await asyncio.gather(
                *(
                    live.client.post(
                        f"/api/v1/asn/{live.nip}/learning-records",
                        json=same,
                        headers=headers,
                    )
                    for _ in range(12)
                )
            )
            assert [r.status_code for r in responses] == [201] * 12, [r.text for r in responses]
            assert len({r.json()["id"] for r in responses}) == 1
            replayed = [r for r in responses if r.headers.get("idempotent-replayed") == "true"]
            assert len(replayed) == 11
            assert len(await live.records()) == 1
        finally:
            async with live.db.write_sessions() as session:
                await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.key == key))
                await session.commit()

    async def test_key_held_too_long_answers_in_use(
        self, live: Live, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        if settings.is_sqlite:
            pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE, before the key is looked at")
        monkeypatch.setattr(idempotency, "WAIT_FOR_ORIGINAL", "200ms")
        key = f"held-{uuid.uuid4().hex}"
        # Another transaction holds the key, as the original request would while it runs.
        async with live.db.engine.connect() as holder:
            await holder.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                {"k": f"idempotency:bpsdm:{key}"},
            )
            r = await live.client.post(
                f"/api/v1/asn/{live.nip}/learning-records",
                json=body(),
                headers=live.headers | {"Idempotency-Key": key},
            )
            await holder.rollback()
        assert r.status_code == 409, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == "idempotency_key_in_use"
        assert r.headers["retry-after"] == "1"
        assert await live.records() == []
