"""Scheduling sessions (angkatan): validation, batches, unit quotas, the calendar, one session's seats,
changing it with If-Match, and the audit trail."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.factories import World, create_unit
from tests.http import as_, audit_rows, problem
from tests.planning.sessions.helpers import (
    day,
    make_course,
    make_session,
    nominate,
    patch,
    session_body,
)


def sessions_url(course_id: int) -> str:
    return f"/api/v1/courses/{course_id}/sessions"


class TestCreate:
    async def test_created_with_batch_etag_location_and_audit(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        course = await make_course(client, h)
        body = session_body(unit_quota=[{"unit_id": world.unit_a.id, "quota": 2}])
        r = await client.post(sessions_url(course["id"]), json=body, headers=h)
        assert r.status_code == 201, r.text
        data = r.json()
        assert r.headers["etag"] == '"1"'
        assert r.headers["location"] == f"/api/v1/course-sessions/{data['id']}"
        assert data["batch"] == 1 and data["course_title"] == course["title"]
        assert (data["quota"], data["taken"], data["available"], data["nominations_open"]) == (5, 0, 5, True)
        assert data["unit_quota"] == [
            {"unit_id": world.unit_a.id, "unit_name": "Unit DINAS_A", "quota": 2, "taken": 0}
        ]
        second = await make_session(client, h, course["id"], online_url="https://zoom.us/j/1", place=None)
        assert second["batch"] == 2
        rows = await audit_rows(session, "course_session", data["id"])
        assert [row.action for row in rows] == ["create"]
        assert rows[0].after is not None and rows[0].after["unit_quota"] == [
            {"unit_id": world.unit_a.id, "quota": 2}
        ]

    async def test_idempotency_key_replays(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm") | {"Idempotency-Key": "sess-1"}
        course = await make_course(client, as_(settings, world, "bpsdm"))
        first = await client.post(sessions_url(course["id"]), json=session_body(), headers=h)
        again = await client.post(sessions_url(course["id"]), json=session_body(), headers=h)
        assert first.status_code == again.status_code == 201
        assert again.headers["idempotent-replayed"] == "true" and again.json()["id"] == first.json()["id"]

    @pytest.mark.parametrize(
        ("fields", "status", "code"),
        [
            ({"starts_on": day(30), "ends_on": day(29)}, 422, "invalid_session_dates"),
            ({"place": None}, 422, "session_place_required"),
            ({"place": None, "online_url": "http://zoom.us/j/1"}, 422, "validation_error"),
            ({"quota": 0}, 422, "validation_error"),
            ({"quota": 10_001}, 422, "validation_error"),
            ({"quota": 3, "unit_quota": [{"unit_id": 0, "quota": 1}]}, 422, "validation_error"),
            ({"extra": 1}, 422, "validation_error"),
        ],
    )
    async def test_refused(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        fields: dict[str, object],
        status: int,
        code: str,
    ) -> None:
        h = as_(settings, world, "bpsdm")
        course = await make_course(client, h)
        problem(
            await client.post(sessions_url(course["id"]), json=session_body(**fields), headers=h),
            status,
            code,
        )

    async def test_unit_quotas_are_per_opd_and_within_the_quota(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        course = await make_course(client, h)
        url = sessions_url(course["id"])
        sub = [{"unit_id": world.unit_a1.id, "quota": 1}]
        problem(
            await client.post(url, json=session_body(unit_quota=sub), headers=h), 422, "invalid_unit_quota"
        )
        twice = [{"unit_id": world.unit_a.id, "quota": 1}, {"unit_id": world.unit_a.id, "quota": 1}]
        problem(
            await client.post(url, json=session_body(unit_quota=twice), headers=h), 422, "invalid_unit_quota"
        )
        many = [{"unit_id": world.unit_a.id, "quota": 3}, {"unit_id": world.unit_b.id, "quota": 3}]
        data = problem(
            await client.post(url, json=session_body(unit_quota=many), headers=h),
            422,
            "unit_quota_exceeds_quota",
        )
        assert data["detail"] == "The unit quotas reserve 6 seats, more than the session's quota of 5"
        r = await client.post(url, json=session_body(unit_quota=many), headers=h | {"Accept-Language": "id"})
        assert r.json()["detail"] == "Kuota unit menyediakan 6 kursi, melebihi kuota angkatan sebanyak 5"
        assert r.json()["title"] == "Kuota unit melebihi kuota angkatan"
        exact = [{"unit_id": world.unit_a.id, "quota": 2}, {"unit_id": world.unit_b.id, "quota": 3}]
        assert (await client.post(url, json=session_body(unit_quota=exact), headers=h)).status_code == 201

    async def test_course_unknown_inactive_or_without_jp(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        problem(
            await client.post(sessions_url(999_999), json=session_body(), headers=h), 404, "course_not_found"
        )
        inactive = await make_course(client, h, active=False)
        problem(
            await client.post(sessions_url(inactive["id"]), json=session_body(), headers=h),
            422,
            "course_inactive",
        )
        no_jp = await make_course(client, h, jp=None)
        problem(
            await client.post(sessions_url(no_jp["id"]), json=session_body(), headers=h),
            422,
            "course_jp_missing",
        )

    @pytest.mark.parametrize("who", ["opd_a", "auditor", "asn_a"])
    async def test_only_bpsdm_schedules(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        course = await make_course(client, as_(settings, world, "bpsdm"))
        r = await client.post(
            sessions_url(course["id"]), json=session_body(), headers=as_(settings, world, who)
        )
        problem(r, 403, "forbidden")


class TestRead:
    async def test_course_list_calendar_and_one_session(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        course = await make_course(client, h)
        other = await make_course(client, h)
        early = await make_session(client, h, course["id"], starts_on=day(10), ends_on=day(12))
        late = await make_session(client, h, course["id"], starts_on=day(60), ends_on=day(61))
        elsewhere = await make_session(client, h, other["id"], starts_on=day(11), ends_on=day(11))
        asn = as_(settings, world, "asn_b")
        r = await client.get(sessions_url(course["id"]), headers=asn, params={"limit": 1})
        assert r.status_code == 200, r.text
        assert [s["batch"] for s in r.json()["items"]] == [1] and r.json()["total"] == 2
        r = await client.get(
            sessions_url(course["id"]), headers=asn, params={"cursor": r.json()["next_cursor"]}
        )
        assert [s["id"] for s in r.json()["items"]] == [late["id"]]
        problem(await client.get(sessions_url(999_999), headers=asn), 404, "course_not_found")

        calendar = "/api/v1/course-sessions"
        r = await client.get(calendar, headers=asn, params={"from": day(12), "to": day(30)})
        ids = [s["id"] for s in r.json()["items"]]
        assert early["id"] in ids and late["id"] not in ids and elsewhere["id"] not in ids
        r = await client.get(calendar, headers=asn, params={"to": day(11), "course_id": other["id"]})
        assert [s["id"] for s in r.json()["items"]] == [elsewhere["id"]]

        r = await client.get(f"/api/v1/course-sessions/{early['id']}", headers=asn)
        assert r.status_code == 200 and r.headers["etag"] == '"1"'
        assert r.json()["nominations"] == []
        problem(
            await client.get("/api/v1/course-sessions/999999", headers=asn), 404, "course_session_not_found"
        )

    async def test_seats_and_each_callers_nominations(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        course = await make_course(client, h)
        s = await make_session(client, h, course["id"], unit_quota=[{"unit_id": world.unit_a.id, "quota": 3}])
        await nominate(client, as_(settings, world, "opd_a"), s["id"], world.asn_a.nip, world.asn_a1.nip)
        await nominate(client, as_(settings, world, "opd_b"), s["id"], world.asn_b.nip)
        url = f"/api/v1/course-sessions/{s['id']}"
        data = (await client.get(url, headers=h)).json()
        assert (data["taken"], data["available"], data["nominations"]) == (3, 2, None)
        assert data["unit_quota"][0]["taken"] == 2
        mine = (await client.get(url, headers=as_(settings, world, "opd_b"))).json()["nominations"]
        assert [n["nip"] for n in mine] == [world.asn_b.nip]
        a1 = (await client.get(url, headers=as_(settings, world, "opd_a1"))).json()["nominations"]
        assert [(n["nip"], n["unit_id"]) for n in a1] == [(world.asn_a1.nip, world.unit_a.id)]
        own = (await client.get(url, headers=as_(settings, world, "asn_a"))).json()["nominations"]
        assert [n["nip"] for n in own] == [world.asn_a.nip]


class TestUpdate:
    async def test_if_match_and_audit(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        course = await make_course(client, h)
        s = await make_session(client, h, course["id"])
        url = f"/api/v1/course-sessions/{s['id']}"
        problem(await client.patch(url, json={"quota": 8}, headers=h), 428, "precondition_required")
        problem(
            await client.patch(url, json={"quota": 8}, headers=h | {"If-Match": '"7"'}),
            412,
            "precondition_failed",
        )
        r = await client.patch(url, json={"quota": 8}, headers=h | {"If-Match": '"1"'})
        assert r.status_code == 200 and r.headers["etag"] == '"2"' and r.json()["quota"] == 8
        quotas = [{"unit_id": world.unit_b.id, "quota": 2}]
        r = await client.patch(url, json={"unit_quota": quotas}, headers=h | {"If-Match": '"2"'})
        assert r.status_code == 200 and r.headers["etag"] == '"3"', r.text
        assert [(u["unit_id"], u["quota"]) for u in r.json()["unit_quota"]] == [(world.unit_b.id, 2)]
        r = await client.patch(url, json={"quota": 8}, headers=h | {"If-Match": '"3"'})
        assert r.headers["etag"] == '"3"'  # nothing changed
        r = await client.patch(url, json={"cancelled": True}, headers=h | {"If-Match": '"3"'})
        assert r.json()["cancelled"] is True and r.json()["nominations_open"] is False
        rows = await audit_rows(session, "course_session", s["id"])
        assert [row.action for row in rows] == ["create", "update", "update", "update"]
        assert rows[1].before is not None and rows[1].after is not None
        assert (rows[1].before["quota"], rows[1].after["quota"]) == (5, 8)

    async def test_refused_changes(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        h = as_(settings, world, "bpsdm")
        course = await make_course(client, h)
        s = await make_session(
            client, h, course["id"], quota=4, unit_quota=[{"unit_id": world.unit_a.id, "quota": 2}]
        )
        await nominate(client, as_(settings, world, "opd_a"), s["id"], world.asn_a.nip, world.asn_a1.nip)
        await nominate(client, as_(settings, world, "opd_b"), s["id"], world.asn_b.nip)
        problem(await patch(client, h, s["id"], quota=2), 409, "quota_below_taken")
        problem(
            await patch(client, h, s["id"], unit_quota=[{"unit_id": world.unit_a.id, "quota": 1}]),
            409,
            "unit_quota_below_taken",
        )
        # Reserving the unreserved seat B holds for A would leave B's seat outside the quota.
        problem(
            await patch(client, h, s["id"], unit_quota=[{"unit_id": world.unit_a.id, "quota": 4}]),
            409,
            "quota_below_taken",
        )
        problem(await patch(client, h, s["id"], quota=1, unit_quota=[]), 409, "quota_below_taken")
        problem(await patch(client, h, s["id"], ends_on=day(1)), 422, "invalid_session_dates")
        problem(await patch(client, h, s["id"], place=None), 422, "session_place_required")
        problem(await patch(client, h, s["id"], quota=None), 422, "null_not_allowed")
        r = await patch(client, h, s["id"], quota=3)
        assert r.status_code == 200 and r.json()["available"] == 0

    async def test_only_opds_can_hold_unit_quotas(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        top = await create_unit(session, "DINAS_C")
        await session.commit()
        course = await make_course(client, h)
        s = await make_session(client, h, course["id"])
        r = await patch(client, h, s["id"], unit_quota=[{"unit_id": top.id, "quota": 1}])
        assert r.status_code == 200, r.text
        problem(
            await patch(client, h, s["id"], unit_quota=[{"unit_id": 999_999, "quota": 1}]),
            422,
            "invalid_unit_quota",
        )
