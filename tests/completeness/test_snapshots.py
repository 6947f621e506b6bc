"""Daily snapshots: what a day stores, taking it again, the trend read from them, the league of OPDs with
its history, and the scores the reminder campaigns read."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.completeness import service, snapshots
from app.completeness.models import PROVINCE, CompletenessSnapshot
from app.core.config import Settings
from tests import factories
from tests.completeness.helpers import REPORT, today
from tests.factories import World
from tests.http import as_, audit_rows, problem

TREND = f"{REPORT}/trend"
LEAGUE = f"{REPORT}/league"
# In the two-OPD world every ASN has an email but no phone, education, standard or assessments, and no
# claim waits: one indicator of eight, a score of 12.5 everywhere.
BASE_SCORE = 12.5


async def rows_of(session: AsyncSession, day: object) -> dict[int, CompletenessSnapshot]:
    found = await session.execute(
        select(CompletenessSnapshot)
        .where(CompletenessSnapshot.taken_on == day)
        .execution_options(populate_existing=True)
    )
    return {row.unit_id: row for row in found.scalars()}


class TestTake:
    async def test_a_day_stores_every_unit_rolled_up_and_the_province(
        self, session: AsyncSession, world: World
    ) -> None:
        empty = await factories.create_unit(session, "DINAS_KOSONG")
        await session.commit()
        stored = await snapshots.take(session, today())
        await session.commit()
        rows = await rows_of(session, today())
        assert stored == len(rows) == 5  # four units and the province
        assert rows[world.unit_a.id].headcount == 3 and rows[world.unit_a1.id].headcount == 1
        assert rows[PROVINCE].headcount == 4 and rows[PROVINCE].queue_within_sla == 4
        assert rows[PROVINCE].score == Decimal("12.50")
        assert rows[empty.id].headcount == 0 and rows[empty.id].score is None

    async def test_taking_a_day_again_replaces_it(self, session: AsyncSession, world: World) -> None:
        day = today()
        await snapshots.take(session, day)
        await session.commit()
        world.asn_b.phone = "+62 811-5400-777"
        await session.commit()
        assert await snapshots.take(session, day, "cli:operator") == 4
        await session.commit()
        rows = await rows_of(session, day)
        assert len(rows) == 4
        assert rows[world.unit_b.id].contact == 1 and rows[world.unit_b.id].score == Decimal(25)
        audit = await audit_rows(session, "completeness_snapshot", day.isoformat())
        assert [(a.action, a.actor) for a in audit] == [("create", "system"), ("replace", "cli:operator")]
        assert audit[-1].after == {"units": 3, "headcount": 4, "score": "15.63"}


class TestTrend:
    async def test_points_follow_the_snapshots(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        now = today()
        await snapshots.take(session, now - timedelta(days=3))
        world.asn_a.phone = "+62 811-5400-001"
        await session.commit()
        await snapshots.take(session, now - timedelta(days=1))
        await session.commit()
        r = await client.get(f"{TREND}?unit_id={world.unit_a.id}", headers=as_(settings, world, "opd_a"))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["from"] == (now - timedelta(days=29)).isoformat() and body["to"] == now.isoformat()
        assert [(p["date"], p["headcount"], p["score"]) for p in body["points"]] == [
            ((now - timedelta(days=3)).isoformat(), 3, 12.5),
            ((now - timedelta(days=1)).isoformat(), 3, 16.67),  # contact 1 of 3: (33.33 + 100) / 8
        ]
        assert body["points"][1]["indicators"][0] == {"code": "contact", "pct": 33.33}
        day = now - timedelta(days=2)
        one = await client.get(f"{TREND}?from={day}&to={day}", headers=as_(settings, world, "auditor"))
        assert one.json()["unit_id"] is None and one.json()["points"] == []

    async def test_the_range_is_checked(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        now = today()
        backwards = await client.get(f"{TREND}?from={now}&to={now - timedelta(days=1)}", headers=bpsdm)
        problem(backwards, 422, "invalid_date_range")
        year = await client.get(f"{TREND}?from={now - timedelta(days=365)}&to={now}", headers=bpsdm)
        assert year.status_code == 200  # 366 days, both ends included
        longer = await client.get(f"{TREND}?from={now - timedelta(days=366)}&to={now}", headers=bpsdm)
        problem(longer, 422, "invalid_date_range")
        outside = await client.get(
            f"{TREND}?unit_id={world.unit_b.id}", headers=as_(settings, world, "opd_a")
        )
        problem(outside, 404, "unit_not_found")


class TestLeague:
    async def test_opds_ranked_by_score_with_their_history(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        now = today()
        empty = await factories.create_unit(session, "DINAS_KOSONG")
        await session.commit()
        tie = (await client.get(LEAGUE, headers=as_(settings, world, "bpsdm"))).json()
        assert [(u["unit_id"], u["rank"], u["score"]) for u in tie["units"]] == [
            (world.unit_a.id, 1, BASE_SCORE),
            (world.unit_b.id, 1, BASE_SCORE),  # equal scores share a rank
            (empty.id, None, None),  # nobody to measure: last, unranked
        ]
        await snapshots.take(session, now - timedelta(days=30))
        world.asn_b.phone = "+62 811-5400-777"
        await session.commit()
        await snapshots.take(session, now - timedelta(days=7))
        await snapshots.take(session, now)
        await session.commit()
        # An OPD admin sees the whole table: names and figures only.
        r = await client.get(LEAGUE, headers=as_(settings, world, "opd_a"))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["source"] == "live"
        b, a, last = body["units"]
        assert (b["unit_id"], b["rank"], b["score"], b["headcount"]) == (world.unit_b.id, 1, 25.0, 1)
        assert (a["unit_id"], a["rank"], a["score"]) == (world.unit_a.id, 2, BASE_SCORE)
        assert last["unit_id"] == empty.id and last["rank"] is None
        assert (b["score_7_days_ago"], b["score_30_days_ago"]) == (25.0, BASE_SCORE)
        assert [(p["date"], p["score"]) for p in b["sparkline"]] == [
            ((now - timedelta(days=30)).isoformat(), BASE_SCORE),
            ((now - timedelta(days=7)).isoformat(), 25.0),
            (now.isoformat(), 25.0),
        ]
        assert b["indicators"][0]["complete"] == 1
        past = (
            await client.get(
                f"{LEAGUE}?as_of={now - timedelta(days=30)}", headers=as_(settings, world, "auditor")
            )
        ).json()
        assert past["source"] == "snapshot"
        assert [(u["unit_id"], u["score"], u["score_7_days_ago"]) for u in past["units"]][:2] == [
            (world.unit_a.id, BASE_SCORE, None),
            (world.unit_b.id, BASE_SCORE, None),
        ]
        assert [p["date"] for p in past["units"][0]["sparkline"]] == [(now - timedelta(days=30)).isoformat()]
        missing = await client.get(
            f"{LEAGUE}?as_of={now - timedelta(days=1)}", headers=as_(settings, world, "bpsdm")
        )
        problem(missing, 422, "no_snapshot")


class TestScoresForCampaigns:
    async def test_live_and_previous_scores_per_opd(self, session: AsyncSession, world: World) -> None:
        now = today()
        assert await service.previous_scores(session, now) == {}
        await snapshots.take(session, now - timedelta(days=2))
        world.asn_b.phone = "+62 811-5400-777"
        await session.commit()
        await snapshots.take(session, now - timedelta(days=1))
        await session.commit()
        assert await service.unit_scores(session, now) == {
            world.unit_a.id: Decimal("12.50"),
            world.unit_b.id: Decimal(25),
        }
        assert await service.previous_scores(session, now) == {
            world.unit_a.id: Decimal("12.50"),
            world.unit_b.id: Decimal(25),
        }
        assert await service.previous_scores(session, now - timedelta(days=1)) == {
            world.unit_a.id: Decimal("12.50"),
            world.unit_b.id: Decimal("12.50"),
        }


async def test_the_earliest_days_are_answered_not_crashed_on(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    bpsdm = as_(settings, world, "bpsdm")
    trend = await client.get(f"{TREND}?to=0001-01-05", headers=bpsdm)
    assert trend.status_code == 200 and trend.json()["from"] == "0001-01-01"
    problem(await client.get(f"{LEAGUE}?as_of=0001-01-01", headers=bpsdm), 422, "no_snapshot")
    problem(await client.get(f"{REPORT}?as_of=0001-01-01", headers=bpsdm), 422, "no_snapshot")


async def test_a_number_is_not_a_day(client: httpx.AsyncClient, settings: Settings, world: World) -> None:
    bpsdm = as_(settings, world, "bpsdm")
    problem(await client.get(f"{TREND}?to=0", headers=bpsdm), 422, "validation_error")
    problem(await client.get(f"{REPORT}?as_of=20261207", headers=bpsdm), 422, "validation_error")
