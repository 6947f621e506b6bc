"""jp_year_totals: verified JP per ASN and year with the forms' yearly caps, through every change."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.learning.models import JpYearTotal
from tests.factories import World
from tests.http import as_
from tests.learning.helpers import create, put_rules


async def year_total(session: AsyncSession, nip: str, year: int) -> Decimal | None:
    value = (
        await session.execute(select(JpYearTotal.jp).where(JpYearTotal.nip == nip, JpYearTotal.year == year))
    ).scalar_one_or_none()
    return None if value is None else Decimal(value)


async def test_caps_follow_records_and_rule_changes(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> None:
    admin = as_(settings, world, "bpsdm")
    nip = world.asn_a.nip
    # Seminars (form 9): 3 + 3 + 2 JP in 2025, and a 5 JP workshop (form 4).
    ids = [
        (
            await create(
                client, nip, admin, form_code=form, jp=jp, start_date="2025-05-01", end_date="2025-05-01"
            )
        )["id"]
        for jp, form in ((3, "9"), (3, "9"), (2, "9"), (5, "4"))
    ]
    assert await year_total(session, nip, 2025) == Decimal("13.00")

    # A cap of 4 JP a year on seminars, set after the fact, is applied to what is already recorded.
    await put_rules(client, settings, world, 2025, form_rules=[{"form_code": "9", "max_jp_per_year": 4}])
    assert await year_total(session, nip, 2025) == Decimal("9.00")

    # Voiding a seminar leaves 5 seminar JP, still over the cap: the counted total does not move.
    r = await client.post(
        f"/api/v1/learning-records/{ids[0]}/void", json={"reason": "tercatat ganda"}, headers=admin
    )
    assert r.status_code == 200, r.text
    assert await year_total(session, nip, 2025) == Decimal("9.00")
    # Voiding another leaves 2 seminar JP, under the cap: now it counts 2 + 5.
    r = await client.post(
        f"/api/v1/learning-records/{ids[1]}/void", json={"reason": "tercatat ganda"}, headers=admin
    )
    assert r.status_code == 200, r.text
    assert await year_total(session, nip, 2025) == Decimal("7.00")

    report = await client.get("/api/v1/reports/jp-compliance", params={"year": 2025}, headers=admin)
    assert report.status_code == 200, report.text
    assert Decimal(str(report.json()["total_jp"])) == Decimal("7.00")
