"""The mandatory-spending check: exact thresholds, rounding, JP costs, units, rules, trend, access."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.budgets import service
from app.budgets.money import ceil_div, div_half_up, per_unit_idr, percent, required_minimum
from app.budgets.schemas import BudgetCompliance
from app.core.config import Settings
from tests import factories
from tests.budgets.helpers import PROVINCE_TOTAL, YEAR, give_jp, put_budget, put_unit
from tests.factories import World, create_asn, create_unit
from tests.http import as_, problem

FIELDS = {
    "year",
    "jurisdiction",
    "total_belanja_daerah_idr",
    "threshold_pct",
    "required_min_idr",
    "bangkom_pagu_idr",
    "bangkom_realisasi_idr",
    "pagu_pct",
    "realisasi_pct",
    "compliant",
    "shortfall_idr",
    "realisation_rate_pct",
    "verified_jp",
    "cost_per_jp_idr",
    "units",
}
UNIT_FIELDS = {
    "unit_id",
    "code",
    "name",
    "pagu_idr",
    "realisasi_idr",
    "over_pagu",
    "realisation_rate_pct",
    "headcount",
    "verified_jp",
    "cost_per_jp_idr",
    "cost_per_asn_idr",
}
TREND_FIELDS = FIELDS - {"units"}


async def check(
    client: httpx.AsyncClient, settings: Settings, world: World, year: int = YEAR, who: str = "bpsdm"
) -> dict[str, Any]:
    r = await client.get(f"/api/v1/budgets/{year}/compliance", headers=as_(settings, world, who))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def budget_with_pagu(
    client: httpx.AsyncClient,
    settings: Settings,
    world: World,
    total: int,
    pagu: int,
    realisasi: int = 0,
    *,
    jurisdiction: str = "provinsi",
    year: int = YEAR,
) -> dict[str, Any]:
    bpsdm = as_(settings, world, "bpsdm")
    await put_budget(client, bpsdm, year=year, total=total, jurisdiction=jurisdiction)
    await put_unit(client, bpsdm, world.unit_b.id, pagu, realisasi, year=year)
    return await check(client, settings, world, year)


class TestMoneyHelpers:
    def test_ceil_and_half_up(self) -> None:
        assert ceil_div(34_000_034, 10_000) == 3_401
        assert ceil_div(34_000_000, 10_000) == 3_400
        assert div_half_up(1_000_001, 2) == 500_001
        assert div_half_up(1_000_000, 3) == 333_333
        assert div_half_up(2_000_001, 4) == 500_000  # 500,000.25

    def test_required_minimum_is_exact(self) -> None:
        assert required_minimum(PROVINCE_TOTAL, Decimal("0.34")) == 73_746_000_000
        assert required_minimum(1_000_001, Decimal("0.34")) == 3_401
        assert required_minimum(1_000_000, Decimal("0.34")) == 3_400
        # A float would lose the odd rupiah above 2^53 and answer 33,999,999,999,966.
        assert required_minimum(9_999_999_999_990_001, Decimal("0.34")) == 33_999_999_999_967
        assert required_minimum(10**16, Decimal("0.0001")) == 10_000_000_000

    def test_percent_and_per_unit(self) -> None:
        assert percent(1, 128) == Decimal("0.7813")  # 0.78125: half-up, not half-even
        assert percent(2, 3) == Decimal("66.6667")
        assert percent(5, 0) is None
        assert per_unit_idr(1_000_000, Decimal("2.50")) == 400_000
        assert per_unit_idr(1_000_000, Decimal("0.03")) == 33_333_333
        assert per_unit_idr(1, 0) is None


class TestThreshold:
    async def test_shape_and_province_example(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = await budget_with_pagu(client, settings, world, PROVINCE_TOTAL, 73_746_000_000, 68_250_000_000)
        assert set(body) == FIELDS
        assert set(body["units"][0]) == UNIT_FIELDS
        assert body["year"] == YEAR and body["jurisdiction"] == "provinsi"
        assert body["threshold_pct"] == 0.34
        assert body["total_belanja_daerah_idr"] == PROVINCE_TOTAL
        assert body["required_min_idr"] == 73_746_000_000
        assert isinstance(body["required_min_idr"], int)
        assert body["compliant"] is True and body["shortfall_idr"] == 0
        assert body["pagu_pct"] == 0.34
        assert body["realisasi_pct"] == 0.3147  # 0.314661…
        assert body["realisation_rate_pct"] == 92.5474  # 68,250 / 73,746 = 0.9254739…

    async def test_exactly_at_the_minimum_is_compliant(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = await budget_with_pagu(client, settings, world, 100_000_000_000, 340_000_000)
        assert body["required_min_idr"] == 340_000_000
        assert body["compliant"] is True and body["shortfall_idr"] == 0

    async def test_one_rupiah_below_is_not(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = await budget_with_pagu(client, settings, world, 100_000_000_000, 339_999_999)
        assert body["compliant"] is False and body["shortfall_idr"] == 1

    async def test_required_minimum_rounds_up(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        # 1,000,001 × 0.34 % = 3,400.0034 → 3,401; pagu 3,400 falls one rupiah short.
        body = await budget_with_pagu(client, settings, world, 1_000_001, 3_400)
        assert body["required_min_idr"] == 3_401
        assert body["compliant"] is False and body["shortfall_idr"] == 1

    async def test_an_exact_multiple_is_not_rounded_up(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = await budget_with_pagu(client, settings, world, 1_000_000, 3_400)
        assert body["required_min_idr"] == 3_400
        assert body["compliant"] is True

    async def test_totals_near_the_limit_stay_exact(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = await budget_with_pagu(client, settings, world, 9_999_999_999_990_001, 33_999_999_999_966)
        assert body["required_min_idr"] == 33_999_999_999_967
        assert body["shortfall_idr"] == 1 and body["compliant"] is False

    async def test_many_large_unit_budgets_add_up_exactly(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        await put_budget(client, bpsdm, total=10**16)
        extra = [await create_unit(session, f"BIG_{i}") for i in range(3)]
        await session.commit()
        for unit in [world.unit_a, world.unit_a1, world.unit_b, *extra]:
            await put_unit(client, bpsdm, unit.id, 10**16 - 1, 10**16)
        body = await check(client, settings, world)
        assert body["bangkom_pagu_idr"] == 6 * (10**16 - 1)  # beyond 2^63 would overflow SQL; not here
        assert body["bangkom_realisasi_idr"] == 6 * 10**16
        assert body["required_min_idr"] == 34_000_000_000_000
        assert body["compliant"] is True
        assert body["pagu_pct"] == 600

    async def test_half_up_percentages(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = await budget_with_pagu(client, settings, world, 128, 1, 1)
        assert body["pagu_pct"] == 0.7813
        assert body["realisasi_pct"] == 0.7813
        assert body["realisation_rate_pct"] == 100

    async def test_kabupaten_kota_threshold(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = await budget_with_pagu(
            client, settings, world, 1_000_000_000, 1_600_000, jurisdiction="kabupaten_kota"
        )
        assert body["jurisdiction"] == "kabupaten_kota"
        assert body["threshold_pct"] == 0.16
        assert body["required_min_idr"] == 1_600_000
        assert body["compliant"] is True
        # The same money is short of a province's 0.34 %.
        r = await client.put(
            f"/api/v1/budgets/{YEAR}",
            json={"jurisdiction": "provinsi", "total_belanja_daerah_idr": 1_000_000_000},
            headers=as_(settings, world, "bpsdm") | {"If-Match": '"1"'},
        )
        assert r.status_code == 200
        body = await check(client, settings, world)
        assert body["required_min_idr"] == 3_400_000
        assert body["compliant"] is False and body["shortfall_idr"] == 1_800_000

    async def test_the_years_rule_set_sets_the_threshold(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        await put_budget(client, bpsdm, year=2027, total=1_000_000_000)
        await put_unit(client, bpsdm, world.unit_b.id, 3_400_000, 0, year=2027)
        assert (await check(client, settings, world, 2027))["compliant"] is True

        rules = factories.RULES_BODY | {"budget_min_pct": {"provinsi": 0.5125, "kabupaten_kota": 0.2}}
        r = await client.put("/api/v1/rules/2027", json=rules, headers=bpsdm)
        assert r.status_code == 201, r.text
        body = await check(client, settings, world, 2027)
        assert body["threshold_pct"] == 0.5125
        assert body["required_min_idr"] == 5_125_000
        assert body["compliant"] is False and body["shortfall_idr"] == 1_725_000

        # A later year without its own rules uses 2027's; an earlier one keeps the seeded 0.34 %.
        await put_budget(client, bpsdm, year=2030, total=1_000_000_000)
        assert (await check(client, settings, world, 2030))["threshold_pct"] == 0.5125
        await put_budget(client, bpsdm, year=2026, total=1_000_000_000)
        assert (await check(client, settings, world, 2026))["threshold_pct"] == 0.34

    async def test_no_unit_budgets_means_the_whole_minimum_is_short(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await put_budget(client, as_(settings, world, "bpsdm"), total=1_000_000)
        body = await check(client, settings, world)
        assert body["bangkom_pagu_idr"] == 0 and body["bangkom_realisasi_idr"] == 0
        assert body["shortfall_idr"] == 3_400 and body["compliant"] is False
        assert body["pagu_pct"] == 0 and body["realisation_rate_pct"] is None
        assert body["units"] == []

    async def test_year_without_budget(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get("/api/v1/budgets/2031/compliance", headers=as_(settings, world, "bpsdm"))
        data = problem(r, 404, "budget_not_found")
        assert "PUT /api/v1/budgets/2031" in data["detail"]


class TestCostOfLearning:
    async def test_no_verified_jp_means_no_cost_per_jp(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = await budget_with_pagu(client, settings, world, 1_000_000_000, 5_000_000, 1_000_000)
        assert body["verified_jp"] == 0
        assert body["cost_per_jp_idr"] is None
        [unit] = body["units"]
        assert unit["verified_jp"] == 0 and unit["cost_per_jp_idr"] is None
        assert unit["headcount"] == 1 and unit["cost_per_asn_idr"] == 1_000_000

    async def test_cost_per_jp_is_rounded_half_up(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await give_jp(session, world.asn_b, "3")
        await session.commit()
        body = await budget_with_pagu(client, settings, world, 1_000_000_000, 5_000_000, 1_000_000)
        assert body["verified_jp"] == 3
        assert body["cost_per_jp_idr"] == 333_333
        assert body["units"][0]["cost_per_jp_idr"] == 333_333

    async def test_a_half_rupiah_rounds_up(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await give_jp(session, world.asn_b, "2")
        await session.commit()
        body = await budget_with_pagu(client, settings, world, 1_000_000_000, 5_000_000, 1_000_001)
        assert body["cost_per_jp_idr"] == 500_001  # 500,000.5
        [unit] = body["units"]
        assert unit["cost_per_jp_idr"] == 500_001
        assert unit["cost_per_asn_idr"] == 1_000_001

    async def test_fractional_jp(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await give_jp(session, world.asn_b, "2.25")
        await give_jp(session, world.asn_a, "0.5")
        await session.commit()
        body = await budget_with_pagu(client, settings, world, 1_000_000_000, 5_000_000, 1_000_000)
        assert body["verified_jp"] == 2.75
        assert body["cost_per_jp_idr"] == 363_636  # 363,636.36…
        assert body["units"][0]["verified_jp"] == 2.25
        assert body["units"][0]["cost_per_jp_idr"] == 444_444  # 444,444.44…

    async def test_jp_verified_through_the_ledger_counts(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        r = await client.post(
            f"/api/v1/asn/{world.asn_b.nip}/learning-records",
            json={
                "title": "Pelatihan Pengelolaan Keuangan Daerah",
                "form_code": "3",
                "start_date": f"{YEAR}-02-02",
                "end_date": f"{YEAR}-02-06",
                "jp": 40,
            },
            headers=bpsdm,
        )
        assert r.status_code == 201, r.text
        body = await budget_with_pagu(client, settings, world, 1_000_000_000, 5_000_000, 1_000_000)
        assert body["verified_jp"] == 40
        assert body["cost_per_jp_idr"] == 25_000
        assert body["units"][0]["verified_jp"] == 40
        # JP of another year does not count.
        assert (await budget_with_pagu(client, settings, world, 1, 0, 0, year=YEAR - 1))["verified_jp"] == 0

    async def test_units_count_their_descendants_and_only_active_asn(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        # unit_a: asn_a, pppk_a (+ an inactive one); its sub-unit unit_a1: asn_a1 and a grandchild's ASN.
        grandchild = await create_unit(session, "SEKSI_A1X", parent=world.unit_a1, kind="seksi")
        deep = await create_asn(session, grandchild, name="Rina Wulandari")
        gone = await create_asn(session, world.unit_a, name="Pensiunan", active=False)
        for asn, jp in (
            (world.asn_a, "10"),
            (world.pppk_a, "4"),
            (world.asn_a1, "6"),
            (deep, "0.5"),
            (gone, "99"),
        ):
            await give_jp(session, asn, jp)
        await give_jp(session, world.asn_b, "7")
        await session.commit()
        bpsdm = as_(settings, world, "bpsdm")
        await put_budget(client, bpsdm, total=1_000_000_000)
        await put_unit(client, bpsdm, world.unit_a.id, 9_000_000, 8_200_000)
        await put_unit(client, bpsdm, world.unit_a1.id, 1_000_000, 1_000_000)
        await put_unit(client, bpsdm, world.unit_b.id, 2_000_000, 2_100_000)
        body = await check(client, settings, world)

        assert body["bangkom_pagu_idr"] == 12_000_000
        assert body["bangkom_realisasi_idr"] == 11_300_000
        assert body["verified_jp"] == 27.5  # 10 + 4 + 6 + 0.5 + 7; the inactive ASN's 99 do not count
        assert body["cost_per_jp_idr"] == 410_909  # 11,300,000 / 27.5 = 410,909.09…
        units = {u["unit_id"]: u for u in body["units"]}
        # Ordered by name: "Unit BIDANG_A1", "Unit DINAS_A", "Unit DINAS_B".
        assert [u["unit_id"] for u in body["units"]] == [world.unit_a1.id, world.unit_a.id, world.unit_b.id]

        a = units[world.unit_a.id]
        assert (a["headcount"], a["verified_jp"]) == (4, 20.5)
        assert a["cost_per_jp_idr"] == 400_000  # 8,200,000 / 20.5
        assert a["cost_per_asn_idr"] == 2_050_000
        assert a["over_pagu"] is False and a["realisation_rate_pct"] == 91.1111
        assert a["code"] == world.unit_a.code and a["name"] == world.unit_a.name

        a1 = units[world.unit_a1.id]
        assert (a1["headcount"], a1["verified_jp"]) == (2, 6.5)
        assert a1["cost_per_jp_idr"] == 153_846  # 153,846.15…
        assert a1["cost_per_asn_idr"] == 500_000

        b = units[world.unit_b.id]
        assert (b["headcount"], b["verified_jp"]) == (1, 7)
        assert b["over_pagu"] is True and b["realisation_rate_pct"] == 105
        assert b["cost_per_jp_idr"] == 300_000

    async def test_a_unit_without_people(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        empty = await create_unit(session, "UPTD_KOSONG")
        await session.commit()
        bpsdm = as_(settings, world, "bpsdm")
        await put_budget(client, bpsdm, total=1_000_000_000)
        await put_unit(client, bpsdm, empty.id, 10, 10)
        [unit] = (await check(client, settings, world))["units"]
        assert unit["headcount"] == 0 and unit["verified_jp"] == 0
        assert unit["cost_per_asn_idr"] is None and unit["cost_per_jp_idr"] is None

    async def test_service_function_for_exports(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await budget_with_pagu(client, settings, world, 1_000_001, 3_401, 100)
        result = await service.compliance(session, YEAR)
        assert isinstance(result, BudgetCompliance)
        assert result.required_min_idr == 3_401 and result.compliant is True
        assert result.threshold_pct == Decimal("0.34")
        with pytest.raises(service.BudgetNotFound):
            await service.compliance(session, 2099)


class TestAccess:
    @pytest.mark.parametrize("who", ["bpsdm", "auditor", "client:budget:read"])
    async def test_readers(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        await budget_with_pagu(client, settings, world, 1_000_000, 3_400)
        assert (await check(client, settings, world, who=who))["compliant"] is True
        r = await client.get("/api/v1/budgets/compliance", headers=as_(settings, world, who))
        assert r.status_code == 200

    @pytest.mark.parametrize("who", ["opd_a", "asn_a", "client:budget:write", "client:learning:read"])
    async def test_others_are_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        await budget_with_pagu(client, settings, world, 1_000_000, 3_400)
        for url in (f"/api/v1/budgets/{YEAR}/compliance", "/api/v1/budgets/compliance"):
            problem(await client.get(url, headers=as_(settings, world, who)), 403, "forbidden")

    async def test_anonymous(self, client: httpx.AsyncClient) -> None:
        for url in (f"/api/v1/budgets/{YEAR}/compliance", "/api/v1/budgets/compliance"):
            problem(await client.get(url), 401, "unauthorized")


@contextmanager
def counting(connection: AsyncConnection) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(connection.sync_connection, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(connection.sync_connection, "before_cursor_execute", before)


class TestTrend:
    async def _three_years(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        await put_budget(client, bpsdm, year=2024, total=1_000_000_000, jurisdiction="kabupaten_kota")
        await put_budget(client, bpsdm, year=2025, total=1_000_001)
        await put_budget(client, bpsdm, year=2026, total=PROVINCE_TOTAL)
        await put_unit(client, bpsdm, world.unit_a.id, 1_000_000, 900_000, year=2024)
        await put_unit(client, bpsdm, world.unit_b.id, 600_000, 600_000, year=2024)
        await put_unit(client, bpsdm, world.unit_a.id, 3_400, 3_000, year=2025)
        await put_unit(client, bpsdm, world.unit_a.id, 70_000_000_000, 69_000_000_000, year=2026)
        await put_unit(client, bpsdm, world.unit_a1.id, 3_746_000_000, 1_000_000_000, year=2026)
        await give_jp(session, world.asn_a, "4", year=2024)
        await give_jp(session, world.asn_a, "3", year=2025)
        await give_jp(session, world.asn_b, "12.5", year=2026)
        await give_jp(session, world.asn_a1, "7.5", year=2026)
        await session.commit()

    async def test_three_years_oldest_first(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await self._three_years(client, settings, world, session)
        r = await client.get("/api/v1/budgets/compliance", headers=as_(settings, world, "auditor"))
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert [i["year"] for i in items] == [2024, 2025, 2026]
        assert all(set(i) == TREND_FIELDS for i in items)
        y24, y25, y26 = items
        assert (y24["jurisdiction"], y24["threshold_pct"], y24["required_min_idr"]) == (
            "kabupaten_kota",
            0.16,
            1_600_000,
        )
        assert (y24["bangkom_pagu_idr"], y24["compliant"], y24["shortfall_idr"]) == (1_600_000, True, 0)
        assert (y24["verified_jp"], y24["cost_per_jp_idr"]) == (4, 375_000)
        assert (y25["required_min_idr"], y25["compliant"], y25["shortfall_idr"]) == (3_401, False, 1)
        assert (y25["verified_jp"], y25["cost_per_jp_idr"]) == (3, 1_000)
        assert (y26["required_min_idr"], y26["bangkom_pagu_idr"], y26["compliant"]) == (
            73_746_000_000,
            73_746_000_000,
            True,
        )
        assert y26["pagu_pct"] == 0.34
        assert (y26["verified_jp"], y26["cost_per_jp_idr"]) == (20, 3_500_000_000)

        # Each year agrees with its own check.
        for item in items:
            full = await check(client, settings, world, item["year"])
            assert {k: full[k] for k in TREND_FIELDS} == item

    async def test_range(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await self._three_years(client, settings, world, session)
        auditor = as_(settings, world, "auditor")
        r = await client.get("/api/v1/budgets/compliance", params={"from_year": 2025}, headers=auditor)
        assert [i["year"] for i in r.json()["items"]] == [2025, 2026]
        assert r.json()["from_year"] == 2025 and r.json()["to_year"] is None
        r = await client.get(
            "/api/v1/budgets/compliance", params={"from_year": 2024, "to_year": 2025}, headers=auditor
        )
        assert [i["year"] for i in r.json()["items"]] == [2024, 2025]
        r = await client.get("/api/v1/budgets/compliance", params={"from_year": 2030}, headers=auditor)
        assert r.status_code == 200 and r.json()["items"] == []
        r = await client.get(
            "/api/v1/budgets/compliance", params={"from_year": 2026, "to_year": 2024}, headers=auditor
        )
        problem(r, 422, "invalid_year_range")
        r = await client.get("/api/v1/budgets/compliance", params={"from_year": 1999}, headers=auditor)
        problem(r, 422, "validation_error")

    async def test_query_count_does_not_grow_with_years(
        self, world: World, session: AsyncSession, connection: AsyncConnection
    ) -> None:
        from app.budgets.models import Budget, UnitBudget

        async def add_years(years: range) -> None:
            for year in years:
                session.add(Budget(year=year, jurisdiction="provinsi", total_belanja_daerah_idr=10**12))
                await session.flush()
                session.add(UnitBudget(year=year, unit_id=world.unit_a.id, pagu_idr=year, realisasi_idr=1))
            await session.flush()

        await add_years(range(2040, 2043))
        with counting(connection) as few:
            trend = await service.compliance_trend(session, 2040, 2060)
        assert [i.year for i in trend.items] == [2040, 2041, 2042]
        await add_years(range(2043, 2055))
        with counting(connection) as many:
            trend = await service.compliance_trend(session, 2040, 2060)
        assert len(trend.items) == 15
        assert trend.items[-1].bangkom_pagu_idr == 2054
        assert len(many) == len(few) <= 5
