"""POST /api/v1/imports/attendance end to end: upload → job → report, records, idempotency, errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.imports.models import ImportJob
from tests.factories import World
from tests.http import as_, problem
from tests.imports.helpers import count, report_rows, run_import, upload
from tests.imports.test_attendance import (
    BUDI,
    RINA,
    SESSION,
    SITI,
    YOHANES,
    People,
    add_course,
    add_people,
    csv_bytes,
    external_id,
    fixture,
    zoom_row,
)

PATH = "attendance"
REPORT_HEADER = ["Baris", "NIP", "Nama", "Hasil", "Kode", "Kolom", "Keterangan", "Email", "Menit Hadir",
                 "Kehadiran", "JP", "ID Catatan"]  # fmt: skip


@pytest.fixture
async def people(session: AsyncSession, world: World) -> People:
    return await add_people(session, world)


async def records_of(client: httpx.AsyncClient, headers: dict[str, str], nip: str) -> list[dict[str, Any]]:
    r = await client.get(f"/api/v1/asn/{nip}/learning-records", headers=headers)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


class TestUpload:
    async def test_zoom_report_to_job_report_and_records(
        self, client: httpx.AsyncClient, settings: Settings, world: World, people: People
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        job = await run_import(
            client,
            PATH,
            fixture("zoom_participants.csv"),
            headers,
            filename="participants_81234567890.csv",
            data=SESSION,
        )
        assert (job["kind"], job["status"], job["message"]) == ("attendance", "succeeded", None)
        assert (job["total"], job["processed"], job["created"], job["unchanged"], job["failed"]) == (
            8,
            8,
            3,
            0,
            0,
        )
        assert job["summary"] == {"matched": 3, "unmatched": 4, "below_threshold": 1, "needs_review": 0}
        assert job["errors"] == []
        (siti,) = await records_of(client, headers, SITI)
        assert (siti["source"], siti["status"], siti["jp"], siti["external_id"]) == (
            "attendance",
            "verified",
            1.89,
            external_id(SITI),
        )
        rows = await report_rows(client, job["id"], headers, fmt="csv")
        assert rows[0] == REPORT_HEADER
        assert rows[1:] == [
            ["5", "", "BPSDM Kaltim (Host)", "Tidak cocok", "", "",
             "no active ASN in your scope has the email zoom.bpsdm@kaltimprov.go.id; attended 98 minutes; "
             "credited the session's 90", "zoom.bpsdm@kaltimprov.go.id", "90", "1.0", "", ""],
            ["6", SITI, "Siti Rahmawati", "Cocok", "", "", "", "siti.rahmawati@kaltimprov.go.id", "85", "0.9444",
             "1.89", str(siti["id"])],
            ["7", BUDI, f"{BUDI} - Budi Santoso", "Cocok", "", "", "", "budi.s@gmail.com", "88", "0.9778", "1.96",
             rows[3][11]],
            ["8", RINA, "Rina Marlina", "Di bawah ambang", "", "",
             "attended 50 of 90 minutes (55.56%); at least 75% counts", "rina.marlina@kaltimprov.go.id", "50",
             "0.5556", "", ""],
            ["10", YOHANES, "Yohanes Lawing", "Cocok", "", "", "", "yohanes.lawing@kaltimprov.go.id", "90", "1.0",
             "2.0", rows[5][11]],
            ["12", "", "Joko (HP)", "Tidak cocok", "", "", "no active ASN in your scope has the email joko.w@yahoo.com",
             "joko.w@yahoo.com", "80", "0.8889", "", ""],
            ["13", "197905202005011003", "197905202005011003 Dewi Lestari", "Tidak cocok", "", "",
             "no active ASN in your scope has the NIP 197905202005011003 written in the display name", "", "90",
             "1.0", "", ""],
            ["14", "", "Andi", "Tidak cocok", "", "", "neither an email nor an 18-digit NIP in the display name", "",
             "70", "0.7778", "", ""],
        ]  # fmt: skip
        assert rows[3][11].isdigit() and rows[5][11].isdigit()

    async def test_uploading_the_same_report_again_creates_nothing(
        self, client: httpx.AsyncClient, settings: Settings, world: World, people: People
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        first = await run_import(client, PATH, fixture("meet_attendance.csv"), headers, data=SESSION)
        again = await run_import(client, PATH, fixture("meet_attendance.csv"), headers, data=SESSION)
        assert (first["created"], first["unchanged"]) == (3, 0)
        assert (again["status"], again["created"], again["unchanged"]) == ("succeeded", 0, 3)
        assert again["summary"] == first["summary"]
        assert len(await records_of(client, headers, SITI)) == 1

    async def test_teams_utf16_report_by_an_opd_admin(
        self, client: httpx.AsyncClient, settings: Settings, world: World, people: People
    ) -> None:
        headers = as_(settings, world, "opd_a")
        job = await run_import(client, PATH, fixture("teams_attendance.csv"), headers, data=SESSION)
        assert job["status"] == "succeeded"
        assert job["summary"] == {"matched": 2, "unmatched": 5, "below_threshold": 1, "needs_review": 0}
        assert job["created"] == 2
        bpsdm = as_(settings, world, "bpsdm")
        assert await records_of(client, bpsdm, YOHANES) == []  # OPD B's: not this admin's to record

    async def test_course_and_min_share(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        people: People,
        session: AsyncSession,
    ) -> None:
        course = await add_course(session)
        headers = as_(settings, world, "bpsdm")
        data = {"course_id": str(course.id), "min_share": "0.5"}
        job = await run_import(client, PATH, fixture("teams_legacy.csv"), headers, data=data)
        assert job["summary"] == {"matched": 3, "unmatched": 3, "below_threshold": 0, "needs_review": 0}
        (rina,) = await records_of(client, headers, RINA)
        assert (rina["title"], rina["competency_codes"], rina["jp"]) == (course.title, ["M3", "M6"], 1.11)
        assert rina["external_id"] == f"att:c{course.id}-2026-03-10:{RINA}"

    async def test_unreadable_times_are_listed_as_errors(
        self, client: httpx.AsyncClient, settings: Settings, world: World, people: People
    ) -> None:
        content = csv_bytes(
            "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
            + zoom_row("Rina", "rina.marlina@kaltimprov.go.id", "09:00 AM", "10:30 AM")
            + "Siti,siti.rahmawati@kaltimprov.go.id,03/10/2026 09:00 AM,later,90,No\n"
        )
        headers = as_(settings, world, "bpsdm")
        job = await run_import(client, PATH, content, headers, data=SESSION)
        assert (job["status"], job["created"], job["failed"]) == ("succeeded", 1, 1)
        (error,) = job["errors"]
        assert (error["row"], error["outcome"], error["nip"], error["code"], error["field"]) == (
            3,
            "error",
            SITI,
            "invalid_time",
            "Leave Time",
        )


class TestRejectedUploads:
    @pytest.mark.parametrize(
        ("content", "code"),
        [
            (b"NIP,Nama\n198703152010012002,Siti\n", "unknown_layout"),
            (b"Name (Original Name),User Email,Guest\nSiti,s@x.id,No\n", "missing_columns"),
            (b"\x00\x01\x02\x03binary\x00\x00\x00\x00\x00\x00", "unreadable_file"),
        ],
    )
    async def test_bad_file(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        content: bytes,
        code: str,
    ) -> None:
        r = await upload(client, PATH, content, as_(settings, world, "bpsdm"), data=SESSION)
        body = problem(r, 422, code)
        assert "Zoom" in body["detail"] or code == "unreadable_file"
        assert await count(session, ImportJob) == 0

    @pytest.mark.parametrize(
        ("data", "status", "code", "field"),
        [
            ({}, 422, "invalid_option", "title"),
            (SESSION | {"session_minutes": "2000"}, 422, "invalid_option", "session_minutes"),
            (SESSION | {"min_share": "2"}, 422, "invalid_option", "min_share"),
            (SESSION | {"session_date": "2099-12-31"}, 422, "invalid_option", "session_date"),
            # Before the year filters' floor: stored, it would be found by no report.
            (SESSION | {"session_date": "1949-12-31"}, 422, "invalid_option", "session_date"),
            (SESSION | {"form_code": "99"}, 422, "unknown_form_code", "form_code"),
            ({"course_id": "987654"}, 404, "course_not_found", None),
        ],
    )
    async def test_bad_options(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        data: dict[str, str],
        status: int,
        code: str,
        field: str | None,
    ) -> None:
        r = await upload(
            client, PATH, fixture("zoom_participants.csv"), as_(settings, world, "bpsdm"), data=data
        )
        body = problem(r, status, code)
        assert body.get("field") == field
        assert await count(session, ImportJob) == 0

    @pytest.mark.parametrize("who", ["auditor", "asn_a"])
    async def test_who_may_not_upload(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, who: str
    ) -> None:
        r = await upload(
            client, PATH, fixture("zoom_participants.csv"), as_(settings, world, who), data=SESSION
        )
        problem(r, 403, "forbidden")
        assert await count(session, ImportJob) == 0
