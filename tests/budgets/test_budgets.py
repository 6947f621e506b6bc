"""Budgets and unit budgets: create/replace with If-Match, strict integer money, scope, audit."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.budgets import service
from app.budgets.models import Budget
from app.core.config import Settings
from tests.budgets.helpers import PROVINCE_TOTAL, YEAR, put_budget, put_unit
from tests.factories import World, create_unit
from tests.http import as_, audit_rows, problem

# 1.0 and 1e3 are whole numbers to JSON Schema and so to the API; past 2^53 only integer literals are.
BAD_MONEY: list[Any] = [-1, 1.5, 2.0**53 + 2, "1000", True, None, 10**16 + 1, [1], {"v": 1}]


class TestBudgetPut:
    async def test_create_then_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await put_budget(client, as_(settings, world, "bpsdm"))
        assert r.headers["etag"] == '"1"'
        assert r.headers["location"] == f"/api/v1/budgets/{YEAR}"
        body = r.json()
        assert body["year"] == YEAR
        assert body["jurisdiction"] == "provinsi"
        assert body["total_belanja_daerah_idr"] == PROVINCE_TOTAL
        assert isinstance(body["total_belanja_daerah_idr"], int)
        assert body["updated_at"]

        got = await client.get(f"/api/v1/budgets/{YEAR}", headers=as_(settings, world, "auditor"))
        assert got.status_code == 200
        assert got.headers["etag"] == '"1"'
        assert got.json() == body

    async def test_replace_needs_if_match(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        await put_budget(client, bpsdm)
        url = f"/api/v1/budgets/{YEAR}"
        new = {"jurisdiction": "kabupaten_kota", "total_belanja_daerah_idr": 5_000_000_000_000}

        problem(await client.put(url, json=new, headers=bpsdm), 428, "precondition_required")
        problem(
            await client.put(url, json=new, headers=bpsdm | {"If-Match": '"7"'}), 412, "precondition_failed"
        )
        still = await client.get(url, headers=bpsdm)
        assert still.json()["total_belanja_daerah_idr"] == PROVINCE_TOTAL

        r = await client.put(url, json=new, headers=bpsdm | {"If-Match": '"1"'})
        assert r.status_code == 200, r.text
        assert r.headers["etag"] == '"2"'
        assert "location" not in r.headers
        assert r.json()["jurisdiction"] == "kabupaten_kota"
        assert r.json()["total_belanja_daerah_idr"] == 5_000_000_000_000
        # The old ETag is now stale.
        problem(
            await client.put(url, json=new, headers=bpsdm | {"If-Match": '"1"'}), 412, "precondition_failed"
        )

        rows = await audit_rows(session, "budget", str(YEAR))
        assert [(a.action, a.actor, a.role) for a in rows] == [
            ("create", "bpsdm", "bpsdm_admin"),
            ("update", "bpsdm", "bpsdm_admin"),
        ]
        assert rows[0].before is None
        assert rows[0].after == {"jurisdiction": "provinsi", "total_belanja_daerah_idr": PROVINCE_TOTAL}
        assert rows[1].before == {"jurisdiction": "provinsi", "total_belanja_daerah_idr": PROVINCE_TOTAL}
        assert rows[1].after == new

    async def test_replace_with_the_same_values_changes_nothing(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        await put_budget(client, bpsdm)
        r = await client.put(
            f"/api/v1/budgets/{YEAR}",
            json={"jurisdiction": "provinsi", "total_belanja_daerah_idr": PROVINCE_TOTAL},
            headers=bpsdm | {"If-Match": '"1"'},
        )
        assert r.status_code == 200
        assert r.headers["etag"] == '"1"'
        assert len(await audit_rows(session, "budget", str(YEAR))) == 1

    async def test_largest_total_is_kept_exactly(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await put_budget(client, as_(settings, world, "bpsdm"), total=10**16)
        assert r.json()["total_belanja_daerah_idr"] == 10**16
        got = await client.get(f"/api/v1/budgets/{YEAR}", headers=as_(settings, world, "bpsdm"))
        assert got.json()["total_belanja_daerah_idr"] == 10_000_000_000_000_000

    @pytest.mark.parametrize("total", [*BAD_MONEY, 0], ids=repr)
    async def test_total_must_be_a_positive_json_integer(
        self, client: httpx.AsyncClient, settings: Settings, world: World, total: Any
    ) -> None:
        r = await client.put(
            f"/api/v1/budgets/{YEAR}",
            json={"jurisdiction": "provinsi", "total_belanja_daerah_idr": total},
            headers=as_(settings, world, "bpsdm"),
        )
        data = problem(r, 422, "validation_error")
        assert data["errors"][0]["loc"][-1] == "total_belanja_daerah_idr" or data["errors"][0]["loc"][1] == (
            "total_belanja_daerah_idr"
        )
        assert (
            await client.get(f"/api/v1/budgets/{YEAR}", headers=as_(settings, world, "bpsdm"))
        ).status_code == 404

    @pytest.mark.parametrize(
        "body",
        [
            {"jurisdiction": "kota", "total_belanja_daerah_idr": 1},
            {"jurisdiction": "PROVINSI", "total_belanja_daerah_idr": 1},
            {"total_belanja_daerah_idr": 1},
            {"jurisdiction": "provinsi"},
            {"jurisdiction": "provinsi", "total_belanja_daerah_idr": 1, "pagu_idr": 5},
        ],
        ids=["unknown", "case", "no-jurisdiction", "no-total", "extra-field"],
    )
    async def test_body_is_validated(
        self, client: httpx.AsyncClient, settings: Settings, world: World, body: dict[str, Any]
    ) -> None:
        r = await client.put(f"/api/v1/budgets/{YEAR}", json=body, headers=as_(settings, world, "bpsdm"))
        problem(r, 422, "validation_error")

    @pytest.mark.parametrize("year", ["1999", "2101", "abc"])
    async def test_year_is_validated(
        self, client: httpx.AsyncClient, settings: Settings, world: World, year: str
    ) -> None:
        r = await client.put(
            f"/api/v1/budgets/{year}",
            json={"jurisdiction": "provinsi", "total_belanja_daerah_idr": 1},
            headers=as_(settings, world, "bpsdm"),
        )
        problem(r, 422, "validation_error")

    @pytest.mark.parametrize(
        "who", ["opd_a", "asn_a", "auditor", "client:budget:read", "client:learning:write"]
    )
    async def test_only_bpsdm_and_budget_writers_write(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.put(
            f"/api/v1/budgets/{YEAR}",
            json={"jurisdiction": "provinsi", "total_belanja_daerah_idr": 1},
            headers=as_(settings, world, who),
        )
        problem(r, 403, "forbidden")

    async def test_a_client_with_budget_write_records_and_is_audited(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await put_budget(client, as_(settings, world, "client:budget:write"), total=1_000)
        [row] = await audit_rows(session, "budget", str(YEAR))
        assert (row.action, row.actor, row.role) == ("create", "client:bk_test", "client")


class TestBudgetRead:
    async def test_unknown_year(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get("/api/v1/budgets/2031", headers=as_(settings, world, "bpsdm"))
        data = problem(r, 404, "budget_not_found")
        assert "PUT /api/v1/budgets/2031" in data["detail"]

    async def test_list_years_oldest_first_paginated(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        for year in (2026, 2024, 2025):
            await put_budget(client, bpsdm, year=year, total=year * 1_000_000)
        r = await client.get("/api/v1/budgets", headers=as_(settings, world, "opd_a"))
        assert r.status_code == 200
        body = r.json()
        assert [i["year"] for i in body["items"]] == [2024, 2025, 2026]
        assert body["items"][0]["total_belanja_daerah_idr"] == 2_024_000_000
        assert body["total"] == 3 and body["next_cursor"] is None

        first = (await client.get("/api/v1/budgets", params={"limit": 2}, headers=bpsdm)).json()
        assert [i["year"] for i in first["items"]] == [2024, 2025] and first["total"] == 3
        rest = (
            await client.get(
                "/api/v1/budgets", params={"limit": 2, "cursor": first["next_cursor"]}, headers=bpsdm
            )
        ).json()
        assert [i["year"] for i in rest["items"]] == [2026] and rest["next_cursor"] is None

    @pytest.mark.parametrize("who", ["asn_a", "client:learning:read"])
    async def test_asn_and_other_clients_cannot_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        await put_budget(client, as_(settings, world, "bpsdm"))
        for url in ("/api/v1/budgets", f"/api/v1/budgets/{YEAR}", f"/api/v1/budgets/{YEAR}/units"):
            problem(await client.get(url, headers=as_(settings, world, who)), 403, "forbidden")

    async def test_budget_reader_client(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await put_budget(client, as_(settings, world, "bpsdm"))
        r = await client.get(f"/api/v1/budgets/{YEAR}", headers=as_(settings, world, "client:budget:read"))
        assert r.status_code == 200
        assert r.json()["total_belanja_daerah_idr"] == PROVINCE_TOTAL


class TestUnitBudgetPut:
    async def test_create_replace_and_audit(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        await put_budget(client, bpsdm)
        unit = world.unit_a
        r = await put_unit(client, bpsdm, unit.id, 4_250_000_000, 3_987_500_000)
        assert r.headers["etag"] == '"1"'
        assert r.headers["location"] == f"/api/v1/budgets/{YEAR}/units/{unit.id}"
        body = r.json()
        assert {k: body[k] for k in ("year", "unit_id", "code", "name", "pagu_idr", "realisasi_idr")} == {
            "year": YEAR,
            "unit_id": unit.id,
            "code": unit.code,
            "name": unit.name,
            "pagu_idr": 4_250_000_000,
            "realisasi_idr": 3_987_500_000,
        }
        assert body["over_pagu"] is False
        assert body["realisation_rate_pct"] == 93.8235  # 3,987.5 / 4,250 = 0.938235294…

        url = f"/api/v1/budgets/{YEAR}/units/{unit.id}"
        new = {"pagu_idr": 1_000, "realisasi_idr": 1_001}
        problem(await client.put(url, json=new, headers=bpsdm), 428, "precondition_required")
        problem(
            await client.put(url, json=new, headers=bpsdm | {"If-Match": '"2"'}), 412, "precondition_failed"
        )
        r = await client.put(url, json=new, headers=bpsdm | {"If-Match": '"1"'})
        assert r.status_code == 200, r.text
        assert r.headers["etag"] == '"2"'
        assert r.json()["over_pagu"] is True
        assert r.json()["realisation_rate_pct"] == 100.1

        got = await client.get(url, headers=bpsdm)
        assert got.status_code == 200 and got.headers["etag"] == '"2"'
        assert got.json()["pagu_idr"] == 1_000 and got.json()["over_pagu"] is True

        rows = await audit_rows(session, "unit_budget", f"{YEAR}/{unit.id}")
        assert [r.action for r in rows] == ["create", "update"]
        assert rows[0].before is None
        assert rows[0].after == {"pagu_idr": 4_250_000_000, "realisasi_idr": 3_987_500_000}
        assert rows[1].before == rows[0].after
        assert rows[1].after == new

    async def test_zero_pagu_has_no_rate(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        await put_budget(client, bpsdm)
        body = (await put_unit(client, bpsdm, world.unit_b.id, 0, 5)).json()
        assert body["realisation_rate_pct"] is None
        assert body["over_pagu"] is True
        body = (await put_unit(client, bpsdm, world.unit_a.id, 0, 0)).json()
        assert body["realisation_rate_pct"] is None and body["over_pagu"] is False

    async def test_year_without_budget(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        r = await client.put(
            f"/api/v1/budgets/{YEAR}/units/{world.unit_a.id}",
            json={"pagu_idr": 1, "realisasi_idr": 1},
            headers=as_(settings, world, "bpsdm"),
        )
        data = problem(r, 404, "budget_not_found")
        assert f"PUT /api/v1/budgets/{YEAR}" in data["detail"]
        assert await audit_rows(session, "unit_budget", f"{YEAR}/{world.unit_a.id}") == []

    async def test_unknown_unit(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        await put_budget(client, bpsdm)
        r = await client.put(
            f"/api/v1/budgets/{YEAR}/units/987654", json={"pagu_idr": 1, "realisasi_idr": 1}, headers=bpsdm
        )
        problem(r, 404, "unit_not_found")

    @pytest.mark.parametrize("field", ["pagu_idr", "realisasi_idr"])
    @pytest.mark.parametrize("value", BAD_MONEY, ids=repr)
    async def test_money_is_a_non_negative_json_integer(
        self, client: httpx.AsyncClient, settings: Settings, world: World, field: str, value: Any
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        await put_budget(client, bpsdm)
        body = {"pagu_idr": 100, "realisasi_idr": 100} | {field: value}
        r = await client.put(f"/api/v1/budgets/{YEAR}/units/{world.unit_a.id}", json=body, headers=bpsdm)
        data = problem(r, 422, "validation_error")
        assert field in data["errors"][0]["loc"]

    async def test_zero_and_the_largest_amount_are_accepted(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        await put_budget(client, bpsdm)
        body = (await put_unit(client, bpsdm, world.unit_a.id, 10**16, 0)).json()
        assert body["pagu_idr"] == 10**16 and body["realisasi_idr"] == 0
        assert body["realisation_rate_pct"] == 0

    @pytest.mark.parametrize("who", ["opd_a", "asn_a", "auditor", "client:budget:read"])
    async def test_only_bpsdm_and_budget_writers_write(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        await put_budget(client, as_(settings, world, "bpsdm"))
        r = await client.put(
            f"/api/v1/budgets/{YEAR}/units/{world.unit_a.id}",
            json={"pagu_idr": 1, "realisasi_idr": 1},
            headers=as_(settings, world, who),
        )
        problem(r, 403, "forbidden")

    async def test_budget_writer_client(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        writer = as_(settings, world, "client:budget:write")
        await put_budget(client, writer)
        await put_unit(client, writer, world.unit_b.id, 10, 5)


class TestUnitBudgetRead:
    async def _setup(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        await put_budget(client, bpsdm)
        await put_unit(client, bpsdm, world.unit_a.id, 300, 200)
        await put_unit(client, bpsdm, world.unit_a1.id, 100, 50)
        await put_unit(client, bpsdm, world.unit_b.id, 500, 600)
        await put_budget(client, bpsdm, year=YEAR + 1)
        await put_unit(client, bpsdm, world.unit_a.id, 7, 7, year=YEAR + 1)

    async def units(
        self, client: httpx.AsyncClient, headers: dict[str, str], **params: Any
    ) -> dict[str, Any]:
        r = await client.get(f"/api/v1/budgets/{YEAR}/units", params=params, headers=headers)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    @pytest.mark.parametrize("who", ["bpsdm", "auditor", "client:budget:read"])
    async def test_everyone_for_readers_of_everything(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        await self._setup(client, settings, world)
        body = await self.units(client, as_(settings, world, who))
        ids = [world.unit_a.id, world.unit_a1.id, world.unit_b.id]
        assert [i["unit_id"] for i in body["items"]] == ids
        assert body["total"] == 3
        b = body["items"][2]
        assert (b["pagu_idr"], b["realisasi_idr"], b["over_pagu"], b["realisation_rate_pct"]) == (
            500,
            600,
            True,
            120,
        )

    async def test_opd_admin_sees_its_subtree(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await self._setup(client, settings, world)
        body = await self.units(client, as_(settings, world, "opd_a"))
        assert [i["unit_id"] for i in body["items"]] == [world.unit_a.id, world.unit_a1.id]
        assert body["total"] == 2
        body = await self.units(client, as_(settings, world, "opd_a1"))
        assert [i["unit_id"] for i in body["items"]] == [world.unit_a1.id]

        opd_a = as_(settings, world, "opd_a")
        assert (
            await client.get(f"/api/v1/budgets/{YEAR}/units/{world.unit_a1.id}", headers=opd_a)
        ).status_code == 200
        r = await client.get(f"/api/v1/budgets/{YEAR}/units/{world.unit_b.id}", headers=opd_a)
        problem(r, 404, "unit_not_found")
        r = await client.get(
            f"/api/v1/budgets/{YEAR}/units/{world.unit_a.id}", headers=as_(settings, world, "opd_a1")
        )
        problem(r, 404, "unit_not_found")

    async def test_pagination(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        await self._setup(client, settings, world)
        bpsdm = as_(settings, world, "bpsdm")
        first = await self.units(client, bpsdm, limit=2)
        assert len(first["items"]) == 2 and first["total"] == 3 and first["next_cursor"]
        rest = await self.units(client, bpsdm, limit=2, cursor=first["next_cursor"])
        assert [i["unit_id"] for i in rest["items"]] == [world.unit_b.id] and rest["next_cursor"] is None

    async def test_not_found(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await self._setup(client, settings, world)
        bpsdm = as_(settings, world, "bpsdm")
        problem(await client.get("/api/v1/budgets/2030/units", headers=bpsdm), 404, "budget_not_found")
        problem(
            await client.get(f"/api/v1/budgets/2030/units/{world.unit_a.id}", headers=bpsdm),
            404,
            "budget_not_found",
        )
        problem(
            await client.get(f"/api/v1/budgets/{YEAR}/units/987654", headers=bpsdm), 404, "unit_not_found"
        )
        other = await create_unit(session, "DINAS_C")
        await session.commit()
        r = await client.get(f"/api/v1/budgets/{YEAR}/units/{other.id}", headers=bpsdm)
        data = problem(r, 404, "unit_budget_not_found")
        assert f"PUT /api/v1/budgets/{YEAR}/units/{other.id}" in data["detail"]


class TestCreateRace:
    async def test_losing_a_create_race_is_reported_not_a_500(
        self, world: World, session: AsyncSession
    ) -> None:
        # Another request inserted the year between our read and our insert.
        await session.execute(
            insert(Budget).values(year=2044, jurisdiction="provinsi", total_belanja_daerah_idr=5, version=1)
        )
        assert (
            await service._insert(
                session, Budget(year=2044, jurisdiction="provinsi", total_belanja_daerah_idr=7)
            )
            is False
        )
        # The transaction is still usable and the first row is intact.
        assert (
            await session.execute(select(Budget.total_belanja_daerah_idr).where(Budget.year == 2044))
        ).scalar_one() == 5
        assert (
            await service._insert(
                session, Budget(year=2045, jurisdiction="provinsi", total_belanja_daerah_idr=7)
            )
            is True
        )
