"""Dates with a floor: the `year` filters read from 1950 on, so no write stores a date before it
(REST records, xAPI statements, spreadsheet imports) — 422 naming the floor."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.params import EARLIEST_DATE
from tests.factories import World
from tests.http import as_, problem
from tests.imports.helpers import csv_bytes, run_import
from tests.learning.helpers import body, record_count
from tests.learning.test_xapi import STATEMENTS, post, statement, writer

START_EXTENSION = "https://lms.kaltimprov.go.id/xapi/extensions/start_date"
FLOOR = EARLIEST_DATE.isoformat()


def records_of(nip: str) -> str:
    return f"/api/v1/asn/{nip}/learning-records"


class TestRest:
    @pytest.mark.parametrize(
        ("start", "end", "field"),
        [
            ("0001-01-01", "0001-01-01", "start_date"),
            ("1949-12-31", "1950-01-02", "start_date"),
            ("0001-01-01", "2026-03-04", "start_date"),
        ],
    )
    async def test_before_the_floor(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        start: str,
        end: str,
        field: str,
    ) -> None:
        nip = world.asn_a.nip
        r = await client.post(
            records_of(nip), json=body(start_date=start, end_date=end), headers=as_(settings, world, "bpsdm")
        )
        error = problem(r, 422, "validation_error")["errors"][0]
        assert error["loc"] == ["body", field]
        assert FLOOR in error["msg"]
        assert await record_count(session, nip) == 0

    async def test_the_floor_itself_is_found_by_its_year(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        nip, headers = world.asn_a.nip, as_(settings, world, "bpsdm")
        refused = await client.post(
            records_of(nip), json=body(start_date="1949-12-31", end_date="1949-12-31"), headers=headers
        )
        assert problem(refused, 422, "validation_error")["errors"][0]["loc"] == ["body", "start_date"]
        r = await client.post(records_of(nip), json=body(start_date=FLOOR, end_date=FLOOR), headers=headers)
        assert r.status_code == 201, r.text
        listed = await client.get(records_of(nip), params={"year": EARLIEST_DATE.year}, headers=headers)
        assert [item["id"] for item in listed.json()["items"]] == [r.json()["id"]]


class TestXapi:
    async def test_timestamp_before_the_floor(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nip = world.asn_a.nip
        ancient = statement(nip, timestamp="0001-01-01T10:00:00+08:00")
        older = statement(nip, timestamp="1949-12-31T23:00:00+09:00")
        result = await post(client, settings, [ancient, older])
        assert result["ids"] == []
        assert [x["code"] for x in result["rejected"]] == ["invalid_dates", "invalid_dates"]
        assert all(FLOOR in x["detail"] for x in result["rejected"])
        assert await record_count(session, nip) == 0

    async def test_start_date_extension_before_the_floor(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nip = world.asn_a.nip
        sent: dict[str, Any] = statement(
            nip,
            timestamp="1950-01-05T10:00:00+08:00",
            context={"extensions": {START_EXTENSION: "0001-01-01"}},
        )
        r = await client.put(
            STATEMENTS, params={"statementId": sent["id"]}, json=sent, headers=writer(settings)
        )
        assert FLOOR in problem(r, 422, "invalid_dates")["detail"]
        assert await record_count(session, nip) == 0


class TestImport:
    async def test_rows_before_the_floor(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nip = world.asn_a.nip
        rows = [
            ["nip", "title", "form_code", "start_date", "end_date", "jp"],
            [nip, "Kursus Kuno", "8", "0001-01-01", "0001-01-02", "6"],
            [nip, "Kursus Lama", "8", "1949-12-30", "1949-12-31", "6"],
            [nip, "Kursus Pertama", "8", FLOOR, FLOOR, "6"],
        ]
        job = await run_import(client, "learning-records", csv_bytes(rows), as_(settings, world, "bpsdm"))
        assert [(e["row"], e["code"], e["field"]) for e in job["errors"]] == [
            (2, "validation_error", "start_date"),
            (3, "validation_error", "start_date"),
        ]
        assert all(FLOOR in e["detail"] for e in job["errors"])
        assert job["created"] == 1
        assert await record_count(session, nip) == 1
