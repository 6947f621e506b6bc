"""Potential assessments and disciplinary records over HTTP: history, validation, confidentiality,
scope, idempotency and audit."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.types import latest_indonesian_date
from tests.factories import World
from tests.http import as_, audit_rows, problem
from tests.talent.helpers import potential_body, potential_url, sanction_body, sanction_url


class TestPotentialAssessments:
    async def test_recorded_as_history_newest_first(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "opd_a")
        nip = world.asn_a.nip
        body = potential_body(
            "2024-05-02",
            assessor="UPT Penilaian Kompetensi",
            category="menengah",
            aspects=[{"name": "Kemampuan berpikir", "score": 80}, {"name": "Motivasi", "score": "76.5"}],
        )
        first = await client.post(potential_url(nip), json=body, headers=h)
        assert first.status_code == 201, first.text
        assert first.headers["location"] == potential_url(nip)
        data = first.json()
        assert data["nip"] == nip
        assert data["score"] == 78.25
        assert data["category"] == "menengah"
        assert data["aspects"] == [
            {"name": "Kemampuan berpikir", "score": 80.0},
            {"name": "Motivasi", "score": 76.5},
        ]
        assert data["created_by"] == "opd.a"
        second = await client.post(
            potential_url(nip), json=potential_body("2025-08-14", score=85, method="tes_potensi"), headers=h
        )
        assert second.status_code == 201
        assert second.json()["category"] is None  # derived later from the year's cut-offs, never stored
        assert second.json()["aspects"] == []
        listed = await client.get(potential_url(nip), headers=as_(settings, world, "auditor"))
        assert listed.status_code == 200
        page = listed.json()
        assert page["total"] == 2
        assert [i["assessed_on"] for i in page["items"]] == ["2025-08-14", "2024-05-02"]
        assert page["items"][1] == data
        rows = await audit_rows(session, "potential_assessment", data["id"])
        assert len(rows) == 1
        assert rows[0].action == "create"
        assert rows[0].after is not None and rows[0].after["score"] == "78.25"

    @pytest.mark.parametrize(
        "change, field",
        [
            ({"score": 100.5}, "score"),
            ({"score": -0.01}, "score"),
            ({"method": "wawancara"}, "method"),
            ({"category": "sedang"}, "category"),
            ({"assessed_on": "1949-12-31"}, "assessed_on"),
            ({"aspects": [{"name": "Motivasi", "score": 101}]}, "score"),
            ({"aspects": [{"name": "", "score": 50}]}, "name"),
            ({"note": "x"}, "note"),
        ],
    )
    async def test_invalid_bodies(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        change: dict[str, object],
        field: str,
    ) -> None:
        r = await client.post(
            potential_url(world.asn_a.nip),
            json=potential_body() | change,
            headers=as_(settings, world, "bpsdm"),
        )
        data = problem(r, 422, "validation_error")
        assert data["errors"][0]["loc"][-1] == field

    async def test_not_in_the_future(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        today = latest_indonesian_date()
        tomorrow = (today + timedelta(days=1)).isoformat()
        r = await client.post(potential_url(world.asn_a.nip), json=potential_body(tomorrow), headers=h)
        problem(r, 422, "invalid_assessment_date")
        ok = await client.post(
            potential_url(world.asn_a.nip), json=potential_body(today.isoformat()), headers=h
        )
        assert ok.status_code == 201

    async def test_each_aspect_once(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = potential_body(aspects=[{"name": "Motivasi", "score": 70}, {"name": "motivasi", "score": 71}])
        r = await client.post(
            potential_url(world.asn_a.nip), json=body, headers=as_(settings, world, "bpsdm")
        )
        problem(r, 422, "duplicate_aspect")

    async def test_confidential_from_every_asn_even_their_own(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        own = as_(settings, world, "asn_a")
        problem(await client.get(potential_url(world.asn_a.nip), headers=own), 403, "forbidden")
        problem(await client.get(potential_url(world.asn_b.nip), headers=own), 403, "forbidden")
        problem(
            await client.post(potential_url(world.asn_a.nip), json=potential_body(), headers=own),
            403,
            "forbidden",
        )

    @pytest.mark.parametrize(
        "who, asn, status", [("opd_a", "asn_a1", 201), ("opd_a", "asn_b", 404), ("opd_a1", "asn_a", 404)]
    )
    async def test_opd_admins_reach_their_subtree_only(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, asn: str, status: int
    ) -> None:
        h = as_(settings, world, who)
        nip = getattr(world, asn).nip
        assert (await client.post(potential_url(nip), json=potential_body(), headers=h)).status_code == status
        assert (await client.get(potential_url(nip), headers=h)).status_code == (
            200 if status == 201 else 404
        )

    @pytest.mark.parametrize(
        "scope, read, write", [("talent:read", 200, 403), ("talent:write", 403, 201), ("asn:write", 403, 403)]
    )
    async def test_client_scopes(
        self, client: httpx.AsyncClient, settings: Settings, world: World, scope: str, read: int, write: int
    ) -> None:
        h = as_(settings, world, f"client:{scope}")
        assert (await client.get(potential_url(world.asn_b.nip), headers=h)).status_code == read
        r = await client.post(potential_url(world.asn_b.nip), json=potential_body(), headers=h)
        assert r.status_code == write, r.text

    async def test_idempotent_create(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm") | {"Idempotency-Key": "pot-1"}
        first = await client.post(potential_url(world.asn_a.nip), json=potential_body(), headers=h)
        again = await client.post(potential_url(world.asn_a.nip), json=potential_body(), headers=h)
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
        other = await client.post(potential_url(world.asn_a.nip), json=potential_body(score=50), headers=h)
        problem(other, 422, "idempotency_key_reused")
        listed = await client.get(potential_url(world.asn_a.nip), headers=as_(settings, world, "bpsdm"))
        assert listed.json()["total"] == 1


class TestDisciplinaryRecords:
    async def test_recorded_as_history_newest_first(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "opd_a")
        nip = world.asn_a1.nip
        first = await client.post(
            sanction_url(nip),
            json=sanction_body("2024-01-15", ends_on="2024-12-31", reference=" 800/12/BKD "),
            headers=h,
        )
        assert first.status_code == 201, first.text
        data = first.json()
        assert data | {"id": 0, "created_at": ""} == {
            "id": 0,
            "nip": nip,
            "level": "sedang",
            "decided_on": "2024-01-15",
            "ends_on": "2024-12-31",
            "reference": "800/12/BKD",
            "created_by": "opd.a",
            "created_at": "",
        }
        second = await client.post(
            sanction_url(nip), json=sanction_body("2025-02-01", level="berat"), headers=h
        )
        assert second.status_code == 201
        assert second.json()["ends_on"] is None
        listed = await client.get(sanction_url(nip), headers=as_(settings, world, "auditor"))
        assert [i["decided_on"] for i in listed.json()["items"]] == ["2025-02-01", "2024-01-15"]
        rows = await audit_rows(session, "disciplinary_record", data["id"])
        assert [(r.action, r.actor) for r in rows] == [("create", "opd.a")]
        assert rows[0].after is not None and rows[0].after["ends_on"] == "2024-12-31"

    async def test_ends_on_the_decision_day_is_allowed_before_it_is_not(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        same = await client.post(
            sanction_url(world.asn_a.nip), json=sanction_body("2025-03-10", ends_on="2025-03-10"), headers=h
        )
        assert same.status_code == 201
        before = await client.post(
            sanction_url(world.asn_a.nip), json=sanction_body("2025-03-10", ends_on="2025-03-09"), headers=h
        )
        problem(before, 422, "invalid_sanction_dates")

    async def test_not_decided_in_the_future(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        tomorrow = (latest_indonesian_date() + timedelta(days=1)).isoformat()
        r = await client.post(
            sanction_url(world.asn_a.nip), json=sanction_body(tomorrow), headers=as_(settings, world, "bpsdm")
        )
        problem(r, 422, "invalid_sanction_dates")

    @pytest.mark.parametrize(
        "change, field",
        [
            ({"level": "ringan sekali"}, "level"),
            ({"decided_on": "10-03-2025"}, "decided_on"),
            ({"decided_on": 20250310}, "decided_on"),
            ({"reference": "x" * 201}, "reference"),
            ({"reason": "x"}, "reason"),
        ],
    )
    async def test_invalid_bodies(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        change: dict[str, object],
        field: str,
    ) -> None:
        r = await client.post(
            sanction_url(world.asn_a.nip),
            json=sanction_body() | change,
            headers=as_(settings, world, "bpsdm"),
        )
        assert problem(r, 422, "validation_error")["errors"][0]["loc"][-1] == field

    async def test_never_visible_to_any_asn(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await client.post(
            sanction_url(world.asn_a.nip), json=sanction_body(), headers=as_(settings, world, "bpsdm")
        )
        for who in ("asn_a", "asn_b"):
            h = as_(settings, world, who)
            problem(await client.get(sanction_url(world.asn_a.nip), headers=h), 403, "forbidden")
            problem(
                await client.post(sanction_url(world.asn_a.nip), json=sanction_body(), headers=h),
                403,
                "forbidden",
            )

    @pytest.mark.parametrize("scope", ["talent:read", "talent:write", "asn:read"])
    async def test_no_client_scope_opens_them(
        self, client: httpx.AsyncClient, settings: Settings, world: World, scope: str
    ) -> None:
        h = as_(settings, world, f"client:{scope}")
        problem(await client.get(sanction_url(world.asn_a.nip), headers=h), 403, "forbidden")
        problem(
            await client.post(sanction_url(world.asn_a.nip), json=sanction_body(), headers=h),
            403,
            "forbidden",
        )

    async def test_auditor_reads_but_never_writes(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "auditor")
        assert (await client.get(sanction_url(world.asn_b.nip), headers=h)).status_code == 200
        problem(
            await client.post(sanction_url(world.asn_b.nip), json=sanction_body(), headers=h),
            403,
            "forbidden",
        )

    @pytest.mark.parametrize(
        "who, asn, status", [("opd_a", "asn_a1", 201), ("opd_a", "asn_b", 404), ("opd_b", "asn_a", 404)]
    )
    async def test_opd_admins_reach_their_subtree_only(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, asn: str, status: int
    ) -> None:
        h = as_(settings, world, who)
        nip = getattr(world, asn).nip
        assert (await client.post(sanction_url(nip), json=sanction_body(), headers=h)).status_code == status
        assert (await client.get(sanction_url(nip), headers=h)).status_code == (200 if status == 201 else 404)

    async def test_idempotent_create(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm") | {"Idempotency-Key": "sanksi-1"}
        first = await client.post(sanction_url(world.asn_a.nip), json=sanction_body(), headers=h)
        again = await client.post(sanction_url(world.asn_a.nip), json=sanction_body(), headers=h)
        assert first.status_code == again.status_code == 201
        assert again.json()["id"] == first.json()["id"]
        assert again.headers["idempotent-replayed"] == "true"
        listed = await client.get(sanction_url(world.asn_a.nip), headers=as_(settings, world, "bpsdm"))
        assert listed.json()["total"] == 1
