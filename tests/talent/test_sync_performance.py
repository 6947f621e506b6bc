"""POST /sync/performance: a batch of SKP results, per-row errors, the 5,000 cap, scope, idempotency,
audit rows and the change feed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.config import Settings
from app.core.types import latest_indonesian_date
from app.talent.models import Performance
from tests.factories import World, create_asn
from tests.http import as_, problem
from tests.talent.helpers import performance_url, put_performance

URL = "/api/v1/sync/performance"
WRITER = "client:talent:write"


async def post(
    client: httpx.AsyncClient,
    settings: Settings,
    world: World,
    items: list[Any],
    *,
    who: str = WRITER,
    key: str | None = None,
) -> httpx.Response:
    headers = as_(settings, world, who) | ({"Idempotency-Key": key} if key else {})
    return await client.post(URL, json={"items": items}, headers=headers)


async def audit_count(session: AsyncSession) -> int:
    stmt = select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "performance")
    return int(await session.scalar(stmt) or 0)


async def stored(session: AsyncSession, nip: str, year: int) -> Performance | None:
    stmt = (
        select(Performance)
        .where(Performance.nip == nip, Performance.year == year)
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


class TestBatch:
    async def test_created_updated_unchanged_and_row_errors(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        await put_performance(client, bpsdm, world.asn_a.nip, 2024, predikat="baik", score=80)
        await put_performance(client, bpsdm, world.asn_b.nip, 2024, predikat="kurang")
        unknown = "199001012015011999"
        future = latest_indonesian_date().year + 1
        items: list[Any] = [
            {"nip": world.asn_a.nip, "year": 2025, "predikat": "sangat_baik", "score": 93},  # created
            {"nip": world.asn_a.nip, "year": 2024, "predikat": "baik", "score": "80.00"},  # unchanged
            {"nip": world.asn_b.nip, "year": 2024, "predikat": "butuh_perbaikan", "score": 70},  # updated
            {"nip": world.asn_a1.nip, "year": 2025, "predikat": "cukup"},  # 3: bad predikat
            "not an object",  # 4
            {"nip": unknown, "year": 2025, "predikat": "baik"},  # 5: no such ASN
            {"nip": world.asn_a.nip, "year": 2025, "predikat": "baik"},  # 6: duplicate of 0
            {"nip": world.asn_a1.nip, "year": future, "predikat": "baik"},  # 7: year not begun
            {"nip": world.asn_a1.nip, "year": 2025, "predikat": "baik", "score": 100.5},  # 8: score
            {"nip": "12345", "year": 2025, "predikat": "baik"},  # 9: nip shape
            {"nip": world.asn_a1.nip, "year": "2025", "predikat": "baik"},  # 10: year as text
            {"nip": world.asn_a1.nip, "year": 2025, "predikat": "baik", "unit": 1},  # 11: unknown field
        ]
        before = await audit_count(session)
        r = await post(client, settings, world, items)
        assert r.status_code == 200, r.text
        data = r.json()
        assert (data["created"], data["updated"], data["unchanged"]) == (1, 1, 1)
        errors = {e["index"]: (e["code"], e["field"]) for e in data["errors"]}
        assert errors == {
            3: ("validation_error", "predikat"),
            4: ("validation_error", None),
            5: ("asn_not_found", None),
            6: ("duplicate_in_batch", None),
            7: ("invalid_performance_year", None),
            8: ("validation_error", "score"),
            9: ("validation_error", "nip"),
            10: ("validation_error", "year"),
            11: ("validation_error", "unit"),
        }
        assert [e["index"] for e in data["errors"]] == sorted(errors)
        assert data["errors"][2]["nip"] == unknown
        created = await stored(session, world.asn_a.nip, 2025)
        assert created is not None
        assert (created.predikat, created.score, created.source, created.version) == (
            "sangat_baik",
            Decimal("93.00"),
            "bk_test",
            1,
        )
        updated = await stored(session, world.asn_b.nip, 2024)
        assert updated is not None
        assert (updated.predikat, updated.source, updated.version) == ("butuh_perbaikan", "bk_test", 2)
        untouched = await stored(session, world.asn_a.nip, 2024)
        assert untouched is not None and (untouched.source, untouched.version) == ("manual", 1)
        assert await stored(session, world.asn_a1.nip, 2025) is None
        assert await audit_count(session) == before + 2
        rows = (
            await session.execute(
                select(AuditEntry)
                .where(AuditEntry.entity == "performance")
                .order_by(AuditEntry.id.desc())
                .limit(2)
            )
        ).scalars()
        by_key = {a.key: a for a in rows}
        update = by_key[f"{world.asn_b.nip}/2024"]
        assert update.action == "update"
        assert update.before == {"predikat": "kurang", "score": None, "source": "manual"}
        assert update.after == {"predikat": "butuh_perbaikan", "score": "70.00", "source": "bk_test"}
        assert by_key[f"{world.asn_a.nip}/2025"].action == "create"
        # The replaced result carries its new version, so an editor's stale If-Match fails.
        got = await client.get(performance_url(world.asn_b.nip, 2024), headers=bpsdm)
        assert got.headers["etag"] == '"2"'

    async def test_the_errors_speak_the_callers_language(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(
            URL,
            json={"items": [{"nip": "199001012015011999", "year": 2025, "predikat": "baik"}]},
            headers=as_(settings, world, WRITER) | {"Accept-Language": "id"},
        )
        assert r.json()["errors"][0]["detail"] == "Tidak ada ASN dengan NIP 199001012015011999"

    async def test_a_person_syncs_as_sync(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        r = await post(
            client, settings, world, [{"nip": world.asn_a.nip, "year": 2025, "predikat": "baik"}], who="bpsdm"
        )
        assert r.json()["created"] == 1
        row = await stored(session, world.asn_a.nip, 2025)
        assert row is not None and row.source == "sync" and row.updated_by == "bpsdm"

    async def test_at_most_5000_items(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        item = {"nip": world.asn_a.nip, "year": 2025, "predikat": "baik"}
        r = await post(client, settings, world, [item] * 5001)
        problem(r, 422, "batch_too_large")
        assert await stored(session, world.asn_a.nip, 2025) is None

    async def test_5000_items_in_one_batch(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        asn = [await create_asn(session, world.unit_a) for _ in range(66)]
        await session.commit()
        items = [
            {"nip": a.nip, "year": year, "predikat": "baik", "score": 80}
            for a in asn
            for year in range(1950, 2026)
        ][:5000]
        r = await post(client, settings, world, items)
        assert r.status_code == 200, r.text
        assert r.json() == {"created": 5000, "updated": 0, "unchanged": 0, "errors": []}
        count = await session.scalar(
            select(func.count()).select_from(Performance).where(Performance.nip.in_([a.nip for a in asn]))
        )
        assert count == 5000
        assert await audit_count(session) == 5000
        again = await post(client, settings, world, [i | {"predikat": "sangat_baik"} for i in items])
        assert again.json()["updated"] == 5000


class TestAccess:
    @pytest.mark.parametrize("who", ["client:talent:read", "client:asn:write", "opd_a", "asn_a", "auditor"])
    async def test_needs_talent_write(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await post(
            client, settings, world, [{"nip": world.asn_a.nip, "year": 2025, "predikat": "baik"}], who=who
        )
        problem(r, 403, "forbidden")

    async def test_idempotent_retry(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        items = [{"nip": world.asn_a.nip, "year": 2025, "predikat": "baik"}]
        first = await post(client, settings, world, items, key="skp-2025-1")
        again = await post(client, settings, world, items, key="skp-2025-1")
        assert first.json() == again.json() == {"created": 1, "updated": 0, "unchanged": 0, "errors": []}
        assert again.headers["idempotent-replayed"] == "true"
        other = await post(client, settings, world, [items[0] | {"predikat": "kurang"}], key="skp-2025-1")
        problem(other, 422, "idempotency_key_reused")
        assert await audit_count(session) == 1

    async def test_in_the_change_feed(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        reader = as_(settings, world, "client:talent:read")
        start = (await client.get("/api/v1/sync/changes", params={"limit": 1000}, headers=reader)).json()[
            "next_cursor"
        ]
        items = [{"nip": n, "year": 2025, "predikat": "baik"} for n in (world.asn_a.nip, world.asn_b.nip)]
        await post(client, settings, world, items)
        r = await client.get("/api/v1/sync/changes", params={"since": start}, headers=reader)
        assert [(i["entity"], i["key"]) for i in r.json()["items"]] == [
            ("performance", f"{world.asn_a.nip}/2025"),
            ("performance", f"{world.asn_b.nip}/2025"),
        ]
