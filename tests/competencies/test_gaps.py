"""GET /asn/{nip}/competency-gaps: latest levels against the standard, JPM, IKK and the year's bands."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.gaps import service as gaps_service
from app.competencies.gaps.schemas import GapItem
from app.core.config import Settings
from app.core.types import latest_indonesian_date
from app.rules.schemas import JpmBand, JpmGroupWeight
from tests.competencies.helpers import DICTIONARY, MANAJERIAL, add_teknis, assess, gaps, set_standard
from tests.factories import RULES_BODY, World, bearer, client_principal
from tests.http import as_, problem

DEFAULT_BANDS = [JpmBand.model_validate(b) for b in RULES_BODY["jpm_bands"]]


def item(code: str, required: int, actual: int, group: str = "manajerial") -> GapItem:
    gap = actual - required
    return GapItem(
        competency_code=code, name=code, group=group, required_level=required, actual_level=actual, gap=gap
    )


def gap_url(nip: str) -> str:
    return f"/api/v1/asn/{nip}/competency-gaps"


async def put_bands(
    client: httpx.AsyncClient, settings: Settings, world: World, year: int, bands: list[dict[str, Any]]
) -> None:
    r = await client.put(
        f"/api/v1/rules/{year}", json=RULES_BODY | {"jpm_bands": bands}, headers=as_(settings, world, "bpsdm")
    )
    assert r.status_code == 201, r.text


class TestJpmArithmetic:
    @pytest.mark.parametrize(
        ("actual", "required", "expected"),
        [
            (8, 9, "88.89"),
            (2, 3, "66.67"),
            (1, 3, "33.33"),
            (1, 6, "16.67"),
            (1, 8, "12.50"),
            (9, 32, "28.13"),  # 28.125: half-up, not half-even
            (1, 800, "0.13"),  # 0.125
            (9, 10, "90.00"),
            (39, 50, "78.00"),
            (6, 6, "100.00"),
            (7, 6, "100.00"),
            (10, 4, "100.00"),
        ],
    )
    def test_formula(self, actual: int, required: int, expected: str) -> None:
        # The assessment centre's sum_ratio: min(100, 100 × Σ actual / Σ required); one competency
        # behaves the same under capped until the level passes the standard.
        value = gaps_service.jpm([item("M1", required, actual)], "sum_ratio", [])
        assert value == Decimal(expected)
        assert str(value) == expected  # exactly two places
        if actual <= required:
            assert gaps_service.jpm([item("M1", required, actual)], "capped", []) == value

    @pytest.mark.parametrize(
        ("levels", "capped", "sum_ratio"),
        [
            # (required, actual) per competency
            ([(3, 5), (3, 2)], "83.33", "100.00"),  # a surplus hides the shortfall only in sum_ratio
            ([(3, 4), (3, 1)], "66.67", "83.33"),
            ([(3, 3), (3, 3)], "100.00", "100.00"),
            ([(2, 5), (2, 5)], "100.00", "100.00"),
            ([(3, 1), (3, 1)], "33.33", "33.33"),
        ],
    )
    def test_capped_never_lets_a_surplus_hide_a_shortfall(
        self, levels: list[tuple[int, int]], capped: str, sum_ratio: str
    ) -> None:
        items = [item(f"M{n}", required, actual) for n, (required, actual) in enumerate(levels, 1)]
        assert str(gaps_service.jpm(items, "capped", [])) == capped
        assert str(gaps_service.jpm(items, "sum_ratio", [])) == sum_ratio

    def test_one_level_short_on_a_technical_competency_is_no_longer_100(self) -> None:
        # The case users reported: nine competencies above the standard, T.TIK one level short.
        items = [item(f"M{n}", 2, 3) for n in range(1, 9)] + [
            item("SK1", 2, 3),
            item("T.TIK", 2, 1, "teknis"),
        ]
        assert gaps_service.jpm(items, "sum_ratio", []) == Decimal(100)
        assert gaps_service.jpm(items, "capped", []) == Decimal("95.00")  # 19 / 20

    def test_group_weights(self) -> None:
        weights = [
            JpmGroupWeight.model_validate({"groups": ["teknis"], "weight": 40}),
            JpmGroupWeight.model_validate({"groups": ["manajerial", "sosial_kultural"], "weight": 60}),
        ]
        items = [
            item("M1", 3, 3),
            item("SK1", 3, 3),
            item("T.A", 4, 2, "teknis"),
            item("T.B", 4, 4, "teknis"),
        ]
        # teknis 6 / 8 = 75 × 0.4 + manajerial and sosial kultural 100 × 0.6 = 90
        assert gaps_service.jpm(items, "capped", weights) == Decimal("90.00")
        # A standard without teknis competencies: the other part carries all the weight.
        assert gaps_service.jpm(items[:2], "capped", weights) == Decimal(100)
        assert gaps_service.jpm([item("M1", 3, 2)], "capped", weights) == Decimal("66.67")

    @pytest.mark.parametrize(
        ("value", "label"),
        [
            ("100", "Optimal"),
            ("90", "Optimal"),
            ("90.00", "Optimal"),
            ("89.99", "Cukup Optimal"),
            ("78", "Cukup Optimal"),
            ("77.99", "Kurang Optimal"),
            ("0", "Kurang Optimal"),
        ],
    )
    def test_default_bands(self, value: str, label: str) -> None:
        assert gaps_service.category(Decimal(value), DEFAULT_BANDS) == label


class TestGaps:
    async def test_items_jpm_ikk_and_category(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await set_standard(session, world.position_a, {"M3": 3, "M1": 3, "M2": 3})
        nip = world.asn_a.nip
        await assess(
            client, nip, as_(settings, world, "opd_a"), "2025-08-14", {"M1": 3, "M2": 2, "M3": 3, "M4": 5}
        )
        data = await gaps(client, nip, as_(settings, world, "asn_a"))
        assert data == {
            "nip": nip,
            "position_id": world.position_a.id,
            "year": latest_indonesian_date().year,
            "items": [
                {
                    "competency_code": "M1",
                    "name": "Integritas",
                    "group": "manajerial",
                    "required_level": 3,
                    "actual_level": 3,
                    "gap": 0,
                    "assessed_on": "2025-08-14",
                },
                {
                    "competency_code": "M2",
                    "name": "Kerjasama",
                    "group": "manajerial",
                    "required_level": 3,
                    "actual_level": 2,
                    "gap": -1,
                    "assessed_on": "2025-08-14",
                },
                {
                    "competency_code": "M3",
                    "name": "Komunikasi",
                    "group": "manajerial",
                    "required_level": 3,
                    "actual_level": 3,
                    "gap": 0,
                    "assessed_on": "2025-08-14",
                },
            ],
            "jpm": 88.89,
            "ikk": 11.11,
            "jpm_category": "Cukup Optimal",
            "missing": [],
        }

    async def test_two_thirds_rounds_half_up(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await set_standard(session, world.position_a, {"M1": 3})
        h = as_(settings, world, "bpsdm")
        await assess(client, world.asn_a.nip, h, "2025-01-01", {"M1": 2})
        data = await gaps(client, world.asn_a.nip, h)
        assert (data["jpm"], data["ikk"], data["jpm_category"]) == (66.67, 33.33, "Kurang Optimal")

    async def test_half_up_at_the_third_decimal(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        # Σ required 7 × 4 + 2 × 2 = 32, Σ actual 9: 28.125 → 28.13 (half-even would give 28.12).
        await set_standard(session, world.position_a, dict.fromkeys(MANAJERIAL[:7], 4) | {"M8": 2, "SK1": 2})
        h = as_(settings, world, "bpsdm")
        await assess(client, world.asn_a.nip, h, "2025-01-01", dict.fromkeys(DICTIONARY, 1))
        data = await gaps(client, world.asn_a.nip, h)
        assert (data["jpm"], data["ikk"]) == (28.13, 71.87)

    @pytest.mark.parametrize(
        ("actual", "jpm"),
        [({"M1": 5, "M2": 5}, 100.0), ({"M1": 5, "M2": 3}, 100.0), ({"M1": 4, "M2": 4}, 100.0)],
    )
    async def test_capped_at_100(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        actual: dict[str, int],
        jpm: float,
    ) -> None:
        await set_standard(session, world.position_a, {"M1": 3, "M2": 3})
        h = as_(settings, world, "bpsdm")
        await assess(client, world.asn_a.nip, h, "2025-01-01", actual)
        data = await gaps(client, world.asn_a.nip, h)
        assert (data["jpm"], data["ikk"], data["jpm_category"]) == (jpm, 0.0, "Optimal")
        assert [i["gap"] for i in data["items"]] == [actual["M1"] - 3, actual["M2"] - 3]

    async def test_null_until_every_standard_competency_is_rated(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await add_teknis(session, "T-ARSIP")
        await set_standard(session, world.position_a, {"T-ARSIP": 2, "SK1": 3, "M3": 3, "M1": 3, "M2": 2})
        h = as_(settings, world, "bpsdm")
        nip = world.asn_a.nip
        data = await gaps(client, nip, h)
        assert (data["jpm"], data["ikk"], data["jpm_category"]) == (None, None, None)
        assert data["missing"] == ["M1", "M2", "M3", "SK1", "T-ARSIP"]
        await assess(client, nip, h, "2025-01-01", {"M2": 2, "M4": 4})
        data = await gaps(client, nip, h)
        assert (data["jpm"], data["ikk"], data["jpm_category"]) == (None, None, None)
        assert data["missing"] == ["M1", "M3", "SK1", "T-ARSIP"]
        assert [i["competency_code"] for i in data["items"]] == ["M1", "M2", "M3", "SK1", "T-ARSIP"]
        teknis = data["items"][-1]
        assert teknis == {
            "competency_code": "T-ARSIP",
            "name": "Kompetensi Teknis T-ARSIP",
            "group": "teknis",
            "required_level": 2,
            "actual_level": None,
            "gap": None,
            "assessed_on": None,
        }
        assert data["items"][1]["gap"] == 0
        await assess(client, nip, h, "2025-02-01", {"M1": 3, "M3": 3, "SK1": 3})
        assert (await gaps(client, nip, h))["missing"] == ["T-ARSIP"]
        await assess(client, nip, h, "2025-03-01", {"T-ARSIP": 1})
        data = await gaps(client, nip, h)
        # Σ actual 3 + 2 + 3 + 3 + 1 = 12 of Σ required 13.
        assert (data["jpm"], data["ikk"], data["missing"]) == (92.31, 7.69, [])

    async def test_the_years_jpm_method_and_group_weights_apply(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await set_standard(session, world.position_a, {"M1": 3, "M2": 3})
        h = as_(settings, world, "bpsdm")
        nip = world.asn_a.nip
        await assess(client, nip, h, "2025-01-01", {"M1": 5, "M2": 2})
        years: list[tuple[int, dict[str, Any]]] = [
            (2041, {"jpm_method": "sum_ratio"}),
            (
                2043,
                {
                    "jpm_method": "sum_ratio",
                    "jpm_group_weights": [
                        {"groups": ["teknis"], "weight": 40},
                        {"groups": ["manajerial", "sosial_kultural"], "weight": 60},
                    ],
                },
            ),
        ]
        for year, changes in years:
            r = await client.put(f"/api/v1/rules/{year}", json=RULES_BODY | changes, headers=h)
            assert r.status_code == 201, r.text
        answers = {year: (await gaps(client, nip, h, year=year))["jpm"] for year in (2040, 2041, 2042, 2043)}
        # 2040: the default (capped); 2041 and the year after it: sum_ratio; 2043: weighted, no teknis part.
        assert answers == {2040: 83.33, 2041: 100.0, 2042: 100.0, 2043: 100.0}

    @pytest.mark.parametrize(
        ("weights", "needle"),
        [
            ([{"groups": ["teknis"], "weight": 40}], "every group"),
            (
                [
                    {"groups": ["teknis", "manajerial"], "weight": 40},
                    {"groups": ["manajerial", "sosial_kultural"], "weight": 60},
                ],
                "twice",
            ),
            ([{"groups": [], "weight": 40}], "groups"),
            ([{"groups": ["teknis", "manajerial", "sosial_kultural"], "weight": 0}], "weight"),
        ],
    )
    async def test_bad_group_weights_are_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World, weights: list[Any], needle: str
    ) -> None:
        r = await client.put(
            "/api/v1/rules/2044",
            json=RULES_BODY | {"jpm_group_weights": weights},
            headers=as_(settings, world, "bpsdm"),
        )
        body = problem(r, 422, "validation_error")
        assert needle in body["detail"] + str(body["errors"])

    async def test_latest_assessment_per_competency(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await set_standard(session, world.position_a, dict.fromkeys(DICTIONARY, 3))
        h = as_(settings, world, "bpsdm")
        nip = world.asn_a.nip
        await assess(client, nip, h, "2023-06-01", dict.fromkeys(DICTIONARY, 2))  # A1
        await assess(client, nip, h, "2024-06-01", {"M1": 4, "M2": 4})  # A2
        await assess(client, nip, h, "2025-06-01", {"M3": 5})  # A3
        expected = {"M1": 4, "M2": 4, "M3": 5} | dict.fromkeys(("M4", "M5", "M6", "M7", "M8", "SK1"), 2)
        before = await gaps(client, nip, h)
        assert {i["competency_code"]: i["actual_level"] for i in before["items"]} == expected
        assert before["jpm"] == 77.78  # capped: 3 + 3 + 3 + 6 × 2 = 21 of 27 (the surplus counts no more)
        await assess(client, nip, h, "2022-06-01", dict.fromkeys(DICTIONARY, 1))  # A0, entered last
        after = await gaps(client, nip, h)
        assert after == before
        dates = {i["competency_code"]: i["assessed_on"] for i in after["items"]}
        assert (dates["M1"], dates["M3"], dates["SK1"]) == ("2024-06-01", "2025-06-01", "2023-06-01")

    async def test_same_day_tie(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await set_standard(session, world.position_a, {"M1": 3})
        h = as_(settings, world, "bpsdm")
        nip = world.asn_a.nip
        await assess(client, nip, h, "2025-05-05", {"M1": 1})
        await assess(client, nip, h, "2025-05-05", {"M1": 3})
        assert (await gaps(client, nip, h))["jpm"] == 100.0
        await assess(client, nip, h, "2025-05-04", {"M1": 1})
        assert (await gaps(client, nip, h))["jpm"] == 100.0
        await assess(client, nip, h, "2025-05-05", {"M1": 2})
        assert (await gaps(client, nip, h))["jpm"] == 66.67

    async def test_no_position_or_no_standard(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        await assess(client, world.asn_a1.nip, h, "2025-01-01", {"M1": 3})
        await assess(client, world.asn_a.nip, h, "2025-01-01", {"M1": 3})
        empty: dict[str, Any] = {"items": [], "jpm": None, "ikk": None, "jpm_category": None, "missing": []}
        no_position = await gaps(client, world.asn_a1.nip, h)
        assert no_position == empty | {
            "nip": world.asn_a1.nip,
            "position_id": None,
            "year": latest_indonesian_date().year,
        }
        no_standard = await gaps(client, world.asn_a.nip, h, year=2025)
        assert no_standard == empty | {
            "nip": world.asn_a.nip,
            "position_id": world.position_a.id,
            "year": 2025,
        }

    async def test_a_changed_standard_counts_at_once(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await set_standard(session, world.position_a, {"M1": 3})
        h = as_(settings, world, "bpsdm")
        await assess(client, world.asn_a.nip, h, "2025-01-01", {"M1": 3, "M2": 2})
        assert (await gaps(client, world.asn_a.nip, h))["jpm"] == 100.0
        await set_standard(session, world.position_a, {"M1": 3, "M2": 4})
        assert (await gaps(client, world.asn_a.nip, h))["jpm"] == 71.43  # 5 / 7


class TestBands:
    async def test_default_band_boundaries(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        nip = world.asn_a.nip
        # Σ required 10, Σ actual 9: exactly 90.
        await set_standard(session, world.position_a, dict.fromkeys(MANAJERIAL[:5], 2))
        await assess(client, nip, h, "2024-01-01", {"M1": 2, "M2": 2, "M3": 2, "M4": 2, "M5": 1})
        data = await gaps(client, nip, h)
        assert (data["jpm"], data["ikk"], data["jpm_category"]) == (90.0, 10.0, "Optimal")
        # Σ required 10 × 5 = 50, Σ actual 9 × 4 + 3 = 39: exactly 78.
        await add_teknis(session, "T-SIPD")
        await set_standard(session, world.position_a, dict.fromkeys((*DICTIONARY, "T-SIPD"), 5))
        await assess(client, nip, h, "2024-02-01", dict.fromkeys(DICTIONARY, 4) | {"T-SIPD": 3})
        data = await gaps(client, nip, h)
        assert (data["jpm"], data["ikk"], data["jpm_category"]) == (78.0, 22.0, "Cukup Optimal")
        # One level less: 38 / 50 = 76.
        await assess(client, nip, h, "2024-03-01", {"T-SIPD": 2})
        data = await gaps(client, nip, h)
        assert (data["jpm"], data["jpm_category"]) == (76.0, "Kurang Optimal")

    async def test_bands_of_the_requested_year(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await set_standard(session, world.position_a, {"M1": 3, "M2": 3, "M3": 3})
        h = as_(settings, world, "bpsdm")
        nip = world.asn_a.nip
        await assess(client, nip, h, "2025-01-01", {"M1": 3, "M2": 2, "M3": 3})  # 88.89
        await put_bands(
            client,
            settings,
            world,
            2041,
            [
                {"label": "Tinggi", "min": 88.89},
                {"label": "Sedang", "min": 50},
                {"label": "Rendah", "min": 0},
            ],
        )
        await put_bands(
            client,
            settings,
            world,
            2043,
            [
                {"label": "Tinggi", "min": 88.9},
                {"label": "Sedang", "min": 88.88},
                {"label": "Rendah", "min": 0},
            ],
        )
        await put_bands(
            client,
            settings,
            world,
            2045,
            [
                {"label": "Memenuhi Syarat", "min": 80},
                {"label": "Masih Memenuhi Syarat", "min": 68},
                {"label": "Kurang Memenuhi Syarat", "min": 0},
            ],
        )
        categories = {
            year: (await gaps(client, nip, h, year=year))["jpm_category"] for year in range(2040, 2046)
        }
        assert categories == {
            2040: "Cukup Optimal",
            2041: "Tinggi",  # min equal to the JPM: in the band
            2042: "Tinggi",  # a year without rules uses the latest earlier one
            2043: "Sedang",  # 88.89 < 88.9
            2044: "Sedang",
            2045: "Memenuhi Syarat",
        }
        assert (await gaps(client, nip, h, year=2041))["jpm"] == 88.89

    @pytest.mark.parametrize("year", ["1800", "2101", "abc", "2025.5"])
    async def test_bad_year(
        self, client: httpx.AsyncClient, settings: Settings, world: World, year: str
    ) -> None:
        r = await client.get(
            gap_url(world.asn_a.nip), headers=as_(settings, world, "bpsdm"), params={"year": year}
        )
        problem(r, 422, "validation_error")


class TestScope:
    async def test_readers(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        visible = {
            "bpsdm": {"asn_a", "asn_a1", "asn_b"},
            "auditor": {"asn_a", "asn_a1", "asn_b"},
            "opd_a": {"asn_a", "asn_a1"},
            "opd_a1": {"asn_a1"},
            "opd_b": {"asn_b"},
            "asn_a": {"asn_a"},
            "asn_b": {"asn_b"},
        }
        people = {"asn_a": world.asn_a, "asn_a1": world.asn_a1, "asn_b": world.asn_b}
        for who, reach in visible.items():
            for name, asn in people.items():
                r = await client.get(gap_url(asn.nip), headers=as_(settings, world, who))
                if name in reach:
                    assert r.status_code == 200, (who, name, r.text)
                    assert r.json()["nip"] == asn.nip
                else:
                    problem(r, 404, "asn_not_found")

    async def test_clients(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        ok = await client.get(
            gap_url(world.asn_b.nip), headers=bearer(settings, client_principal("asn:read"))
        )
        assert ok.status_code == 200
        for scopes in (("learning:read",), ("asn:write", "reference:read")):
            r = await client.get(
                gap_url(world.asn_b.nip), headers=bearer(settings, client_principal(*scopes))
            )
            problem(r, 403, "forbidden")
