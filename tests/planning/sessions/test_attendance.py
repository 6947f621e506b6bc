"""Attendance: one verified record per accepted nominee, exactly once, counted in the JP totals; the others
reported; the session must have ended."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.learning.models import LearningRecord
from app.planning.models import CourseSession, Nomination
from app.planning.sessions.attendance import credit_attendance
from tests.factories import World
from tests.http import as_, audit_rows, problem
from tests.learning.helpers import create as create_record
from tests.planning.sessions.helpers import day, decide, make_course, make_session, nominate, patch


async def ended_session(
    client: httpx.AsyncClient,
    settings: Settings,
    world: World,
    *,
    accept: list[str],
    nominate_only: list[str],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A session nominated and decided while open, then moved to the past (ended yesterday)."""
    bpsdm = as_(settings, world, "bpsdm")
    course = await make_course(client, bpsdm, jp=12, form_code="3", organizer=None)
    s = await make_session(client, bpsdm, course["id"])
    result = await nominate(client, bpsdm, s["id"], *accept, *nominate_only)
    for item in result["results"][: len(accept)]:
        assert (await decide(client, bpsdm, item["nomination_id"], "accept")).status_code == 200
    r = await patch(client, bpsdm, s["id"], starts_on=day(-3), ends_on=day(-1))
    assert r.status_code == 200, r.text
    return course, r.json()


def attend(client: httpx.AsyncClient, headers: dict[str, str], session_id: int, *nips: str) -> Any:
    return client.post(
        f"/api/v1/course-sessions/{session_id}/attendance", json={"nips": list(nips)}, headers=headers
    )


class TestCredit:
    async def test_accepted_nominees_get_one_verified_record_each(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        course, s = await ended_session(
            client,
            settings,
            world,
            accept=[world.asn_a.nip, world.asn_b.nip],
            nominate_only=[world.asn_a1.nip],
        )
        bpsdm = as_(settings, world, "bpsdm")
        r = await attend(client, bpsdm, s["id"], world.asn_a.nip, world.asn_a1.nip, world.pppk_a.nip, "1999")
        assert r.status_code == 200, r.text
        data = r.json()
        assert (data["credited"], data["already_credited"]) == (1, 0)
        assert [(n["nip"], n["code"]) for n in data["not_credited"]] == [
            (world.asn_a1.nip, "nomination_not_accepted"),
            (world.pppk_a.nip, "not_nominated"),
            ("1999", "asn_not_found"),
        ]
        records = list(
            (
                await session.execute(select(LearningRecord).where(LearningRecord.source == "session"))
            ).scalars()
        )
        assert len(records) == 1
        record = records[0]
        assert (record.nip, record.status, record.title, record.form_code) == (
            world.asn_a.nip,
            "verified",
            course["title"],
            "3",
        )
        assert (record.organizer, record.external_id, float(record.jp)) == (
            "BPSDM",
            f"session-{s['id']}",
            12.0,
        )
        assert (record.start_date.isoformat(), record.end_date.isoformat()) == (day(-3), day(-1))
        assert record.competency_codes == ["M4", "M5"]
        nomination = (
            await session.execute(
                select(Nomination)
                .where(Nomination.session_id == s["id"], Nomination.nip == world.asn_a.nip)
                .execution_options(populate_existing=True)
            )
        ).scalar_one()
        assert nomination.record_id == record.id and nomination.attended_at is not None
        year = date.fromisoformat(day(-1)).year
        summary = await client.get(
            f"/api/v1/asn/{world.asn_a.nip}/jp-summary", params={"year": year}, headers=bpsdm
        )
        assert summary.json()["verified_jp"] == 12.0
        rows = await audit_rows(session, "course_session", s["id"])
        assert rows[-1].action == "attendance"
        assert (await audit_rows(session, "learning_record", record.id))[0].action == "create"

        # The same list again, and the other accepted nominee now: only the new one is credited.
        r = await attend(client, bpsdm, s["id"], world.asn_a.nip, world.asn_b.nip)
        assert (r.json()["credited"], r.json()["already_credited"], r.json()["not_credited"]) == (1, 1, [])
        r = await attend(client, bpsdm, s["id"], world.asn_a.nip, world.asn_b.nip)
        assert (r.json()["credited"], r.json()["already_credited"]) == (0, 2)
        summary = await client.get(
            f"/api/v1/asn/{world.asn_a.nip}/jp-summary", params={"year": year}, headers=bpsdm
        )
        assert summary.json()["verified_jp"] == 12.0
        # Once credited, the dates stay.
        problem(await patch(client, bpsdm, s["id"], starts_on=day(-4)), 409, "session_credited")

    async def test_a_record_of_the_same_course_and_dates_is_not_doubled(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        course, s = await ended_session(client, settings, world, accept=[world.asn_a.nip], nominate_only=[])
        bpsdm = as_(settings, world, "bpsdm")
        await create_record(
            client,
            world.asn_a.nip,
            as_(settings, world, "opd_a"),
            title=course["title"],
            start_date=day(-3),
            end_date=day(-1),
        )
        r = await attend(client, bpsdm, s["id"], world.asn_a.nip)
        assert r.json()["credited"] == 0
        assert [n["code"] for n in r.json()["not_credited"]] == ["possible_duplicate"]

    async def test_the_ledger_identity_links_a_record_made_before(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        _, s = await ended_session(client, settings, world, accept=[world.asn_a.nip], nominate_only=[])
        bpsdm = as_(settings, world, "bpsdm")
        assert (await attend(client, bpsdm, s["id"], world.asn_a.nip)).json()["credited"] == 1
        nomination = (
            await session.execute(select(Nomination).where(Nomination.session_id == s["id"]))
        ).scalar_one()
        record_id = nomination.record_id
        nomination.record_id = nomination.attended_at = None  # as if an import had made the record
        await session.commit()
        r = await attend(client, bpsdm, s["id"], world.asn_a.nip)
        assert (r.json()["credited"], r.json()["already_credited"]) == (0, 1)
        await session.refresh(nomination)
        assert nomination.record_id == record_id

    async def test_service_function_for_imports_respects_scope(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        _, s = await ended_session(
            client, settings, world, accept=[world.asn_a.nip, world.asn_b.nip], nominate_only=[]
        )
        course_session = await session.get(CourseSession, s["id"])
        assert course_session is not None
        result = await credit_attendance(
            session, world.principal("opd_b"), course_session, [world.asn_a.nip, world.asn_b.nip]
        )
        assert result.credited == 1
        assert [(n.nip, n.code) for n in result.refusals] == [(world.asn_a.nip, "asn_not_found")]


class TestRefused:
    async def test_not_before_the_session_ends_nor_when_cancelled(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        s = await make_session(client, bpsdm, (await make_course(client, bpsdm))["id"])
        data = problem(await attend(client, bpsdm, s["id"], world.asn_a.nip), 409, "session_not_ended")
        assert (
            data["detail"]
            == f"Session {s['id']} ends on {s['ends_on']}; record its attendance from that day on"
        )
        r = await client.post(
            f"/api/v1/course-sessions/{s['id']}/attendance",
            json={"nips": [world.asn_a.nip]},
            headers=bpsdm | {"Accept-Language": "id"},
        )
        assert r.json()["detail"] == (
            f"Angkatan {s['id']} berakhir pada {s['ends_on']}; catat kehadirannya mulai hari itu"
        )
        assert (
            await patch(client, bpsdm, s["id"], starts_on=day(-3), ends_on=day(-1), cancelled=True)
        ).status_code == 200
        problem(await attend(client, bpsdm, s["id"], world.asn_a.nip), 409, "session_closed")
        problem(await attend(client, bpsdm, 999_999, world.asn_a.nip), 404, "course_session_not_found")
        problem(
            await attend(client, as_(settings, world, "opd_a"), s["id"], world.asn_a.nip), 403, "forbidden"
        )
        problem(await attend(client, bpsdm, s["id"]), 422, "validation_error")
