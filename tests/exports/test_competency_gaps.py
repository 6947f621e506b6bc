"""GET /api/v1/exports/competency-gaps: the per-competency report and the unit × competency matrix."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.competencies.helpers import assess, set_standard
from tests.exports.helpers import csv_rows, download, filename, header, values, xlsx
from tests.factories import World, create_asn, create_position
from tests.http import as_, problem

PATH = "competency-gaps"
HEADERS = [
    "Kode",
    "Kompetensi",
    "Kelompok",
    "Dipersyaratkan",
    "Dinilai",
    "Belum Dinilai",
    "Di Bawah Standar",
    "Rata-rata Kesenjangan",
    "Persentase Di Bawah Standar (%)",
]


@pytest.fixture
async def gaps(client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World) -> World:
    """position_a (M1 3, M2 2) held by asn_a (rated M1 2, M2 2) and extra (rated M1 4, not on M2);
    position_a1 (M1 3) held by asn_a1 in BIDANG_A1, rated M1 1."""
    extra = await create_asn(session, world.unit_a, position=world.position_a, name="Rina Marlina")
    position_a1 = await create_position(session, world.unit_a1)
    world.asn_a1.position_id = position_a1.id
    await session.flush()
    await set_standard(session, world.position_a, {"M1": 3, "M2": 2})
    await set_standard(session, position_a1, {"M1": 3})
    admin = as_(settings, world, "bpsdm")
    await assess(client, world.asn_a.nip, admin, "2025-08-14", {"M1": 2, "M2": 2})
    await assess(client, extra.nip, admin, "2025-08-14", {"M1": 4})
    await assess(client, world.asn_a1.nip, admin, "2025-08-14", {"M1": 1})
    return world


def report_row(i: dict[str, Any]) -> list[Any]:
    groups = {"manajerial": "Manajerial", "sosial_kultural": "Sosial Kultural", "teknis": "Teknis"}
    return [
        i["competency_code"],
        i["name"],
        groups[i["group"]],
        i["required"],
        i["assessed"],
        i["missing"],
        i["with_gap"],
        i["mean_gap"],
        i["with_gap_pct"],
    ]


class TestGapExport:
    async def test_sheets_equal_the_json_reports(
        self, client: httpx.AsyncClient, settings: Settings, gaps: World
    ) -> None:
        admin = as_(settings, gaps, "bpsdm")
        params = {"unit_id": gaps.unit_a.id}
        report = (await client.get("/api/v1/reports/competency-gaps", params=params, headers=admin)).json()
        matrix = (
            await client.get("/api/v1/reports/competency-gap-matrix", params=params, headers=admin)
        ).json()
        r = await download(client, PATH, admin, **params)
        assert filename(r) == "kesenjangan-kompetensi-dinas-a.xlsx"
        wb = await xlsx(client, PATH, admin, **params)
        assert wb.sheetnames == ["Kesenjangan Kompetensi", "Matriks Kesenjangan"]
        ws = wb["Kesenjangan Kompetensi"]
        assert header(ws) == HEADERS
        rows = values(ws)[1:]
        assert rows == [report_row(i) for i in report["items"]]
        # M1: 3 required, all assessed; asn_a (−1) and asn_a1 (−2) below, extra +1: mean −2/3.
        # M2: only asn_a holds position_a's M2 rating (extra was not rated on it).
        assert rows == [
            ["M1", rows[0][1], "Manajerial", 3, 3, 0, 2, -0.67, 66.67],
            ["M2", rows[1][1], "Manajerial", 2, 1, 1, 0, 0, 0],
        ]
        assert ws["H2"].number_format == "0.00" and ws["I2"].number_format == "0.00"

        m = wb["Matriks Kesenjangan"]
        codes = [c["code"] for c in matrix["competencies"]]
        assert header(m) == ["Kode Unit", "Unit Kerja", *codes]
        expected = [
            [row["code"], row["name"], *(c["mean_gap"] for c in row["cells"])] for row in matrix["rows"]
        ]
        expected.append(
            [
                gaps.unit_a.code,
                f"{gaps.unit_a.name} (langsung)",
                *(c["mean_gap"] for c in matrix["direct"]["cells"]),
            ]
        )
        assert values(m)[1:] == expected
        assert values(m)[1:] == [
            [gaps.unit_a1.code, gaps.unit_a1.name, -2, None],
            [gaps.unit_a.code, f"{gaps.unit_a.name} (langsung)", 0, 0],
        ]

    async def test_csv_scope_and_errors(
        self, client: httpx.AsyncClient, settings: Settings, gaps: World
    ) -> None:
        rows = await csv_rows(client, PATH, as_(settings, gaps, "opd_a1"))
        assert rows == [HEADERS, ["M1", rows[1][1], "Manajerial", "1", "1", "0", "1", "-2.00", "100.00"]]
        rows = await csv_rows(client, PATH, as_(settings, gaps, "client:asn:read"), unit_id=gaps.unit_b.id)
        assert rows == [HEADERS]  # nobody in DINAS_B is required anything
        r = await client.get(
            f"/api/v1/exports/{PATH}",
            params={"unit_id": gaps.unit_a.id},
            headers=as_(settings, gaps, "opd_b"),
        )
        problem(r, 404, "unit_not_found")
        for who in ("asn_a", "client:learning:read"):
            problem(
                await client.get(f"/api/v1/exports/{PATH}", headers=as_(settings, gaps, who)),
                403,
                "forbidden",
            )
        r = await client.get(
            f"/api/v1/exports/{PATH}", params={"format": ""}, headers=as_(settings, gaps, "bpsdm")
        )
        problem(r, 422, "validation_error")
