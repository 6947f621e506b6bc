"""Demo learning records are a consistent ledger: history per record, totals equal to the ledger."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.learning import load_learning
from app.learning.models import JpTotal, LearningEvent, LearningRecord
from tests.factories import World


async def test_demo_ledger_is_consistent(session: AsyncSession, world: World) -> None:
    today = date(2026, 6, 1)
    count = await load_learning(session, random.Random(7), per_asn=12, today=today)
    records = list((await session.execute(select(LearningRecord))).scalars())
    assert count == len(records) > 4 * 6
    assert {r.status for r in records} >= {"verified", "pending"}
    assert all(
        r.end_date < today and r.start_date <= r.end_date and r.year == r.end_date.year for r in records
    )
    assert all(0 < r.jp <= 2000 for r in records)

    events = (
        await session.execute(select(LearningEvent.record_id, func.count()).group_by(LearningEvent.record_id))
    ).all()
    assert {record_id for record_id, _ in events} == {r.id for r in records}

    expected: dict[tuple[str, int, str], object] = {}
    for r in records:
        if r.status == "verified":
            key = (r.nip, r.year, r.form_code)
            expected[key] = expected.get(key, 0) + r.jp  # type: ignore[operator]
    totals = {(t.nip, t.year, t.form_code): t.jp for t in (await session.execute(select(JpTotal))).scalars()}
    assert totals == expected

    # A record written after the demo gets a fresh id: the id sequence was moved past the given ids.
    last = records[-1]
    later = LearningRecord(
        **{
            c: getattr(last, c)
            for c in (
                "nip",
                "title",
                "form_code",
                "start_date",
                "end_date",
                "year",
                "jp",
                "source",
                "status",
                "created_by",
            )
        },
        title_key="later",
        competency_codes=[],
    )
    session.add(later)
    await session.flush()
    assert later.id > max(r.id for r in records)
