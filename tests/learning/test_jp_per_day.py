"""The year-wide `max_jp_per_day`: no path stores more JP than the record's days can hold (issue 13)."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.rules.models import RuleSet
from tests.factories import World
from tests.http import as_, problem
from tests.imports.helpers import csv_bytes, run_import
from tests.imports.test_attendance import ZOOM_HEADER, zoom_row
from tests.imports.test_attendance import csv_bytes as report_bytes
from tests.imports.test_import_learning import HEADER, record, records_of
from tests.learning.helpers import BASE_RULES, create, put_rules, totals
from tests.learning.test_xapi import post, record_of, statement

SEED_YEAR = 2019
D = Decimal


class TestEveryPathIsCapped:
    async def test_a_one_day_xapi_statement_of_1500_hours(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        s = statement(world.asn_a.nip, result={"completion": True, "duration": "PT1500H"})
        await post(client, settings, s)
        stored = await record_of(session, s["id"])
        assert (stored.start_date, stored.end_date) == (stored.end_date, stored.end_date)
        assert (stored.duration_minutes, stored.jp) == (90_000, D("32.00"))  # not 2,000
        assert await totals(session, world.asn_a.nip) == {(2026, "16"): (D("32.00"), 1)}

    async def test_rest_500_jp_over_two_days_and_a_multi_month_latsar_whole(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        two_days = await create(
            client, world.asn_a.nip, headers, start_date="2026-03-02", end_date="2026-03-03", jp=500
        )
        latsar = await create(
            client,
            world.asn_a.nip,
            headers,
            title="Pelatihan Dasar CPNS Golongan III",
            form_code="1",
            start_date="2026-02-02",
            end_date="2026-05-29",
            jp=1141,
        )
        # The claim stays visible beside what was stored.
        assert (two_days["jp"], two_days["jp_claimed"]) == (64, 500)
        assert (latsar["jp"], latsar["jp_claimed"]) == (1141, 1141)  # 117 days hold 3,744

    async def test_an_import_row_of_500_jp_over_two_days(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        rows = [
            HEADER,
            record(world.asn_a.nip, "Bimtek Dua Hari", start="2026-03-02", end="2026-03-03", jp="500"),
        ]
        job = await run_import(client, "learning-records", csv_bytes(rows), as_(settings, world, "bpsdm"))
        assert (job["status"], job["created"], job["failed"]) == ("succeeded", 1, 0)
        (stored,) = await records_of(session, world.asn_a.nip)
        assert (stored.jp, stored.jp_claimed) == (D("64.00"), D("500.00"))

    async def test_attendance_follows_the_years_cap(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await put_rules(client, settings, world, 2026, max_jp_per_day=1.5)
        report = report_bytes(
            ZOOM_HEADER + zoom_row(f"{world.asn_a.nip} {world.asn_a.name}", "", "09:00 AM", "10:30 AM")
        )
        session_data = {
            "title": "Webinar SPBE",
            "form_code": "17",
            "session_date": "2026-03-10",
            "session_minutes": "90",
        }
        job = await run_import(client, "attendance", report, as_(settings, world, "bpsdm"), data=session_data)
        assert job["summary"]["matched"] == 1, job
        (stored,) = await records_of(session, world.asn_a.nip)
        assert (stored.source, stored.duration_minutes, stored.jp) == ("attendance", 90, D("1.50"))  # not 2


class TestWhatADayHolds:
    async def test_a_stricter_form_rule_still_applies(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await put_rules(
            client,
            settings,
            world,
            2026,
            form_rules=[{"form_code": "16", "max_jp_per_day": 3}, {"form_code": "3", "max_jp_per_day": 40}],
        )
        headers = as_(settings, world, "bpsdm")
        two_days = {"start_date": "2026-03-02", "end_date": "2026-03-03", "jp": 500}
        elearning = await create(client, world.asn_a.nip, headers, form_code="16", **two_days)
        teknis = await create(client, world.asn_a.nip, headers, form_code="3", **two_days)
        assert elearning["jp"] == 6  # the form's 3 a day
        assert teknis["jp"] == 64  # a looser form rule does not lift the year's 32 a day

    async def test_a_fixed_jp_is_bounded_too(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await put_rules(client, settings, world, 2026, form_rules=[{"form_code": "18", "fixed_jp": 40}])
        headers = as_(settings, world, "bpsdm")
        one_day = await create(
            client, world.asn_a.nip, headers, form_code="18", start_date="2026-03-02", end_date="2026-03-02"
        )
        two_days = await create(
            client, world.asn_a.nip, headers, form_code="18", start_date="2026-03-04", end_date="2026-03-05"
        )
        assert (one_day["jp"], two_days["jp"]) == (32, 40)

    async def test_the_years_own_value_applies(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await put_rules(client, settings, world, 2026, max_jp_per_day=8)
        rec = await create(
            client,
            world.asn_a.nip,
            as_(settings, world, "bpsdm"),
            start_date="2026-03-02",
            end_date="2026-03-03",
            jp=20,
        )
        assert rec["jp"] == 16


class TestRules:
    async def test_shown_by_get(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get(f"/api/v1/rules/{SEED_YEAR}", headers=as_(settings, world, "asn_a"))
        assert r.status_code == 200, r.text
        assert r.json()["max_jp_per_day"] == 32

    async def test_a_put_without_it_gets_the_default_and_with_it_keeps_it(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await put_rules(client, settings, world, 2025)
        await put_rules(client, settings, world, 2026, max_jp_per_day=7.5)
        headers = as_(settings, world, "asn_a")
        got = [
            (await client.get(f"/api/v1/rules/{y}", headers=headers)).json()["max_jp_per_day"]
            for y in (2025, 2026)
        ]
        assert got == [32, 7.5]

    async def test_a_rule_set_stored_before_the_field_reads_as_32(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        seeded = await session.get(RuleSet, SEED_YEAR)
        assert seeded is not None
        seeded.data = {k: v for k, v in seeded.data.items() if k != "max_jp_per_day"}
        await session.commit()
        r = await client.get("/api/v1/rules/2026", headers=as_(settings, world, "asn_a"))
        assert r.status_code == 200, r.text
        assert r.json()["max_jp_per_day"] == 32
        rec = await create(
            client,
            world.asn_a.nip,
            as_(settings, world, "bpsdm"),
            start_date="2026-03-02",
            end_date="2026-03-02",
            jp=100,
        )
        assert rec["jp"] == 32

    async def test_put_validates_it(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        for value in (0, -1, 2000.01, 1.234, "many", None):
            r = await client.put(
                "/api/v1/rules/2026", json=BASE_RULES | {"max_jp_per_day": value}, headers=headers
            )
            data = problem(r, 422, "validation_error")
            assert data["errors"][0]["loc"] == ["body", "max_jp_per_day"], value
        r = await client.put(
            "/api/v1/rules/2026", json=BASE_RULES | {"max_jp_per_day": 0.25}, headers=headers
        )
        assert r.status_code == 201, r.text
        assert r.json()["max_jp_per_day"] == 0.25
