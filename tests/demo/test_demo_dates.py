"""Demo learning records are never entered, decided or voided after today (the SPA shows those dates)."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.types import utcnow
from app.demo.generator import load_demo
from app.learning.models import LearningEvent, LearningRecord


async def test_no_demo_record_or_event_is_dated_in_the_future(session: AsyncSession) -> None:
    summary = await load_demo(
        session, asn_count=150, seed=2026, actor="test", records_per_asn=20, assessments_per_asn=1
    )
    await session.commit()
    assert summary.loaded
    now = utcnow()
    r = LearningRecord
    total = (await session.execute(select(func.count()).select_from(r))).scalar_one()
    assert total > 1000
    future = (
        await session.execute(
            select(func.count())
            .select_from(r)
            .where(or_(r.created_at > now, r.decided_at > now, r.voided_at > now))
        )
    ).scalar_one()
    assert future == 0
    late_events = (
        await session.execute(select(func.count()).select_from(LearningEvent).where(LearningEvent.at > now))
    ).scalar_one()
    assert late_events == 0
