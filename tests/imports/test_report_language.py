"""Import reports in the reader's language: each line (and a failed job's message) is stored in English
with its template and parameters, and answered in the language the request asks for."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.i18n import localise, msg, validation_texts
from app.core.types import latest_indonesian_date
from app.imports import asn as asn_import
from app.imports import runner
from app.imports.lines import answered
from tests.factories import World, make_nip
from tests.http import as_, problem
from tests.imports.helpers import csv_bytes, job_rows, report_rows, run_import, stored_job, upload
from tests.imports.test_attendance import SESSION, fixture

ID = {"Accept-Language": "id"}
EN = {"Accept-Language": "en"}


def details(job: dict[str, Any]) -> dict[int, str]:
    return {e["row"]: e["detail"] for e in job["errors"]}


async def read_job(client: httpx.AsyncClient, job_id: int, headers: dict[str, str]) -> dict[str, Any]:
    r = await client.get(f"/api/v1/imports/{job_id}", headers=headers)
    assert r.status_code == 200, r.text
    job: dict[str, Any] = r.json()
    return job


class TestRowReport:
    async def test_asn_lines_are_answered_in_the_readers_language(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nip, other = make_nip(), make_nip()
        unit = world.unit_a.id
        rows: list[list[Any]] = [
            ["nip", "name", "employment_type", "unit_id", "active"],
            [nip, "Pegawai Satu", "pns", unit, "Ya"],
            [nip, "Pegawai Dua", "pns", unit, "Ya"],  # 3: the NIP of row 2
            [other, "Pegawai Tiga", "pns", unit, "mungkin"],  # 4: not Ya or Tidak
        ]
        auth = as_(settings, world, "bpsdm")
        job = await run_import(client, "asn", csv_bytes(rows), {**auth, **EN})
        english = {
            3: f"NIP {nip} is already in row 2 of this file; give each NIP once",
            4: "active (Aktif): expected Ya or Tidak, not 'mungkin'",
        }
        indonesian = {
            3: f"NIP {nip} sudah ada di baris 2 berkas ini; cantumkan setiap NIP satu kali saja",
            4: "active (Aktif): harus Ya atau Tidak, bukan 'mungkin'",
        }
        assert details(job) == english
        assert details(await read_job(client, job["id"], {**auth, **ID})) == indonesian
        assert details(await read_job(client, job["id"], {**auth, **EN})) == english
        assert details(await read_job(client, job["id"], auth | {"Accept-Language": "id-ID,id;q=0.9"})) == (
            indonesian
        )
        listed = await client.get("/api/v1/imports", headers={**auth, **ID})
        (mine,) = [j for j in listed.json()["items"] if j["id"] == job["id"]]
        assert details(mine) == indonesian

        # The downloads: the headers stay Indonesian, Keterangan follows the reader.
        for fmt in ("csv", "xlsx"):
            read = await report_rows(client, job["id"], {**auth, **ID}, fmt=fmt)
            assert [line[6] for line in read[1:]] == [indonesian[3], indonesian[4]]
            read = await report_rows(client, job["id"], {**auth, **EN}, fmt=fmt)
            assert [line[6] for line in read[1:]] == [english[3], english[4]]
            assert read[0][6] == "Keterangan"

        # Stored: the English text, and what it was made of.
        lines = await job_rows(session, job["id"])
        assert [line.detail for line in lines] == [english[3], english[4]]
        assert lines[0].message == {
            "template": "NIP {nip} is already in row {row} of this file; give each NIP once",
            "params": {"nip": nip, "row": 2},
        }
        assert lines[1].message == {
            "template": "{field} ({header}): {reason}",
            "params": {
                "field": "active",
                "header": "Aktif",
                "reason": {"template": "expected Ya or Tidak, not {value!r}", "params": {"value": "mungkin"}},
            },
        }

    async def test_learning_lines_and_schema_errors(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        a = world.asn_a.nip
        later = (latest_indonesian_date() + timedelta(days=40)).isoformat()
        rows = [
            ["nip", "title", "form_code", "start_date", "end_date", "jp"],
            [a, "", "8", "2026-02-02", "2026-02-03", "8"],  # 2: no title
            [a, "Kursus Nanti", "8", "2026-02-05", later, "8"],  # 3: ends in the future
            [a, "Tanpa JP", "8", "2026-02-06", "2026-02-06", ""],  # 4: neither jp nor minutes
        ]
        auth = as_(settings, world, "bpsdm")
        job = await run_import(client, "learning-records", csv_bytes(rows), {**auth, **EN})
        assert details(job) == {
            2: "title: Field required",
            3: f"end_date {later} is in the future; record learning once it ends",
            4: "row: Value error, give jp or duration_minutes",
        }
        assert details(await read_job(client, job["id"], {**auth, **ID})) == {
            2: f"title: {validation_texts()['missing']['id']}",
            3: f"end_date {later} berada di masa depan; catat pembelajaran setelah kegiatannya selesai",
            4: f"baris: {localise('give jp or duration_minutes', 'id')}",
        }

    async def test_attendance_lines(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        auth = as_(settings, world, "bpsdm")
        job = await run_import(client, "attendance", fixture("zoom_participants.csv"), auth, data=SESSION)
        english = await report_rows(client, job["id"], {**auth, **EN}, fmt="csv")
        indonesian = await report_rows(client, job["id"], {**auth, **ID}, fmt="csv")
        by_row = {line[0]: (en[6], line[6]) for line, en in zip(indonesian[1:], english[1:], strict=True)}
        assert by_row["5"] == (
            "no active ASN in your scope has the email zoom.bpsdm@kaltimprov.go.id; attended 98 minutes; "
            "credited the session's 90",
            "tidak ada ASN aktif dalam cakupan Anda dengan email zoom.bpsdm@kaltimprov.go.id; hadir 98 menit; "
            "dihitung sesuai lama sesi, 90 menit",
        )
        assert by_row["14"] == (
            "neither an email nor an 18-digit NIP in the display name",
            "tidak ada email maupun NIP 18 digit pada nama tampilan",
        )


class TestJobMessage:
    async def test_a_failed_jobs_message_is_answered_in_the_readers_language(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setitem(runner.CHUNK_ROWS, "asn", 1)
        real = asn_import.apply
        calls = 0

        async def crash_on_second_chunk(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == 2:
                raise RuntimeError("worker lost")
            return await real(*args, **kwargs)

        monkeypatch.setattr(asn_import, "apply", crash_on_second_chunk)
        unit = world.unit_a.id
        rows: list[list[Any]] = [["nip", "name", "employment_type", "unit_id"]]
        rows += [[make_nip(), f"Pegawai {n}", "pns", unit] for n in range(3)]
        auth = as_(settings, world, "bpsdm")
        job = await run_import(client, "asn", csv_bytes(rows), {**auth, **EN})
        assert job["status"] == "failed"
        assert job["message"] == (
            "The import stopped unexpectedly after 1 rows; the rows after those were not written. "
            "Retry it to continue."
        )
        indonesian = await read_job(client, job["id"], {**auth, **ID})
        assert indonesian["message"] == (
            "Impor berhenti tiba-tiba setelah 1 baris; baris-baris sesudahnya belum tersimpan. "
            "Ulangi impor untuk melanjutkan."
        )
        stored = await stored_job(session, job["id"])
        assert stored.message == job["message"]
        assert stored.message_data == {
            "template": "The import stopped unexpectedly after {rows} rows; the rows after those were not "
            "written. Retry it to continue.",
            "params": {"rows": 1},
        }


class TestStoredBefore:
    def test_a_line_without_a_template_is_answered_as_stored(self) -> None:
        # Lines stored before templates were kept: a constant message still translates, any other
        # text stays as it was written.
        assert answered(None, "The file is empty", "id") == "Berkas kosong"
        assert answered(None, "NIP 1 is already in row 2 of this file", "id") == (
            "NIP 1 is already in row 2 of this file"
        )
        assert answered(None, None, "id") is None
        # A stored template whose translation does not fit its parameters: the English text.
        broken = {"template": "No import job {job_id} of yours", "params": {}}
        assert answered(broken, "No import job 7 of yours", "id") == "No import job 7 of yours"

    def test_nested_messages_translate_whole(self) -> None:
        made = msg("{first}; {then}", first=msg("The file is empty"), then=msg("a PDF document"))
        assert localise(made, "id") == "Berkas kosong; dokumen PDF"
        assert str(made) == "The file is empty; a PDF document"


class TestUploadProblems:
    async def test_a_refused_upload_is_answered_in_the_callers_language(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        auth = as_(settings, world, "bpsdm")
        content = csv_bytes([["nip", "nama"], ["198503142009042001", "Siti"]])
        answers = {}
        for language in ("id", "en"):
            r = await upload(client, "asn", content, {**auth, "Accept-Language": language})
            answers[language] = problem(r, 422, "missing_columns")
            assert r.headers["content-language"] == language
        assert answers["en"]["detail"] == (
            "The header row lacks required columns: Jenis Kepegawaian (employment_type), ID Unit Kerja "
            "(unit_id). Download the template from /api/v1/imports/templates/asn"
        )
        assert answers["id"]["detail"] == (
            "Baris judul tidak memuat kolom wajib: Jenis Kepegawaian (employment_type), ID Unit Kerja "
            "(unit_id). Unduh templat dari /api/v1/imports/templates/asn"
        )
        r = await upload(client, "asn", b"%PDF-1.7 ...", {**auth, **ID}, filename="surat.pdf")
        assert problem(r, 422, "unreadable_file")["detail"] == (
            "Berkas ini adalah dokumen PDF; unggah berkas CSV, XLSX, XLS atau ODS"
        )
