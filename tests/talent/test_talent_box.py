"""GET /asn/{nip}/talent: one ASN's 9-box from the year's talent_rules, missing inputs, visibility."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.types import latest_indonesian_date
from app.rules.defaults import DEFAULT_TALENT_RULES
from tests.factories import World
from tests.http import as_, problem
from tests.talent.ninebox_world import (
    POTENSIAL_INPUTS,
    PREDIKAT_OF,
    YEAR,
    give_inputs,
    put_rules,
    talent_rules,
    talent_url,
    with_standard,
)

BOXES = {(b["kinerja"], b["potensial"]): b for b in DEFAULT_TALENT_RULES["boxes"]}


async def talent(
    client: httpx.AsyncClient,
    settings: Settings,
    world: World,
    nip: str,
    who: str = "bpsdm",
    year: int = YEAR,
) -> dict:  # type: ignore[type-arg]
    r = await client.get(talent_url(nip, year), headers=as_(settings, world, who))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


class TestBoxes:
    @pytest.mark.parametrize("kinerja", ["di_bawah", "sesuai", "di_atas"])
    @pytest.mark.parametrize("potensial", ["rendah", "menengah", "tinggi"])
    async def test_every_box_at_its_boundary(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        kinerja: str,
        potensial: str,
    ) -> None:
        await with_standard(session, world)
        (m1, m2), score = POTENSIAL_INPUTS[potensial]
        nip = world.asn_a.nip
        await give_inputs(
            client,
            settings,
            world,
            nip,
            levels={"M1": m1, "M2": m2},
            predikat=PREDIKAT_OF[kinerja],
            potential=score,
        )
        data = await talent(client, settings, world, nip)
        box = BOXES[(kinerja, potensial)]
        assert data | {"inputs": None} == {
            "nip": nip,
            "year": YEAR,
            "kinerja": kinerja,
            "potensial": potensial,
            "potensial_score": {"tinggi": 80.0, "menengah": 65.0, "rendah": 64.99}[potensial],
            "box": box["box"],
            "box_label": box["label"],
            "in_talent_pool": box["box"] in (7, 8, 9),
            "missing": [],
            "recommendation": box["recommendation"],
            "inputs": None,
        }
        assert data["inputs"]["predikat"] == PREDIKAT_OF[kinerja]
        assert data["inputs"]["potential_score"] == float(score)
        assert data["inputs"]["potential_assessed_on"] == "2025-06-02"

    @pytest.mark.parametrize(
        ("predikat", "kinerja"),
        [
            ("sangat_baik", "di_atas"),
            ("baik", "sesuai"),
            ("butuh_perbaikan", "di_bawah"),
            ("kurang", "di_bawah"),
            ("sangat_kurang", "di_bawah"),
        ],
    )
    async def test_each_predikat(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        predikat: str,
        kinerja: str,
    ) -> None:
        await with_standard(session, world)
        nip = world.asn_a.nip
        await give_inputs(
            client, settings, world, nip, levels={"M1": 4, "M2": 4}, predikat=predikat, potential="90"
        )
        data = await talent(client, settings, world, nip)
        assert (data["kinerja"], data["potensial"], data["box"]) == (
            kinerja,
            "tinggi",
            BOXES[(kinerja, "tinggi")]["box"],
        )


class TestMissing:
    async def test_nothing_recorded(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        data = await talent(client, settings, world, world.asn_a.nip)
        assert data | {"inputs": None} == {
            "nip": world.asn_a.nip,
            "year": YEAR,
            "kinerja": None,
            "potensial": None,
            "potensial_score": None,
            "box": None,
            "box_label": None,
            "in_talent_pool": False,
            "missing": ["performance", "jpm", "potential_assessment"],
            "recommendation": None,
            "inputs": None,
        }
        assert data["inputs"] == {
            "predikat": None,
            "jpm": None,
            "potential_score": None,
            "potential_assessed_on": None,
        }

    async def test_without_a_potential_assessment_kinerja_still_shows(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await with_standard(session, world)
        nip = world.asn_a.nip
        await give_inputs(client, settings, world, nip, levels={"M1": 3, "M2": 4}, predikat="baik")
        data = await talent(client, settings, world, nip)
        assert (data["kinerja"], data["potensial"], data["box"], data["missing"]) == (
            "sesuai",
            None,
            None,
            ["potential_assessment"],
        )
        assert data["inputs"]["jpm"] == 87.5

    async def test_an_unrated_competency_leaves_the_jpm_missing(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await with_standard(session, world)
        nip = world.asn_a.nip
        await give_inputs(client, settings, world, nip, levels={"M1": 4}, predikat="baik", potential="90")
        data = await talent(client, settings, world, nip)
        assert (data["box"], data["potensial"], data["missing"]) == (None, None, ["jpm"])
        assert data["inputs"]["potential_score"] == 90.0

    async def test_no_position_no_jpm(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        nip = world.asn_a1.nip  # holds no position, so has no standard
        await give_inputs(client, settings, world, nip, predikat="sangat_baik", potential="90")
        data = await talent(client, settings, world, nip)
        assert (data["kinerja"], data["box"], data["missing"]) == ("di_atas", None, ["jpm"])

    async def test_only_the_years_own_skp_result_counts(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await with_standard(session, world)
        nip = world.asn_a.nip
        await give_inputs(
            client,
            settings,
            world,
            nip,
            levels={"M1": 4, "M2": 4},
            predikat="baik",
            potential="90",
            assessed_on="2024-06-02",
        )
        assert (await talent(client, settings, world, nip))["box"] == 8
        data = await talent(client, settings, world, nip, year=YEAR - 1)
        assert data["missing"] == ["performance"]
        assert data["kinerja"] is None and data["potensial"] == "tinggi"


class TestPotentialAssessment:
    async def test_the_latest_on_or_before_the_years_end(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await with_standard(session, world)
        nip = world.asn_a.nip
        await give_inputs(client, settings, world, nip, levels={"M1": 4, "M2": 4}, predikat="baik")
        await give_inputs(client, settings, world, nip, potential="50", assessed_on="2024-02-01")
        await give_inputs(client, settings, world, nip, potential="70", assessed_on="2025-12-31")
        if latest_indonesian_date().year > YEAR:
            await give_inputs(client, settings, world, nip, potential="95", assessed_on=f"{YEAR + 1}-01-01")
        data = await talent(client, settings, world, nip)
        assert data["inputs"]["potential_score"] == 70.0
        assert data["inputs"]["potential_assessed_on"] == "2025-12-31"
        assert (data["potensial_score"], data["potensial"], data["box"]) == (85.0, "tinggi", 8)
        earlier = await talent(client, settings, world, nip, year=2024)
        assert earlier["inputs"]["potential_score"] == 50.0


class TestRulesOfTheYear:
    async def test_weights_cut_offs_mapping_and_method_come_from_the_year(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await with_standard(session, world, {"M1": 4, "M2": 4})
        nip = world.asn_a.nip
        # capped JPM 87.5 (the surplus on M1 hides nothing), sum_ratio JPM 100
        await give_inputs(
            client,
            settings,
            world,
            nip,
            levels={"M1": 5, "M2": 3},
            predikat="butuh_perbaikan",
            potential="70",
        )
        before = await talent(client, settings, world, nip)
        assert (before["inputs"]["jpm"], before["potensial_score"], before["potensial"], before["box"]) == (
            87.5,
            78.75,
            "menengah",
            3,
        )
        own = talent_rules(
            kinerja_by_predikat=DEFAULT_TALENT_RULES["kinerja_by_predikat"] | {"butuh_perbaikan": "sesuai"},
            potensial_weights={"jpm": "0.3", "potential_score": "0.7"},
            potensial_cutoffs={"tinggi": "78", "menengah": "60"},
            pool_boxes=[8, 9],
        )
        await put_rules(client, settings, world, YEAR, talent_rules=own, jpm_method="sum_ratio")
        after = await talent(client, settings, world, nip)
        # sum_ratio 100 × 0.3 + 70 × 0.7 = 79 ≥ 78: tinggi; butuh_perbaikan now counts as sesuai
        assert (after["inputs"]["jpm"], after["potensial_score"], after["kinerja"], after["potensial"]) == (
            100.0,
            79.0,
            "sesuai",
            "tinggi",
        )
        assert (after["box"], after["in_talent_pool"]) == (8, True)
        other_year = await talent(client, settings, world, nip, year=YEAR - 1)
        assert other_year["inputs"]["jpm"] == 87.5  # 2024 keeps the earlier rule set

    async def test_labels_and_recommendations_are_rule_data(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await with_standard(session, world)
        nip = world.asn_a.nip
        boxes = [
            b | {"label": f"Kotak {b['box']}", "recommendation": f"Saran {b['box']}"}
            for b in DEFAULT_TALENT_RULES["boxes"]
        ]
        await put_rules(client, settings, world, YEAR, talent_rules=talent_rules(boxes=boxes))
        await give_inputs(
            client, settings, world, nip, levels={"M1": 4, "M2": 4}, predikat="sangat_baik", potential="90"
        )
        data = await talent(client, settings, world, nip)
        assert (data["box"], data["box_label"], data["recommendation"]) == (9, "Kotak 9", "Saran 9")


class TestWhoMayRead:
    @pytest.mark.parametrize("who", ["bpsdm", "auditor", "opd_a", "client:talent:read"])
    async def test_readers(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.get(talent_url(world.asn_a.nip), headers=as_(settings, world, who))
        assert r.status_code == 200, r.text

    async def test_the_asn_only_when_the_rules_say_so(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        own = as_(settings, world, "asn_a")
        hidden = problem(
            await client.get(talent_url(world.asn_a.nip), headers=own), 403, "talent_not_visible"
        )
        assert "2025" in hidden["detail"]
        await put_rules(client, settings, world, YEAR, talent_rules=talent_rules(visible_to_asn=True))
        assert (await client.get(talent_url(world.asn_a.nip), headers=own)).status_code == 200
        # Visible for 2025 only: 2024 is governed by the earlier rule set.
        problem(await client.get(talent_url(world.asn_a.nip, 2024), headers=own), 403, "talent_not_visible")

    @pytest.mark.parametrize(
        ("who", "whose"), [("asn_a", "asn_b"), ("asn_b", "asn_a"), ("opd_b", "asn_a"), ("opd_a1", "asn_a")]
    )
    async def test_out_of_scope_is_not_found(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, whose: str
    ) -> None:
        await put_rules(client, settings, world, YEAR, talent_rules=talent_rules(visible_to_asn=True))
        nip = getattr(world, whose).nip
        problem(await client.get(talent_url(nip), headers=as_(settings, world, who)), 404, "asn_not_found")

    async def test_a_client_needs_talent_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(talent_url(world.asn_a.nip), headers=as_(settings, world, "client:asn:read"))
        problem(r, 403, "forbidden")

    async def test_year_defaults_to_the_current_one(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(f"/api/v1/asn/{world.asn_a.nip}/talent", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 200
        assert r.json()["year"] == latest_indonesian_date().year
