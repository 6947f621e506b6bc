"""GET /api/v1/exports/jp-compliance: the per-ASN sheet, the unit summaries, CSV, scope and errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.config import Settings
from app.exports import service
from app.learning.models import JpYearTotal
from app.rules.defaults import DEFAULT_RULES
from tests.exports.helpers import csv_rows, download, filename, header, values, xlsx
from tests.factories import World, create_asn, create_unit
from tests.http import as_, problem

YEAR = 2026
PATH = "jp-compliance"
HEADERS = [
    "NIP",
    "Nama",
    "Unit Kerja",
    "Jenis ASN",
    "Golongan",
    "JP Terverifikasi",
    "Target JP",
    "Batas JP",
    "Kekurangan JP",
    "Status",
]
UNIT_HEADERS = [
    "Kode Unit",
    "Unit Kerja",
    "Jumlah PNS/CPNS",
    "Memenuhi",
    "Belum Memenuhi",
    "Persentase Memenuhi (%)",
    "Total JP",
    "Rata-rata JP",
]


async def give_jp(session: AsyncSession, asn: Asn, jp: str, year: int = YEAR) -> None:
    session.add(JpYearTotal(nip=asn.nip, year=year, jp=Decimal(jp)))
    await session.flush()


@pytest.fixture
async def ledger(session: AsyncSession, world: World) -> World:
    """asn_a 20 JP (exactly the minimum), asn_a1 5.5, pppk_a 30 (over the cap of 24), asn_b none;
    a retired ASN in unit_a with 40 JP that no export may show."""
    await give_jp(session, world.asn_a, "20.00")
    await give_jp(session, world.asn_a1, "5.50")
    await give_jp(session, world.pppk_a, "30.00")
    await give_jp(session, world.asn_b, "50.00", year=YEAR - 1)  # another year: not counted
    retired = await create_asn(session, world.unit_a, name="Pensiunan", active=False)
    await give_jp(session, retired, "40.00")
    await session.commit()
    return world


def expected_rows(world: World) -> dict[str, list[Any]]:
    a, a1, b, p = world.asn_a, world.asn_a1, world.asn_b, world.pppk_a
    unit_a, unit_a1, unit_b = world.unit_a.name, world.unit_a1.name, world.unit_b.name
    return {
        a.nip: [a.nip, a.name, unit_a, "PNS", "III/a", 20, 20, None, 0, "Memenuhi"],
        a1.nip: [a1.nip, a1.name, unit_a1, "PNS", "III/a", 5.5, 20, None, 14.5, "Belum memenuhi"],
        p.nip: [p.nip, p.name, unit_a, "PPPK", "IX", 30, None, 24, None, "Melebihi batas"],
        b.nip: [b.nip, b.name, unit_b, "PNS", "III/a", 0, 20, None, 20, "Belum memenuhi"],
    }


class TestPerAsnSheet:
    async def test_cells_one_by_one(
        self, client: httpx.AsyncClient, settings: Settings, ledger: World
    ) -> None:
        wb = await xlsx(client, PATH, as_(settings, ledger, "bpsdm"), year=YEAR, unit_id=ledger.unit_a.id)
        assert wb.sheetnames == ["Kepatuhan JP", "Ringkasan Unit", "Ringkasan PPPK"]
        ws = wb["Kepatuhan JP"]
        assert header(ws) == HEADERS
        assert all(c.font.b for c in ws[1])
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == "A1:J4"
        assert ws.column_dimensions["A"].width >= 19  # 18 digits stay visible
        expected = expected_rows(ledger)
        rows = values(ws)[1:]
        # One row per active ASN of unit_a and its descendants, by NIP; the retired one is left out.
        assert [r[0] for r in rows] == sorted([ledger.asn_a.nip, ledger.asn_a1.nip, ledger.pppk_a.nip])
        for row in rows:
            assert row == expected[row[0]]
        for cells in ws.iter_rows(min_row=2):
            nip = cells[0]
            assert nip.data_type == "s" and nip.number_format == "@"
            assert isinstance(nip.value, str) and len(nip.value) == 18 and nip.value.isdigit()
            for jp in (cells[5], cells[6], cells[7], cells[8]):
                assert jp.value is None or (jp.data_type == "n" and jp.number_format == "0.00")
            assert cells[5].data_type == "n"

    async def test_pppk_within_the_cap_and_pns_over_the_minimum(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        await give_jp(session, world.pppk_a, "24.00")  # exactly the cap: within it
        await give_jp(session, world.asn_a, "33.25")
        await session.commit()
        wb = await xlsx(client, PATH, as_(settings, world, "bpsdm"), year=YEAR, unit_id=world.unit_a.id)
        rows = {r[0]: r for r in values(wb["Kepatuhan JP"])[1:]}
        assert rows[world.pppk_a.nip][5:] == [24, None, 24, None, "Dalam batas"]
        assert rows[world.asn_a.nip][5:] == [33.25, 20, None, 0, "Memenuhi"]
        assert rows[world.asn_a1.nip][5:] == [0, 20, None, 20, "Belum memenuhi"]

    async def test_every_unit_without_unit_id(
        self, client: httpx.AsyncClient, settings: Settings, ledger: World
    ) -> None:
        r = await download(client, PATH, as_(settings, ledger, "auditor"), year=YEAR)
        assert filename(r) == f"kepatuhan-jp-{YEAR}.xlsx"
        from io import BytesIO

        from openpyxl import load_workbook

        rows = values(load_workbook(BytesIO(r.content))["Kepatuhan JP"])[1:]
        expected = expected_rows(ledger)
        assert [row[0] for row in rows] == sorted(expected)
        assert all(row == expected[row[0]] for row in rows)

    async def test_verified_jp_comes_from_the_ledger_with_form_caps(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        rules = DEFAULT_RULES | {"form_rules": [{"form_code": "9", "max_jp_per_year": 5}]}
        assert (await client.put(f"/api/v1/rules/{YEAR}", json=rules, headers=admin)).status_code == 201
        for form, jp in (("8", 12.5), ("9", 4), ("9", 6)):
            body = {
                "title": f"Pelatihan Kearsipan {form}-{jp}",
                "form_code": form,
                "start_date": f"{YEAR}-03-02",
                "end_date": f"{YEAR}-03-04",
                "jp": jp,
            }
            r = await client.post(f"/api/v1/asn/{world.asn_a.nip}/learning-records", json=body, headers=admin)
            assert r.status_code == 201, r.text
        # A pending claim does not count.
        claim = {
            "title": "Seminar Nasional Kepegawaian",
            "form_code": "8",
            "start_date": f"{YEAR}-04-01",
            "end_date": f"{YEAR}-04-01",
            "jp": 8,
        }
        r = await client.post(
            f"/api/v1/asn/{world.asn_a.nip}/learning-records",
            json=claim,
            headers=as_(settings, world, "asn_a"),
        )
        assert r.status_code == 201, r.text
        wb = await xlsx(client, PATH, admin, year=YEAR, unit_id=world.unit_a.id)
        rows = {r[0]: r for r in values(wb["Kepatuhan JP"])[1:]}
        assert rows[world.asn_a.nip][5:] == [17.5, 20, None, 2.5, "Belum memenuhi"]  # 12.5 + min(10, 5)

    async def test_text_is_escaped_and_kept_whole(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        odd = await create_asn(session, world.unit_b, name=" Dewi <Ayu> & Putri ")
        await session.commit()
        wb = await xlsx(client, PATH, as_(settings, world, "bpsdm"), year=YEAR, unit_id=world.unit_b.id)
        rows = {r[0]: r for r in values(wb["Kepatuhan JP"])[1:]}
        assert rows[odd.nip][1] == " Dewi <Ayu> & Putri "


class TestUnitSummary:
    async def test_equals_the_json_report(
        self, client: httpx.AsyncClient, settings: Settings, ledger: World
    ) -> None:
        admin = as_(settings, ledger, "bpsdm")
        params = {"year": YEAR, "unit_id": ledger.unit_a.id}
        report = (await client.get("/api/v1/reports/jp-compliance", params=params, headers=admin)).json()
        wb = await xlsx(client, PATH, admin, **params)
        ws = wb["Ringkasan Unit"]
        assert header(ws) == UNIT_HEADERS
        assert ws.freeze_panes == "A2"

        def figures(f: dict[str, Any]) -> list[Any]:
            keys = ("headcount", "compliant", "non_compliant", "compliance_pct", "total_jp", "mean_jp")
            return [f[k] for k in keys]

        a1 = report["units"][0]
        assert values(ws)[1:] == [
            [a1["code"], a1["name"], *figures(a1)],
            [ledger.unit_a.code, f"{ledger.unit_a.name} (langsung)", *figures(report["direct"])],
            [None, "Jumlah", *figures(report)],
        ]
        # The figures themselves: asn_a1 (5.5, short) below; asn_a (20, compliant) directly in unit_a.
        assert figures(a1) == [1, 0, 1, 0, 5.5, 5.5]
        assert figures(report["direct"]) == [1, 1, 0, 100, 20, 20]
        assert figures(report) == [2, 1, 1, 50, 25.5, 12.75]
        assert ws["F2"].number_format == "0.00" and ws["G2"].number_format == "0.00"
        assert ws["C2"].number_format == "0"

        pppk = wb["Ringkasan PPPK"]
        assert header(pppk) == ["Batas JP", "Jumlah PPPK", "Melebihi Batas", "Total JP", "Rata-rata JP"]
        p = report["pppk"]
        assert values(pppk)[1:] == [[p["cap_jp"], p["headcount"], p["over_cap"], p["total_jp"], p["mean_jp"]]]
        assert values(pppk)[1] == [24, 1, 1, 30, 30]

    async def test_province_rows_are_the_top_level_units(
        self, client: httpx.AsyncClient, settings: Settings, ledger: World
    ) -> None:
        admin = as_(settings, ledger, "bpsdm")
        report = (
            await client.get("/api/v1/reports/jp-compliance", params={"year": YEAR}, headers=admin)
        ).json()
        rows = values((await xlsx(client, PATH, admin, year=YEAR))["Ringkasan Unit"])[1:]
        assert [r[0] for r in rows] == [u["code"] for u in report["units"]] + [None]
        assert rows[-1][2:] == [report[k] for k in ("headcount", "compliant", "non_compliant")] + [
            report["compliance_pct"],
            report["total_jp"],
            report["mean_jp"],
        ]


class TestCsv:
    async def test_bom_separator_headers_and_values(
        self, client: httpx.AsyncClient, settings: Settings, ledger: World
    ) -> None:
        admin = as_(settings, ledger, "bpsdm")
        r = await download(client, PATH, admin, year=YEAR, unit_id=ledger.unit_a.id, format="csv")
        assert filename(r) == f"kepatuhan-jp-{YEAR}-dinas-a.csv"
        rows = await csv_rows(client, PATH, admin, year=YEAR, unit_id=ledger.unit_a.id)
        assert rows[0] == HEADERS
        a, a1, p = ledger.asn_a, ledger.asn_a1, ledger.pppk_a
        by_nip = {row[0]: row for row in rows[1:]}
        assert [row[0] for row in rows[1:]] == sorted(by_nip)
        assert by_nip == {
            a.nip: [
                a.nip,
                a.name,
                ledger.unit_a.name,
                "PNS",
                "III/a",
                "20.00",
                "20.00",
                "",
                "0.00",
                "Memenuhi",
            ],
            a1.nip: [
                a1.nip,
                a1.name,
                ledger.unit_a1.name,
                "PNS",
                "III/a",
                "5.50",
                "20.00",
                "",
                "14.50",
                "Belum memenuhi",
            ],
            p.nip: [
                p.nip,
                p.name,
                ledger.unit_a.name,
                "PPPK",
                "IX",
                "30.00",
                "",
                "24.00",
                "",
                "Melebihi batas",
            ],
        }

    async def test_formula_like_text_is_defused_and_accents_survive(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        evil = await create_asn(session, world.unit_b, name='=HYPERLINK("http://x";"klik")')
        accented = await create_asn(session, world.unit_b, name='Ni Luh Putu Ayu Désirée; "Ayu"')
        await session.commit()
        rows = await csv_rows(client, PATH, as_(settings, world, "bpsdm"), year=YEAR, unit_id=world.unit_b.id)
        names = {row[0]: row[1] for row in rows[1:]}
        assert names[evil.nip] == '\'=HYPERLINK("http://x";"klik")'
        assert names[accented.nip] == 'Ni Luh Putu Ayu Désirée; "Ayu"'  # quoted, so the ; stays inside

    async def test_many_batches_in_order(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        world: World,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        unit = await create_unit(session, "DINAS_BESAR")
        people = [await create_asn(session, unit, name=f"Pegawai {i}") for i in range(7)]
        for i, asn in enumerate(people):
            await give_jp(session, asn, f"{i * 4}.25")
        await session.commit()
        monkeypatch.setattr(service, "BATCH", 2)  # 7 rows: 4 keyset pages, the last one short
        admin = as_(settings, world, "bpsdm")
        nips = sorted(a.nip for a in people)
        jp = {a.nip: i * 4 + 0.25 for i, a in enumerate(people)}
        rows = await csv_rows(client, PATH, admin, year=YEAR, unit_id=unit.id)
        assert [r[0] for r in rows[1:]] == nips
        assert [float(r[5]) for r in rows[1:]] == [jp[n] for n in nips]
        ws = (await xlsx(client, PATH, admin, year=YEAR, unit_id=unit.id))["Kepatuhan JP"]
        assert [r[0] for r in values(ws)[1:]] == nips
        assert [r[5] for r in values(ws)[1:]] == [jp[n] for n in nips]
        assert ws.auto_filter.ref == "A1:J8"


class TestEmptyScope:
    async def test_only_headers(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        empty = await create_unit(session, "DINAS_KOSONG")
        await session.commit()
        admin = as_(settings, world, "bpsdm")
        wb = await xlsx(client, PATH, admin, year=YEAR, unit_id=empty.id)
        ws = wb["Kepatuhan JP"]
        assert values(ws) == [HEADERS]
        assert ws.auto_filter.ref == "A1:J1"
        assert values(wb["Ringkasan Unit"])[1:] == [
            [empty.code, f"{empty.name} (langsung)", 0, 0, 0, 0, 0, 0],
            [None, "Jumlah", 0, 0, 0, 0, 0, 0],
        ]
        assert await csv_rows(client, PATH, admin, year=YEAR, unit_id=empty.id) == [HEADERS]


class TestScope:
    async def test_opd_admin_gets_its_own_subtree_by_default(
        self, client: httpx.AsyncClient, settings: Settings, ledger: World
    ) -> None:
        r = await download(client, PATH, as_(settings, ledger, "opd_a"), year=YEAR)
        assert filename(r) == f"kepatuhan-jp-{YEAR}-dinas-a.xlsx"
        rows = await csv_rows(client, PATH, as_(settings, ledger, "opd_a"), year=YEAR)
        assert {row[0] for row in rows[1:]} == {ledger.asn_a.nip, ledger.asn_a1.nip, ledger.pppk_a.nip}
        rows = await csv_rows(client, PATH, as_(settings, ledger, "opd_a1"), year=YEAR)
        assert [row[0] for row in rows[1:]] == [ledger.asn_a1.nip]

    async def test_opd_admin_cannot_export_another_unit(
        self, client: httpx.AsyncClient, settings: Settings, ledger: World
    ) -> None:
        for fmt in ("xlsx", "csv"):
            r = await client.get(
                f"/api/v1/exports/{PATH}",
                params={"unit_id": ledger.unit_a.id, "format": fmt},
                headers=as_(settings, ledger, "opd_b"),
            )
            problem(r, 404, "unit_not_found")
        r = await client.get(
            f"/api/v1/exports/{PATH}",
            params={"unit_id": ledger.unit_a.id},
            headers=as_(settings, ledger, "opd_a1"),  # a child unit's admin cannot reach its parent
        )
        problem(r, 404, "unit_not_found")

    async def test_asn_and_scopeless_clients_are_refused(
        self, client: httpx.AsyncClient, settings: Settings, ledger: World
    ) -> None:
        for who in ("asn_a", "client:asn:read budget:read"):
            r = await client.get(f"/api/v1/exports/{PATH}", headers=as_(settings, ledger, who))
            problem(r, 403, "forbidden")
        rows = await csv_rows(client, PATH, as_(settings, ledger, "client:learning:read"), year=YEAR)
        assert len(rows) == 1 + 4

    async def test_bad_format_and_year(
        self, client: httpx.AsyncClient, settings: Settings, ledger: World
    ) -> None:
        admin = as_(settings, ledger, "bpsdm")
        for params in ({"format": "docx"}, {"format": "XLSX"}, {"year": "dua ribu"}, {"year": 1900}):
            r = await client.get(f"/api/v1/exports/{PATH}", params=params, headers=admin)
            problem(r, 422, "validation_error")
        r = await client.get(f"/api/v1/exports/{PATH}", params={"format": "docx"}, headers=admin)
        assert r.json()["errors"][0]["loc"] == ["query", "format"]

    async def test_unknown_unit(self, client: httpx.AsyncClient, settings: Settings, ledger: World) -> None:
        r = await client.get(
            f"/api/v1/exports/{PATH}", params={"unit_id": 999_999}, headers=as_(settings, ledger, "bpsdm")
        )
        problem(r, 404, "unit_not_found")
