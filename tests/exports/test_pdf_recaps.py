"""The printable recaps: GET /exports/asn/{nip}/jp-recap and GET /exports/jp-compliance?format=pdf.

Each PDF is read back as text with pypdf, so the assertions are on what a reader of the paper sees.
"""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.exports import service
from app.rules.defaults import DEFAULT_RULES
from tests.exports.helpers import download, filename
from tests.exports.test_jp_compliance import give_jp
from tests.factories import World, create_asn, create_unit
from tests.http import as_, problem
from tests.learning.helpers import body

YEAR = 2026
PDF = "application/pdf"


def recap_path(nip: str) -> str:
    return f"asn/{nip}/jp-recap"


def read(r: httpx.Response) -> tuple[PdfReader, str]:
    """The document and its text, whitespace folded (table cells wrap at the PDF's own line ends)."""
    assert r.headers["content-type"] == PDF
    assert r.content.startswith(b"%PDF-")
    doc = PdfReader(io.BytesIO(r.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in doc.pages)
    return doc, text


async def recap(
    client: httpx.AsyncClient, nip: str, headers: dict[str, str], **params: Any
) -> tuple[httpx.Response, PdfReader, str]:
    r = await download(client, recap_path(nip), headers, **({"year": YEAR, "format": "pdf"} | params))
    doc, text = read(r)
    return r, doc, text


async def add(client: httpx.AsyncClient, nip: str, headers: dict[str, str], **fields: Any) -> None:
    r = await client.post(f"/api/v1/asn/{nip}/learning-records", json=body(**fields), headers=headers)
    assert r.status_code == 201, r.text


def assert_signature_block(text: str, unit: str) -> None:
    assert f"Mengetahui, Kepala {unit}" in text
    assert "Samarinda, " in text
    assert "NIP. ....." in text


class TestAsnRecap:
    async def test_records_in_date_order_subtotals_and_total(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        rules = DEFAULT_RULES | {"form_rules": [{"form_code": "9", "max_jp_per_year": 5}]}
        assert (await client.put(f"/api/v1/rules/{YEAR}", json=rules, headers=admin)).status_code == 201
        nip = world.asn_a.nip
        # Entered out of date order; the recap lists them by date.
        await add(client, nip, admin, title="Seminar Arsip Dinamis", form_code="9", jp=6,
                  start_date="2026-05-10", end_date="2026-05-10", organizer="ANRI")  # fmt: skip
        await add(client, nip, admin, title="Bimtek Penyusunan Renja", form_code="8", jp=12.5,
                  start_date="2026-02-02", end_date="2026-02-04")  # fmt: skip
        await add(client, nip, admin, title="Seminar Tata Naskah", form_code="9", jp=4,
                  start_date="2026-03-01", end_date="2026-03-01")  # fmt: skip
        # A pending claim of the ASN itself: shown apart, not counted, not listed.
        await add(client, nip, as_(settings, world, "asn_a"), title="Webinar Literasi Data", jp=3)

        r, doc, text = await recap(client, nip, as_(settings, world, "asn_a"))
        assert filename(r) == f"rekap-jp-{nip}-{YEAR}.pdf"
        assert r.headers["content-length"] == str(len(r.content))
        assert doc.metadata is not None and doc.metadata.title == f"Rekap JP {YEAR} - {world.asn_a.name}"
        assert "PEMERINTAH PROVINSI KALIMANTAN TIMUR" in text
        assert f"Tahun {YEAR}" in text
        for fact in (
            f"Nama : {world.asn_a.name}",
            f"NIP : {nip}",
            f"Jabatan : {world.position_a.name}",
            "Golongan : III/a",
            "Jenis ASN : PNS",
            f"Unit Kerja : {world.unit_a.name}",
        ):
            assert fact in text
        renja, naskah, arsip = (
            text.index("Bimtek Penyusunan Renja"),
            text.index("Seminar Tata Naskah"),
            text.index("Seminar Arsip Dinamis"),
        )
        assert renja < naskah < arsip
        assert "02-02-2026 s.d. 04-02-2026" in text and "10-05-2026" in text
        assert "Webinar Literasi Data" not in text
        # Per form: Bimbingan Teknis 12.5; Seminar 10 recorded, 5 counted (the form's yearly cap).
        assert "Bimbingan Teknis 1 12,5 12,5" in text
        assert "Seminar 2 10 5" in text
        assert "JP diakui : 17,5 JP" in text
        assert "Target minimum : 20 JP" in text
        assert "Status : BELUM MEMENUHI" in text
        assert "Kekurangan : 2,5 JP" in text
        assert "Menunggu verifikasi : 3 JP (belum dihitung)" in text
        assert_signature_block(text, world.unit_a.name)
        assert "Halaman 1 dari" in text and "Dicetak dari Bangkom pada" in text and "WITA" in text
        page = doc.pages[0].mediabox
        assert (round(float(page.width)), round(float(page.height))) == (595, 842)  # A4 portrait

    async def test_pppk_against_the_cap_of_the_years_rules(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await add(client, world.pppk_a.nip, admin, title="Pelatihan Pelayanan Prima", jp=30)
        _, _, text = await recap(client, world.pppk_a.nip, admin)
        assert "Jenis ASN : PPPK" in text
        assert "Batas maksimum : 24 JP (PPPK)" in text
        assert "Status : MELEBIHI BATAS" in text
        assert "JP diakui : 24 JP" in text  # counted up to the cap
        assert "Target minimum" not in text

    async def test_no_records_says_so(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        _, doc, text = await recap(client, world.asn_b.nip, as_(settings, world, "opd_b"), year=2024)
        assert "Belum ada pengembangan kompetensi terverifikasi pada tahun 2024." in text
        assert "Subtotal per Bentuk" not in text
        assert "JP diakui : 0 JP" in text and "Status : BELUM MEMENUHI" in text
        assert "Jabatan : -" in text
        assert_signature_block(text, world.unit_b.name)
        assert len(doc.pages) == 1

    async def test_names_beyond_latin_1_survive(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        asn = await create_asn(session, world.unit_b, name="Ṣāliḥ Łukasz Désirée Nguyễn")
        await session.commit()
        admin = as_(settings, world, "bpsdm")
        await add(client, asn.nip, admin, title="Kursus Bahasa Inggris — Tingkat Lanjut", form_code="11")
        _, _, text = await recap(client, asn.nip, admin)
        assert "Nama : Ṣāliḥ Łukasz Désirée Nguyễn" in text
        assert "Kursus Bahasa Inggris — Tingkat Lanjut" in text

    async def test_format_is_optional_and_current_year_by_default(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(
            f"/api/v1/exports/{recap_path(world.asn_a.nip)}", headers=as_(settings, world, "auditor")
        )
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        assert read(r)[1].count("Tahun ") >= 1

    async def test_bytes_for_a_caller_that_asks_only_for_bytes(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        # A generated client (openapi-python-client) asks for application/octet-stream.
        path = f"/api/v1/exports/{recap_path(world.asn_a.nip)}?year={YEAR}"
        h = as_(settings, world, "asn_a")
        r = await client.get(path, headers=h | {"Accept": "application/octet-stream"})
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/octet-stream"
        assert r.content.startswith(b"%PDF-")
        for accept in ("application/pdf", "*/*", "application/pdf, application/octet-stream;q=0.5"):
            r = await client.get(path, headers=h | {"Accept": accept})
            assert r.headers["content-type"] == PDF, accept

    async def test_too_many_records(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        for _ in range(3):
            await add(client, world.asn_a.nip, admin)
        monkeypatch.setattr(service, "MAX_RECAP_RECORDS", 2)
        r = await client.get(
            f"/api/v1/exports/{recap_path(world.asn_a.nip)}", params={"year": YEAR}, headers=admin
        )
        problem(r, 422, "recap_too_large")


class TestAsnRecapScope:
    @pytest.mark.parametrize("who", ["asn_a", "opd_a", "bpsdm", "auditor", "client:learning:read"])
    async def test_who_may_print_asn_a(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        _, _, text = await recap(client, world.asn_a.nip, as_(settings, world, who))
        assert world.asn_a.name in text

    @pytest.mark.parametrize("who", ["asn_b", "opd_b", "opd_a1"])
    async def test_outside_the_scope_is_not_found(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.get(
            f"/api/v1/exports/{recap_path(world.asn_a.nip)}", headers=as_(settings, world, who)
        )
        problem(r, 404, "asn_not_found")

    async def test_unknown_nip_and_scopeless_client(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(
            f"/api/v1/exports/{recap_path('199001012015011001')}", headers=as_(settings, world, "bpsdm")
        )
        problem(r, 404, "asn_not_found")
        r = await client.get(
            f"/api/v1/exports/{recap_path(world.asn_a.nip)}",
            headers=as_(settings, world, "client:asn:read"),
        )
        problem(r, 403, "forbidden")

    async def test_bad_year_and_format(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        for params in ({"year": "dua ribu"}, {"year": 1900}, {"year": 2101}, {"format": "xlsx"}):
            r = await client.get(
                f"/api/v1/exports/{recap_path(world.asn_a.nip)}", params=params, headers=admin
            )
            problem(r, 422, "validation_error")


class TestComplianceRecap:
    async def test_unit_figures_sub_units_pppk_and_signature(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        await give_jp(session, world.asn_a, "20.00")
        await give_jp(session, world.asn_a1, "5.50")
        await give_jp(session, world.pppk_a, "30.00")
        await session.commit()
        admin = as_(settings, world, "opd_a")
        r = await download(client, "jp-compliance", admin, year=YEAR, format="pdf")
        assert filename(r) == f"rekap-kepatuhan-jp-{YEAR}-dinas-a.pdf"
        _, text = read(r)
        assert "REKAPITULASI KEPATUHAN JAM PELAJARAN (JP)" in text
        assert f"{world.unit_a.name} - Tahun {YEAR}" in text
        for fact in (
            "Target minimum : 20 JP",
            "Jumlah PNS/CPNS : 2",
            "Memenuhi : 1",
            "Belum memenuhi : 1",
            "Persentase memenuhi : 50,00%",
            "Total JP : 25,5",
            "Rata-rata JP : 12,75",
        ):
            assert fact in text
        # One row per sub-unit, the unit's own staff, then the total.
        assert f"{world.unit_a1.name} 1 0 1 0,00% 5,5 5,5" in text
        assert f"{world.unit_a.name} (langsung) 1 1 0 100,00% 20 20" in text
        assert "Jumlah 2 1 1 50,00% 25,5 12,75" in text
        assert "Batas maksimum : 24 JP per tahun" in text
        assert "Jumlah PPPK : 1" in text and "Melebihi batas : 1" in text
        assert_signature_block(text, world.unit_a.name)
        # Names of ASN are not listed: the recap is per unit.
        assert world.asn_a.name not in text

    async def test_province_wide_for_bpsdm(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await download(client, "jp-compliance", as_(settings, world, "bpsdm"), year=YEAR, format="pdf")
        assert filename(r) == f"rekap-kepatuhan-jp-{YEAR}.pdf"
        _, text = read(r)
        assert f"Seluruh Perangkat Daerah - Tahun {YEAR}" in text
        assert f"{world.unit_a.name} 3" not in text  # pppk_a is not in the PNS headcount
        assert f"{world.unit_a.name} 2 0 2 0,00%" in text and f"{world.unit_b.name} 1 0 1 0,00%" in text
        assert "Mengetahui, Kepala Badan Pengembangan Sumber Daya Manusia" in text

    async def test_empty_unit(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        empty = await create_unit(session, "DINAS_KOSONG")
        await session.commit()
        r = await download(
            client, "jp-compliance", as_(settings, world, "auditor"), unit_id=empty.id, format="pdf"
        )
        _, text = read(r)
        assert "Jumlah PNS/CPNS : 0" in text and "Persentase memenuhi : 0,00%" in text
        assert_signature_block(text, empty.name)

    async def test_scope(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        params: dict[str, Any] = {"unit_id": world.unit_a.id, "format": "pdf"}
        for who in ("opd_b", "opd_a1"):
            r = await client.get(
                "/api/v1/exports/jp-compliance", params=params, headers=as_(settings, world, who)
            )
            problem(r, 404, "unit_not_found")
        r = await client.get(
            "/api/v1/exports/jp-compliance", params=params, headers=as_(settings, world, "asn_a")
        )
        problem(r, 403, "forbidden")
        r = await client.get(
            "/api/v1/exports/jp-compliance",
            params={"format": "pdf", "year": 1900},
            headers=as_(settings, world, "bpsdm"),
        )
        problem(r, 422, "validation_error")
