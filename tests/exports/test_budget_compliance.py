"""GET /api/v1/exports/budget-compliance: the year's check and the units' budgets, rupiah exact."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.learning.models import JpYearTotal
from tests.exports.helpers import csv_rows, download, filename, header, values, xlsx
from tests.factories import World
from tests.http import as_, problem

PATH = "budget-compliance"
YEAR = 2026
TOTAL = 21_690_000_000_000  # Kaltim's revised 2025 APBD
SUMMARY_HEADERS = [
    "Tahun",
    "Jenis Daerah",
    "Total Belanja Daerah (Rp)",
    "Ambang Minimum (%)",
    "Anggaran Minimum (Rp)",
    "Pagu Bangkom (Rp)",
    "Realisasi Bangkom (Rp)",
    "Pagu thd Belanja (%)",
    "Realisasi thd Belanja (%)",
    "Status",
    "Kekurangan (Rp)",
    "Tingkat Realisasi (%)",
    "JP Terverifikasi",
    "Biaya per JP (Rp)",
]
UNIT_HEADERS = [
    "Kode Unit",
    "Unit Kerja",
    "Pagu (Rp)",
    "Realisasi (Rp)",
    "Melebihi Pagu",
    "Tingkat Realisasi (%)",
    "Jumlah ASN",
    "JP Terverifikasi",
    "Biaya per JP (Rp)",
    "Biaya per ASN (Rp)",
]


@pytest.fixture
async def budget(client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World) -> World:
    admin = as_(settings, world, "bpsdm")
    r = await client.put(
        f"/api/v1/budgets/{YEAR}",
        json={"jurisdiction": "provinsi", "total_belanja_daerah_idr": TOTAL},
        headers=admin,
    )
    assert r.status_code == 201, r.text
    for unit, pagu, realisasi in (
        (world.unit_a, 70_000_000_001, 68_250_000_003),
        (world.unit_b, 1_234_567_891, 1_500_000_000),  # over pagu
    ):
        r = await client.put(
            f"/api/v1/budgets/{YEAR}/units/{unit.id}",
            json={"pagu_idr": pagu, "realisasi_idr": realisasi},
            headers=admin,
        )
        assert r.status_code == 201, r.text
    session.add(JpYearTotal(nip=world.asn_a.nip, year=YEAR, jp=Decimal("21.50")))
    session.add(JpYearTotal(nip=world.asn_b.nip, year=YEAR, jp=Decimal("7.00")))
    await session.commit()
    return world


class TestBudgetExport:
    async def test_cells_equal_the_json_check(
        self, client: httpx.AsyncClient, settings: Settings, budget: World
    ) -> None:
        admin = as_(settings, budget, "bpsdm")
        c = (await client.get(f"/api/v1/budgets/{YEAR}/compliance", headers=admin)).json()
        r = await download(client, PATH, admin, year=YEAR)
        assert filename(r) == f"kepatuhan-anggaran-{YEAR}.xlsx"
        wb = await xlsx(client, PATH, admin, year=YEAR)
        assert wb.sheetnames == ["Kepatuhan Anggaran", "Anggaran Unit"]

        ws = wb["Kepatuhan Anggaran"]
        assert header(ws) == SUMMARY_HEADERS
        row = values(ws)[1]
        assert row == [
            YEAR,
            "Provinsi",
            TOTAL,
            c["threshold_pct"],
            c["required_min_idr"],
            c["bangkom_pagu_idr"],
            c["bangkom_realisasi_idr"],
            c["pagu_pct"],
            c["realisasi_pct"],
            "Belum memenuhi",
            c["shortfall_idr"],
            c["realisation_rate_pct"],
            c["verified_jp"],
            c["cost_per_jp_idr"],
        ]
        # Whole rupiah, exact: ⌈21,690,000,000,000 × 0.34 / 100⌉ = 73,746,000,000; pagu 71,234,567,892.
        assert row[4] == 73_746_000_000 and row[5] == 71_234_567_892 and row[10] == 2_511_432_108
        for cells in ws.iter_rows(min_row=2):
            for i in (2, 4, 5, 6, 10, 13):
                assert isinstance(cells[i].value, int) and cells[i].number_format == "#,##0"
            for i in (3, 7, 8, 11):
                assert cells[i].number_format == "0.0000"

        units = wb["Anggaran Unit"]
        assert header(units) == UNIT_HEADERS
        assert values(units)[1:] == [
            [
                u["code"],
                u["name"],
                u["pagu_idr"],
                u["realisasi_idr"],
                "Ya" if u["over_pagu"] else "Tidak",
                u["realisation_rate_pct"],
                u["headcount"],
                u["verified_jp"],
                u["cost_per_jp_idr"],
                u["cost_per_asn_idr"],
            ]
            for u in c["units"]
        ]
        by_code = {row[0]: row for row in values(units)[1:]}
        assert by_code[budget.unit_a.code][2:5] == [70_000_000_001, 68_250_000_003, "Tidak"]
        assert by_code[budget.unit_b.code][2:5] == [1_234_567_891, 1_500_000_000, "Ya"]
        assert units["C2"].number_format == "#,##0" and isinstance(units["C2"].value, int)

    async def test_csv_is_the_units_table(
        self, client: httpx.AsyncClient, settings: Settings, budget: World
    ) -> None:
        rows = await csv_rows(client, PATH, as_(settings, budget, "client:budget:read"), year=YEAR)
        assert rows[0] == UNIT_HEADERS
        by_code = {row[0]: row for row in rows[1:]}
        a = by_code[budget.unit_a.code]
        # unit_a: asn_a, asn_a1 and pppk_a active; 21.50 JP; 68,250,000,003 / 21.5 = 3,174,418,604.79 → …605.
        assert a == [
            budget.unit_a.code,
            budget.unit_a.name,
            "70000000001",
            "68250000003",
            "Tidak",
            a[5],
            "3",
            "21.50",
            "3174418605",
            "22750000001",
        ]
        assert Decimal(a[5]) == Decimal("97.5000")

    async def test_scope_and_errors(
        self, client: httpx.AsyncClient, settings: Settings, budget: World
    ) -> None:
        for who in ("opd_a", "asn_a", "client:learning:read"):
            r = await client.get(
                f"/api/v1/exports/{PATH}", params={"year": YEAR}, headers=as_(settings, budget, who)
            )
            problem(r, 403, "forbidden")
        auditor = as_(settings, budget, "auditor")
        problem(
            await client.get(f"/api/v1/exports/{PATH}", params={"year": YEAR - 1}, headers=auditor),
            404,
            "budget_not_found",
        )
        invalid: list[dict[str, str | int]] = [{"year": 1999}, {"year": YEAR, "format": "json"}]
        for params in invalid:
            r = await client.get(f"/api/v1/exports/{PATH}", params=params, headers=auditor)
            problem(r, 422, "validation_error")
