"""Assessments over HTTP: recording (validation, scope, idempotency, audit), history and current levels."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.config import Settings
from app.core.types import latest_indonesian_date
from tests.competencies.helpers import (
    DICTIONARY,
    assess,
    assessment_body,
    assessment_count,
    levels_of,
    set_standard,
    unit_totals,
)
from tests.factories import World, bearer, client_principal
from tests.http import as_, problem


def url(nip: str) -> str:
    return f"/api/v1/asn/{nip}/assessments"


class TestCreate:
    async def test_created_with_location_and_results(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = assessment_body("2025-08-14", {"SK1": 3, "M4": 2, "M1": 3}, note="Promosi")
        r = await client.post(url(world.asn_a.nip), json=body, headers=as_(settings, world, "opd_a"))
        assert r.status_code == 201, r.text
        data = r.json()
        assert r.headers["location"] == f"/api/v1/assessments/{data['id']}"
        assert data["nip"] == world.asn_a.nip
        assert data["assessed_on"] == "2025-08-14"
        assert data["method"] == "assessment_center"
        assert data["assessor"] == "UPT Penilaian Kompetensi"
        assert data["note"] == "Promosi"
        assert data["created_by"] == "opd.a"
        assert data["created_at"].endswith("Z") or data["created_at"].endswith("+00:00")
        # Results come back in the dictionary's order, whatever order they were sent in.
        assert data["results"] == [
            {"competency_code": "M1", "level": 3},
            {"competency_code": "M4", "level": 2},
            {"competency_code": "SK1", "level": 3},
        ]
        got = await client.get(r.headers["location"], headers=as_(settings, world, "asn_a"))
        assert got.status_code == 200
        assert got.json() == data

    async def test_today_is_accepted_and_optional_fields_may_be_left_out(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = {
            "assessed_on": latest_indonesian_date().isoformat(),
            "method": "self",
            "results": [{"competency_code": "M2", "level": 5}],
        }
        r = await client.post(url(world.asn_a.nip), json=body, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 201, r.text
        assert r.json()["assessor"] is None
        assert r.json()["note"] is None

    async def test_audited(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        data = await assess(client, world.asn_a.nip, as_(settings, world, "bpsdm"), "2024-02-01", {"M3": 4})
        rows = (
            (
                await session.execute(
                    select(AuditEntry).where(
                        AuditEntry.entity == "assessment", AuditEntry.key == str(data["id"])
                    )
                )
            )
            .scalars()
            .all()
        )
        assert len(rows) == 1
        assert rows[0].action == "create"
        assert rows[0].actor == "bpsdm"
        assert rows[0].after is not None
        assert rows[0].after["nip"] == world.asn_a.nip
        assert rows[0].after["assessed_on"] == "2024-02-01"
        assert rows[0].after["results"] == [{"competency_code": "M3", "level": 4}]

    async def test_idempotency_key(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "opd_a") | {"Idempotency-Key": "assess-1"}
        body = assessment_body("2025-01-02", {"M1": 2})
        first = await client.post(url(world.asn_a.nip), json=body, headers=h)
        again = await client.post(url(world.asn_a.nip), json=body, headers=h)
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert again.headers["location"] == first.headers["location"]
        assert again.headers.get("idempotent-replayed") == "true"
        assert await assessment_count(session, world.asn_a.nip) == 1
        other = await client.post(
            url(world.asn_a.nip), json=assessment_body("2025-01-02", {"M1": 3}), headers=h
        )
        problem(other, 422, "idempotency_key_reused")
        assert await assessment_count(session, world.asn_a.nip) == 1

    async def test_history_is_never_edited_or_deleted(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        data = await assess(client, world.asn_a.nip, h, "2024-02-01", {"M3": 4})
        for method in ("PATCH", "PUT", "DELETE"):
            r = await client.request(method, f"/api/v1/assessments/{data['id']}", headers=h, json={})
            assert r.status_code == 405, (method, r.text)


class TestValidation:
    @pytest.mark.parametrize("level", [0, 6, -1, 3.5, "3", True, None])
    async def test_level_must_be_1_to_5(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        level: object,
    ) -> None:
        body = assessment_body("2025-01-02", {"M1": 3}) | {
            "results": [{"competency_code": "M1", "level": 3}, {"competency_code": "M2", "level": level}]
        }
        r = await client.post(url(world.asn_a.nip), json=body, headers=as_(settings, world, "bpsdm"))
        data = problem(r, 422, "validation_error")
        assert data["errors"][0]["loc"][:4] == ["body", "results", 1, "level"]
        assert await assessment_count(session, world.asn_a.nip) == 0

    async def test_unknown_competency(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        body = assessment_body("2025-01-02", {"M1": 3, "T-NOPE": 2, "M99": 1})
        r = await client.post(url(world.asn_a.nip), json=body, headers=as_(settings, world, "bpsdm"))
        data = problem(r, 422, "unknown_competency")
        assert data["codes"] == ["M99", "T-NOPE"]
        assert await assessment_count(session, world.asn_a.nip) == 0
        assert await levels_of(session, world.asn_a.nip) == {}

    async def test_duplicate_competency(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        body = assessment_body("2025-01-02", {}) | {
            "results": [
                {"competency_code": "M1", "level": 3},
                {"competency_code": "M2", "level": 3},
                {"competency_code": "M1", "level": 4},
            ]
        }
        r = await client.post(url(world.asn_a.nip), json=body, headers=as_(settings, world, "bpsdm"))
        data = problem(r, 422, "duplicate_competency")
        assert data["codes"] == ["M1"]
        assert "M1" in data["detail"]
        assert await assessment_count(session, world.asn_a.nip) == 0

    @pytest.mark.parametrize("results", [[], [{"competency_code": "M1", "level": 1}] * 201])
    async def test_results_count(
        self, client: httpx.AsyncClient, settings: Settings, world: World, results: list[object]
    ) -> None:
        body = assessment_body("2025-01-02", {}) | {"results": results}
        r = await client.post(url(world.asn_a.nip), json=body, headers=as_(settings, world, "bpsdm"))
        data = problem(r, 422, "validation_error")
        assert data["errors"][0]["loc"][:2] == ["body", "results"]

    async def test_future_date(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        tomorrow = (latest_indonesian_date() + timedelta(days=1)).isoformat()
        r = await client.post(
            url(world.asn_a.nip),
            json=assessment_body(tomorrow, {"M1": 3}),
            headers=as_(settings, world, "bpsdm"),
        )
        problem(r, 422, "invalid_assessment_date")
        assert await assessment_count(session, world.asn_a.nip) == 0

    @pytest.mark.parametrize("day", ["1989-12-31", "0001-01-01"])
    async def test_too_old(
        self, client: httpx.AsyncClient, settings: Settings, world: World, day: str
    ) -> None:
        r = await client.post(
            url(world.asn_a.nip), json=assessment_body(day, {"M1": 3}), headers=as_(settings, world, "bpsdm")
        )
        problem(r, 422, "invalid_assessment_date")

    async def test_1990_is_accepted(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await assess(client, world.asn_a.nip, as_(settings, world, "bpsdm"), "1990-01-01", {"M1": 3})

    @pytest.mark.parametrize(
        "overrides",
        [
            {"method": "wawancara"},
            {"method": None},
            {"assessed_on": "2025-02-30"},
            {"assessed_on": "kemarin"},
            {"assessor": "x" * 201},
            {"assessor": "baris\nbaru"},
            {"note": "x" * 2001},
            {"extra": 1},
            {"results": [{"competency_code": "M1"}]},
            {"results": [{"competency_code": "M 1", "level": 2}]},
            {"results": [{"competency_code": "M1", "level": 2, "weight": 1}]},
            {"results": "M1=3"},
        ],
    )
    async def test_bad_fields(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        overrides: dict[str, object],
    ) -> None:
        body = assessment_body("2025-01-02", {"M1": 3}) | overrides
        r = await client.post(url(world.asn_a.nip), json=body, headers=as_(settings, world, "bpsdm"))
        problem(r, 422, "validation_error")
        assert await assessment_count(session, world.asn_a.nip) == 0

    async def test_unknown_nip(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        body = assessment_body("2025-01-02", {"M1": 3})
        h = as_(settings, world, "bpsdm")
        problem(await client.post(url("199001012015011001"), json=body, headers=h), 404, "asn_not_found")
        problem(await client.get(url("199001012015011001"), headers=h), 404, "asn_not_found")
        problem(
            await client.get("/api/v1/asn/199001012015011001/competency-gaps", headers=h),
            404,
            "asn_not_found",
        )
        problem(await client.get("/api/v1/assessments/999999", headers=h), 404, "assessment_not_found")


class TestScope:
    async def test_who_may_record(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        body = assessment_body("2025-01-02", {"M1": 3})
        # An ASN cannot assess itself or anyone else.
        problem(
            await client.post(url(world.asn_a.nip), json=body, headers=as_(settings, world, "asn_a")),
            403,
            "forbidden",
        )
        problem(
            await client.post(url(world.asn_a.nip), json=body, headers=as_(settings, world, "auditor")),
            403,
            "forbidden",
        )
        # An OPD admin reaches its unit and the descendants, nobody else (404, never revealing the ASN).
        problem(
            await client.post(url(world.asn_a.nip), json=body, headers=as_(settings, world, "opd_b")),
            404,
            "asn_not_found",
        )
        problem(
            await client.post(url(world.asn_a.nip), json=body, headers=as_(settings, world, "opd_a1")),
            404,
            "asn_not_found",
        )
        await assess(client, world.asn_a1.nip, as_(settings, world, "opd_a"), "2025-01-02", {"M1": 3})
        await assess(client, world.asn_a1.nip, as_(settings, world, "opd_a1"), "2025-01-03", {"M1": 3})
        # Clients need asn:write.
        for scopes in (("asn:read",), ("learning:write", "learning:read")):
            r = await client.post(
                url(world.asn_b.nip), json=body, headers=bearer(settings, client_principal(*scopes))
            )
            problem(r, 403, "forbidden")
        data = await assess(
            client, world.asn_b.nip, bearer(settings, client_principal("asn:write")), "2025-01-02", {"M1": 3}
        )
        assert data["created_by"] == "client:bk_test"
        assert await assessment_count(session, world.asn_a.nip) == 0

    async def test_who_may_read(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        a = await assess(client, world.asn_a.nip, as_(settings, world, "bpsdm"), "2025-01-02", {"M1": 3})
        a1 = await assess(client, world.asn_a1.nip, as_(settings, world, "bpsdm"), "2025-01-02", {"M1": 3})
        b = await assess(client, world.asn_b.nip, as_(settings, world, "bpsdm"), "2025-01-02", {"M1": 3})
        cases = {
            "bpsdm": {a["id"], a1["id"], b["id"]},
            "auditor": {a["id"], a1["id"], b["id"]},
            "opd_a": {a["id"], a1["id"]},
            "opd_a1": {a1["id"]},
            "opd_b": {b["id"]},
            "asn_a": {a["id"]},
            "asn_b": {b["id"]},
        }
        owners = {a["id"]: world.asn_a.nip, a1["id"]: world.asn_a1.nip, b["id"]: world.asn_b.nip}
        for who, visible in cases.items():
            h = as_(settings, world, who)
            for assessment_id, nip in owners.items():
                listed = await client.get(url(nip), headers=h)
                one = await client.get(f"/api/v1/assessments/{assessment_id}", headers=h)
                if assessment_id in visible:
                    assert listed.status_code == 200, (who, nip)
                    assert [i["id"] for i in listed.json()["items"]] == [assessment_id]
                    assert one.status_code == 200, (who, assessment_id)
                else:
                    problem(listed, 404, "asn_not_found")
                    problem(one, 404, "assessment_not_found")

    async def test_clients_need_asn_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        a = await assess(client, world.asn_a.nip, as_(settings, world, "bpsdm"), "2025-01-02", {"M1": 3})
        reader = bearer(settings, client_principal("asn:read"))
        assert (await client.get(url(world.asn_a.nip), headers=reader)).status_code == 200
        assert (await client.get(f"/api/v1/assessments/{a['id']}", headers=reader)).status_code == 200
        other = bearer(settings, client_principal("learning:read", "asn:write"))
        problem(await client.get(url(world.asn_a.nip), headers=other), 403, "forbidden")
        problem(await client.get(f"/api/v1/assessments/{a['id']}", headers=other), 403, "forbidden")


class TestHistory:
    async def test_list_newest_first_with_pages(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "opd_a")
        nip = world.asn_a.nip
        first = await assess(client, nip, h, "2024-05-01", {"M1": 2})
        late = await assess(client, nip, h, "2025-03-01", {"M2": 3})
        older = await assess(client, nip, h, "2021-07-07", {"M3": 1, "M1": 1})
        same_day = await assess(client, nip, h, "2024-05-01", {"M4": 4})
        expected = [late["id"], same_day["id"], first["id"], older["id"]]
        r = await client.get(url(nip), headers=h)
        assert r.status_code == 200
        data = r.json()
        assert data["total"] == 4
        assert data["next_cursor"] is None
        assert [i["id"] for i in data["items"]] == expected
        assert data["items"][3]["results"] == [
            {"competency_code": "M1", "level": 1},
            {"competency_code": "M3", "level": 1},
        ]
        seen: list[int] = []
        cursor = None
        for _ in range(4):
            params: dict[str, str | int] = {"limit": 1}
            if cursor:
                params["cursor"] = cursor
            page = (await client.get(url(nip), headers=h, params=params)).json()
            assert page["total"] == 4
            seen += [i["id"] for i in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == expected
        problem(await client.get(url(nip), headers=h, params={"cursor": "bm9wZQ"}), 422, "invalid_cursor")
        problem(await client.get(url(nip), headers=h, params={"cursor": "WyJ4IiwxXQ"}), 422, "invalid_cursor")

    async def test_latest_assessment_per_competency(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        nip = world.asn_a.nip
        a1 = await assess(client, nip, h, "2023-06-01", dict.fromkeys(DICTIONARY, 2))
        a2 = await assess(client, nip, h, "2024-06-01", {"M1": 4, "M2": 4})
        a3 = await assess(client, nip, h, "2025-06-01", {"M3": 5})
        # Entered last, but older than everything: changes nothing it has a newer rating for.
        a0 = await assess(client, nip, h, "2022-06-01", dict.fromkeys(DICTIONARY, 1))
        levels = await levels_of(session, nip)
        assert levels["M1"] == (4, "2024-06-01", a2["id"])
        assert levels["M2"] == (4, "2024-06-01", a2["id"])
        assert levels["M3"] == (5, "2025-06-01", a3["id"])
        for code in ("M4", "M5", "M6", "M7", "M8", "SK1"):
            assert levels[code] == (2, "2023-06-01", a1["id"]), code
        assert a0["id"] > a3["id"]
        # A late entry still sets a competency nobody else rated, and a newer date still wins.
        await assess(client, nip, h, "2020-01-01", {"M1": 1})
        a5 = await assess(client, nip, h, "2025-06-02", {"M3": 2, "M4": 3})
        levels = await levels_of(session, nip)
        assert levels["M1"] == (4, "2024-06-01", a2["id"])
        assert levels["M3"] == (2, "2025-06-02", a5["id"])
        assert levels["M4"] == (3, "2025-06-02", a5["id"])

    async def test_never_rated_competency_is_set_by_a_late_old_assessment(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        nip = world.asn_a.nip
        await assess(client, nip, h, "2025-06-01", {"M1": 4})
        old = await assess(client, nip, h, "2019-06-01", {"M1": 1, "SK1": 3})
        levels = await levels_of(session, nip)
        assert levels["M1"][0] == 4
        assert levels["SK1"] == (3, "2019-06-01", old["id"])

    async def test_same_day_the_one_recorded_later_wins(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        nip = world.asn_a.nip
        await assess(client, nip, h, "2025-04-10", {"M1": 2, "M2": 2})
        second = await assess(client, nip, h, "2025-04-10", {"M1": 4}, method="atasan")
        levels = await levels_of(session, nip)
        assert levels["M1"] == (4, "2025-04-10", second["id"])
        assert levels["M2"][0] == 2
        third = await assess(client, nip, h, "2025-04-10", {"M1": 3, "M2": 5}, method="uji_kompetensi")
        levels = await levels_of(session, nip)
        assert levels["M1"] == (3, "2025-04-10", third["id"])
        assert levels["M2"] == (5, "2025-04-10", third["id"])

    async def test_levels_belong_to_their_asn(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        await assess(client, world.asn_a.nip, h, "2024-01-01", {"M1": 2})
        await assess(client, world.asn_b.nip, h, "2025-01-01", {"M1": 5})
        assert (await levels_of(session, world.asn_a.nip))["M1"][0] == 2
        assert (await levels_of(session, world.asn_b.nip))["M1"][0] == 5


class TestUnitTotals:
    async def test_unit_totals_follow_assessments(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await set_standard(session, world.position_a, {"M1": 3, "M2": 3, "M3": 2})
        unit = world.unit_a.id
        totals = await unit_totals(session, unit)
        assert totals["M1"] == (1, 0, 0, 0)
        assert totals["M3"] == (1, 0, 0, 0)
        h = as_(settings, world, "opd_a")
        nip = world.asn_a.nip
        await assess(client, nip, h, "2024-01-01", {"M1": 2, "M2": 4, "M4": 1})
        totals = await unit_totals(session, unit)
        assert totals["M1"] == (1, 1, 1, -1)
        assert totals["M2"] == (1, 1, 0, 1)
        assert totals["M3"] == (1, 0, 0, 0)
        assert "M4" not in totals  # rated, but not in the standard
        await assess(client, nip, h, "2025-01-01", {"M1": 3, "M3": 1})
        totals = await unit_totals(session, unit)
        assert totals["M1"] == (1, 1, 0, 0)
        assert totals["M2"] == (1, 1, 0, 1)
        assert totals["M3"] == (1, 1, 1, -1)
        # An older assessment entered late moves nothing.
        await assess(client, nip, h, "2020-01-01", {"M1": 1, "M2": 1, "M3": 1})
        assert await unit_totals(session, unit) == totals
        # Other units are untouched.
        assert await unit_totals(session, world.unit_b.id) == {}
