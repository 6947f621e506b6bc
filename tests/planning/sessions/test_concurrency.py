"""Concurrent nominations and attendance with real commits: never more seats than the quota or a unit
quota, never two records for one participant.

These tests cannot use the rolled-back `client`: the race only exists between committed transactions.
They build their own app on the test database and remove every row they wrote.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import delete, func, select, update

from app.asn.models import Asn
from app.competencies.models import Course
from app.core.audit import AuditEntry
from app.core.changes import Change
from app.core.config import Settings
from app.core.db import Database, create_database
from app.core.security import Principal, Role
from app.core.types import latest_indonesian_date
from app.learning.models import JpTotal, JpYearTotal, LearningEvent, LearningRecord
from app.main import create_app
from app.org.models import Unit
from app.planning.models import ACCEPTED, HOLDS_SEAT, CourseSession, CourseSessionUnitQuota, Nomination
from tests import factories
from tests.audit.helpers import append_only_lifted

OPDS = 20
PER_OPD = 3
QUOTA = 25
UNIT_QUOTA = 2  # for the first two OPDs


@dataclass
class Live:
    client: httpx.AsyncClient
    db: Database
    settings: Settings
    session_id: int
    units: list[int]
    nips: dict[int, list[str]]

    def headers(self, principal: Principal) -> dict[str, str]:
        return factories.bearer(self.settings, principal)

    async def nominate(self, unit_id: int) -> httpx.Response:
        opd = Principal(subject=f"opd.conc.{unit_id}", role=Role.opd_admin, unit_id=unit_id)
        return await self.client.post(
            f"/api/v1/course-sessions/{self.session_id}/nominations",
            json={"nips": self.nips[unit_id]},
            headers=self.headers(opd),
        )

    async def seats(self) -> Counter[int]:
        async with self.db.read_sessions() as session:
            rows = await session.execute(
                select(Nomination.unit_id, func.count())
                .where(Nomination.session_id == self.session_id, Nomination.status.in_(HOLDS_SEAT))
                .group_by(Nomination.unit_id)
            )
            return Counter({unit_id: n for unit_id, n in rows})


async def _remove(db: Database, session_id: int, course_id: int, units: list[int]) -> None:
    async with db.write_sessions() as session:
        nips = list((await session.execute(select(Asn.nip).where(Asn.unit_id.in_(units)))).scalars())
        record_ids = select(LearningRecord.id).where(LearningRecord.nip.in_(nips))
        keys = [str(i) for i in (await session.execute(record_ids)).scalars()]
        async with append_only_lifted(session):
            await session.execute(
                delete(AuditEntry).where(
                    ((AuditEntry.entity == "learning_record") & AuditEntry.key.in_(keys))
                    | ((AuditEntry.entity == "course_session") & (AuditEntry.key == str(session_id)))
                )
            )
        await session.execute(
            delete(Change).where(
                ((Change.entity == "learning_record") & Change.key.in_(keys))
                | ((Change.entity == "asn") & Change.key.in_(nips))
            )
        )
        await session.execute(delete(Nomination).where(Nomination.session_id == session_id))
        await session.execute(delete(LearningEvent).where(LearningEvent.record_id.in_(record_ids)))
        await session.execute(delete(LearningRecord).where(LearningRecord.nip.in_(nips)))
        await session.execute(delete(JpTotal).where(JpTotal.nip.in_(nips)))
        await session.execute(delete(JpYearTotal).where(JpYearTotal.nip.in_(nips)))
        await session.execute(
            delete(CourseSessionUnitQuota).where(CourseSessionUnitQuota.session_id == session_id)
        )
        await session.execute(delete(CourseSession).where(CourseSession.id == session_id))
        await session.execute(delete(Course).where(Course.id == course_id))
        await session.execute(delete(Asn).where(Asn.nip.in_(nips)))
        await session.execute(delete(Unit).where(Unit.id.in_(units)))
        await session.commit()


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[Live]:
    """An app committing for real, with 20 OPDs of 3 ASN each and a session of 25 seats, removed afterwards."""
    app = create_app(settings)
    db = create_database(settings)
    app.state.db = db
    tag = uuid.uuid4().hex[:8].upper()
    try:
        async with db.write_sessions() as session:
            units = [await factories.create_unit(session, f"CONC_{tag}_{i}") for i in range(OPDS)]
            nips = {
                u.id: [(await factories.create_asn(session, u)).nip for _ in range(PER_OPD)] for u in units
            }
            course = Course(
                code=f"CONC-{tag}", title=f"Pelatihan Serentak {tag}", form_code="3", jp=Decimal(10)
            )
            session.add(course)
            await session.flush()
            start = latest_indonesian_date() + timedelta(days=30)
            course_session = CourseSession(
                course_id=course.id,
                batch=1,
                starts_on=start,
                ends_on=start + timedelta(days=2),
                quota=QUOTA,
                place="Samarinda",
                created_by="test",
            )
            session.add(course_session)
            await session.flush()
            session.add_all(
                CourseSessionUnitQuota(session_id=course_session.id, unit_id=u.id, quota=UNIT_QUOTA)
                for u in units[:2]
            )
            await session.commit()
            session_id, course_id, unit_ids = course_session.id, course.id, [u.id for u in units]
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                yield Live(client, db, settings, session_id, unit_ids, nips)
        finally:
            await _remove(db, session_id, course_id, unit_ids)
    finally:
        await db.fast.close()
        await db.engine.dispose()


class TestConcurrentNominations:
    async def test_never_more_than_the_quota_nor_a_unit_quota(self, live: Live) -> None:
        responses = await asyncio.gather(*(live.nominate(unit_id) for unit_id in live.units))
        assert [r.status_code for r in responses] == [200] * OPDS, [
            r.text for r in responses if r.status_code != 200
        ]
        nominated = sum(r.json()["nominated"] for r in responses)
        assert nominated == QUOTA
        seats = await live.seats()
        assert sum(seats.values()) == QUOTA
        assert seats[live.units[0]] == seats[live.units[1]] == UNIT_QUOTA
        codes = Counter(res["code"] for r in responses for res in r.json()["results"])
        assert codes == {None: QUOTA, "unit_quota_full": 2, "quota_full": OPDS * PER_OPD - QUOTA - 2}

    async def test_attendance_sent_twice_at_once_credits_once(self, live: Live) -> None:
        await asyncio.gather(*(live.nominate(unit_id) for unit_id in live.units[:4]))
        today = latest_indonesian_date()
        async with live.db.write_sessions() as session:
            await session.execute(
                update(Nomination).where(Nomination.session_id == live.session_id).values(status=ACCEPTED)
            )
            await session.execute(
                update(CourseSession)
                .where(CourseSession.id == live.session_id)
                .values(starts_on=today - timedelta(days=2), ends_on=today)
            )
            await session.commit()
        nips = [nip for unit_id in live.units[:4] for nip in live.nips[unit_id]]
        accepted = sum((await live.seats()).values())
        bpsdm = live.headers(Principal(subject="bpsdm", role=Role.bpsdm_admin))
        url = f"/api/v1/course-sessions/{live.session_id}/attendance"
        responses = await asyncio.gather(
            *(live.client.post(url, json={"nips": nips}, headers=bpsdm) for _ in range(4))
        )
        assert [r.status_code for r in responses] == [200] * 4, [r.text for r in responses]
        assert sum(r.json()["credited"] for r in responses) == accepted
        async with live.db.read_sessions() as session:
            rows = await session.execute(
                select(LearningRecord.nip, func.count())
                .where(LearningRecord.external_id == f"session-{live.session_id}")
                .group_by(LearningRecord.nip)
            )
            per_nip = dict(list(rows))
        assert len(per_nip) == accepted and set(per_nip.values()) == {1}
