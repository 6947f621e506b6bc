"""Cached province reports: served while the data is unchanged, dropped by the commit that changes it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from app.core.config import Settings
from app.core.report_cache import DataVersion, ReportCache
from app.main import create_app
from tests.conftest import ENGLISH, bind_to_test
from tests.factories import World, create_asn
from tests.http import as_

YEAR = 2026
REPORT = "/api/v1/reports/jp-compliance"


@pytest.fixture
async def cached_client(
    settings: Settings, engine: AsyncEngine, connection: AsyncConnection
) -> AsyncIterator[httpx.AsyncClient]:
    on = settings.model_copy(update={"report_cache_seconds": 300})
    application = bind_to_test(create_app(on), on, engine, connection)
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=ENGLISH) as c:
        yield c


async def headcount(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> int:
    r = await client.get(REPORT, params={"year": YEAR} | params, headers=headers)
    assert r.status_code == 200, r.text
    count: int = r.json()["headcount"]
    return count


async def stamp(session: AsyncSession) -> int:
    return (await session.execute(select(DataVersion.value).where(DataVersion.name == "data"))).scalar_one()


async def claim(client: httpx.AsyncClient, nip: str, headers: dict[str, str], **body: Any) -> httpx.Response:
    return await client.post(
        f"/api/v1/asn/{nip}/learning-records",
        json={
            "title": "Pelatihan Pengelolaan Arsip Dinamis",
            "form_code": "8",
            "start_date": f"{YEAR}-03-02",
            "end_date": f"{YEAR}-03-04",
            "jp": 10,
        }
        | body,
        headers=headers,
    )


class TestCachedReport:
    async def test_served_until_a_write_through_bangkom_commits(
        self, cached_client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        first = await headcount(cached_client, bpsdm)
        # A row written around Bangkom (no audit row, as a manual fix in the database would be) is
        # not seen while the cached report is current: proof that the second read was the cache's.
        await create_asn(session, world.unit_b, name="Tanpa Jejak Audit")
        await session.commit()
        assert await headcount(cached_client, bpsdm) == first
        before = await stamp(session)

        # Any audited change of the data drops the cache: the report now counts both new people.
        r = await claim(cached_client, world.asn_b.nip, bpsdm)
        assert r.status_code == 201, r.text
        assert await stamp(session) != before
        assert await headcount(cached_client, bpsdm) == first + 1

    async def test_a_refused_write_leaves_the_stamp(
        self, cached_client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        before = await stamp(session)
        r = await claim(cached_client, world.asn_b.nip, bpsdm, end_date=f"{YEAR}-02-01")
        assert r.status_code == 422, r.text
        assert await stamp(session) == before

    async def test_scope_is_checked_before_the_cache(
        self, cached_client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        unit_a = {"unit_id": world.unit_a.id}
        assert await headcount(cached_client, as_(settings, world, "bpsdm"), **unit_a) == 2
        r = await cached_client.get(
            REPORT, params={"year": YEAR} | unit_a, headers=as_(settings, world, "opd_b")
        )
        assert r.status_code == 404, r.text
        assert await headcount(cached_client, as_(settings, world, "opd_a")) == 2


class TestReportCache:
    async def test_bounded_and_off_at_zero(self, session: AsyncSession, world: World) -> None:
        calls: list[str] = []

        def computing(value: str) -> Any:
            async def compute() -> str:
                calls.append(value)
                return value

            return compute

        cache = ReportCache(ttl_s=300, max_entries=2)
        for key in ("a", "b", "a", "c", "b"):
            assert await cache.get(session, key, computing(key)) == key
        # "a" and "b" were cached; "c" pushed out the least recently used, "b".
        assert calls == ["a", "b", "c", "b"]

        off = ReportCache(ttl_s=0)
        await off.get(session, "a", computing("x"))
        await off.get(session, "a", computing("y"))
        assert calls[-2:] == ["x", "y"]
