"""The province's consolidation of the units' programmes and its cost against the mandatory spending:
integer rupiah, the threshold from the year's rules, the same arithmetic as the budget check."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.factories import World
from tests.http import as_, problem
from tests.planning.programs.helpers import (
    PROVINCE_REQUIRED,
    PROVINCE_TOTAL,
    YEAR,
    create_course,
    line,
    put_budgets,
    put_program,
)

FIELDS = {
    "year",
    "total_cost_idr",
    "total_participants",
    "total_jp",
    "jurisdiction",
    "total_belanja_daerah_idr",
    "threshold_pct",
    "required_min_idr",
    "compliant",
    "shortfall_idr",
    "programme_pct",
    "bangkom_pagu_idr",
    "units",
    "by_course",
}


async def province(
    client: httpx.AsyncClient, settings: Settings, world: World, who: str = "bpsdm", year: int = YEAR
) -> dict[str, Any]:
    r = await client.get(f"/api/v1/development-programs/{year}", headers=as_(settings, world, who))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


class TestConsolidation:
    async def test_units_and_courses_over_several_units(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        pkp = await create_course(session, "PKP-27", title="Pelatihan Kepemimpinan Pengawas", jp="40")
        h = as_(settings, world, "bpsdm")
        await put_budgets(client, h, {world.unit_a.id: 600_000_000, world.unit_b.id: 100_000_000})
        await put_program(
            client,
            h,
            world.unit_a.id,
            [
                line(course_id=pkp.id, jp=None, sessions=2, participants=60, cost_idr=450_000_000),
                line(title="Bimtek SAKIP"),
            ],
        )
        await put_program(
            client,
            h,
            world.unit_a1.id,
            [line(course_id=pkp.id, jp=None, title="PKP untuk bidang", participants=10, cost_idr=75_000_000)],
        )
        await put_program(
            client,
            h,
            world.unit_b.id,
            [line(title="bimtek sakip ", participants=5, jp=8, cost_idr=30_000_000, sessions=2)],
        )
        body = await province(client, settings, world)
        assert set(body) == FIELDS
        assert body["total_cost_idr"] == 450_000_000 + 87_500_000 + 75_000_000 + 30_000_000
        assert body["total_participants"] == 60 + 25 + 10 + 5
        assert body["total_jp"] == 60 * 40 + 25 * 24 + 10 * 40 + 5 * 8
        assert [
            (u["unit_id"], u["total_cost_idr"], u["pagu_idr"], u["within_pagu"]) for u in body["units"]
        ] == [
            (world.unit_a1.id, 75_000_000, None, None),  # "Unit BIDANG_A1" sorts first
            (world.unit_a.id, 537_500_000, 600_000_000, True),
            (world.unit_b.id, 30_000_000, 100_000_000, True),
        ]
        assert [len(u["lines"]) for u in body["units"]] == [1, 2, 1]
        assert body["units"][1]["code"] == "DINAS_A" and body["units"][1]["name"] == "Unit DINAS_A"
        assert body["by_course"] == [
            {
                "course_id": pkp.id,
                "course_code": "PKP-27",
                "title": "Pelatihan Kepemimpinan Pengawas",  # the catalogue's, whatever a line calls it
                "units": 2,
                "sessions": 3,
                "participants": 70,
                "total_jp": 2800.0,
                "cost_idr": 525_000_000,
            },
            {
                # Free titles group by their title, ignoring case and outer spaces.
                "course_id": None,
                "course_code": None,
                "title": "Bimtek SAKIP",
                "units": 2,
                "sessions": 3,
                "participants": 30,
                "total_jp": 25 * 24 + 5 * 8,
                "cost_idr": 117_500_000,
            },
        ]
        assert body["bangkom_pagu_idr"] == 700_000_000

    async def test_a_unit_with_a_pagu_and_no_programme_is_listed(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await put_budgets(client, as_(settings, world, "bpsdm"), {world.unit_b.id: 5})
        body = await province(client, settings, world)
        assert [(u["unit_id"], u["lines"], u["total_cost_idr"], u["within_pagu"]) for u in body["units"]] == [
            (world.unit_b.id, [], 0, True)
        ]

    async def test_another_years_programmes_are_not_counted(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await put_program(client, as_(settings, world, "bpsdm"), world.unit_a.id, [line()], year=YEAR + 1)
        body = await province(client, settings, world)
        assert body["units"] == [] and body["by_course"] == [] and body["total_cost_idr"] == 0


class TestCompliance:
    async def test_without_a_budget_the_compliance_figures_are_null(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await put_program(client, as_(settings, world, "bpsdm"), world.unit_a.id, [line()])
        body = await province(client, settings, world)
        assert body["total_cost_idr"] == 87_500_000
        for field in (
            "jurisdiction",
            "total_belanja_daerah_idr",
            "threshold_pct",
            "required_min_idr",
            "compliant",
            "shortfall_idr",
            "programme_pct",
            "bangkom_pagu_idr",
        ):
            assert body[field] is None, field

    @pytest.mark.parametrize(
        ("total", "compliant", "shortfall"),
        [
            (PROVINCE_REQUIRED, True, 0),
            (PROVINCE_REQUIRED - 1, False, 1),
            (PROVINCE_REQUIRED + 1, True, 0),
            (0, False, PROVINCE_REQUIRED),
        ],
    )
    async def test_exactly_at_the_required_minimum_is_compliant_one_rupiah_less_is_not(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        total: int,
        compliant: bool,
        shortfall: int,
    ) -> None:
        h = as_(settings, world, "bpsdm")
        await put_budgets(client, h, {world.unit_a.id: 70_000_000_000})
        # Split over two units and several lines: the sum is exact to the rupiah.
        half = total // 2
        await put_program(client, h, world.unit_a.id, [line(cost_idr=half), line(cost_idr=0)])
        await put_program(client, h, world.unit_b.id, [line(cost_idr=total - half)])
        body = await province(client, settings, world)
        assert body["total_belanja_daerah_idr"] == PROVINCE_TOTAL == 21_690_000_000_000
        assert body["jurisdiction"] == "provinsi"
        assert body["threshold_pct"] == 0.34
        assert body["required_min_idr"] == PROVINCE_REQUIRED == 73_746_000_000
        assert body["total_cost_idr"] == total
        assert (body["compliant"], body["shortfall_idr"]) == (compliant, shortfall)
        assert body["bangkom_pagu_idr"] == 70_000_000_000

    async def test_the_required_minimum_rounds_up_to_the_rupiah_and_the_pct_has_4_decimals(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        # 0.16 % of Rp1,000,000,001 is Rp1,600,000.0016: the floor is Rp1,600,001.
        await put_budgets(client, h, {}, total=1_000_000_001, jurisdiction="kabupaten_kota")
        await put_program(client, h, world.unit_a.id, [line(cost_idr=1_600_000)])
        body = await province(client, settings, world)
        assert (body["threshold_pct"], body["required_min_idr"]) == (0.16, 1_600_001)
        assert (body["compliant"], body["shortfall_idr"]) == (False, 1)
        assert body["programme_pct"] == 0.16  # 0.15999999984 %, half-up to 4 decimals
        assert body["bangkom_pagu_idr"] == 0

    async def test_the_threshold_follows_the_years_rules(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        r = await client.get(f"/api/v1/rules/{YEAR}", headers=h)
        assert r.status_code == 200, r.text
        rules = {k: v for k, v in r.json().items() if k not in {"year", "source_year", "updated_at"}}
        rules["budget_min_pct"] = {"provinsi": 0.5, "kabupaten_kota": 0.16}
        r = await client.put(f"/api/v1/rules/{YEAR}", json=rules, headers=h)
        assert r.status_code in {200, 201}, r.text
        await put_budgets(client, h, {}, total=1_000_000)
        await put_program(client, h, world.unit_a.id, [line(cost_idr=5_000)])
        body = await province(client, settings, world)
        assert (body["threshold_pct"], body["required_min_idr"], body["compliant"]) == (0.5, 5_000, True)
        assert body["programme_pct"] == 0.5

    async def test_huge_programmes_are_exact(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        await put_budgets(client, h, {}, total=10**16)
        big = [line(cost_idr=10**13)] * 500  # Rp5 quadrillion per unit
        await put_program(client, h, world.unit_a.id, big)
        await put_program(client, h, world.unit_b.id, big)
        await put_program(client, h, world.unit_a1.id, [line(cost_idr=10**13 - 1)])
        body = await province(client, settings, world)
        assert body["total_cost_idr"] == 10**16 + 10**13 - 1
        assert body["required_min_idr"] == 34 * 10**12
        assert body["compliant"] is True and body["shortfall_idr"] == 0
        assert body["programme_pct"] == 100.1


class TestAccess:
    async def test_the_auditor_and_systems_read_opd_admins_and_asn_do_not(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await province(client, settings, world, "auditor")
        await province(client, settings, world, "client:budget:read")
        for who in ("opd_a", "asn_a", "client:learning:read"):
            r = await client.get(f"/api/v1/development-programs/{YEAR}", headers=as_(settings, world, who))
            problem(r, 403, "forbidden")

    async def test_the_year_is_bounded(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get("/api/v1/development-programs/1999", headers=as_(settings, world, "bpsdm"))
        problem(r, 422, "validation_error")
