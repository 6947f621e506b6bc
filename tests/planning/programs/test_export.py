"""The programmes as the APBD planning spreadsheet: lines with Indonesian headers and a totals row, the
summary against the pagu and the mandatory spending, CSV, scope."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.exports.helpers import csv_rows, download, filename, header, values, xlsx
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

PATH = "development-programs"
LINES_HEADER = [
    "No",
    "Unit Kerja",
    "Kegiatan/Pelatihan",
    "Kode",
    "Kompetensi",
    "Jumlah Angkatan",
    "Jumlah Peserta",
    "JP",
    "Biaya (Rp)",
    "Sumber Kebutuhan",
]
SUMMARY_HEADER = [
    "Tahun",
    "Cakupan",
    "Jumlah Unit",
    "Total Biaya (Rp)",
    "Pagu Bangkom (Rp)",
    "Dalam Pagu",
    "Total Belanja Daerah (Rp)",
    "Ambang Batas (%)",
    "Batas Minimum (Rp)",
    "Memenuhi",
    "Kekurangan (Rp)",
    "Persentase Program (%)",
]


async def _programmes(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> None:
    pkp = await create_course(
        session, "PKP-27", title="Pelatihan Kepemimpinan Pengawas", competencies=("M1", "M4")
    )
    h = as_(settings, world, "bpsdm")
    await put_budgets(client, h, {world.unit_a.id: 40_000_000_000, world.unit_b.id: 33_000_000_000})
    await put_program(
        client,
        h,
        world.unit_a.id,
        [
            line(
                course_id=pkp.id,
                title=None,
                jp=None,
                competency_codes=None,
                sessions=2,
                participants=60,
                cost_idr=40_000_000_000,
            ),
            line(title="Bimtek SAKIP", jp="12.5", source="idp", cost_idr=1),
        ],
    )
    await put_program(client, h, world.unit_a1.id, [line(title="Coaching", source="mandatory", cost_idr=2)])
    await put_program(
        client,
        h,
        world.unit_b.id,
        [line(title="Orientasi PPPK", cost_idr=PROVINCE_REQUIRED - 40_000_000_003)],
    )


class TestWorkbook:
    async def test_province_lines_totals_and_summary(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await _programmes(client, settings, world, session)
        h = as_(settings, world, "bpsdm")
        r = await download(client, PATH, h, year=YEAR)
        assert filename(r) == f"program-pengembangan-{YEAR}.xlsx"
        book = await xlsx(client, PATH, h, year=YEAR)
        assert book.sheetnames == ["Program Pengembangan", "Ringkasan"]
        lines = book["Program Pengembangan"]
        assert header(lines) == LINES_HEADER
        rows = values(lines)[1:]
        assert rows == [
            [1, "Unit BIDANG_A1", "Coaching", None, None, 1, 25, 24, 2, "Wajib"],
            [
                1 + 1,
                "Unit DINAS_A",
                "Pelatihan Kepemimpinan Pengawas",
                "PKP-27",
                "M1, M4",
                2,
                60,
                40,
                40_000_000_000,
                "Kesenjangan kompetensi",
            ],
            [3, "Unit DINAS_A", "Bimtek SAKIP", None, None, 1, 25, 12.5, 1, "IDP"],
            [
                4,
                "Unit DINAS_B",
                "Orientasi PPPK",
                None,
                None,
                1,
                25,
                24,
                PROVINCE_REQUIRED - 40_000_000_003,
                "Kesenjangan kompetensi",
            ],
            [None, "Jumlah", None, None, None, 5, 135, None, PROVINCE_REQUIRED, None],
        ]
        assert lines["I2"].number_format == "#,##0" and lines["H2"].number_format == "0.00"
        summary = book["Ringkasan"]
        assert header(summary) == SUMMARY_HEADER
        assert values(summary)[1:] == [
            [
                YEAR,
                "Provinsi (semua unit)",
                3,
                PROVINCE_REQUIRED,
                73_000_000_000,
                "Tidak",
                PROVINCE_TOTAL,
                0.34,
                PROVINCE_REQUIRED,
                "Ya",  # exactly the required minimum
                0,
                0.34,
            ]
        ]

    async def test_one_rupiah_short_is_not_compliant(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        await put_budgets(client, h, {})
        await put_program(client, h, world.unit_b.id, [line(cost_idr=PROVINCE_REQUIRED - 1)])
        summary = values((await xlsx(client, PATH, h, year=YEAR))["Ringkasan"])[1]
        assert summary[3:] == [
            PROVINCE_REQUIRED - 1,
            None,
            None,
            PROVINCE_TOTAL,
            0.34,
            PROVINCE_REQUIRED,
            "Tidak",
            1,
            0.34,
        ]

    async def test_a_units_export_holds_its_subtree_and_leaves_the_province_verdict_out(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await _programmes(client, settings, world, session)
        h = as_(settings, world, "opd_a")
        r = await download(client, PATH, h, year=YEAR)  # an OPD admin's own subtree by default
        assert filename(r) == f"program-pengembangan-{YEAR}-dinas-a.xlsx"
        book = await xlsx(client, PATH, h, year=YEAR, unit_id=world.unit_a.id)
        rows = values(book["Program Pengembangan"])[1:]
        assert [row[1] for row in rows] == ["Unit BIDANG_A1", "Unit DINAS_A", "Unit DINAS_A", "Jumlah"]
        assert rows[-1][8] == 40_000_000_003
        assert values(book["Ringkasan"])[1] == [
            YEAR,
            "Unit DINAS_A",
            2,
            40_000_000_003,
            40_000_000_000,
            "Tidak",
            PROVINCE_TOTAL,
            0.34,
            PROVINCE_REQUIRED,
            None,
            None,
            None,
        ]
        sub = await xlsx(client, PATH, h, year=YEAR, unit_id=world.unit_a1.id)
        assert [row[2] for row in values(sub["Program Pengembangan"])[1:]] == ["Coaching", None]
        assert values(sub["Ringkasan"])[1][4:6] == [None, None]  # no pagu of its own

    async def test_an_empty_year_without_a_budget(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        book = await xlsx(client, PATH, as_(settings, world, "auditor"), year=YEAR)
        assert values(book["Program Pengembangan"])[1:] == [
            [None, "Jumlah", None, None, None, 0, 0, None, 0, None]
        ]
        assert values(book["Ringkasan"])[1:] == [
            [YEAR, "Provinsi (semua unit)", 0, 0, None, None, None, None, None, None, None, None]
        ]

    async def test_csv_carries_the_lines_sheet(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await _programmes(client, settings, world, session)
        rows = await csv_rows(client, PATH, as_(settings, world, "bpsdm"), year=YEAR, unit_id=world.unit_a.id)
        assert rows[0] == LINES_HEADER
        assert rows[2] == [
            "2",
            "Unit DINAS_A",
            "Pelatihan Kepemimpinan Pengawas",
            "PKP-27",
            "M1, M4",
            "2",
            "60",
            str(Decimal("40.00")),
            "40000000000",
            "Kesenjangan kompetensi",
        ]
        assert rows[-1] == ["", "Jumlah", "", "", "", "4", "110", "", "40000000003", ""]


class TestAccess:
    async def test_scope_and_roles(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        for who, unit_id in (("opd_a", world.unit_b.id), ("opd_a1", world.unit_a.id)):
            r = await client.get(
                f"/api/v1/exports/{PATH}",
                params={"year": YEAR, "unit_id": unit_id},
                headers=as_(settings, world, who),
            )
            problem(r, 404, "unit_not_found")
        r = await client.get(
            f"/api/v1/exports/{PATH}", params={"year": YEAR}, headers=as_(settings, world, "asn_a")
        )
        problem(r, 403, "forbidden")
        r = await client.get(f"/api/v1/exports/{PATH}", headers=as_(settings, world, "bpsdm"))
        problem(r, 422, "validation_error")

    async def test_bytes_for_a_client_that_asks_only_for_them(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(
            f"/api/v1/exports/{PATH}",
            params={"year": YEAR},
            headers=as_(settings, world, "bpsdm") | {"Accept": "application/octet-stream"},
        )
        assert r.status_code == 200 and r.headers["content-type"] == "application/octet-stream"
