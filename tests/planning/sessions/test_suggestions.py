"""Suggestions for an OPD: planned ASN first, then the largest shortfall on the course's competencies; never
one nominated already or holding the course's record; only the caller's units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.models import CompetencyStanding
from app.core.config import Settings
from app.planning.models import APPROVED, DRAFT, DevelopmentPlan, DevelopmentPlanItem
from tests.factories import World, create_asn
from tests.http import as_, problem
from tests.learning.helpers import create as create_record
from tests.planning.sessions.helpers import make_course, make_session, nominate


def standing(nip: str, unit_id: int, code: str, required: int, actual: int | None) -> CompetencyStanding:
    return CompetencyStanding(
        nip=nip,
        competency_code=code,
        unit_id=unit_id,
        active=True,
        required_level=required,
        actual_level=actual,
    )


async def plan(session: AsyncSession, nip: str, unit_id: int, year: int, course_id: int, status: str) -> None:
    row = DevelopmentPlan(nip=nip, year=year, unit_id=unit_id, status=status, created_by="test")
    session.add(row)
    await session.flush()
    session.add(
        DevelopmentPlanItem(
            plan_id=row.id,
            position=1,
            course_id=course_id,
            title="x",
            form_code="3",
            planned_jp=Decimal(24),
            planned_quarter=3,
        )
    )


async def test_ranking_exclusions_and_scope(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> None:
    bpsdm = as_(settings, world, "bpsdm")
    course = await make_course(client, bpsdm, competency_codes=["M4", "M5"])
    s = await make_session(client, bpsdm, course["id"])
    year = date.fromisoformat(s["ends_on"]).year
    a = world.unit_a.id
    planned = await create_asn(session, world.unit_a, name="Direncanakan")
    drafted = await create_asn(session, world.unit_a, name="Draf")
    big = await create_asn(session, world.unit_a, name="Kurang Banyak")
    small = await create_asn(session, world.unit_a1, name="Kurang Sedikit")
    nominated = await create_asn(session, world.unit_a, name="Sudah Diusulkan")
    done = await create_asn(session, world.unit_a, name="Sudah Ikut")
    inactive = await create_asn(session, world.unit_a, name="Tidak Aktif", active=False)
    session.add_all(
        [
            standing(planned.nip, a, "M4", 3, 2),
            standing(big.nip, a, "M4", 4, 2),
            standing(big.nip, a, "M5", 3, 2),
            standing(big.nip, a, "M1", 5, 1),  # not the course's competency
            standing(small.nip, world.unit_a1.id, "M5", 3, 2),
            standing(nominated.nip, a, "M4", 5, 1),
            standing(done.nip, a, "M4", 5, 1),
            standing(inactive.nip, a, "M4", 5, 1),
            standing(world.asn_b.nip, world.unit_b.id, "M4", 5, 1),
            standing(world.asn_a.nip, a, "M4", 2, 3),  # above standard
            standing(world.pppk_a.nip, a, "M5", 3, None),  # not assessed
        ]
    )
    await plan(session, planned.nip, a, year, course["id"], APPROVED)
    await plan(session, drafted.nip, a, year, course["id"], DRAFT)
    await session.commit()
    await nominate(client, bpsdm, s["id"], nominated.nip)
    await create_record(client, done.nip, bpsdm, title=course["title"])

    url = f"/api/v1/course-sessions/{s['id']}/suggestions"
    r = await client.get(url, headers=as_(settings, world, "opd_a"))
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [(i["nip"], i["rank"], i["planned"], i["shortfall"]) for i in items] == [
        (planned.nip, 1, True, 1),
        (big.nip, 2, False, 3),
        (small.nip, 3, False, 1),
    ]
    assert items[0]["reasons"] == [
        f"Approved development plan {year} names this course",
        "Below standard on M4: 1 level(s) short",
    ]
    assert items[1]["reasons"] == ["Below standard on M4, M5: 3 level(s) short"]
    r = await client.get(url, headers=as_(settings, world, "opd_a") | {"Accept-Language": "id"})
    assert r.json()["items"][1]["reasons"] == ["Di bawah standar pada M4, M5: kurang 3 level"]

    sub = await client.get(url, headers=as_(settings, world, "opd_a"), params={"unit_id": world.unit_a1.id})
    assert [i["nip"] for i in sub.json()["items"]] == [small.nip]
    everyone = await client.get(url, headers=bpsdm)
    assert [i["nip"] for i in everyone.json()["items"]][:2] == [planned.nip, world.asn_b.nip]
    problem(
        await client.get(url, headers=as_(settings, world, "opd_b"), params={"unit_id": a}),
        404,
        "unit_not_found",
    )
    problem(await client.get(url, headers=as_(settings, world, "auditor")), 403, "forbidden")
    problem(
        await client.get("/api/v1/course-sessions/999999/suggestions", headers=bpsdm),
        404,
        "course_session_not_found",
    )
