"""A webinar's participant report for a course session (`session_id`): the session's attendance credits.

Matching and the threshold are the import's; who is credited is the session's: accepted nominees only,
once, whoever credits them (`planning.sessions.attendance.credit_attendance`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.models import Course
from app.core.config import Settings
from app.core.i18n import translations
from app.core.security import Principal, Role
from app.imports import attendance
from app.imports.models import ImportJob, ImportRow
from app.learning.models import LearningRecord
from app.planning.models import Nomination
from tests.factories import World
from tests.http import as_, audit_rows, problem
from tests.imports.helpers import count, report_rows, run_import, upload
from tests.imports.test_attendance import BUDI, RINA, SITI, YOHANES, People, add_people, fixture
from tests.learning.helpers import create as create_record
from tests.planning.sessions.helpers import day, decide, make_course, make_session, nominate, patch

PATH = "attendance"
EN = {"Accept-Language": "en"}
ID = {"Accept-Language": "id"}


@pytest.fixture
async def people(session: AsyncSession, world: World) -> People:
    return await add_people(session, world)


async def ended_session(
    client: httpx.AsyncClient,
    settings: Settings,
    world: World,
    *,
    accept: Sequence[str],
    nominate_only: Sequence[str] = (),
    starts: int = -1,
    ends: int = -1,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A course of 2 JP (90 minutes) and a session nominated and decided while open, then moved to
    the past: one day, yesterday, unless told otherwise."""
    bpsdm = as_(settings, world, "bpsdm")
    course = await make_course(client, bpsdm, jp=2, form_code="3")
    s = await make_session(client, bpsdm, course["id"])
    if accept or nominate_only:
        result = await nominate(client, bpsdm, s["id"], *accept, *nominate_only)
        for item in result["results"][: len(accept)]:
            assert item["status"] == "nominated", item
            assert (await decide(client, bpsdm, item["nomination_id"], "accept")).status_code == 200
    r = await patch(client, bpsdm, s["id"], starts_on=day(starts), ends_on=day(ends))
    assert r.status_code == 200, r.text
    return course, r.json()


async def session_records(session: AsyncSession) -> list[LearningRecord]:
    stmt = (
        select(LearningRecord)
        .where(LearningRecord.source == "session")
        .order_by(LearningRecord.nip)
        .execution_options(populate_existing=True)
    )
    return list((await session.execute(stmt)).scalars())


async def nomination_record(session: AsyncSession, session_id: int, nip: str) -> int | None:
    stmt = (
        select(Nomination.record_id)
        .where(Nomination.session_id == session_id, Nomination.nip == nip)
        .execution_options(populate_existing=True)
    )
    record_id: int | None = (await session.execute(stmt)).scalar_one()
    return record_id


def lines_by_nip(rows: list[list[str]]) -> dict[str, list[str]]:
    """The report's rows (header dropped) by NIP: [row, nip, name, outcome, code, field, detail, …]."""
    return {row[1]: row for row in rows[1:] if row[1]}


def indonesian(template: str, **params: Any) -> str:
    return translations()[template].format(**params)


class TestCredit:
    async def test_accepted_nominees_are_credited_once_and_the_others_reported(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        people: People,
        session: AsyncSession,
    ) -> None:
        course, s = await ended_session(client, settings, world, accept=[SITI, RINA], nominate_only=[BUDI])
        headers = as_(settings, world, "bpsdm")
        data = {"session_id": str(s["id"])}
        job = await run_import(client, PATH, fixture("zoom_participants.csv"), headers, data=data)
        assert (job["status"], job["message"]) == ("succeeded", None)
        # Siti attended 85 of 90 minutes and is accepted; Budi (88) is only nominated; Rina is
        # accepted but attended 50; Yohanes (90) was never nominated; four nobody knows.
        assert (job["total"], job["created"], job["unchanged"], job["failed"]) == (8, 1, 0, 2)
        assert job["summary"] == {"matched": 1, "unmatched": 4, "below_threshold": 1, "needs_review": 0}
        errors = {e["nip"]: (e["outcome"], e["code"]) for e in job["errors"]}
        assert errors == {
            BUDI: ("error", "nomination_not_accepted"),
            YOHANES: ("error", "not_nominated"),
        }
        (record,) = await session_records(session)
        # The session's record: the course's JP (not 85 minutes' worth), its dates, its identity.
        assert (record.nip, record.status, record.title, float(record.jp)) == (
            SITI,
            "verified",
            course["title"],
            2.0,
        )
        assert (record.external_id, record.start_date.isoformat()) == (f"session-{s['id']}", day(-1))
        assert await nomination_record(session, s["id"], SITI) == record.id
        assert await nomination_record(session, s["id"], RINA) is None
        rows = await report_rows(client, job["id"], headers | EN, fmt="csv")
        siti = lines_by_nip(rows)[SITI]
        assert (siti[3], siti[4], siti[8], siti[10], siti[11]) == ("Cocok", "", "85", "2.0", str(record.id))
        assert (await audit_rows(session, "course_session", s["id"]))[-1].action == "attendance"

        # The same report again, and then the session's own list: nothing new.
        again = await run_import(client, PATH, fixture("zoom_participants.csv"), headers, data=data)
        assert (again["status"], again["created"], again["unchanged"], again["failed"]) == (
            "succeeded",
            0,
            1,
            2,
        )
        assert again["summary"] == job["summary"]
        rows = await report_rows(client, again["id"], headers | EN, fmt="csv")
        assert lines_by_nip(rows)[SITI][6] == (
            f"learning record {record.id} credited this session's attendance before"
        )
        r = await client.post(
            f"/api/v1/course-sessions/{s['id']}/attendance", json={"nips": [SITI]}, headers=headers
        )
        assert (r.json()["credited"], r.json()["already_credited"]) == (0, 1)
        assert len(await session_records(session)) == 1

    async def test_a_session_credited_by_its_list_is_unchanged_by_the_report(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        people: People,
        session: AsyncSession,
    ) -> None:
        _, s = await ended_session(client, settings, world, accept=[SITI, YOHANES])
        headers = as_(settings, world, "bpsdm")
        r = await client.post(
            f"/api/v1/course-sessions/{s['id']}/attendance", json={"nips": [SITI]}, headers=headers
        )
        assert r.json()["credited"] == 1
        data = {"session_id": str(s["id"])}
        job = await run_import(client, PATH, fixture("meet_attendance.csv"), headers, data=data)
        assert (job["created"], job["unchanged"], job["failed"]) == (1, 1, 1)
        assert {r.nip for r in await session_records(session)} == {SITI, YOHANES}

    async def test_below_the_threshold_is_not_credited(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        people: People,
        session: AsyncSession,
    ) -> None:
        _, s = await ended_session(client, settings, world, accept=[SITI, BUDI, RINA, YOHANES])
        headers = as_(settings, world, "bpsdm")
        data = {"session_id": str(s["id"]), "min_share": "0.95"}
        job = await run_import(client, PATH, fixture("zoom_participants.csv"), headers, data=data)
        # 85 (94.44 %) and 50 minutes fall short of 95 %; 88 (97.78 %) and 90 do not.
        assert job["summary"] == {"matched": 2, "unmatched": 4, "below_threshold": 2, "needs_review": 0}
        assert {r.nip for r in await session_records(session)} == {BUDI, YOHANES}
        rows = lines_by_nip(await report_rows(client, job["id"], headers | EN, fmt="csv"))
        assert (rows[SITI][3], rows[SITI][6]) == (
            "Di bawah ambang",
            "attended 85 of 90 minutes (94.44%); at least 95% counts",
        )
        assert await nomination_record(session, s["id"], SITI) is None

    async def test_reasons_in_both_languages(
        self, client: httpx.AsyncClient, settings: Settings, world: World, people: People
    ) -> None:
        _, s = await ended_session(client, settings, world, accept=[SITI], nominate_only=[BUDI])
        headers = as_(settings, world, "bpsdm")
        job = await run_import(
            client, PATH, fixture("zoom_participants.csv"), headers, data={"session_id": str(s["id"])}
        )
        url = f"/api/v1/imports/{job['id']}"
        english = {
            e["nip"]: e["detail"] for e in (await client.get(url, headers=headers | EN)).json()["errors"]
        }
        assert english == {
            BUDI: f"{BUDI}'s nomination is nominated, not accepted",
            YOHANES: f"{YOHANES} is not a nominee of this session",
        }
        bahasa = {
            e["nip"]: e["detail"] for e in (await client.get(url, headers=headers | ID)).json()["errors"]
        }
        assert bahasa == {
            BUDI: indonesian("{nip}'s nomination is {status}, not accepted", nip=BUDI, status="nominated"),
            YOHANES: indonesian("{nip} is not a nominee of this session", nip=YOHANES),
        }
        assert bahasa[YOHANES] != english[YOHANES]

    async def test_a_record_of_the_same_course_and_dates_is_a_possible_duplicate(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        people: People,
        session: AsyncSession,
    ) -> None:
        course, s = await ended_session(client, settings, world, accept=[SITI])
        bpsdm = as_(settings, world, "bpsdm")
        made = await create_record(
            client, SITI, bpsdm, title=course["title"], start_date=day(-1), end_date=day(-1)
        )
        job = await run_import(
            client, PATH, fixture("zoom_participants.csv"), bpsdm, data={"session_id": str(s["id"])}
        )
        siti = next(e for e in job["errors"] if e["nip"] == SITI)
        assert siti["code"] == "possible_duplicate"
        stored = (
            await session.execute(
                select(ImportRow.message).where(ImportRow.job_id == job["id"], ImportRow.nip == SITI)
            )
        ).scalar_one()
        assert stored == {
            "template": "Learning record {id} of this ASN has the same certificate number or the same "
            "title and dates",
            "params": {"id": made["id"]},
        }
        assert await session_records(session) == []


class TestScope:
    async def test_an_opd_admin_credits_only_its_own_asn(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        people: People,
        session: AsyncSession,
    ) -> None:
        _, s = await ended_session(client, settings, world, accept=[SITI, BUDI, YOHANES])
        headers = as_(settings, world, "opd_a")
        job = await run_import(
            client, PATH, fixture("zoom_participants.csv"), headers, data={"session_id": str(s["id"])}
        )
        # Yohanes, of OPD B, is an accepted nominee who attended: not this admin's to credit.
        assert (job["created"], job["failed"]) == (2, 0)
        assert job["summary"] == {"matched": 2, "unmatched": 5, "below_threshold": 1, "needs_review": 0}
        assert {r.nip for r in await session_records(session)} == {BUDI, SITI}
        assert await nomination_record(session, s["id"], YOHANES) is None
        rows = lines_by_nip(await report_rows(client, job["id"], headers | EN, fmt="csv"))
        assert YOHANES not in rows  # listed without the NIP it is not this admin's to know

    async def test_an_admins_own_attendance_is_not_self_credited(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        people: People,
        session: AsyncSession,
    ) -> None:
        _, s = await ended_session(client, settings, world, accept=[SITI, BUDI])
        admin = Principal(subject="opd.siti", role=Role.opd_admin, unit_id=world.unit_a.id, nip=SITI)
        options = await attendance.check_options(session, admin, {"session_id": str(s["id"])})
        outcome = await attendance.run(session, admin, options, fixture("zoom_participants.csv"))
        await session.commit()
        siti = next(line for line in outcome.lines if line.nip == SITI)
        assert (siti.outcome, siti.code) == ("error", "self_approval")
        assert siti.detail == "your own attendance of a session is credited by another admin"
        assert outcome.created == 1
        assert [r.nip for r in await session_records(session)] == [BUDI]


class TestOptions:
    async def test_the_session_names_everything(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        course, s = await ended_session(client, settings, world, accept=[])
        options = await attendance.check_options(
            session, world.principal("bpsdm"), {"session_id": f" {s['id']} ", "min_share": "80%"}
        )
        assert options == {
            "session_id": s["id"],
            "course_id": course["id"],
            "title": course["title"],
            "form_code": "3",
            "organizer": course["organizer"],
            "competency_codes": [],
            "session_date": day(-1),
            "session_minutes": 90,  # 2 JP × 45 minutes: one day
            "min_share": "0.8",
            "session_key": f"session-{s['id']}",
        }

    async def test_a_session_of_several_days_needs_the_meetings_length(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        people: People,
        session: AsyncSession,
    ) -> None:
        _, s = await ended_session(client, settings, world, accept=[SITI], starts=-5, ends=-1)
        headers = as_(settings, world, "bpsdm")
        r = await upload(
            client, PATH, fixture("zoom_participants.csv"), headers, data={"session_id": str(s["id"])}
        )
        assert problem(r, 422, "invalid_option")["field"] == "session_minutes"
        r = await upload(
            client,
            PATH,
            fixture("zoom_participants.csv"),
            headers,
            data={"session_id": str(s["id"]), "session_date": day(-8), "session_minutes": "90"},
        )
        body = problem(r, 422, "invalid_option")
        assert body["field"] == "session_date"
        assert body["detail"] == (
            f"session_date: course session {s['id']} runs from {day(-5)} to {day(-1)}, not on {day(-8)}"
        )
        data = {"session_id": str(s["id"]), "session_date": day(-3), "session_minutes": "90"}
        job = await run_import(client, PATH, fixture("zoom_participants.csv"), headers, data=data)
        assert job["created"] == 1
        (record,) = await session_records(session)
        assert (record.start_date.isoformat(), record.end_date.isoformat()) == (day(-5), day(-1))
        # Without a date, the meeting is still the session's.
        again = await run_import(
            client,
            PATH,
            fixture("zoom_participants.csv"),
            headers,
            data={"session_id": str(s["id"]), "session_minutes": "90"},
        )
        assert (again["status"], again["created"], again["unchanged"]) == ("succeeded", 0, 1)

    @pytest.mark.parametrize(
        ("extra", "field"),
        [
            ({"course_id": "1"}, "course_id"),
            ({"title": "Webinar Literasi Digital ASN"}, "title"),
            ({"form_code": "17"}, "form_code"),
        ],
    )
    async def test_session_id_alone(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        extra: dict[str, str],
        field: str,
    ) -> None:
        _, s = await ended_session(client, settings, world, accept=[])
        r = await upload(
            client,
            PATH,
            fixture("zoom_participants.csv"),
            as_(settings, world, "bpsdm") | EN,
            data={"session_id": str(s["id"])} | extra,
        )
        body = problem(r, 422, "invalid_option")
        assert body["field"] == field
        assert "give session_id alone" in body["detail"]
        assert await count(session, ImportJob) == 0

    @pytest.mark.parametrize(
        ("language", "detail"),
        [
            ("en", "session_id: there is no course session 987654"),
            ("id", "session_id: tidak ada sesi kursus 987654"),
        ],
    )
    async def test_unknown_session(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        language: str,
        detail: str,
    ) -> None:
        headers = as_(settings, world, "bpsdm") | {"Accept-Language": language}
        r = await upload(
            client, PATH, fixture("zoom_participants.csv"), headers, data={"session_id": "987654"}
        )
        body = problem(r, 422, "invalid_option")
        assert (body["field"], body["detail"]) == ("session_id", detail)
        r = await upload(client, PATH, fixture("zoom_participants.csv"), headers, data={"session_id": "abc"})
        assert problem(r, 422, "invalid_option")["field"] == "session_id"
        assert await count(session, ImportJob) == 0

    async def test_a_session_that_has_not_ended(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        _, s = await ended_session(client, settings, world, accept=[], starts=-1, ends=1)
        r = await upload(
            client,
            PATH,
            fixture("zoom_participants.csv"),
            as_(settings, world, "bpsdm") | EN,
            data={"session_id": str(s["id"])},
        )
        body = problem(r, 409, "session_not_ended")
        assert body["detail"] == (
            f"Session {s['id']} ends on {day(1)}; record its attendance from that day on"
        )
        assert await count(session, ImportJob) == 0

    async def test_a_cancelled_session(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        _, s = await ended_session(client, settings, world, accept=[])
        bpsdm = as_(settings, world, "bpsdm")
        assert (await patch(client, bpsdm, s["id"], cancelled=True)).status_code == 200
        r = await upload(
            client, PATH, fixture("zoom_participants.csv"), bpsdm, data={"session_id": str(s["id"])}
        )
        problem(r, 409, "session_closed")
        assert await count(session, ImportJob) == 0

    async def test_a_course_without_jp(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        course, s = await ended_session(client, settings, world, accept=[])
        await session.execute(update(Course).where(Course.id == course["id"]).values(jp=None))
        await session.commit()
        r = await upload(
            client,
            PATH,
            fixture("zoom_participants.csv"),
            as_(settings, world, "bpsdm"),
            data={"session_id": str(s["id"]), "session_minutes": "90"},
        )
        problem(r, 422, "course_jp_missing")
        assert await count(session, ImportJob) == 0
