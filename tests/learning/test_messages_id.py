"""The learning ledger and the xAPI resource answer in Indonesian to a caller that asks for it."""

from __future__ import annotations

import httpx

from app.core.config import Settings
from tests.factories import World
from tests.http import as_, problem
from tests.learning.helpers import body
from tests.learning.test_xapi import STATEMENTS, post, statement, writer

INDONESIAN = {"Accept-Language": "id"}


class TestLedger:
    async def test_an_unknown_record_is_reported_in_indonesian(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        auth = as_(settings, world, "bpsdm")
        r = await client.get("/api/v1/learning-records/987654", headers=auth | INDONESIAN)
        data = problem(r, 404, "learning_record_not_found")
        assert data["detail"] == "Tidak ada catatan pembelajaran 987654 dalam cakupan Anda"
        assert r.headers["content-language"] == "id"
        r = await client.get("/api/v1/learning-records/987654", headers=auth)
        assert (
            problem(r, 404, "learning_record_not_found")["detail"]
            == "No learning record 987654 in your scope"
        )

    async def test_a_record_from_the_future_is_refused_in_indonesian(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(
            f"/api/v1/asn/{world.asn_a.nip}/learning-records",
            json=body(start_date="2099-01-01", end_date="2099-01-02"),
            headers=as_(settings, world, "bpsdm") | INDONESIAN,
        )
        data = problem(r, 422, "invalid_dates")
        assert data["detail"] == (
            "end_date 2099-01-02 berada di masa depan; catat pembelajaran setelah kegiatannya selesai"
        )

    async def test_a_validator_of_the_body_speaks_indonesian(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(
            f"/api/v1/asn/{world.asn_a.nip}/learning-records",
            json=body(start_date="2026-03-05", end_date="2026-03-04"),
            headers=as_(settings, world, "bpsdm") | INDONESIAN,
        )
        data = problem(r, 422, "validation_error")
        assert [e["msg"] for e in data["errors"]] == ["end_date lebih awal daripada start_date"]


class TestXapi:
    async def test_rejected_statements_say_why_in_indonesian(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        unknown = statement("199912312099121999")
        future = statement(world.asn_a.nip, timestamp="2099-01-01T08:00:00+08:00")
        data = await post(client, settings, [unknown, future], writer(settings) | INDONESIAN)
        details = {item["index"]: (item["code"], item["detail"]) for item in data["rejected"]}
        assert details == {
            0: ("unknown_nip", "Tidak ada ASN dengan NIP 199912312099121999 (actor.account.name)"),
            1: (
                "invalid_dates",
                "timestamp 2099-01-01T08:00:00+08:00 berada di masa depan; "
                "kirim statement setelah pembelajaran selesai",
            ),
        }

    async def test_a_missing_version_header_is_reported_in_indonesian(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        headers = {k: v for k, v in writer(settings).items() if k != "X-Experience-API-Version"}
        r = await client.post(STATEMENTS, json=statement(world.asn_a.nip), headers=headers | INDONESIAN)
        data = problem(r, 400, "xapi_version_required")
        assert data["detail"] == "Kirim header X-Experience-API-Version: 1.0.3"
