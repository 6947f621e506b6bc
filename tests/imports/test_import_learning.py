"""Learning-record imports: the rules of POST /asn/{nip}/learning-records per row, set-based, idempotent."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.changes import Change
from app.core.config import Settings
from app.core.security import Principal, Role
from app.learning.models import JpTotal, LearningEvent, LearningRecord
from tests.factories import World, bearer
from tests.http import as_, problem
from tests.imports.helpers import count, csv_bytes, errors_of, run_import, upload, xlsx_bytes
from tests.learning.helpers import create

HEADER = [
    "NIP",
    "Nama Kegiatan",
    "Kode Bentuk",
    "Tanggal Mulai",
    "Tanggal Selesai",
    "JP",
    "Durasi (menit)",
    "Kode Kompetensi",
    "Nomor Sertifikat",
    "Biaya (Rp)",
    "ID Eksternal",
]


def record(nip: str, title: str, **fields: Any) -> list[Any]:
    values = {
        "form": "8",
        "start": "2026-03-02",
        "end": "2026-03-04",
        "jp": "10",
        "minutes": "",
        "competencies": "",
        "certificate": "",
        "cost": "",
        "external_id": "",
    } | fields
    return [
        nip,
        title,
        values["form"],
        values["start"],
        values["end"],
        values["jp"],
        values["minutes"],
        values["competencies"],
        values["certificate"],
        values["cost"],
        values["external_id"],
    ]


async def records_of(session: AsyncSession, nip: str) -> list[LearningRecord]:
    rows = await session.execute(
        select(LearningRecord)
        .where(LearningRecord.nip == nip)
        .order_by(LearningRecord.id)
        .execution_options(populate_existing=True)
    )
    return list(rows.scalars())


class TestCsv:
    async def test_every_rule_of_the_api_per_row(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        a, a1, b = world.asn_a.nip, world.asn_a1.nip, world.asn_b.nip
        existing = await create(client, a, headers, title="Rapat Koordinasi Kepegawaian")
        rows = [
            HEADER,
            record(
                a, "Bimtek Penyusunan Anggaran", jp="4,5", competencies="M1; M4", cost="Rp 1.500.000"
            ),  # 2
            record(
                a1,
                "Seminar Nasional SPBE",
                form="9",
                start="01/04/2026",
                end="01/04/2026",
                jp="",
                minutes="135",
            ),
            record(a, "Diklat Entah", form="99"),  # 4
            record(a, "Kursus Masa Depan", start="2026-12-30", end="2027-01-02"),  # 5
            record(a, "Tanggal Terbalik", start="2026-03-05", end="2026-03-01"),  # 6
            record("199901012020011001", "Tanpa Pegawai"),  # 7
            record(a, "Kompetensi Asing", competencies="M1;ZZ9"),  # 8
            record(a, "Nol JP", jp="0"),  # 9
            record(
                a, "rapat koordinasi  KEPEGAWAIAN", start=existing["start_date"], end=existing["end_date"]
            ),
            record(a, "BIMTEK Penyusunan Anggaran", form="3"),  # 11: same title and dates as row 2
            record(a1, "Sertifikasi Pengadaan", certificate="SERT/1", external_id="EXT-1"),  # 12
            record(a1, "Sertifikasi Pengadaan Ulang", external_id="EXT-1"),  # 13
            record(a1, "Pengadaan Lanjutan", certificate="sert/1"),  # 14: the certificate of row 12
            record(world.pppk_a.nip, "Pelatihan Dasar", form="3", jp="2001"),  # 15
            record(b, "Workshop SPBE", form="4", start="2026-05-05", end="2026-05-05", jp="8"),  # 16
        ]
        job = await run_import(client, "learning-records", csv_bytes(rows, delimiter=";"), headers)
        assert job["status"] == "succeeded" and job["kind"] == "learning_records"
        assert (job["total"], job["processed"]) == (15, 15)
        assert (job["created"], job["updated"], job["unchanged"], job["failed"]) == (4, 0, 0, 11)
        assert errors_of(job) == [
            (4, "unknown_form_code", "form_code"),
            (5, "invalid_dates", "end_date"),
            (6, "validation_error", None),
            (7, "asn_not_found", None),
            (8, "unknown_competency", "competency_codes"),
            (9, "validation_error", "jp"),
            (10, "possible_duplicate", None),
            (11, "possible_duplicate", None),
            (13, "duplicate_in_file", "external_id"),
            (14, "possible_duplicate", None),
            (15, "validation_error", "jp"),
        ]
        by_row = {e["row"]: e for e in job["errors"]}
        assert f"record {existing['id']} " in by_row[10]["detail"]
        assert "ZZ9" in by_row[8]["detail"] and "M1," not in by_row[8]["detail"]
        assert by_row[10]["name"] == world.asn_a.name and by_row[7]["name"] is None

        mine = await records_of(session, a)
        imported = [r for r in mine if r.source == "import"]
        assert len(imported) == 1
        bimtek = imported[0]
        assert (bimtek.title, bimtek.form_code, bimtek.jp, bimtek.jp_claimed) == (
            "Bimtek Penyusunan Anggaran",
            "8",
            Decimal("4.50"),
            Decimal("4.50"),
        )
        assert (bimtek.status, bimtek.cost_idr, bimtek.competency_codes) == (
            "verified",
            1_500_000,
            ["M1", "M4"],
        )
        assert bimtek.external_id is not None and bimtek.external_id.startswith("row-")
        assert (bimtek.created_by, bimtek.decided_by) == ("bpsdm", "bpsdm")
        assert f"record {bimtek.id} " in by_row[11]["detail"]
        seminar, sertifikasi = await records_of(session, a1)
        assert (seminar.jp, seminar.duration_minutes, seminar.start_date) == (
            Decimal("3.00"),
            135,
            date(2026, 4, 1),
        )
        assert (sertifikasi.external_id, sertifikasi.certificate_number) == ("EXT-1", "SERT/1")
        assert [r.title for r in await records_of(session, b) if r.source == "import"] == ["Workshop SPBE"]

        ids = [bimtek.id, seminar.id, sertifikasi.id]
        events = (
            await session.execute(select(LearningEvent).where(LearningEvent.record_id.in_(ids)))
        ).scalars()
        assert {(e.record_id, e.action, e.to_status, (e.data or {}).get("row")) for e in events} == {
            (bimtek.id, "created", "verified", 2),
            (seminar.id, "created", "verified", 3),
            (sertifikasi.id, "created", "verified", 12),
        }
        keys = [str(i) for i in ids]
        audited = await count(
            session, AuditEntry, AuditEntry.entity == "learning_record", AuditEntry.key.in_(keys)
        )
        assert audited == 3
        assert await count(session, Change, Change.entity == "learning_record", Change.key.in_(keys)) == 3
        total = await session.get(JpTotal, (a, 2026, "8"), populate_existing=True)
        assert total is not None and total.jp == Decimal("14.50") and total.records == 2  # with `existing`

    async def test_running_the_same_file_again_creates_nothing(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        a = world.asn_a.nip
        content = csv_bytes(
            [
                HEADER,
                record(a, "Pelatihan Penulisan Naskah Dinas"),
                record(a, "Pelatihan Arsip", external_id="ARSIP-1"),
                record(a, "PELATIHAN penulisan naskah dinas", form="3"),  # a duplicate of row 2
                record(a, "Pelatihan Tanpa Bentuk", form="77"),
            ]
        )
        first = await run_import(client, "learning-records", content, headers)
        assert (first["created"], first["unchanged"], first["failed"]) == (2, 0, 2)
        before = await count(session, LearningRecord, LearningRecord.nip == a)
        total_before = await session.get(JpTotal, (a, 2026, "8"), populate_existing=True)
        assert total_before is not None and total_before.jp == Decimal("20.00")
        again = await run_import(client, "learning-records", content, headers)
        assert (again["created"], again["unchanged"], again["failed"]) == (0, 2, 2)
        assert (
            errors_of(again)
            == errors_of(first)
            == [(4, "possible_duplicate", None), (5, "unknown_form_code", "form_code")]
        )
        assert await count(session, LearningRecord, LearningRecord.nip == a) == before
        total_after = await session.get(JpTotal, (a, 2026, "8"), populate_existing=True)
        assert total_after is not None and total_after.jp == Decimal("20.00")

    async def test_minutes_alone_are_enough(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        content = csv_bytes(
            [
                ["nip", "title", "form_code", "start_date", "end_date", "duration_minutes"],
                [world.asn_a.nip, "Coaching Kinerja", "14", "2026-02-10", "2026-02-10", "90"],
                [world.asn_a.nip, "Coaching Tanpa Durasi", "14", "2026-02-11", "2026-02-11", ""],
            ]
        )
        job = await run_import(client, "learning-records", content, as_(settings, world, "bpsdm"))
        assert (job["created"], job["failed"]) == (1, 1)
        assert errors_of(job) == [(3, "validation_error", None)]
        assert "jp or duration_minutes" in job["errors"][0]["detail"]

    async def test_missing_columns(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        content = csv_bytes(
            [["NIP", "Nama Kegiatan", "Tanggal Selesai"], [world.asn_a.nip, "x", "2026-01-01"]]
        )
        r = await upload(client, "learning-records", content, as_(settings, world, "bpsdm"))
        body = problem(r, 422, "missing_columns")
        assert body["columns"] == ["form_code", "start_date", "jp or duration_minutes"]
        assert "JP (jp) or Durasi (menit) (duration_minutes)" in body["detail"]


class TestXlsx:
    async def test_real_dates_and_numbers(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        a = world.asn_a.nip
        rows: list[list[Any]] = [
            ["NIP", "Nama Kegiatan", "Kode Bentuk", "Tanggal Mulai", "Tanggal Selesai", "JP", "Biaya (Rp)"],
            [a, "E-Learning Etika ASN", 16, datetime(2026, 7, 1), date(2026, 7, 3), 6.75, 250000],
            [a, "Mentoring Pejabat", 15, date(2026, 7, 10), "10/07/2026", 2, None],
            [a, "Tanggal Rusak", 15, "kemarin", date(2026, 7, 10), 2, None],
        ]
        job = await run_import(
            client, "learning-records", xlsx_bytes(rows), as_(settings, world, "bpsdm"), filename="jp.xlsx"
        )
        assert (job["total"], job["created"], job["failed"]) == (3, 2, 1)
        assert errors_of(job) == [(4, "validation_error", "start_date")]
        learning, mentoring = [r for r in await records_of(session, a) if r.source == "import"]
        assert (learning.form_code, learning.start_date, learning.end_date) == (
            "16",
            date(2026, 7, 1),
            date(2026, 7, 3),
        )
        assert (learning.jp, learning.cost_idr) == (Decimal("6.75"), 250_000)
        assert (mentoring.form_code, mentoring.end_date, mentoring.jp) == (
            "15",
            date(2026, 7, 10),
            Decimal("2.00"),
        )


class TestScope:
    async def test_an_opd_admin_imports_only_for_its_units(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        content = csv_bytes(
            [
                HEADER,
                record(world.asn_a.nip, "Bimtek SAKIP"),
                record(world.asn_a1.nip, "Bimtek SAKIP"),
                record(world.asn_b.nip, "Bimtek SAKIP"),
            ]
        )
        job = await run_import(client, "learning-records", content, as_(settings, world, "opd_a"))
        assert (job["created"], job["failed"]) == (2, 1)
        assert errors_of(job) == [(4, "asn_not_found", None)]
        assert job["errors"][0]["name"] is None  # nothing about another OPD's ASN is revealed
        assert await count(session, LearningRecord, LearningRecord.nip == world.asn_b.nip) == 0

    async def test_an_admin_cannot_verify_its_own_learning(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        admin = Principal(
            subject="opd.self", role=Role.opd_admin, unit_id=world.unit_a.id, nip=world.asn_a.nip
        )
        content = csv_bytes(
            [HEADER, record(world.asn_a.nip, "Diklat Sendiri"), record(world.asn_a1.nip, "Diklat")]
        )
        job = await run_import(client, "learning-records", content, bearer(settings, admin))
        assert (job["created"], job["failed"]) == (1, 1)
        assert errors_of(job) == [(2, "self_approval", "nip")]

    async def test_a_client_with_learning_write(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "client:learning:write")
        content = csv_bytes([HEADER, record(world.asn_b.nip, "Pelatihan dari LMS")])
        job = await run_import(client, "learning-records", content, headers)
        assert (job["created"], job["created_by"]) == (1, "client:bk_test")
        (made,) = [r for r in await records_of(session, world.asn_b.nip) if r.source == "import"]
        assert (made.status, made.created_by) == ("verified", "client:bk_test")
