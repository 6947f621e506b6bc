"""SKP result sheets: one job records or replaces each ASN's yearly SKP result, in batches, idempotently,
within the caller's scope, with a per-row report in the reader's language; the 9-box follows."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.config import Settings
from app.core.types import latest_indonesian_date
from app.imports import performance, runner
from app.rules.defaults import DEFAULT_TALENT_RULES
from app.talent.box import placements
from app.talent.box.models import TalentPlacement
from app.talent.ip import scores as ip_scores
from app.talent.models import Performance
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
from tests.talent.helpers import performance_url, put_performance
from tests.talent.ninebox_world import give_inputs, with_standard

PATH = "performance"
HEADER = ["nip", "year", "predikat", "score"]
EN = {"Accept-Language": "en"}
ID = {"Accept-Language": "id"}
UNKNOWN = "199901012020011001"
BOXES = {(b["kinerja"], b["potensial"]): b["box"] for b in DEFAULT_TALENT_RULES["boxes"]}


async def stored(session: AsyncSession, nip: str) -> dict[int, tuple[Any, ...]]:
    """Year → (predikat, score, source, updated_by, version) of the ASN's SKP results."""
    rows = await session.execute(
        select(Performance).where(Performance.nip == nip).execution_options(populate_existing=True)
    )
    return {p.year: (p.predikat, p.score, p.source, p.updated_by, p.version) for p in rows.scalars()}


async def audited(session: AsyncSession) -> list[tuple[str, str, str]]:
    rows = await session.execute(
        select(AuditEntry.key, AuditEntry.action, AuditEntry.actor)
        .where(AuditEntry.entity == "performance")
        .order_by(AuditEntry.id)
    )
    return [(k, a, b) for k, a, b in rows]


async def placement(session: AsyncSession, nip: str, year: int = 2025) -> tuple[Any, ...] | None:
    row = (
        await session.execute(
            select(TalentPlacement)
            .where(TalentPlacement.nip == nip, TalentPlacement.year == year)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    return None if row is None else (row.predikat, row.kinerja, row.potensial, row.box)


class TestValidSheet:
    async def test_codes_and_indonesian_words_any_case(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        a, a1, b = world.asn_a.nip, world.asn_a1.nip, world.asn_b.nip
        rows: list[list[Any]] = [
            HEADER,
            [a, "2025", "sangat_baik", "93"],
            [a, "2024", "Sangat Baik", "90,5"],
            [a1, "2025", "BUTUH PERBAIKAN", ""],
            [a1, "2024", "butuh-perbaikan", "61.25"],
            [b, "2025", "Kurang", "55"],
            [b, "2024", "sangat kurang", ""],
            [b, "2023", "Baik", "80"],
        ]
        job = await run_import(client, PATH, csv_bytes(rows, delimiter=";"), as_(settings, world, "bpsdm"))
        assert job["status"] == "succeeded" and job["kind"] == "performance"
        assert (job["total"], job["created"], job["updated"], job["unchanged"], job["failed"]) == (
            7,
            7,
            0,
            0,
            0,
        )
        assert job["errors"] == [] and "ignored_columns" not in job["summary"]
        assert await stored(session, a) == {
            2025: ("sangat_baik", Decimal("93.00"), "import", "bpsdm", 1),
            2024: ("sangat_baik", Decimal("90.50"), "import", "bpsdm", 1),
        }
        assert await stored(session, a1) == {
            2025: ("butuh_perbaikan", None, "import", "bpsdm", 1),
            2024: ("butuh_perbaikan", Decimal("61.25"), "import", "bpsdm", 1),
        }
        assert {y: p[0] for y, p in (await stored(session, b)).items()} == {
            2025: "kurang",
            2024: "sangat_kurang",
            2023: "baik",
        }
        # Each result is audited as if entered by hand, and the job itself as every import is.
        assert sorted(await audited(session)) == sorted(
            (f"{nip}/{year}", "create", "bpsdm")
            for nip, year in [(a, 2025), (a, 2024), (a1, 2025), (a1, 2024), (b, 2025), (b, 2024), (b, 2023)]
        )
        assert await job_audit(session, job["id"]) == [("create", "bpsdm"), ("finish", "bpsdm")]
        got = await client.get(performance_url(a, 2024), headers=as_(settings, world, "bpsdm"))
        assert got.status_code == 200 and got.json()["predikat"] == "sangat_baik"
        assert got.json()["source"] == "import" and got.json()["score"] == 90.5

    async def test_indonesian_headers_in_a_workbook(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        a, a1 = world.asn_a.nip, world.asn_a1.nip
        rows: list[list[Any]] = [
            ["No", "NIP", "Nama", "Jabatan", "Tahun", "Predikat", "Nilai SKP"],
            [1, a, world.asn_a.name, "Analis", 2025, "Baik", 84.5],
            [2, a1, world.asn_a1.name, "Pengawas", 2024.0, "SANGAT BAIK", None],
        ]
        job = await run_import(
            client, PATH, xlsx_bytes(rows), as_(settings, world, "opd_a"), filename="skp.xlsx"
        )
        assert (job["status"], job["created"], job["failed"]) == ("succeeded", 2, 0), job
        assert job["summary"]["ignored_columns"] == ["No", "Jabatan"]
        assert await stored(session, a) == {2025: ("baik", Decimal("84.50"), "import", "opd.a", 1)}
        assert await stored(session, a1) == {2024: ("sangat_baik", None, "import", "opd.a", 1)}


class TestBadRows:
    async def test_each_bad_row_is_rejected_with_its_line_and_the_others_applied(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        a, a1 = world.asn_a.nip, world.asn_a1.nip
        next_year = latest_indonesian_date().year + 1
        this_year = latest_indonesian_date().year
        rows = [
            [*HEADER, "Nama"],
            [a, "2025", "baik", "80", ""],  # 2: fine
            [UNKNOWN, "2025", "baik", "80", "Orang Lain"],  # 3: no such ASN
            [a1, str(next_year), "baik", "80", ""],  # 4: a year that has not begun
            [a1, "2025", "cukup", "80", ""],  # 5: no such predikat
            [a1, "2025", "baik", "101", ""],  # 6: score above 100
            [a1, "2025", "baik", "80,125", ""],  # 7: three decimals
            [a1, "2025", "baik", "delapan puluh", ""],  # 8: not a number
            [a1, "dua ribu", "baik", "80", ""],  # 9: not a year
            [a1, "1949", "baik", "80", ""],  # 10: before 1950
            [a1, "2025", "", "80", ""],  # 11: no predikat
            [a1, "", "baik", "80", ""],  # 12: no year
            [a, "2025", "sangat_baik", "95", ""],  # 13: row 2 again
            [a1, str(this_year), "baik", "", ""],  # 14: fine: the current year has begun
        ]
        job = await run_import(client, PATH, csv_bytes(rows), {**as_(settings, world, "bpsdm"), **EN})
        assert job["status"] == "succeeded"
        assert (job["total"], job["created"], job["unchanged"], job["failed"]) == (13, 2, 0, 11)
        assert errors_of(job) == [
            (3, "asn_not_found", None),
            (4, "invalid_performance_year", "year"),
            (5, "validation_error", "predikat"),
            (6, "validation_error", "score"),
            (7, "validation_error", "score"),
            (8, "validation_error", "score"),
            (9, "validation_error", "year"),
            (10, "validation_error", "year"),
            (11, "validation_error", "predikat"),
            (12, "validation_error", "year"),
            (13, "duplicate_in_file", None),
        ]
        detail = {e["row"]: e["detail"] for e in job["errors"]}
        assert detail[3] == f"No ASN with NIP {UNKNOWN} in your scope"
        assert detail[4] == (
            f"{next_year} has not begun; record an SKP result for {this_year} or an earlier year"
        )
        assert detail[5] == (
            "predikat (Predikat): expected Sangat Baik, Baik, Butuh Perbaikan, Kurang or Sangat Kurang "
            "(or sangat_baik … sangat_kurang), not 'cukup'"
        )
        assert detail[6] == (
            "score (Nilai SKP): expected a score from 0 to 100 with at most 2 decimals, not 101"
        )
        assert detail[9] == "year (Tahun): expected a year such as 2025, not 'dua ribu'"
        assert detail[10] == "year (Tahun): expected a year from 1950 to 2100, not 1949"
        assert detail[11] == "predikat (Predikat): required"
        assert (
            detail[13] == f"Row 2 of this file already gives the SKP result of 2025 for NIP {a}; give it once"
        )
        names = {e["row"]: e["name"] for e in job["errors"]}
        assert names[3] == "Orang Lain" and names[4] == world.asn_a1.name
        assert await stored(session, a) == {2025: ("baik", Decimal("80.00"), "import", "bpsdm", 1)}
        assert await stored(session, a1) == {this_year: ("baik", None, "import", "bpsdm", 1)}

    async def test_a_sheet_without_the_columns_is_refused_at_upload(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        a = world.asn_a.nip
        body = problem(
            await upload(client, PATH, csv_bytes([["NIP", "Tahun", "Nilai SKP"], [a, 2025, 80]]), headers),
            422,
            "missing_columns",
        )
        assert body["columns"] == ["predikat"]
        assert "/api/v1/imports/templates/performance" in body["detail"]
        twice = csv_bytes([["nip", "year", "predikat", "Predikat Kinerja"], [a, 2025, "baik", "baik"]])
        problem(await upload(client, PATH, twice, headers), 422, "duplicate_columns")
        problem(await upload(client, PATH, csv_bytes([HEADER]), headers), 422, "empty_file")
        assert await count(session, Performance) == 0

    async def test_the_upload_route_takes_no_get(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(f"/api/v1/imports/{PATH}", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 405


class TestIdempotent:
    async def test_uploading_the_same_sheet_again_changes_nothing(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        a, a1, b = world.asn_a.nip, world.asn_a1.nip, world.asn_b.nip
        content = csv_bytes(
            [
                HEADER,
                [a, 2025, "Baik", "84,5"],
                [a1, 2025, "sangat_baik", ""],
                [b, 2024, "Kurang", "59"],
                [a, 2024, "luar biasa", ""],  # rejected both times
            ]
        )
        first = await run_import(client, PATH, content, headers)
        assert (first["created"], first["updated"], first["unchanged"], first["failed"]) == (3, 0, 0, 1)
        before = (await stored(session, a), await stored(session, a1), await audited(session))
        again = await run_import(client, PATH, content, headers)
        assert (again["created"], again["updated"], again["unchanged"], again["failed"]) == (0, 0, 3, 1)
        assert errors_of(again) == errors_of(first) == [(5, "validation_error", "predikat")]
        assert (await stored(session, a), await stored(session, a1), await audited(session)) == before
        assert len(before[2]) == 3

    async def test_a_changed_value_replaces_the_years_result_as_put_does(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        a, a1 = world.asn_a.nip, world.asn_a1.nip
        r = await put_performance(client, headers, a, 2025, predikat="baik", score=80)
        assert r.status_code == 201 and r.headers["etag"] == '"1"'
        await put_performance(client, headers, a1, 2025, predikat="kurang", score=55)
        job = await run_import(
            client,
            PATH,
            csv_bytes(
                [
                    HEADER,
                    [a, 2025, "Baik", "80,00"],  # what PUT stored: unchanged
                    [a1, 2025, "Butuh Perbaikan", ""],  # replaced, its score too
                ]
            ),
            headers,
        )
        assert (job["created"], job["updated"], job["unchanged"], job["failed"]) == (0, 1, 1, 0)
        assert await stored(session, a) == {2025: ("baik", Decimal("80.00"), "manual", "bpsdm", 1)}
        assert await stored(session, a1) == {2025: ("butuh_perbaikan", None, "import", "bpsdm", 2)}
        update = (
            (
                await session.execute(
                    select(AuditEntry)
                    .where(AuditEntry.entity == "performance", AuditEntry.key == f"{a1}/2025")
                    .order_by(AuditEntry.id)
                )
            )
            .scalars()
            .all()
        )
        assert [e.action for e in update] == ["create", "update"]
        assert update[1].before == {"predikat": "kurang", "score": "55.00", "source": "manual"}
        assert update[1].after == {"predikat": "butuh_perbaikan", "score": None, "source": "import"}
        # The replaced result carries its new version, so an editor's stale If-Match fails.
        got = await client.get(performance_url(a1, 2025), headers=headers)
        assert got.headers["etag"] == '"2"'
        stale = await client.put(
            performance_url(a1, 2025), json={"predikat": "baik"}, headers={**headers, "If-Match": '"1"'}
        )
        assert stale.status_code == 412

    async def test_in_the_change_feed(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        reader = as_(settings, world, "client:talent:read")
        feed = await client.get("/api/v1/sync/changes", params={"limit": 1000}, headers=reader)
        start = feed.json()["next_cursor"]
        a, b = world.asn_a.nip, world.asn_b.nip
        content = csv_bytes([HEADER, [a, 2025, "baik"], [b, 2025, "kurang"]])
        await run_import(client, PATH, content, as_(settings, world, "bpsdm"))
        await run_import(client, PATH, content, as_(settings, world, "bpsdm"))  # unchanged: not noted
        r = await client.get("/api/v1/sync/changes", params={"since": start}, headers=reader)
        assert [(i["entity"], i["key"]) for i in r.json()["items"]] == [
            ("performance", f"{a}/2025"),
            ("performance", f"{b}/2025"),
        ]


class TestChunks:
    async def test_a_crash_mid_file_resumes_and_a_repeat_in_a_later_chunk_is_still_caught(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setitem(runner.CHUNK_ROWS, "performance", 2)
        real = performance.apply
        calls = 0

        async def crash_on_second_chunk(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == 2:
                await real(*args, **kwargs)  # rolled back with the chunk
                raise RuntimeError("worker lost")
            return await real(*args, **kwargs)

        monkeypatch.setattr(performance, "apply", crash_on_second_chunk)
        a, a1, b = world.asn_a.nip, world.asn_a1.nip, world.asn_b.nip
        rows: list[list[Any]] = [
            HEADER,
            [a, 2025, "baik"],
            [a1, 2025, "baik"],
            [b, 2025, "baik"],
            [a, 2024, "baik"],
            [a1, 2025, "kurang"],
        ]
        headers = as_(settings, world, "bpsdm")
        job = await run_import(client, PATH, csv_bytes(rows), headers)
        assert (job["status"], job["processed"], job["created"]) == ("failed", 2, 2)
        assert await stored(session, b) == {}

        monkeypatch.setattr(performance, "apply", real)
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
        assert (await stored(session, a1))[2025][0] == "baik"

    async def test_the_9_box_and_ip_asn_follow_once_per_chunk_and_year(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        refreshed: list[tuple[list[str], Any]] = []
        followed: list[tuple[list[str], int]] = []
        real_refresh, real_follow = placements.refresh, ip_scores.follow_records

        async def refresh(session: Any, who: Any, years: Any = None) -> None:
            refreshed.append((sorted(who), years))
            await real_refresh(session, who, years)

        async def follow(session: Any, nips: Any, year: int, *, onwards: bool) -> None:
            followed.append((sorted(nips), year))
            await real_follow(session, nips, year, onwards=onwards)

        monkeypatch.setattr(placements, "refresh", refresh)
        monkeypatch.setattr(ip_scores, "follow_records", follow)
        a, a1, b = world.asn_a.nip, world.asn_a1.nip, world.asn_b.nip
        rows: list[list[Any]] = [
            HEADER,
            [a, 2025, "baik"],
            [a1, 2025, "baik"],
            [b, 2025, "kurang"],
            [a, 2024, "baik"],
        ]
        job = await run_import(client, PATH, csv_bytes(rows), as_(settings, world, "bpsdm"))
        assert job["created"] == 4
        assert refreshed == [([a], [2024]), (sorted([a, a1, b]), [2025])]  # one chunk: once per year
        assert sorted(followed) == sorted([([a], 2024), (sorted([a, a1, b]), 2025)])

        # Again: nothing changed, nothing recomputed.
        refreshed.clear()
        followed.clear()
        again = await run_import(client, PATH, csv_bytes(rows), as_(settings, world, "bpsdm"))
        assert again["unchanged"] == 4 and refreshed == [] and followed == []


class TestNineBox:
    async def test_the_placement_follows_the_imported_result(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await with_standard(session, world)
        nip = world.asn_a.nip
        await give_inputs(client, settings, world, nip, levels={"M1": 4, "M2": 4}, potential="90")
        assert await placement(session, nip) is None  # no SKP result of 2025 yet
        headers = as_(settings, world, "bpsdm")
        first = await run_import(client, PATH, csv_bytes([HEADER, [nip, 2025, "Sangat Baik", 95]]), headers)
        assert first["created"] == 1
        assert await placement(session, nip) == (
            "sangat_baik",
            "di_atas",
            "tinggi",
            BOXES[("di_atas", "tinggi")],
        )
        second = await run_import(client, PATH, csv_bytes([HEADER, [nip, 2025, "Kurang", 50]]), headers)
        assert second["updated"] == 1
        assert await placement(session, nip) == (
            "kurang",
            "di_bawah",
            "tinggi",
            BOXES[("di_bawah", "tinggi")],
        )
        talent = await client.get(f"/api/v1/asn/{nip}/talent?year=2025", headers=headers)
        assert talent.status_code == 200 and talent.json()["box"] == BOXES[("di_bawah", "tinggi")]
        box = await client.get(
            f"/api/v1/reports/talent-map/box/{BOXES[('di_bawah', 'tinggi')]}",
            params={"year": 2025},
            headers=headers,
        )
        assert box.status_code == 200, box.text
        assert [p["nip"] for p in box.json()["items"]] == [nip]


class TestScope:
    async def test_an_opd_admin_imports_only_its_subtree(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        rows: list[list[Any]] = [
            HEADER,
            [world.asn_a.nip, 2025, "baik"],
            [world.asn_a1.nip, 2025, "baik"],
            [world.asn_b.nip, 2025, "baik"],
        ]
        job = await run_import(client, PATH, csv_bytes(rows), as_(settings, world, "opd_a"))
        assert (job["created"], job["failed"]) == (2, 1)
        assert errors_of(job) == [(4, "asn_not_found", None)]
        assert job["errors"][0]["name"] is None  # out of scope: not even the name is told
        assert await stored(session, world.asn_b.nip) == {}
        sub = await run_import(client, PATH, csv_bytes(rows), as_(settings, world, "opd_a1"))
        assert (sub["created"], sub["unchanged"], sub["failed"]) == (0, 1, 2)
        assert errors_of(sub) == [(2, "asn_not_found", None), (4, "asn_not_found", None)]

    async def test_who_may_upload(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        content = csv_bytes([HEADER, [world.asn_b.nip, 2025, "baik"]])
        for who in ("asn_a", "auditor", "client:learning:write asn:write", "client:talent:read"):
            problem(await upload(client, PATH, content, as_(settings, world, who)), 403, "forbidden")
        assert await count(session, Performance) == 0
        writer = as_(settings, world, "client:talent:write")
        job = await run_import(client, PATH, content, writer)
        assert (job["created"], job["created_by"]) == (1, "client:bk_test")
        mine = await client.get("/api/v1/imports", params={"kind": "performance"}, headers=writer)
        assert mine.status_code == 200 and [j["id"] for j in mine.json()["items"]] == [job["id"]]
        assert await stored(session, world.asn_b.nip) == {
            2025: ("baik", None, "bk_test", "client:bk_test", 1)
        }
        # BPSDM reaches every unit.
        bpsdm = await run_import(client, PATH, content, as_(settings, world, "bpsdm"))
        assert (bpsdm["unchanged"], bpsdm["failed"]) == (1, 0)


class TestReport:
    async def test_the_report_in_both_languages(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        auth = as_(settings, world, "bpsdm")
        next_year = latest_indonesian_date().year + 1
        this_year = latest_indonesian_date().year
        rows: list[list[Any]] = [
            HEADER,
            [world.asn_a.nip, 2025, "Istimewa", ""],
            [world.asn_a1.nip, next_year, "baik", ""],
            [UNKNOWN, 2025, "baik", "100,5"],
            [UNKNOWN, 2025, "baik", ""],
            [world.asn_a.nip, 2024, "baik", "85"],
            [world.asn_a.nip, 2024, "baik", "85"],
        ]
        job = await run_import(client, PATH, csv_bytes(rows), {**auth, **EN})
        english = {
            2: "predikat (Predikat): expected Sangat Baik, Baik, Butuh Perbaikan, Kurang or Sangat Kurang "
            "(or sangat_baik … sangat_kurang), not 'Istimewa'",
            3: f"{next_year} has not begun; record an SKP result for {this_year} or an earlier year",
            4: "score (Nilai SKP): expected a score from 0 to 100 with at most 2 decimals, not 100,5",
            5: f"No ASN with NIP {UNKNOWN} in your scope",
            7: f"Row 6 of this file already gives the SKP result of 2024 for NIP {world.asn_a.nip}; give it once",
        }
        indonesian = {
            2: "predikat (Predikat): harus Sangat Baik, Baik, Butuh Perbaikan, Kurang atau Sangat Kurang "
            "(atau sangat_baik … sangat_kurang), bukan 'Istimewa'",
            3: f"Tahun {next_year} belum dimulai; catat hasil SKP untuk tahun {this_year} atau tahun sebelumnya",
            4: "score (Nilai SKP): harus berupa skor 0 sampai 100 dengan paling banyak 2 desimal, bukan 100,5",
            5: f"Tidak ada ASN dengan NIP {UNKNOWN} dalam cakupan Anda",
            7: f"Baris 6 berkas ini sudah memuat hasil SKP tahun 2024 untuk NIP {world.asn_a.nip}; "
            "cantumkan satu kali saja",
        }
        assert {e["row"]: e["detail"] for e in job["errors"]} == english
        got = await client.get(f"/api/v1/imports/{job['id']}", headers={**auth, **ID})
        assert {e["row"]: e["detail"] for e in got.json()["errors"]} == indonesian
        sheet = await report_rows(client, job["id"], {**auth, **ID})
        assert sheet[0] == ["Baris", "NIP", "Nama", "Hasil", "Kode", "Kolom", "Keterangan"]
        assert [(r[0], r[2], r[3], r[4], r[5], r[6]) for r in sheet[1:]] == [
            (2, world.asn_a.name, "Gagal", "validation_error", "predikat", indonesian[2]),
            (3, world.asn_a1.name, "Gagal", "invalid_performance_year", "year", indonesian[3]),
            (4, None, "Gagal", "validation_error", "score", indonesian[4]),
            (5, None, "Gagal", "asn_not_found", None, indonesian[5]),
            (7, world.asn_a.name, "Gagal", "duplicate_in_file", None, indonesian[7]),
        ]
        text = await report_rows(client, job["id"], {**auth, **EN}, fmt="csv")
        assert [r[6] for r in text[1:]] == [english[n] for n in (2, 3, 4, 5, 7)]


class TestTemplate:
    async def test_the_template_and_its_example_imports(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        auth = as_(settings, world, "bpsdm")
        r = await client.get(f"/api/v1/imports/templates/{PATH}", headers=auth)
        assert r.status_code == 200
        assert r.headers["content-disposition"] == 'attachment; filename="templat-impor-performance.xlsx"'
        book = load_workbook(io.BytesIO(r.content))
        data, guide = book["Data"], book["Petunjuk"]
        assert [c.value for c in data[1]] == ["NIP", "Nama", "Tahun", "Predikat", "Nilai SKP"]
        listed = {row[1].value: row[3].value for row in guide.iter_rows(min_row=2)}
        assert {
            "sangat_baik": "Sangat Baik",
            "baik": "Baik",
            "butuh_perbaikan": "Butuh Perbaikan",
            "kurang": "Kurang",
            "sangat_kurang": "Sangat Kurang",
        }.items() <= listed.items()
        notes = " ".join(str(row[3].value) for row in guide.iter_rows(min_row=2) if row[3].value)
        assert "Sel kosong berarti kolom itu tidak diubah" not in notes  # a row replaces the year's result

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
        assert await stored(session, "198503142009042001") == {
            2025: ("baik", Decimal("84.50"), "import", "bpsdm", 1)
        }
