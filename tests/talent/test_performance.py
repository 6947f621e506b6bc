"""The yearly SKP result over HTTP: create or replace (If-Match), validation, scope, audit, change feed."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.types import latest_indonesian_date
from tests.factories import World
from tests.http import as_, audit_rows, problem
from tests.talent.helpers import performance_url, put_performance


class TestPut:
    async def test_created_then_read_with_its_etag(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nip = world.asn_a.nip
        r = await put_performance(
            client, as_(settings, world, "opd_a"), nip, predikat="sangat_baik", score=92.5
        )
        assert r.status_code == 201, r.text
        assert r.headers["location"] == performance_url(nip)
        assert r.headers["etag"] == '"1"'
        data = r.json()
        assert data | {"created_at": None, "updated_at": None} == {
            "nip": nip,
            "year": 2025,
            "predikat": "sangat_baik",
            "score": 92.5,
            "source": "manual",
            "updated_by": "opd.a",
            "created_at": None,
            "updated_at": None,
        }
        got = await client.get(performance_url(nip), headers=as_(settings, world, "bpsdm"))
        assert got.status_code == 200
        assert got.headers["etag"] == '"1"'
        assert got.json() == data
        rows = await audit_rows(session, "performance", f"{nip}/2025")
        assert [(a.action, a.actor, a.before, a.after) for a in rows] == [
            ("create", "opd.a", None, {"predikat": "sangat_baik", "score": "92.50", "source": "manual"})
        ]

    async def test_replacing_needs_if_match(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        nip = world.asn_a.nip
        assert (await put_performance(client, h, nip, predikat="baik")).status_code == 201
        problem(await put_performance(client, h, nip, predikat="kurang"), 428, "precondition_required")
        stale = await client.put(
            performance_url(nip), json={"predikat": "kurang"}, headers=h | {"If-Match": '"7"'}
        )
        problem(stale, 412, "precondition_failed")
        ok = await client.put(
            performance_url(nip), json={"predikat": "kurang", "score": 55}, headers=h | {"If-Match": '"1"'}
        )
        assert ok.status_code == 200, ok.text
        assert ok.headers["etag"] == '"2"'
        assert "location" not in ok.headers
        assert ok.json()["predikat"] == "kurang"
        assert ok.json()["score"] == 55.0
        rows = await audit_rows(session, "performance", f"{nip}/2025")
        assert [a.action for a in rows] == ["create", "update"]
        assert rows[1].before == {"predikat": "baik", "score": None, "source": "manual"}
        assert rows[1].after == {"predikat": "kurang", "score": "55.00", "source": "manual"}

    async def test_an_equal_replacement_writes_nothing(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        nip = world.asn_a.nip
        await put_performance(client, h, nip, score=84.5)
        r = await client.put(
            performance_url(nip), json={"predikat": "baik", "score": "84.50"}, headers=h | {"If-Match": '"1"'}
        )
        assert r.status_code == 200
        assert r.headers["etag"] == '"1"'
        assert len(await audit_rows(session, "performance", f"{nip}/2025")) == 1

    async def test_a_client_records_under_its_own_name(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await put_performance(client, as_(settings, world, "client:talent:write"), world.asn_b.nip)
        assert r.status_code == 201, r.text
        assert r.json()["source"] == "bk_test"
        assert r.json()["updated_by"] == "client:bk_test"

    @pytest.mark.parametrize(
        "body, field",
        [
            ({"predikat": "cukup"}, "predikat"),
            ({"predikat": "baik", "score": 100.01}, "score"),
            ({"predikat": "baik", "score": -1}, "score"),
            ({"predikat": "baik", "score": 80.125}, "score"),
            ({"predikat": "baik", "score": "80,5"}, "score"),
            ({"score": 80}, "predikat"),
            ({"predikat": "baik", "source": "sync"}, "source"),
        ],
    )
    async def test_invalid_bodies(
        self, client: httpx.AsyncClient, settings: Settings, world: World, body: dict[str, object], field: str
    ) -> None:
        r = await client.put(
            performance_url(world.asn_a.nip), json=body, headers=as_(settings, world, "bpsdm")
        )
        data = problem(r, 422, "validation_error")
        assert data["errors"][0]["loc"][-1] == field

    async def test_score_bounds_are_accepted(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        assert (await put_performance(client, h, world.asn_a.nip, 2024, score=0)).json()["score"] == 0
        assert (await put_performance(client, h, world.asn_a.nip, 2025, score=100)).json()["score"] == 100

    async def test_a_year_that_has_not_begun(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        current = latest_indonesian_date().year
        assert (await put_performance(client, h, world.asn_a.nip, current)).status_code == 201
        problem(
            await put_performance(client, h, world.asn_a.nip, current + 1), 422, "invalid_performance_year"
        )
        problem(await put_performance(client, h, world.asn_a.nip, 1949), 422, "validation_error")


class TestRead:
    async def test_missing_year_is_404(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(performance_url(world.asn_a.nip), headers=as_(settings, world, "bpsdm"))
        problem(r, 404, "performance_not_found")

    async def test_an_asn_reads_their_own_and_nobody_elses(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        await put_performance(client, h, world.asn_a.nip)
        await put_performance(client, h, world.asn_b.nip)
        own = await client.get(performance_url(world.asn_a.nip), headers=as_(settings, world, "asn_a"))
        assert own.status_code == 200
        other = await client.get(performance_url(world.asn_b.nip), headers=as_(settings, world, "asn_a"))
        problem(other, 404, "asn_not_found")

    async def test_an_asn_never_writes_not_even_their_own(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await put_performance(client, as_(settings, world, "asn_a"), world.asn_a.nip)
        problem(r, 403, "forbidden")

    @pytest.mark.parametrize(
        "who, asn, status",
        [
            ("opd_a", "asn_a1", 201),  # the sub-unit is in the OPD's subtree
            ("opd_a", "asn_b", 404),
            ("opd_a1", "asn_a", 404),  # not up the tree
            ("opd_b", "asn_a", 404),
        ],
    )
    async def test_opd_admins_reach_their_subtree_only(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, asn: str, status: int
    ) -> None:
        nip = getattr(world, asn).nip
        r = await put_performance(client, as_(settings, world, who), nip)
        assert r.status_code == status, r.text
        if status == 404:
            await put_performance(client, as_(settings, world, "bpsdm"), nip)
            got = await client.get(performance_url(nip), headers=as_(settings, world, who))
            problem(got, 404, "asn_not_found")

    async def test_auditor_reads_but_never_writes(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await put_performance(client, as_(settings, world, "bpsdm"), world.asn_b.nip)
        auditor = as_(settings, world, "auditor")
        assert (await client.get(performance_url(world.asn_b.nip), headers=auditor)).status_code == 200
        problem(await put_performance(client, auditor, world.asn_b.nip), 403, "forbidden")

    @pytest.mark.parametrize(
        "scope, status", [("talent:read", 200), ("talent:write", 403), ("asn:read", 403)]
    )
    async def test_clients_read_with_talent_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World, scope: str, status: int
    ) -> None:
        await put_performance(client, as_(settings, world, "bpsdm"), world.asn_b.nip)
        r = await client.get(
            performance_url(world.asn_b.nip), headers=as_(settings, world, f"client:{scope}")
        )
        assert r.status_code == status, r.text

    async def test_clients_write_with_talent_write_only(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await put_performance(
            client, as_(settings, world, "client:talent:read asn:write"), world.asn_b.nip
        )
        problem(r, 403, "forbidden")


class TestChangeFeed:
    async def test_a_performance_change_is_in_the_feed_for_talent_readers(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        start = (await client.get("/api/v1/sync/changes", params={"limit": 1000}, headers=h)).json()[
            "next_cursor"
        ]
        await put_performance(client, h, world.asn_a.nip, score=80)
        await client.put(
            performance_url(world.asn_a.nip),
            json={"predikat": "sangat_baik", "score": 95},
            headers=h | {"If-Match": '"1"'},
        )
        key = f"{world.asn_a.nip}/2025"
        for who in ("bpsdm", "client:talent:read"):
            r = await client.get(
                "/api/v1/sync/changes", params={"since": start}, headers=as_(settings, world, who)
            )
            assert r.status_code == 200, r.text
            items = [i for i in r.json()["items"] if i["entity"] == "performance"]
            assert [i["key"] for i in items] == [key, key]
            assert items[-1]["data"]["predikat"] == "sangat_baik"
            assert items[-1]["data"]["score"] == 95.0
        r = await client.get(
            "/api/v1/sync/changes", params={"since": start}, headers=as_(settings, world, "client:asn:read")
        )
        assert [i for i in r.json()["items"] if i["entity"] == "performance"] == []
        problem(
            await client.get("/api/v1/sync/changes", headers=as_(settings, world, "client:talent:write")),
            403,
            "forbidden",
        )
