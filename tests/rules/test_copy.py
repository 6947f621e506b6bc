"""POST /rules/{year}/copy: a year gets its own copy of another year's set in one action."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.config import Settings
from tests.factories import World, bearer, client_principal
from tests.http import PROBLEM, as_
from tests.rules.test_rules import RULES_2026, SEED_YEAR, SEEDED, put, rule_audit, rule_fields


async def copy(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    year: Any,
    body: Any,
    if_match: str | None = None,
    key: str | None = None,
) -> httpx.Response:
    h = headers | ({"If-Match": if_match} if if_match else {}) | ({"Idempotency-Key": key} if key else {})
    return await client.post(f"/api/v1/rules/{year}/copy", json=body, headers=h)


class TestCopy:
    async def test_a_new_year_gets_its_own_copy(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        assert (await put(client, h, 2025, RULES_2026)).status_code == 201
        r = await copy(client, h, 2026, {"from_year": 2025})
        assert r.status_code == 201, r.text
        assert r.headers["etag"] == '"1"'
        assert r.headers["location"] == "/api/v1/rules/2026"
        assert (r.json()["year"], r.json()["source_year"]) == (2026, 2026)
        assert rule_fields(r.json()) == RULES_2026

        got = await client.get("/api/v1/rules/2026", headers=h)
        assert (got.json()["source_year"], got.headers["etag"]) == (2026, '"1"')
        # The copy is the year's own: changing the source later leaves it alone.
        src = await client.get("/api/v1/rules/2025", headers=h)
        assert (
            await put(client, h, 2025, RULES_2026 | {"pns_min_jp": 40}, src.headers["etag"])
        ).status_code == 200
        assert (await client.get("/api/v1/rules/2026", headers=h)).json()["pns_min_jp"] == 24

        rows = await rule_audit(session, 2026)
        assert [(a.action, a.actor, a.role) for a in rows] == [("copy", "bpsdm", "bpsdm_admin")]
        assert rows[0].before is None and rows[0].after is not None
        assert rows[0].after["copied_from"] == 2025 and rows[0].after["jp_minutes"] == 50
        assert rows[0].request_id == r.headers["x-request-id"]

    async def test_copy_of_the_first_set(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await copy(client, as_(settings, world, "bpsdm"), 2026, {"from_year": SEED_YEAR})
        assert r.status_code == 201
        assert rule_fields(r.json()) == SEEDED

    async def test_a_year_that_has_its_own_set_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        assert (await put(client, h, 2026, RULES_2026)).status_code == 201
        r = await copy(client, h, 2026, {"from_year": SEED_YEAR})
        assert r.status_code == 409
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "rules_exist"
        assert rule_fields((await client.get("/api/v1/rules/2026", headers=h)).json()) == RULES_2026
        assert [a.action for a in await rule_audit(session, 2026)] == ["create"]

    async def test_replace_needs_if_match(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        created = await put(client, h, 2026, RULES_2026)
        body = {"from_year": SEED_YEAR, "replace": True}
        missing = await copy(client, h, 2026, body)
        assert (missing.status_code, missing.json()["code"]) == (428, "precondition_required")
        stale = await copy(client, h, 2026, body, '"7"')
        assert (stale.status_code, stale.json()["code"]) == (412, "precondition_failed")
        assert rule_fields((await client.get("/api/v1/rules/2026", headers=h)).json()) == RULES_2026

        ok = await copy(client, h, 2026, body, created.headers["etag"])
        assert ok.status_code == 200, ok.text
        assert ok.headers["etag"] == '"2"'
        assert rule_fields(ok.json()) == SEEDED
        rows = await rule_audit(session, 2026)
        assert [a.action for a in rows] == ["create", "copy"]
        assert rows[1].before == rows[0].after
        assert rows[1].after is not None and rows[1].after["copied_from"] == SEED_YEAR

    async def test_replace_on_a_year_without_a_set_creates_it(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await copy(client, as_(settings, world, "bpsdm"), 2027, {"from_year": SEED_YEAR, "replace": True})
        assert r.status_code == 201

    @pytest.mark.parametrize("from_year", [2025, 2018, 2100])
    async def test_a_source_without_its_own_set(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        from_year: int,
    ) -> None:
        # 2025 falls back to 2019's set, but has none of its own to copy.
        h = as_(settings, world, "bpsdm")
        r = await copy(client, h, 2026, {"from_year": from_year})
        assert r.status_code == 404
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "rules_not_found"
        assert (await client.get("/api/v1/rules/2026", headers=h)).json()["source_year"] == SEED_YEAR
        assert await rule_audit(session, 2026) == []

    @pytest.mark.parametrize(
        ("year", "body", "code", "where"),
        [
            (1999, {"from_year": 2019}, "validation_error", "path"),
            (2101, {"from_year": 2019}, "validation_error", "path"),
            ("abc", {"from_year": 2019}, "validation_error", "path"),
            (2026, {"from_year": 1999}, "validation_error", "body"),
            (2026, {"from_year": 2101}, "validation_error", "body"),
            (2026, {"from_year": "last"}, "validation_error", "body"),
            (2026, {}, "validation_error", "body"),
            (2026, {"from_year": 2019, "replace": "ya"}, "validation_error", "body"),
            (2026, {"from_year": 2019, "extra": 1}, "validation_error", "body"),
            (2026, [2019], "validation_error", "body"),
            (2019, {"from_year": 2019}, "same_year", None),
        ],
    )
    async def test_rejected(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        year: Any,
        body: Any,
        code: str,
        where: str | None,
    ) -> None:
        r = await copy(client, as_(settings, world, "bpsdm"), year, body)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == code
        if where is not None:
            assert r.json()["errors"][0]["loc"][0] == where
        assert (await session.execute(select(AuditEntry))).first() is None

    @pytest.mark.parametrize("who", ["opd_a", "asn_a", "auditor"])
    async def test_only_bpsdm_admin(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, who: str
    ) -> None:
        r = await copy(client, as_(settings, world, who), 2026, {"from_year": SEED_YEAR})
        assert (r.status_code, r.json()["code"]) == (403, "forbidden")
        assert await rule_audit(session, 2026) == []

    async def test_clients_and_anonymous(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        every_scope = client_principal("asn:write", "learning:write", "budget:write", "reference:read")
        r = await copy(client, bearer(settings, every_scope), 2026, {"from_year": SEED_YEAR})
        assert r.status_code == 403
        anon = await copy(client, {}, 2026, {"from_year": SEED_YEAR})
        assert anon.status_code == 401

    async def test_idempotency_key_replays_the_first_answer(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        first = await copy(client, h, 2026, {"from_year": SEED_YEAR}, key="salin-2026")
        again = await copy(client, h, 2026, {"from_year": SEED_YEAR}, key="salin-2026")
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        assert [a.action for a in await rule_audit(session, 2026)] == ["copy"]
        other = await copy(client, h, 2027, {"from_year": SEED_YEAR}, key="salin-2026")
        assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")

    async def test_the_capped_totals_follow_the_copy(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        capped = RULES_2026 | {"form_rules": [{"form_code": "8", "max_jp_per_year": 5}]}
        assert (await put(client, h, 2025, capped)).status_code == 201
        nip = world.asn_a.nip
        r = await client.post(
            f"/api/v1/asn/{nip}/learning-records",
            json={
                "title": "Bimtek Arsip",
                "form_code": "8",
                "start_date": "2026-03-02",
                "end_date": "2026-03-03",
                "jp": 12,
            },
            headers=h,
        )
        assert r.status_code == 201, r.text
        # 2026 falls back to 2025 already; its own copy keeps the same cap.
        assert (await copy(client, h, 2026, {"from_year": 2025})).status_code == 201
        s = await client.get(f"/api/v1/asn/{nip}/jp-summary", params={"year": 2026}, headers=h)
        assert s.json()["verified_jp"] == 5
