"""Assessment-centre result sheets: one job records competency assessments and potential assessments,
row by row, idempotently, within the caller's scope, with a per-row report in the reader's language."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.models import Assessment, AssessmentResult, CompetencyLevel
from app.core.audit import AuditEntry
from app.core.config import Settings
from app.core.types import latest_indonesian_date
from app.imports import assessment_results, runner
from app.talent.models import PotentialAssessment
from tests.factories import World
from tests.http import as_, problem
from tests.imports.helpers import (
    count,
    csv_bytes,
    errors_of,
    job_audit,
    report_rows,
    run_import,
    upload,
    xlsx_bytes,
)

PATH = "assessment-results"
HEADER = [
    "nip",
    "assessed_on",
    "method",
    "assessor",
    "M1",
    "M4",
    "SK1",
    "potential_score",
    "potential_category",
]
ASSESSOR = "UPT Penilaian Kompetensi BKD Provinsi Kalimantan Timur"
EN = {"Accept-Language": "en"}
ID = {"Accept-Language": "id"}


def result(nip: str, **fields: Any) -> list[Any]:
    values = {
        "on": "2025-08-14",
        "method": "assessment_center",
        "assessor": ASSESSOR,
        "M1": "3",
        "M4": "2",
        "SK1": "4",
        "score": "78,25",
        "category": "",
    } | fields
    return [
        nip,
        values["on"],
        values["method"],
        values["assessor"],
        values["M1"],
        values["M4"],
        values["SK1"],
        values["score"],
        values["category"],
    ]


async def assessments_of(session: AsyncSession, nip: str) -> list[tuple[Any, ...]]:
    rows = await session.execute(
        select(Assessment)
        .where(Assessment.nip == nip)
        .order_by(Assessment.id)
        .execution_options(populate_existing=True)
    )
    out = []
    for a in rows.scalars():
        levels = await session.execute(
            select(AssessmentResult.competency_code, AssessmentResult.level).where(
                AssessmentResult.assessment_id == a.id
            )
        )
        out.append((a.assessed_on, a.method, a.assessor, dict(sorted((c, int(v)) for c, v in levels))))
    return out


async def potentials_of(session: AsyncSession, nip: str) -> list[tuple[Any, ...]]:
    rows = await session.execute(
        select(PotentialAssessment)
        .where(PotentialAssessment.nip == nip)
        .order_by(PotentialAssessment.id)
        .execution_options(populate_existing=True)
    )
    return [(p.assessed_on, p.method, p.assessor, p.score, p.category) for p in rows.scalars()]


async def levels_of(session: AsyncSession, nip: str) -> dict[str, int]:
    rows = await session.execute(
        select(CompetencyLevel.competency_code, CompetencyLevel.level)
        .where(CompetencyLevel.nip == nip)
        .execution_options(populate_existing=True)
    )
    return {code: int(level) for code, level in rows}


class TestValidSheet:
    async def test_each_row_records_a_competency_and_a_potential_assessment(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        a, a1, b = world.asn_a.nip, world.asn_a1.nip, world.asn_b.nip
        rows = [
            HEADER,
            result(a, category="Tinggi"),
            result(a1, on="01/09/2025", method="Atasan", assessor="", M4="", score=""),  # levels only
            result(b, method="tes potensi", M1="", M4="", SK1="", score="64.5"),  # potential only
        ]
        job = await run_import(client, PATH, csv_bytes(rows, delimiter=";"), as_(settings, world, "bpsdm"))
        assert job["status"] == "succeeded" and job["kind"] == "assessment_results"
        assert (job["total"], job["created"], job["updated"], job["unchanged"], job["failed"]) == (
            3,
            3,
            0,
            0,
            0,
        )
        assert job["errors"] == [] and "ignored_columns" not in job["summary"]

        assert await assessments_of(session, a) == [
            (date(2025, 8, 14), "assessment_center", ASSESSOR, {"M1": 3, "M4": 2, "SK1": 4})
        ]
        assert await potentials_of(session, a) == [
            (date(2025, 8, 14), "assessment_center", ASSESSOR, Decimal("78.25"), "tinggi")
        ]
        assert await levels_of(session, a) == {"M1": 3, "M4": 2, "SK1": 4}
        assert await assessments_of(session, a1) == [(date(2025, 9, 1), "atasan", None, {"M1": 3, "SK1": 4})]
        assert await potentials_of(session, a1) == []
        assert await assessments_of(session, b) == []
        assert await potentials_of(session, b) == [
            (date(2025, 8, 14), "tes_potensi", ASSESSOR, Decimal("64.50"), None)
        ]

        # Each record is audited as if entered by hand, and the job itself as every import is.
        audited = await session.execute(
            select(AuditEntry.entity, AuditEntry.action, AuditEntry.actor).where(
                AuditEntry.entity.in_(["assessment", "potential_assessment"])
            )
        )
        assert sorted(audited.all()) == [
            ("assessment", "create", "bpsdm"),
            ("assessment", "create", "bpsdm"),
            ("potential_assessment", "create", "bpsdm"),
            ("potential_assessment", "create", "bpsdm"),
        ]
        assert await job_audit(session, job["id"]) == [("create", "bpsdm"), ("finish", "bpsdm")]

        listed = await client.get(
            f"/api/v1/asn/{a}/potential-assessments", headers=as_(settings, world, "bpsdm")
        )
        assert listed.status_code == 200 and listed.json()["items"][0]["score"] == 78.25

    async def test_indonesian_headers_and_a_workbook(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        a = world.asn_a.nip
        rows: list[list[Any]] = [
            [
                "No",
                "NIP",
                "Nama",
                "Jabatan",
                "Tanggal Asesmen",
                "Metode",
                "Asesor",
                "Level M1",
                "sk1",
                "Skor Potensi",
                "Kategori Potensi",
            ],
            [
                1,
                a,
                world.asn_a.name,
                "Analis",
                datetime(2025, 7, 1),
                "Assessment Center",
                "UPT PK",
                4,
                3,
                81.5,
                "menengah",
            ],
        ]
        job = await run_import(
            client, PATH, xlsx_bytes(rows), as_(settings, world, "bpsdm"), filename="ac.xlsx"
        )
        assert (job["status"], job["created"], job["failed"]) == ("succeeded", 1, 0), job
        assert job["summary"]["ignored_columns"] == ["No", "Jabatan"]
        assert await assessments_of(session, a) == [
            (date(2025, 7, 1), "assessment_center", "UPT PK", {"M1": 4, "SK1": 3})
        ]
        assert await potentials_of(session, a) == [
            (date(2025, 7, 1), "assessment_center", "UPT PK", Decimal("81.50"), "menengah")
        ]


class TestBadRows:
    async def test_each_bad_row_is_rejected_with_its_line_and_the_others_applied(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        a, a1 = world.asn_a.nip, world.asn_a1.nip
        tomorrow = (latest_indonesian_date() + timedelta(days=1)).isoformat()
        header = [*HEADER, "M9"]
        rows = [
            header,
            [*result(a), ""],  # 2: fine
            [*result("199901012020011001"), ""],  # 3: no such ASN
            [*result(a1, M1="6"), ""],  # 4: level 6
            [*result(a1, on="2025-08-15"), "3"],  # 5: a level of a competency the dictionary lacks
            [*result(a1, on=tomorrow), ""],  # 6: in the future
            [*result(a1, on="2025-08-16", score="101"), ""],  # 7: score above 100
            [*result(a1, on="2025-08-17", method="wawancara"), ""],  # 8: no such method
            [*result(a1, on="2025-08-18", method="tes_potensi"), ""],  # 9: levels from a tes potensi
            [*result(a1, on="2025-08-19", M1="", M4="", SK1="", score=""), ""],  # 10: nothing to record
            [*result(a1, on="2025-08-20", score="", category="tinggi"), ""],  # 11: a category without score
            [*result(a), ""],  # 12: row 2 again
            [*result(a1, on=""), ""],  # 13: no date
            [*result(a1, on="1989-12-31"), ""],  # 14: before 1990
            [*result(a1, on="2025-08-21", category="sedang"), ""],  # 15: no such category
        ]
        job = await run_import(client, PATH, csv_bytes(rows), {**as_(settings, world, "bpsdm"), **EN})
        assert job["status"] == "succeeded"
        assert (job["total"], job["created"], job["unchanged"], job["failed"]) == (14, 1, 0, 13)
        assert errors_of(job) == [
            (3, "asn_not_found", None),
            (4, "validation_error", "M1"),
            (5, "unknown_competency", "M9"),
            (6, "invalid_assessment_date", "assessed_on"),
            (7, "validation_error", "potential_score"),
            (8, "validation_error", "method"),
            (9, "validation_error", "method"),
            (10, "validation_error", None),
            (11, "validation_error", "potential_category"),
            (12, "duplicate_in_file", None),
            (13, "validation_error", "assessed_on"),
            (14, "invalid_assessment_date", "assessed_on"),
            (15, "validation_error", "potential_category"),
        ]
        detail = {e["row"]: e["detail"] for e in job["errors"]}
        assert detail[3] == "No ASN with NIP 199901012020011001 in your scope"
        assert detail[4] == "M1 (Integritas): expected a level from 1 to 5, not 6"
        assert detail[5] == "No competency M9 in the dictionary (column M9); see /api/v1/competencies"
        assert (
            detail[6] == f"assessed_on {tomorrow} is in the future; record an assessment once it took place"
        )
        assert detail[7] == (
            "potential_score (Skor Potensi): expected a score from 0 to 100 with at most 2 decimals, not 101"
        )
        assert detail[8] == (
            "method (Metode): expected assessment_center, tes_potensi or atasan, not 'wawancara'"
        )
        assert detail[9] == (
            "method tes_potensi rates potential only; give competency levels with assessment_center or atasan"
        )
        assert detail[12] == (
            f"Row 2 of this file already gives the assessment_center assessment of 2025-08-14 for NIP {a}; "
            "give it once"
        )
        assert detail[13] == "assessed_on (Tanggal Asesmen): required"
        names = {e["row"]: e["name"] for e in job["errors"]}
        assert names[4] == world.asn_a1.name and names[3] is None
        assert len(await assessments_of(session, a)) == 1 and len(await potentials_of(session, a)) == 1
        assert await assessments_of(session, a1) == [] and await potentials_of(session, a1) == []

    async def test_a_sheet_without_the_columns_is_refused_at_upload(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        a = world.asn_a.nip
        no_method = csv_bytes([["nip", "assessed_on", "M1"], [a, "2025-08-14", "3"]])
        body = problem(await upload(client, PATH, no_method, headers), 422, "missing_columns")
        assert body["columns"] == ["method"]
        nothing = csv_bytes([["nip", "assessed_on", "method", "Nama"], [a, "2025-08-14", "atasan", "x"]])
        body = problem(await upload(client, PATH, nothing, headers), 422, "missing_columns")
        assert "/api/v1/imports/templates/assessment-results" in body["detail"]
        twice = csv_bytes(
            [["nip", "assessed_on", "method", "M1", "Level M1"], [a, "2025-08-14", "atasan", 3, 3]]
        )
        problem(await upload(client, PATH, twice, headers), 422, "duplicate_columns")
        assert await count(session, Assessment, Assessment.nip == a) == 0

    async def test_the_upload_route_takes_no_get(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(f"/api/v1/imports/{PATH}", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 405


class TestIdempotent:
    async def test_uploading_the_same_sheet_again_creates_nothing(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        a, a1, b = world.asn_a.nip, world.asn_a1.nip, world.asn_b.nip
        content = csv_bytes(
            [
                HEADER,
                result(a, category="menengah"),
                result(a1, score=""),
                result(b, method="tes_potensi", M1="", M4="", SK1=""),
                result(a, M1="7"),  # rejected both times
            ]
        )
        first = await run_import(client, PATH, content, headers)
        assert (first["created"], first["unchanged"], first["failed"]) == (3, 0, 1)
        before = (
            await count(session, Assessment),
            await count(session, AssessmentResult),
            await count(session, PotentialAssessment),
            await count(session, AuditEntry, AuditEntry.entity.in_(["assessment", "potential_assessment"])),
        )
        again = await run_import(client, PATH, content, headers)
        assert (again["created"], again["unchanged"], again["failed"]) == (0, 3, 1)
        assert errors_of(again) == errors_of(first) == [(5, "validation_error", "M1")]
        after = (
            await count(session, Assessment),
            await count(session, AssessmentResult),
            await count(session, PotentialAssessment),
            await count(session, AuditEntry, AuditEntry.entity.in_(["assessment", "potential_assessment"])),
        )
        assert after == before == (2, 6, 2, 4)

        # A corrected value is a new assessment, which becomes the current level; the unchanged
        # potential score is not recorded twice.
        fixed = await run_import(
            client, PATH, csv_bytes([HEADER, result(a, M1="4", category="menengah")]), headers
        )
        assert (fixed["created"], fixed["unchanged"]) == (1, 0)
        assert len(await assessments_of(session, a)) == 2 and len(await potentials_of(session, a)) == 1
        assert (await levels_of(session, a))["M1"] == 4

    async def test_a_record_entered_by_hand_is_not_imported_again(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        a = world.asn_a.nip
        r = await client.post(
            f"/api/v1/asn/{a}/potential-assessments",
            json={"assessed_on": "2025-08-14", "method": "tes_potensi", "score": 70},
            headers=headers,
        )
        assert r.status_code == 201, r.text
        header = ["nip", "assessed_on", "method", "potential_score"]
        job = await run_import(
            client, PATH, csv_bytes([header, [a, "14/08/2025", "tes_potensi", "70,00"]]), headers
        )
        assert (job["created"], job["unchanged"]) == (0, 1)
        assert len(await potentials_of(session, a)) == 1


class TestChunks:
    async def test_a_crash_mid_file_resumes_and_a_repeat_in_a_later_chunk_is_still_caught(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setitem(runner.CHUNK_ROWS, "assessment_results", 2)
        real = assessment_results.apply
        calls = 0

        async def crash_on_second_chunk(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == 2:
                await real(*args, **kwargs)  # rolled back with the chunk
                raise RuntimeError("worker lost")
            return await real(*args, **kwargs)

        monkeypatch.setattr(assessment_results, "apply", crash_on_second_chunk)
        a, a1, b = world.asn_a.nip, world.asn_a1.nip, world.asn_b.nip
        rows = [HEADER, result(a), result(a1), result(b), result(a, on="2025-08-15"), result(a1)]
        headers = as_(settings, world, "bpsdm")
        job = await run_import(client, PATH, csv_bytes(rows), headers)
        assert (job["status"], job["processed"], job["created"]) == ("failed", 2, 2)
        assert await potentials_of(session, b) == []

        monkeypatch.setattr(assessment_results, "apply", real)
        r = await client.post(f"/api/v1/imports/{job['id']}/retry", headers=headers)
        assert r.status_code == 202, r.text
        done = (await client.get(r.headers["location"], headers=headers)).json()
        assert (done["status"], done["processed"], done["created"], done["unchanged"], done["failed"]) == (
            "succeeded",
            5,
            4,
            0,
            1,
        )
        assert errors_of(done) == [(6, "duplicate_in_file", None)]
        assert len(await assessments_of(session, a)) == 2 and len(await potentials_of(session, b)) == 1


class TestScope:
    async def test_an_opd_admin_imports_only_its_subtree(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        rows = [HEADER, result(world.asn_a.nip), result(world.asn_a1.nip), result(world.asn_b.nip)]
        job = await run_import(client, PATH, csv_bytes(rows), as_(settings, world, "opd_a"))
        assert (job["created"], job["failed"]) == (2, 1)
        assert errors_of(job) == [(4, "asn_not_found", None)]
        assert await potentials_of(session, world.asn_b.nip) == []
        sub = await run_import(client, PATH, csv_bytes(rows), as_(settings, world, "opd_a1"))
        assert (sub["created"], sub["unchanged"], sub["failed"]) == (0, 1, 2)

    async def test_who_may_upload(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        content = csv_bytes([HEADER, result(world.asn_a.nip)])
        for who in ("asn_a", "auditor", "client:learning:write asn:write", "client:talent:read"):
            problem(await upload(client, PATH, content, as_(settings, world, who)), 403, "forbidden")
        writer = as_(settings, world, "client:talent:write")
        job = await run_import(client, PATH, content, writer)
        assert (job["created"], job["created_by"]) == (1, "client:bk_test")
        mine = await client.get("/api/v1/imports", headers=writer)
        assert mine.status_code == 200 and [j["id"] for j in mine.json()["items"]] == [job["id"]]
        assert await count(session, Assessment, Assessment.created_by == "client:bk_test") == 1


class TestReport:
    async def test_the_report_in_both_languages(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        auth = as_(settings, world, "bpsdm")
        rows = [
            HEADER,
            result(world.asn_a.nip, SK1="0"),
            result(world.asn_a1.nip, score="100,5"),
            result("199901012020011001"),
        ]
        job = await run_import(client, PATH, csv_bytes(rows), {**auth, **EN})
        english = {
            2: "SK1 (Perekat Bangsa): expected a level from 1 to 5, not 0",
            3: "potential_score (Skor Potensi): expected a score from 0 to 100 with at most 2 decimals, not 100,5",
            4: "No ASN with NIP 199901012020011001 in your scope",
        }
        indonesian = {
            2: "SK1 (Perekat Bangsa): harus berupa level 1 sampai 5, bukan 0",
            3: "potential_score (Skor Potensi): harus berupa skor 0 sampai 100 dengan paling banyak 2 desimal, "
            "bukan 100,5",
            4: "Tidak ada ASN dengan NIP 199901012020011001 dalam cakupan Anda",
        }
        assert {e["row"]: e["detail"] for e in job["errors"]} == english
        got = await client.get(f"/api/v1/imports/{job['id']}", headers={**auth, **ID})
        assert {e["row"]: e["detail"] for e in got.json()["errors"]} == indonesian
        sheet = await report_rows(client, job["id"], {**auth, **ID})
        assert sheet[0] == ["Baris", "NIP", "Nama", "Hasil", "Kode", "Kolom", "Keterangan"]
        assert [(r[0], r[3], r[4], r[5], r[6]) for r in sheet[1:]] == [
            (2, "Gagal", "validation_error", "SK1", indonesian[2]),
            (3, "Gagal", "validation_error", "potential_score", indonesian[3]),
            (4, "Gagal", "asn_not_found", None, indonesian[4]),
        ]
        text = await report_rows(client, job["id"], {**auth, **EN}, fmt="csv")
        assert [r[6] for r in text[1:]] == [english[2], english[3], english[4]]


class TestTemplate:
    async def test_the_template_lists_the_dictionary_and_its_example_imports(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        auth = as_(settings, world, "bpsdm")
        r = await client.get(f"/api/v1/imports/templates/{PATH}", headers=auth)
        assert r.status_code == 200
        assert (
            r.headers["content-disposition"] == 'attachment; filename="templat-impor-assessment-results.xlsx"'
        )
        book = load_workbook(io.BytesIO(r.content))
        data, guide = book["Data"], book["Petunjuk"]
        header = [c.value for c in data[1]]
        assert header[:7] == [
            "NIP",
            "Nama",
            "Tanggal Asesmen",
            "Metode",
            "Asesor",
            "Skor Potensi",
            "Kategori Potensi",
        ]
        assert header[7:] == ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "SK1"]
        codes = [row[1].value for row in guide.iter_rows(min_row=2)]
        assert {"assessment_center", "tes_potensi", "atasan", "rendah", "menengah", "tinggi"} <= set(codes)

        # The example is for the ASN template's example person: once that person exists, it imports.
        csv_template = await client.get(
            f"/api/v1/imports/templates/{PATH}", params={"format": "csv"}, headers=auth
        )
        asn_template = await client.get(
            "/api/v1/imports/templates/asn", params={"format": "csv"}, headers=auth
        )
        assert (await run_import(client, "asn", asn_template.content, auth))["created"] == 1
        job = await run_import(client, PATH, csv_template.content, auth)
        assert (job["created"], job["failed"]) == (1, 0), job
        nip = "198503142009042001"
        assert await assessments_of(session, nip) == [
            (
                date(2025, 8, 14),
                "assessment_center",
                ASSESSOR,
                {"M1": 3, "M2": 3, "M3": 3, "M4": 3, "M5": 3, "M6": 3, "M7": 3, "M8": 3, "SK1": 3},
            )
        ]
        assert await potentials_of(session, nip) == [
            (date(2025, 8, 14), "assessment_center", ASSESSOR, Decimal("78.25"), "menengah")
        ]
