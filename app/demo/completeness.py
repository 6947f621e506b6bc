"""The demo's data gap: agencies that fill in their people's data to different degrees, and a month of
completeness snapshots in which each OPD's figures rose to today's, so the league table has a trend.

The seed's problem is data that agencies never filled in; a demo where every profile is complete would
show an empty "what is missing" page. Each OPD gets a diligence; the less diligent, the more of its
people lack a phone, an email address or their education on the profile (as entered, not as known:
the generator decided each person's education, which still drove their rank). The demo logins keep
their profiles whole.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.completeness import snapshots
from app.completeness.figures import score
from app.completeness.models import PROVINCE, CompletenessSnapshot
from app.org.models import Unit
from app.rules.completeness import INDICATOR_CODES, CompletenessRules

HISTORY_DAYS = 30
# What each missing field's share is, times (1 − the OPD's diligence).
_GAPS = {"phone": 0.8, "email": 0.5, "education_level": 0.6}


async def _opd_of_units(session: AsyncSession) -> dict[int, int]:
    """Each unit's OPD: the top-level unit it lies under."""
    rows = (await session.execute(select(Unit.id, Unit.path))).all()
    return {unit_id: int(path.strip("/").split("/")[0]) for unit_id, path in rows}


async def leave_gaps(session: AsyncSession, rng: random.Random, keep: set[str]) -> int:
    """Clears some contact and education fields, OPD by OPD; returns how many profiles lost one."""
    opd_of = await _opd_of_units(session)
    diligence = {opd: rng.uniform(0.4, 0.97) for opd in sorted(set(opd_of.values()))}
    cleared: dict[str, list[str]] = defaultdict(list)
    people = (await session.execute(select(Asn.nip, Asn.unit_id).order_by(Asn.nip))).all()
    for nip, unit_id in people:
        if nip in keep:
            continue
        slack = 1 - diligence[opd_of[unit_id]]
        for column, share in _GAPS.items():
            if rng.random() < share * slack:
                cleared[column].append(nip)
    for column, nips in cleared.items():
        for start in range(0, len(nips), 5000):
            await session.execute(
                update(Asn).where(Asn.nip.in_(nips[start : start + 5000])).values({column: None})
            )
    return len({nip for nips in cleared.values() for nip in nips})


async def history(session: AsyncSession, rng: random.Random, today: date, rules: CompletenessRules) -> int:
    """Today's snapshot, and the 30 days before it: each OPD's counts that much lower the further back,
    by a pace of its own (some OPDs caught up quickly, some barely moved). Returns the rows stored."""
    await snapshots.take(session, today, "demo")
    rows = (
        (await session.execute(select(CompletenessSnapshot).where(CompletenessSnapshot.taken_on == today)))
        .scalars()
        .all()
    )
    opd_of = await _opd_of_units(session)
    pace = {opd: rng.uniform(0.0, 0.3) for opd in sorted(set(opd_of.values()))}
    past: list[dict[str, Any]] = []
    for row in rows:
        # The province moved at the mean pace.
        gain = pace[opd_of[row.unit_id]] if row.unit_id != PROVINCE else sum(pace.values()) / len(pace)
        now = [getattr(row, code) for code in INDICATOR_CODES]
        for back in range(1, HISTORY_DAYS + 1):
            factor = 1 - gain * back / HISTORY_DAYS
            complete = [round(count * factor) for count in now]
            day_score: Decimal | None = score(complete, row.headcount, rules)
            past.append(
                {
                    "taken_on": today - timedelta(days=back),
                    "unit_id": row.unit_id,
                    "headcount": row.headcount,
                    **dict(zip(INDICATOR_CODES, complete, strict=True)),
                    "queue_pending": row.queue_pending,
                    "queue_over_sla": row.queue_over_sla,
                    "queue_oldest_days": row.queue_oldest_days,
                    "score": day_score,
                }
            )
    for start in range(0, len(past), 5000):
        await session.execute(insert(CompletenessSnapshot), past[start : start + 5000])
    return len(rows) + len(past)
