"""GET /reports/data-completeness: each indicator at its edge, shares and score, units without ASN, the
roll-up of descendants, scope, past days from snapshots, the rules of the year, and the language."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.completeness import snapshots
from app.completeness.indicators import years_before
from app.core.config import Settings
from tests import factories
from tests.completeness.helpers import REPORT, SLA, Edges, add_record, by_code, today
from tests.factories import RULES_BODY, World
from tests.http import as_, problem


class TestIndicators:
    async def test_each_indicator_counts_at_its_edge(
        self, client: httpx.AsyncClient, settings: Settings, world: World, edges: Edges
    ) -> None:
        r = await client.get(f"{REPORT}?unit_id={edges.unit.id}", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["source"] == "live" and body["as_of"] == today().isoformat()
        assert body["unit_id"] == edges.unit.id and body["headcount"] == 3
        third, two_thirds = 33.33, 66.67
        assert by_code(body) == {
            "contact": (1, third),  # email and phone both: only `full`
            "education": (1, third),
            "position_standard": (1, third),  # `short`'s position has no standard, `bare` has none
            "competency_assessment": (1, third),  # exactly 3 years old counts, a day more does not
            "potential_assessment": (1, third),
            "performance_last_year": (1, third),  # last year's SKP, not the year before's
            "jp_this_year": (1, third),  # a pending claim counts; last year's record or a rejected one not
            "queue_within_sla": (2, two_thirds),  # a claim waiting exactly 14 days is within the SLA
        }
        assert body["score"] == 37.5  # (7 × 33.33 + 66.67) / 8, to 2 decimals
        # Every pending claim is in the queue (the inactive ASN's too, as the verification queue lists
        # them); one has waited 15 days, past the SLA.
        assert body["queue"] == {"pending": 4, "oldest_days": SLA + 1, "over_sla": 1}
        assert body["units"] == []

    async def test_a_verified_record_or_a_pending_claim_of_the_year_is_jp(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        unit = await factories.create_unit(session, "DINAS_JP")
        verified, pending, voided = [await factories.create_asn(session, unit) for _ in range(3)]
        await add_record(session, verified, year=today().year)
        await add_record(session, pending, year=today().year, status="pending")
        await add_record(session, voided, year=today().year, status="voided")
        await session.commit()
        body = (await client.get(f"{REPORT}?unit_id={unit.id}", headers=as_(settings, world, "bpsdm"))).json()
        assert by_code(body)["jp_this_year"] == (2, 66.67)

    async def test_the_score_follows_the_years_rules(
        self, client: httpx.AsyncClient, settings: Settings, world: World, edges: Edges
    ) -> None:
        rules = RULES_BODY | {
            "completeness_rules": {
                "assessment_valid_years": 4,
                "queue_sla_days": SLA + 1,
                "score_indicators": ["contact", "queue_within_sla"],
            }
        }
        bpsdm = as_(settings, world, "bpsdm")
        put = await client.put(f"/api/v1/rules/{today().year}", json=rules, headers=bpsdm)
        assert put.status_code == 201, put.text
        body = (await client.get(f"{REPORT}?unit_id={edges.unit.id}", headers=bpsdm)).json()
        figures = by_code(body)
        assert figures["competency_assessment"] == (2, 66.67)  # 4 years: `short`'s assessment counts too
        assert figures["queue_within_sla"] == (3, 100.0)  # 15 days is within an SLA of 15
        assert body["score"] == 66.67  # (33.33 + 100) / 2
        assert body["queue"]["over_sla"] == 0

    async def test_rules_refuse_an_indicator_named_twice(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        rules = RULES_BODY | {"completeness_rules": {"score_indicators": ["contact", "contact"]}}
        r = await client.put("/api/v1/rules/2031", json=rules, headers=as_(settings, world, "bpsdm"))
        problem(r, 422, "validation_error")

    def test_29_february_counts_back_to_28_february(self) -> None:
        assert years_before(date(2028, 2, 29), 3) == date(2025, 2, 28)
        assert years_before(date(2028, 2, 29), 4) == date(2024, 2, 29)
        assert years_before(date(2026, 3, 1), 3) == date(2023, 3, 1)


class TestUnits:
    async def test_province_lists_the_opds_with_descendants_rolled_up(
        self, client: httpx.AsyncClient, settings: Settings, world: World, edges: Edges
    ) -> None:
        r = await client.get(REPORT, headers=as_(settings, world, "auditor"))
        assert r.status_code == 200, r.text
        body = r.json()
        units = {u["unit_id"]: u for u in body["units"]}
        assert set(units) == {world.unit_a.id, world.unit_b.id, edges.unit.id, edges.empty.id}
        # DINAS_A: asn_a and pppk_a of its own, asn_a1 of BIDANG_A1 below it.
        assert units[world.unit_a.id]["headcount"] == 3
        assert body["headcount"] == 3 + 1 + 3
        # A unit without ASN: no share and no score, rather than 0 %.
        empty = units[edges.empty.id]
        assert empty["headcount"] == 0 and empty["score"] is None
        assert {i["pct"] for i in empty["indicators"]} == {None}
        assert empty["queue"] == {"pending": 0, "oldest_days": None, "over_sla": 0}

    async def test_a_unit_lists_its_children(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(f"{REPORT}?unit_id={world.unit_a.id}", headers=as_(settings, world, "bpsdm"))
        body = r.json()
        assert body["headcount"] == 3 and body["name"] == world.unit_a.name
        assert [(u["unit_id"], u["headcount"]) for u in body["units"]] == [(world.unit_a1.id, 1)]


class TestScope:
    async def test_an_opd_admin_gets_its_own_subtree(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(REPORT, headers=as_(settings, world, "opd_a"))
        assert r.status_code == 200, r.text
        assert r.json()["unit_id"] == world.unit_a.id
        inside = await client.get(
            f"{REPORT}?unit_id={world.unit_a1.id}", headers=as_(settings, world, "opd_a")
        )
        assert inside.status_code == 200

    @pytest.mark.parametrize(
        ("who", "unit"), [("opd_a", "unit_b"), ("opd_a1", "unit_a"), ("opd_b", "unit_a1")]
    )
    async def test_a_unit_outside_its_reach_is_404(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, unit: str
    ) -> None:
        r = await client.get(f"{REPORT}?unit_id={getattr(world, unit).id}", headers=as_(settings, world, who))
        problem(r, 404, "unit_not_found")


class TestDays:
    async def test_a_future_day_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        tomorrow = today() + timedelta(days=1)
        r = await client.get(f"{REPORT}?as_of={tomorrow}", headers=as_(settings, world, "bpsdm"))
        problem(r, 422, "date_in_future")

    async def test_a_past_day_is_read_from_its_snapshot(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, edges: Edges
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        yesterday = today() - timedelta(days=1)
        missing = await client.get(f"{REPORT}?as_of={yesterday}", headers=bpsdm)
        assert "No completeness snapshot was taken on" in problem(missing, 422, "no_snapshot")["detail"]
        await snapshots.take(session, yesterday)
        await session.commit()
        # Changes after the snapshot do not move the past day.
        edges.short.phone = "+62 811-5400-002"
        await session.commit()
        live = (await client.get(f"{REPORT}?unit_id={edges.unit.id}", headers=bpsdm)).json()
        r = await client.get(f"{REPORT}?unit_id={edges.unit.id}&as_of={yesterday}", headers=bpsdm)
        assert r.status_code == 200, r.text
        past = r.json()
        assert past["source"] == "snapshot" and past["as_of"] == yesterday.isoformat()
        assert by_code(live)["contact"] == (2, 66.67) and by_code(past)["contact"] == (1, 33.33)
        assert past["headcount"] == 3
        # Yesterday's queue: not today's claim yet, and the one filed 15 days ago had waited 14 days.
        assert past["queue"] == {"pending": 2, "oldest_days": SLA, "over_sla": 0}
        province = (await client.get(f"{REPORT}?as_of={yesterday}", headers=bpsdm)).json()
        assert province["unit_id"] is None and province["headcount"] == 7
        assert {u["unit_id"] for u in province["units"]} >= {world.unit_a.id, edges.empty.id}


class TestLanguage:
    @pytest.mark.parametrize(
        ("language", "label"),
        [("id", "Email dan nomor telepon di profil"), ("en", "Email and phone in the profile")],
    )
    async def test_labels_are_in_the_readers_language(
        self, client: httpx.AsyncClient, settings: Settings, world: World, language: str, label: str
    ) -> None:
        headers = as_(settings, world, "bpsdm") | {"Accept-Language": language}
        body = (await client.get(REPORT, headers=headers)).json()
        assert body["indicators"][0]["label"] == label
        assert body["units"][0]["indicators"][0]["label"] == label


def test_scores_are_decimals_to_two_places() -> None:
    from app.completeness.figures import score
    from app.rules.completeness import CompletenessRules

    assert score([1, 1, 1, 1, 1, 1, 1, 2], 3, CompletenessRules()) == Decimal("37.50")
    assert score([0] * 8, 0, CompletenessRules()) is None


class TestFreshness:
    async def test_a_write_is_seen_by_the_next_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        url = f"{REPORT}?unit_id={world.unit_b.id}"
        assert by_code((await client.get(url, headers=bpsdm)).json())["contact"] == (0, 0.0)
        r = await client.patch(
            f"/api/v1/asn/{world.asn_b.nip}",
            json={"phone": "+62 811-5400-999"},
            headers=bpsdm | {"If-Match": '"1"'},
        )
        assert r.status_code == 200, r.text
        assert by_code((await client.get(url, headers=bpsdm)).json())["contact"] == (1, 100.0)
