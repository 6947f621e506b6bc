"""The course catalogue over HTTP: create, read, filter, page, update with If-Match, audit."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.models import Course, CourseCompetency
from app.core.config import Settings
from tests.factories import World, bearer, client_principal
from tests.http import PROBLEM, as_, audit_rows, problem

COURSES = "/api/v1/courses"

_codes = itertools.count(1)


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "code": f"BPSDM-{next(_codes):04d}",
        "title": "Pelatihan Kepemimpinan Pengawas",
        "form_code": "1",
        "jp": 830,
        "competency_codes": ["M1", "M4"],
        "organizer": "BPSDM Provinsi Kalimantan Timur",
        "starts_on": "2026-03-02",
        "ends_on": "2026-06-19",
        "quota": 40,
    } | overrides


async def create(client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    r = await client.post(COURSES, json=body(**overrides), headers=headers)
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


async def course_count(session: AsyncSession) -> int:
    return len((await session.execute(select(Course.id))).all())


class TestCreate:
    async def test_created_with_location_etag_and_shape(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        r = await client.post(
            COURSES,
            json=body(code="PKP-2026-III", competency_codes=["SK1", "M4", "M1", "M4"], jp="12.5"),
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 201, r.text
        data = r.json()
        assert r.headers["location"] == f"/api/v1/courses/{data['id']}"
        assert r.headers["etag"] == '"1"'
        assert set(data) == {
            "id",
            "code",
            "title",
            "form_code",
            "jp",
            "competency_codes",
            "organizer",
            "starts_on",
            "ends_on",
            "quota",
            "active",
            "updated_at",
        }
        assert data["code"] == "PKP-2026-III"
        assert data["jp"] == 12.5
        assert data["competency_codes"] == ["M1", "M4", "SK1"]  # deduplicated, dictionary order
        assert data["active"] is True
        assert data["starts_on"] == "2026-03-02"
        assert data["quota"] == 40
        links = await session.execute(
            select(CourseCompetency.competency_code).where(CourseCompetency.course_id == data["id"])
        )
        assert sorted(links.scalars()) == ["M1", "M4", "SK1"]
        [entry] = await audit_rows(session, "course", data["id"])
        assert entry.action == "create"
        assert entry.actor == "bpsdm"
        assert entry.after is not None
        assert entry.after["code"] == "PKP-2026-III"
        assert entry.after["competency_codes"] == ["M1", "M4", "SK1"]
        assert entry.after["jp"] == "12.50"

    async def test_optional_fields_may_be_null(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(
            COURSES,
            json={"code": "WEBINAR-1", "title": "Webinar Integritas", "form_code": "13"},
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 201, r.text
        data = r.json()
        assert data["jp"] is None
        assert data["competency_codes"] == []
        assert data["organizer"] is None
        assert data["starts_on"] is None and data["ends_on"] is None and data["quota"] is None

    async def test_jp_bounds(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        headers = as_(settings, world, "bpsdm")
        assert (await create(client, headers, jp=2000))["jp"] == 2000.0
        assert (await create(client, headers, jp=0.01))["jp"] == 0.01
        for jp in (0, -1, 2000.01, "1.234", "lots"):
            r = await client.post(COURSES, json=body(jp=jp), headers=headers)
            data = problem(r, 422, "validation_error")
            assert data["errors"][0]["loc"][:2] == ["body", "jp"], jp

    async def test_code_must_be_unique_case_insensitively(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        await create(client, headers, code="LATSAR-2026")
        problem(
            await client.post(COURSES, json=body(code="LATSAR-2026"), headers=headers),
            409,
            "course_code_exists",
        )
        problem(
            await client.post(COURSES, json=body(code="latsar-2026"), headers=headers),
            409,
            "course_code_exists",
        )
        assert await course_count(session) == 1

    async def test_form_code_must_be_known(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(COURSES, json=body(form_code="99"), headers=as_(settings, world, "bpsdm"))
        assert "learning_forms" in problem(r, 422, "unknown_form_code")["detail"]

    async def test_ends_before_start(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        r = await client.post(
            COURSES, json=body(starts_on="2026-05-02", ends_on="2026-05-01"), headers=headers
        )
        problem(r, 422, "invalid_dates")
        one_day = await create(client, headers, starts_on="2026-05-02", ends_on="2026-05-02")
        assert one_day["ends_on"] == "2026-05-02"

    @pytest.mark.parametrize("quota", [0, -3, "many"])
    async def test_quota_at_least_one(
        self, client: httpx.AsyncClient, settings: Settings, world: World, quota: Any
    ) -> None:
        r = await client.post(COURSES, json=body(quota=quota), headers=as_(settings, world, "bpsdm"))
        assert problem(r, 422, "validation_error")["errors"][0]["loc"][:2] == ["body", "quota"]

    async def test_unknown_competency(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        r = await client.post(
            COURSES, json=body(competency_codes=["M1", "X99", "Q7"]), headers=as_(settings, world, "bpsdm")
        )
        data = problem(r, 422, "unknown_competency")
        assert data["codes"] == ["Q7", "X99"]
        assert await course_count(session) == 0

    async def test_at_most_thirty_competencies(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(
            COURSES, json=body(competency_codes=["M1"] * 31), headers=as_(settings, world, "bpsdm")
        )
        problem(r, 422, "validation_error")
        thirty = await create(client, as_(settings, world, "bpsdm"), competency_codes=["M1", "M2"] * 15)
        assert thirty["competency_codes"] == ["M1", "M2"]

    @pytest.mark.parametrize(
        "change",
        [
            {"code": ""},
            {"code": "has space"},
            {"code": "x" * 61},
            {"title": ""},
            {"title": "x" * 301},
            {"organizer": "x" * 201},
            {"starts_on": "2026-02-30"},
            {"competency_codes": "M1"},
            {"active": "sometimes"},
            {"price_idr": 100},
        ],
    )
    async def test_bad_fields(
        self, client: httpx.AsyncClient, settings: Settings, world: World, change: dict[str, Any]
    ) -> None:
        r = await client.post(COURSES, json=body(**change), headers=as_(settings, world, "bpsdm"))
        problem(r, 422, "validation_error")

    async def test_required_fields(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.post(COURSES, json={"code": "ONLY-CODE"}, headers=as_(settings, world, "bpsdm"))
        data = problem(r, 422, "validation_error")
        assert {tuple(e["loc"]) for e in data["errors"]} == {("body", "title"), ("body", "form_code")}

    async def test_idempotency_key(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm") | {"Idempotency-Key": "course-1"}
        payload = body()
        first = await client.post(COURSES, json=payload, headers=headers)
        again = await client.post(COURSES, json=payload, headers=headers)
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
        assert again.headers["location"] == first.headers["location"]
        other = await client.post(COURSES, json=body(), headers=headers)
        problem(other, 422, "idempotency_key_reused")
        assert await course_count(session) == 1
        assert len(await audit_rows(session, "course", first.json()["id"])) == 1

    @pytest.mark.parametrize("who", ["opd_a", "auditor", "asn_a"])
    async def test_only_bpsdm_creates(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        problem(await client.post(COURSES, json=body(), headers=as_(settings, world, who)), 403, "forbidden")

    async def test_clients_cannot_create(self, client: httpx.AsyncClient, settings: Settings) -> None:
        headers = bearer(settings, client_principal("reference:read", "learning:write", "asn:write"))
        problem(await client.post(COURSES, json=body(), headers=headers), 403, "forbidden")


class TestGet:
    async def test_get_with_etag(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        created = await create(client, as_(settings, world, "bpsdm"))
        for who in ("asn_a", "opd_b", "auditor"):
            r = await client.get(f"{COURSES}/{created['id']}", headers=as_(settings, world, who))
            assert r.status_code == 200, r.text
            assert r.headers["etag"] == '"1"'
            assert r.json() == created

    async def test_client_with_reference_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        created = await create(client, as_(settings, world, "bpsdm"))
        ok = bearer(settings, client_principal("reference:read"))
        assert (await client.get(f"{COURSES}/{created['id']}", headers=ok)).status_code == 200
        assert (await client.get(COURSES, headers=ok)).json()["total"] == 1
        other = bearer(settings, client_principal("asn:read", "learning:read"))
        problem(await client.get(f"{COURSES}/{created['id']}", headers=other), 403, "forbidden")
        problem(await client.get(COURSES, headers=other), 403, "forbidden")

    async def test_not_found(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        headers = as_(settings, world, "asn_a")
        problem(await client.get(f"{COURSES}/424242", headers=headers), 404, "course_not_found")
        problem(await client.get(f"{COURSES}/abc", headers=headers), 422, "validation_error")
        problem(await client.get(f"{COURSES}/0", headers=headers), 422, "validation_error")

    async def test_anonymous(self, client: httpx.AsyncClient) -> None:
        problem(await client.get(f"{COURSES}/1"), 401, "unauthorized")


class TestUpdate:
    async def test_if_match_required_and_checked(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        created = await create(client, headers)
        url = f"{COURSES}/{created['id']}"
        problem(await client.patch(url, json={"quota": 60}, headers=headers), 428, "precondition_required")
        problem(
            await client.patch(url, json={"quota": 60}, headers=headers | {"If-Match": '"7"'}),
            412,
            "precondition_failed",
        )
        r = await client.patch(url, json={"quota": 60}, headers=headers | {"If-Match": '"1"'})
        assert r.status_code == 200, r.text
        assert r.json()["quota"] == 60
        assert r.headers["etag"] == '"2"'
        # The old ETag is now stale.
        problem(
            await client.patch(url, json={"quota": 70}, headers=headers | {"If-Match": '"1"'}),
            412,
            "precondition_failed",
        )
        got = await client.get(url, headers=headers)
        assert got.headers["etag"] == '"2"' and got.json()["quota"] == 60

    async def test_update_fields_and_audit(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        created = await create(client, headers, competency_codes=["M1", "M4"])
        url = f"{COURSES}/{created['id']}"
        change = {
            "title": "Pelatihan Kepemimpinan Pengawas (Blended)",
            "form_code": "3",
            "jp": None,
            "organizer": None,
            "ends_on": None,
            "quota": None,
            "active": False,
        }
        r = await client.patch(url, json=change, headers=headers | {"If-Match": '"1"'})
        assert r.status_code == 200, r.text
        data = r.json()
        for field, value in change.items():
            assert data[field] == value, field
        assert data["competency_codes"] == ["M1", "M4"]  # untouched when not sent
        _, entry = await audit_rows(session, "course", created["id"])
        assert entry.action == "update"
        assert entry.before is not None and entry.after is not None
        assert entry.before["active"] is True and entry.after["active"] is False
        assert entry.before["jp"] == "830.00" and entry.after["jp"] is None

    async def test_competency_codes_are_replaced(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        created = await create(client, headers, competency_codes=["M1", "M4"])
        url = f"{COURSES}/{created['id']}"
        r = await client.patch(
            url, json={"competency_codes": ["SK1", "M2", "SK1"]}, headers=headers | {"If-Match": '"1"'}
        )
        assert r.status_code == 200, r.text
        assert r.json()["competency_codes"] == ["M2", "SK1"]
        # Only the links changed, yet the ETag moves.
        assert r.headers["etag"] == '"2"'
        links = await session.execute(
            select(CourseCompetency.competency_code).where(CourseCompetency.course_id == created["id"])
        )
        assert sorted(links.scalars()) == ["M2", "SK1"]
        _, entry = await audit_rows(session, "course", created["id"])
        assert entry.before is not None and entry.after is not None
        assert entry.before["competency_codes"] == ["M1", "M4"]
        assert entry.after["competency_codes"] == ["M2", "SK1"]
        r = await client.patch(url, json={"competency_codes": []}, headers=headers | {"If-Match": '"2"'})
        assert r.status_code == 200 and r.json()["competency_codes"] == []

    async def test_unchanged_patch_writes_nothing(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        created = await create(client, headers, jp=830, competency_codes=["M4", "M1"])
        r = await client.patch(
            f"{COURSES}/{created['id']}",
            json={"jp": "830.00", "quota": created["quota"], "competency_codes": ["M1", "M4"]},
            headers=headers | {"If-Match": '"1"'},
        )
        assert r.status_code == 200, r.text
        assert r.headers["etag"] == '"1"'
        assert len(await audit_rows(session, "course", created["id"])) == 1

    @pytest.mark.parametrize("field", ["code", "title", "form_code", "competency_codes", "active"])
    async def test_required_fields_cannot_be_nulled(
        self, client: httpx.AsyncClient, settings: Settings, world: World, field: str
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        created = await create(client, headers)
        r = await client.patch(
            f"{COURSES}/{created['id']}", json={field: None}, headers=headers | {"If-Match": '"1"'}
        )
        problem(r, 422, "null_not_allowed")

    async def test_validation_errors(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm") | {"If-Match": '"1"'}
        await create(client, as_(settings, world, "bpsdm"), code="TAKEN-1")
        created = await create(
            client, as_(settings, world, "bpsdm"), starts_on="2026-03-02", ends_on="2026-03-05"
        )
        url = f"{COURSES}/{created['id']}"
        problem(await client.patch(url, json={"code": "taken-1"}, headers=headers), 409, "course_code_exists")
        problem(await client.patch(url, json={"form_code": "0"}, headers=headers), 422, "unknown_form_code")
        # Checked against the stored start when only the end changes, and the other way round.
        problem(
            await client.patch(url, json={"ends_on": "2026-03-01"}, headers=headers), 422, "invalid_dates"
        )
        problem(
            await client.patch(url, json={"starts_on": "2026-03-06"}, headers=headers), 422, "invalid_dates"
        )
        problem(
            await client.patch(url, json={"competency_codes": ["M1", "NOPE"]}, headers=headers),
            422,
            "unknown_competency",
        )
        for change in ({"jp": 0}, {"jp": 2001}, {"quota": 0}, {"competency_codes": ["M1"] * 31}, {"x": 1}):
            problem(await client.patch(url, json=change, headers=headers), 422, "validation_error")
        # Nothing was changed by any of them; the own code (any case) is not a clash.
        r = await client.patch(url, json={"code": created["code"].lower()}, headers=headers)
        assert r.status_code == 200, r.text
        assert r.json()["code"] == created["code"].lower()
        assert len(await audit_rows(session, "course", created["id"])) == 2

    async def test_not_found_and_forbidden(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        created = await create(client, as_(settings, world, "bpsdm"))
        r = await client.patch(
            f"{COURSES}/424242",
            json={"quota": 5},
            headers=as_(settings, world, "bpsdm") | {"If-Match": '"1"'},
        )
        problem(r, 404, "course_not_found")
        for who in ("opd_a", "auditor", "asn_a"):
            r = await client.patch(
                f"{COURSES}/{created['id']}",
                json={"quota": 5},
                headers=as_(settings, world, who) | {"If-Match": '"1"'},
            )
            problem(r, 403, "forbidden")


class TestList:
    async def _catalogue(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> dict[str, dict[str, Any]]:
        headers = as_(settings, world, "bpsdm")
        return {
            "pkp": await create(
                client,
                headers,
                code="PKP-2026",
                title="Pelatihan Kepemimpinan Pengawas",
                form_code="1",
                competency_codes=["M1", "M4"],
                starts_on="2026-03-02",
                ends_on="2026-06-19",
            ),
            "arsip": await create(
                client,
                headers,
                code="BIMTEK-ARSIP",
                title="Bimbingan Teknis Kearsipan",
                form_code="8",
                competency_codes=["M4"],
                organizer="Arsip Nasional RI",
                starts_on="2026-07-01",
                ends_on="2026-07-03",
            ),
            "webinar": await create(
                client,
                headers,
                code="WEB-INTEGRITAS",
                title="Webinar Integritas ASN",
                form_code="13",
                competency_codes=["M1", "SK1"],
                organizer="KPK",
                starts_on=None,
                ends_on=None,
                active=False,
            ),
        }

    async def _ids(self, client: httpx.AsyncClient, headers: dict[str, str], query: str) -> list[int]:
        r = await client.get(f"{COURSES}?{query}", headers=headers)
        assert r.status_code == 200, r.text
        data = r.json()
        assert data["total"] == len(data["items"])
        return [c["id"] for c in data["items"]]

    async def test_filters(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        c = await self._catalogue(client, settings, world)
        pkp, arsip, web = c["pkp"]["id"], c["arsip"]["id"], c["webinar"]["id"]
        headers = as_(settings, world, "asn_a")
        assert await self._ids(client, headers, "") == [pkp, arsip, web]
        assert await self._ids(client, headers, "competency_code=M4") == [pkp, arsip]
        assert await self._ids(client, headers, "competency_code=SK1") == [web]
        assert await self._ids(client, headers, "competency_code=M8") == []
        assert await self._ids(client, headers, "form_code=8") == [arsip]
        assert await self._ids(client, headers, "form_code=1&competency_code=M1") == [pkp]
        assert await self._ids(client, headers, "q=kepemimpinan") == [pkp]  # title, any case
        assert await self._ids(client, headers, "q=bimtek") == [arsip]  # code
        assert await self._ids(client, headers, "q=NASIONAL") == [arsip]  # organizer
        assert await self._ids(client, headers, "q=%25") == []  # wildcards are literal
        assert await self._ids(client, headers, "active=true") == [pkp, arsip]
        assert await self._ids(client, headers, "active=false") == [web]
        assert await self._ids(client, headers, "starts_from=2026-04-01") == [arsip]
        assert await self._ids(client, headers, "starts_until=2026-04-01") == [pkp]
        assert await self._ids(client, headers, "starts_from=2026-03-02&starts_until=2026-07-01") == [
            pkp,
            arsip,
        ]

    async def test_bad_filters(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        headers = as_(settings, world, "asn_a")
        for query in (
            "active=maybe",
            "starts_from=yesterday",
            "limit=0",
            "limit=501",
            "cursor=%%%",
            "q=" + "x" * 101,
        ):
            r = await client.get(f"{COURSES}?{query}", headers=headers)
            assert r.status_code == 422, (query, r.text)
            assert r.headers["content-type"] == PROBLEM

    async def test_pagination(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        headers = as_(settings, world, "bpsdm")
        made = [(await create(client, headers))["id"] for _ in range(5)]
        seen: list[int] = []
        cursor: str | None = None
        pages = 0
        while True:
            query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
            r = await client.get(f"{COURSES}?{query}", headers=headers)
            assert r.status_code == 200, r.text
            data = r.json()
            assert data["total"] == 5
            assert len(data["items"]) <= 2
            seen += [c["id"] for c in data["items"]]
            pages += 1
            cursor = data["next_cursor"]
            if cursor is None:
                break
        assert seen == made
        assert pages == 3
        problem(
            await client.get(f"{COURSES}?cursor=bm90LWEtY3Vyc29y", headers=headers), 422, "invalid_cursor"
        )

    async def test_items_carry_their_competencies(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        c = await self._catalogue(client, settings, world)
        r = await client.get(COURSES, headers=as_(settings, world, "opd_b"))
        by_id = {item["id"]: item for item in r.json()["items"]}
        assert by_id[c["webinar"]["id"]]["competency_codes"] == ["M1", "SK1"]
        assert by_id[c["pkp"]["id"]] == c["pkp"]
