"""Issuing for one session from several requests at once, with real commits: each credited participant
gets exactly one certificate, and the sequences are 1..n without a gap or a repeat.

The rolled-back `client` cannot show the race; this test builds its own app on the test database and
removes every row it wrote.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import delete, select

from app.asn.models import Asn
from app.competencies.models import Course
from app.core.audit import AuditEntry
from app.core.changes import Change
from app.core.config import Settings
from app.core.db import Database, create_database
from app.core.security import Principal, Role
from app.learning.models import VERIFIED, LearningRecord
from app.main import create_app
from app.org.models import Unit
from app.planning.models import ACCEPTED, Certificate, CourseSession, Nomination
from tests import factories
from tests.audit.helpers import append_only_lifted

PARTICIPANTS = 12
REQUESTS = 4


@dataclass
class Live:
    client: httpx.AsyncClient
    db: Database
    session_id: int
    nips: list[str]
    headers: dict[str, str]


async def _build(db: Database) -> tuple[int, int, int, list[str]]:
    async with db.write_sessions() as session:
        tag = uuid.uuid4().hex[:8].upper()
        unit = await factories.create_unit(session, f"CERT_{tag}")
        asns = [
            factories.new_asn(unit, name=f"Peserta {i:02d}", birth=date(1980, 1, 1 + i))
            for i in range(PARTICIPANTS)
        ]
        session.add_all(asns)
        course = Course(code=f"CONC-{tag}", title="Pelatihan Serentak", form_code="1")
        session.add(course)
        await session.flush()
        cs = CourseSession(
            course_id=course.id,
            batch=1,
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 3, 6),
            quota=PARTICIPANTS,
            created_by="bpsdm",
        )
        session.add(cs)
        await session.flush()
        now = datetime.now(UTC)
        records = [
            LearningRecord(
                nip=a.nip,
                title="Pelatihan Serentak",
                title_key="pelatihan serentak",
                form_code="1",
                start_date=cs.starts_on,
                end_date=cs.ends_on,
                year=2026,
                jp=Decimal(40),
                source="attendance",
                status=VERIFIED,
                created_by="bpsdm",
                created_at=now,
            )
            for a in asns
        ]
        session.add_all(records)
        await session.flush()
        session.add_all(
            Nomination(
                session_id=cs.id,
                nip=a.nip,
                unit_id=unit.id,
                status=ACCEPTED,
                nominated_by="opd",
                record_id=r.id,
                attended_at=now,
            )
            for a, r in zip(asns, records, strict=True)
        )
        await session.commit()
        return unit.id, course.id, cs.id, [a.nip for a in asns]


async def _remove(db: Database, unit_id: int, course_id: int, session_id: int, nips: list[str]) -> None:
    async with db.write_sessions() as session:
        async with append_only_lifted(session):
            await session.execute(
                delete(AuditEntry).where(
                    AuditEntry.entity == "certificate", AuditEntry.key == str(session_id)
                )
            )
        await session.execute(delete(Change).where(Change.entity == "certificate"))
        await session.execute(delete(Certificate).where(Certificate.session_id == session_id))
        await session.execute(delete(Nomination).where(Nomination.session_id == session_id))
        await session.execute(delete(LearningRecord).where(LearningRecord.nip.in_(nips)))
        await session.execute(delete(CourseSession).where(CourseSession.id == session_id))
        await session.execute(delete(Course).where(Course.id == course_id))
        await session.execute(delete(Asn).where(Asn.nip.in_(nips)))
        await session.execute(delete(Unit).where(Unit.id == unit_id))
        await session.commit()


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[Live]:
    app = create_app(settings)
    db = create_database(settings)
    app.state.db = db
    try:
        unit_id, course_id, session_id, nips = await _build(db)
        try:
            headers = factories.bearer(settings, Principal(subject="bpsdm", role=Role.bpsdm_admin))
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                yield Live(client, db, session_id, nips, headers)
        finally:
            await _remove(db, unit_id, course_id, session_id, nips)
    finally:
        await db.fast.close()
        await db.engine.dispose()


async def test_concurrent_issuing_gives_each_participant_one_certificate(live: Live) -> None:
    url = f"/api/v1/course-sessions/{live.session_id}/certificates"
    responses = await asyncio.gather(*(live.client.post(url, headers=live.headers) for _ in range(REQUESTS)))
    assert [r.status_code for r in responses] == [200] * REQUESTS, [r.text for r in responses]
    issued = [c for r in responses for c in r.json()["issued"]]
    assert sorted(c["nip"] for c in issued) == sorted(live.nips)
    # One request issued them all; the others, serialised behind it, found them issued.
    assert sorted(len(r.json()["issued"]) for r in responses) == [0] * (REQUESTS - 1) + [PARTICIPANTS]
    assert sorted(r.json()["already_issued"] for r in responses) == [0] + [PARTICIPANTS] * (REQUESTS - 1)
    async with live.db.read_sessions() as session:
        rows = (
            await session.execute(
                select(Certificate.sequence, Certificate.nip, Certificate.number)
                .where(Certificate.session_id == live.session_id)
                .order_by(Certificate.sequence)
            )
        ).all()
        audited = (
            await session.execute(
                select(AuditEntry.after).where(
                    AuditEntry.entity == "certificate", AuditEntry.key == str(live.session_id)
                )
            )
        ).scalars()
        assert [len(a["numbers"]) for a in audited if a] == [PARTICIPANTS]
    assert [s for s, _, _ in rows] == list(range(1, PARTICIPANTS + 1))
    assert sorted(n for _, n, _ in rows) == sorted(live.nips)
    assert len({number for _, _, number in rows}) == PARTICIPANTS
