"""Import jobs: listing and visibility, the report, templates, failures, interruptions and retries."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.audit import AuditEntry
from app.core.config import Settings
from app.core.types import utcnow
from app.imports import asn as asn_import
from app.imports import runner
from app.imports.layouts import ASN_LAYOUT, EXAMPLE_NIP, LEARNING_LAYOUT
from app.imports.models import ImportJob
from app.learning.models import LearningRecord
from tests.factories import World, make_nip
from tests.http import as_, problem
from tests.imports.helpers import (
    ASN_HEADER,
    XLSX_TYPE,
    count,
    csv_bytes,
    errors_of,
    job_audit,
    report_rows,
    run_import,
    stored_job,
    upload,
    xlsx_bytes,
)

REPORT_HEADER = ["Baris", "NIP", "Nama", "Hasil", "Kode", "Kolom", "Keterangan"]


def profiles(world: World, nips: list[str]) -> list[list[Any]]:
    return [
        ASN_HEADER,
        *([n, f"Pegawai {n[-4:]}", "pns", world.unit_a.id, "III/a", f"p{n}@kaltimprov.go.id"] for n in nips),
    ]


async def asn_job(
    client: httpx.AsyncClient, settings: Settings, world: World, who: str = "bpsdm"
) -> dict[str, Any]:
    content = csv_bytes([*profiles(world, [make_nip()]), ["1", "Salah", "pns", world.unit_a.id, "", ""]])
    return await run_import(client, "asn", content, as_(settings, world, who))


async def records_job(
    client: httpx.AsyncClient, settings: Settings, world: World, who: str
) -> dict[str, Any]:
    content = csv_bytes(
        [
            ["nip", "title", "form_code", "start_date", "end_date", "jp"],
            [world.asn_a.nip, f"Bimtek {who}", "8", "2026-02-02", "2026-02-03", "8"],
        ]
    )
    return await run_import(client, "learning-records", content, as_(settings, world, who))


class TestListAndVisibility:
    async def test_newest_first_with_filters_and_pages(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        first = await asn_job(client, settings, world)
        second = await records_job(client, settings, world, "bpsdm")
        third = await records_job(client, settings, world, "opd_a")
        bpsdm = as_(settings, world, "bpsdm")
        listed = (await client.get("/api/v1/imports", headers=bpsdm)).json()
        assert [j["id"] for j in listed["items"]] == [third["id"], second["id"], first["id"]]
        assert listed["total"] == 3
        assert listed["items"][2]["errors"][0]["code"] == "invalid_nip"
        page = (await client.get("/api/v1/imports", params={"limit": 2}, headers=bpsdm)).json()
        assert [j["id"] for j in page["items"]] == [third["id"], second["id"]]
        rest = await client.get(
            "/api/v1/imports", params={"limit": 2, "cursor": page["next_cursor"]}, headers=bpsdm
        )
        assert [j["id"] for j in rest.json()["items"]] == [first["id"]]
        by_kind = await client.get("/api/v1/imports", params={"kind": "asn"}, headers=bpsdm)
        assert [j["id"] for j in by_kind.json()["items"]] == [first["id"]]
        done = await client.get("/api/v1/imports", params={"status": "succeeded"}, headers=bpsdm)
        assert done.json()["total"] == 3
        running = await client.get("/api/v1/imports", params={"status": "running"}, headers=bpsdm)
        assert running.json()["total"] == 0
        auditor = (await client.get("/api/v1/imports", headers=as_(settings, world, "auditor"))).json()
        assert auditor["total"] == 3
        own = (await client.get("/api/v1/imports", headers=as_(settings, world, "opd_a"))).json()
        assert [j["id"] for j in own["items"]] == [third["id"]]
        assert (await client.get("/api/v1/imports", headers=as_(settings, world, "opd_b"))).json()[
            "total"
        ] == 0
        bad = await client.get("/api/v1/imports", params={"status": "done"}, headers=bpsdm)
        problem(bad, 422, "validation_error")

    async def test_another_users_job_is_not_found(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        job = await records_job(client, settings, world, "opd_a")
        path = f"/api/v1/imports/{job['id']}"
        other = as_(settings, world, "opd_b")
        problem(await client.get(path, headers=other), 404, "import_job_not_found")
        problem(await client.get(f"{path}/report", headers=other), 404, "import_job_not_found")
        problem(await client.post(f"{path}/retry", headers=other), 404, "import_job_not_found")
        problem(
            await client.get(path, headers=as_(settings, world, "client:learning:write")),
            404,
            "import_job_not_found",
        )
        for who in ("opd_a", "bpsdm", "auditor"):
            r = await client.get(path, headers=as_(settings, world, who))
            assert r.status_code == 200 and r.json()["id"] == job["id"]
        problem(
            await client.get("/api/v1/imports/999999", headers=as_(settings, world, "bpsdm")),
            404,
            "import_job_not_found",
        )

    async def test_job_shape(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        job = await asn_job(client, settings, world)
        assert set(job) == {
            "id", "kind", "status", "filename", "total", "processed", "created", "updated", "unchanged",
            "failed", "errors", "summary", "message", "created_by", "created_at", "started_at",
            "finished_at", "report_url",
        }  # fmt: skip
        assert job["report_url"] == f"/api/v1/imports/{job['id']}/report"
        assert job["started_at"] is not None and job["finished_at"] is not None
        assert job["message"] is None and job["created_by"] == "bpsdm"

    async def test_the_upload_answers_with_the_queued_job(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await upload(
            client, "asn", csv_bytes(profiles(world, [make_nip()])), as_(settings, world, "bpsdm")
        )
        assert r.status_code == 202
        body = r.json()
        assert (body["status"], body["processed"], body["total"], body["errors"]) == ("queued", 0, None, [])


class TestReport:
    async def test_xlsx_and_csv_read_back(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        nip = make_nip()
        content = csv_bytes(
            [
                *profiles(world, [nip]),
                ["1", "Salah Satu", "pns", world.unit_a.id, "", ""],
                [nip, "Dua Kali", "pns", world.unit_a.id, "", ""],
                [make_nip(), "Unit Hilang", "pns", 999_999, "", ""],
            ]
        )
        job = await run_import(client, "asn", content, as_(settings, world, "bpsdm"))
        assert errors_of(job) == [
            (3, "invalid_nip", None),
            (4, "duplicate_in_file", "nip"),
            (5, "unit_not_found", None),
        ]
        expected = [
            [e["row"], e["nip"], e["name"], "Gagal", e["code"], e["field"], e["detail"]]
            for e in job["errors"]
        ]
        rows = await report_rows(client, job["id"], as_(settings, world, "auditor"))
        assert rows == [REPORT_HEADER, *expected]
        rows = await report_rows(client, job["id"], as_(settings, world, "bpsdm"), fmt="csv")
        assert rows == [
            REPORT_HEADER,
            *([str(v) if v is not None else "" for v in line] for line in expected),
        ]

    async def test_file_names(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        job = await asn_job(client, settings, world)
        r = await client.get(job["report_url"], headers=as_(settings, world, "bpsdm"))
        assert r.headers["content-disposition"] == f'attachment; filename="laporan-impor-{job["id"]}.xlsx"'
        assert r.headers["content-type"] == XLSX_TYPE


class TestTemplates:
    async def test_xlsx_templates_explain_themselves_and_import_as_they_are(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        r = await client.get("/api/v1/imports/templates/asn", headers=headers)
        assert r.status_code == 200 and r.headers["content-type"] == XLSX_TYPE
        assert r.headers["content-disposition"] == 'attachment; filename="templat-impor-asn.xlsx"'
        workbook = load_workbook(io.BytesIO(r.content))
        assert workbook.sheetnames == ["Data", "Petunjuk"]
        data = [[c.value for c in row] for row in workbook["Data"].iter_rows()]
        assert data[0] == [c.header for c in ASN_LAYOUT.columns]
        example = dict(zip(data[0], data[1], strict=True))
        assert example["NIP"] == EXAMPLE_NIP and example["ID Unit Kerja"] == world.unit_a.id
        assert example["ID Jabatan"] == world.position_a.id
        assert workbook["Data"].column_dimensions["A"].number_format == "@"  # typed-in NIPs stay text
        guide = [[c.value for c in row] for row in workbook["Petunjuk"].iter_rows()]
        assert guide[0] == ["Kolom", "Nama Field API", "Wajib", "Keterangan"]
        assert guide[1][:3] == ["NIP", "nip", "Ya"] and guide[5][:3] == ["Golongan", "golongan", "Tidak"]
        assert ["Daftar kode golongan", None, None, None] in guide
        assert [None, "IV/e", None, "Pembina Utama"] in guide

        job = await run_import(client, "asn", r.content, headers, filename="templat.xlsx")
        assert (job["created"], job["failed"]) == (1, 0)
        assert await count(session, Asn, Asn.nip == EXAMPLE_NIP) == 1

        r = await client.get("/api/v1/imports/templates/learning-records", headers=headers)
        workbook = load_workbook(io.BytesIO(r.content))
        assert [c.value for c in workbook["Data"][1]] == [c.header for c in LEARNING_LAYOUT.columns]
        guide = [[c.value for c in row] for row in workbook["Petunjuk"].iter_rows()]
        assert guide[6][:3] == ["JP", "jp", "Salah satu"]
        assert [None, "16", None, "E-Learning"] in guide
        job = await run_import(client, "learning-records", r.content, headers, filename="jp.xlsx")
        assert (job["created"], job["failed"]) == (1, 0)
        (made,) = (
            await session.execute(
                LearningRecord.__table__.select().where(LearningRecord.__table__.c.nip == EXAMPLE_NIP)
            )
        ).all()
        assert (made.jp, made.competency_codes, made.cost_idr) == (830, ["M1", "M4"], 18_500_000)

    async def test_csv_templates_round_trip(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        headers = as_(settings, world, "opd_b")
        r = await client.get("/api/v1/imports/templates/asn", params={"format": "csv"}, headers=headers)
        assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
        lines = r.content.decode("utf-8-sig").splitlines()
        assert lines[0] == ";".join(c.header for c in ASN_LAYOUT.columns)
        assert lines[1].split(";")[:4] == [EXAMPLE_NIP, "Siti Rahmawati, S.Kom.", "pns", str(world.unit_b.id)]
        assert lines[1].split(";")[5] == ""  # unit_b has no position
        job = await run_import(client, "asn", r.content, as_(settings, world, "bpsdm"))
        assert (job["created"], job["failed"]) == (1, 0)
        r = await client.get(
            "/api/v1/imports/templates/learning-records", params={"format": "csv"}, headers=headers
        )
        job = await run_import(client, "learning-records", r.content, as_(settings, world, "bpsdm"))
        assert (job["created"], job["failed"]) == (1, 0)

    async def test_unknown_template(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get("/api/v1/imports/templates/attendance", headers=as_(settings, world, "bpsdm"))
        problem(r, 422, "validation_error")


class TestFailuresAndRetries:
    async def test_a_crash_mid_file_leaves_only_whole_chunks_and_retry_finishes(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setitem(runner.CHUNK_ROWS, "asn", 2)
        real = asn_import.apply
        calls = 0

        async def crash_on_second_chunk(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == 2:
                await real(*args, **kwargs)  # its writes are rolled back with the chunk
                raise RuntimeError("worker lost")
            return await real(*args, **kwargs)

        monkeypatch.setattr(asn_import, "apply", crash_on_second_chunk)
        nips = [make_nip() for _ in range(4)]
        rows = [*profiles(world, nips), ["1", "Salah", "pns", world.unit_a.id, "", ""]]
        headers = as_(settings, world, "bpsdm")
        job = await run_import(client, "asn", csv_bytes(rows), headers)
        assert (job["status"], job["total"], job["processed"], job["created"], job["failed"]) == (
            "failed",
            5,
            2,
            2,
            0,
        )
        assert "after 2 rows" in job["message"]
        assert await count(session, Asn, Asn.nip.in_(nips)) == 2

        monkeypatch.setattr(asn_import, "apply", real)
        r = await client.post(f"/api/v1/imports/{job['id']}/retry", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 202, r.text
        done = (await client.get(r.headers["location"], headers=headers)).json()
        assert (done["status"], done["processed"], done["created"], done["unchanged"], done["failed"]) == (
            "succeeded",
            5,
            4,
            0,
            1,
        )
        assert done["message"] is None
        assert errors_of(done) == [(6, "invalid_nip", None)]
        assert await count(session, Asn, Asn.nip.in_(nips)) == 4
        assert await count(session, AuditEntry, AuditEntry.entity == "asn", AuditEntry.key.in_(nips)) == 4
        assert await job_audit(session, job["id"]) == [
            ("create", "bpsdm"),
            ("finish", "bpsdm"),
            ("retry", "bpsdm"),
            ("finish", "bpsdm"),
        ]
        assert (await stored_job(session, job["id"])).runs == 2

    async def test_an_interrupted_job_shows_as_such_and_resumes(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setitem(runner.CHUNK_ROWS, "learning_records", 2)
        headers = as_(settings, world, "opd_a")
        content = csv_bytes(
            [
                ["nip", "title", "form_code", "start_date", "end_date", "jp"],
                *([world.asn_a.nip, f"Diklat {i}", "8", "2026-02-02", "2026-02-03", "8"] for i in range(5)),
            ]
        )
        job = await run_import(client, "learning-records", content, headers)
        assert (job["created"], job["processed"]) == (5, 5)
        # The worker died after its first chunk: status still running, heartbeat long gone.
        await session.execute(
            update(ImportJob)
            .where(ImportJob.id == job["id"])
            .values(status="running", processed=2, created=2, heartbeat_at=utcnow() - timedelta(minutes=6))
        )
        await session.commit()
        shown = (await client.get(f"/api/v1/imports/{job['id']}", headers=headers)).json()
        assert shown["status"] == "interrupted"
        listed = await client.get("/api/v1/imports", params={"status": "interrupted"}, headers=headers)
        assert [j["id"] for j in listed.json()["items"]] == [job["id"]]
        problem(
            await client.post(f"/api/v1/imports/{job['id']}/retry", headers=as_(settings, world, "auditor")),
            403,
            "forbidden",
        )
        before = await count(session, LearningRecord, LearningRecord.nip == world.asn_a.nip)
        r = await client.post(f"/api/v1/imports/{job['id']}/retry", headers=headers)
        assert r.status_code == 202, r.text
        done = (await client.get(f"/api/v1/imports/{job['id']}", headers=headers)).json()
        # Rows 4 to 6 ran again; the records the first run had written are found, not written twice.
        assert (done["status"], done["processed"], done["created"], done["unchanged"]) == (
            "succeeded",
            5,
            2,
            3,
        )
        assert await count(session, LearningRecord, LearningRecord.nip == world.asn_a.nip) == before

    async def test_only_failed_or_interrupted_jobs_are_retried(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        job = await asn_job(client, settings, world)
        path = f"/api/v1/imports/{job['id']}/retry"
        headers = as_(settings, world, "bpsdm")
        body = problem(await client.post(path, headers=headers), 409, "import_not_retryable")
        assert "succeeded" in body["detail"]
        await session.execute(
            update(ImportJob).where(ImportJob.id == job["id"]).values(status="running", heartbeat_at=utcnow())
        )
        await session.commit()
        problem(await client.post(path, headers=headers), 409, "import_not_retryable")
        assert await job_audit(session, job["id"]) == [("create", "bpsdm"), ("finish", "bpsdm")]

    async def test_a_damaged_workbook_is_refused_at_upload(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        # The whole sheet is measured and parsed before the job is queued, so damage anywhere in it
        # is found while the upload is still open.
        nips = [make_nip(birth=date_of(i)) for i in range(3000)]
        content = truncated_sheet(xlsx_bytes(profiles(world, nips)))
        r = await client.post(
            "/api/v1/imports/asn",
            files={"file": ("rusak.xlsx", content, "application/octet-stream")},
            headers=as_(settings, world, "bpsdm"),
        )
        assert (r.status_code, r.json()["code"]) == (422, "unreadable_file")
        assert "damaged" in r.json()["detail"]
        assert await count(session, Asn, Asn.nip.in_(nips[:10])) == 0


def date_of(i: int) -> date:
    return date(1970, 1, 1) + timedelta(days=i // 990)


def truncated_sheet(content: bytes) -> bytes:
    """The workbook with its sheet's XML cut off after 70 %: the header reads, the end does not."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) * 7 // 10]
            target.writestr(info, data)
    return out.getvalue()


class TestAudit:
    async def test_created_and_finished(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        job = await records_job(client, settings, world, "opd_a")
        assert await job_audit(session, job["id"]) == [("create", "opd.a"), ("finish", "opd.a")]
        rows = await session.execute(
            AuditEntry.__table__.select()
            .where(AuditEntry.entity == "import_job", AuditEntry.key == str(job["id"]))
            .order_by(AuditEntry.id)
        )
        created, finished = rows.all()
        assert created.after["kind"] == "learning_records" and created.after["format"] == "csv"
        assert finished.after["status"] == "succeeded" and finished.after["created"] == 1
