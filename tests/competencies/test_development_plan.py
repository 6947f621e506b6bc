"""An ASN's development plan: catalogue courses for each negative competency gap, and the JP it adds."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.models import Assessment, AssessmentResult, CompetencyLevel, PositionStandard
from app.core.config import Settings
from app.core.types import latest_indonesian_date
from app.learning.models import JpYearTotal
from tests.factories import World, bearer, client_principal
from tests.http import PROBLEM, as_

TODAY = latest_indonesian_date()
YEAR = TODAY.year

_codes = itertools.count(1)


def plan_url(nip: str, year: int | None = YEAR) -> str:
    return f"/api/v1/asn/{nip}/development-plan" + (f"?year={year}" if year is not None else "")


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


async def standard(session: AsyncSession, position_id: int, levels: dict[str, int]) -> None:
    for code, level in levels.items():
        session.add(PositionStandard(position_id=position_id, competency_code=code, required_level=level))
    await session.commit()


async def assess(
    session: AsyncSession, nip: str, levels: dict[str, int], on: date = date(2025, 8, 14)
) -> None:
    """An assessment and the levels it gives, written straight to the tables (and the derived levels)."""
    assessment = Assessment(nip=nip, assessed_on=on, method="assessment_center", created_by="test")
    session.add(assessment)
    await session.flush()
    for code, level in levels.items():
        session.add(AssessmentResult(assessment_id=assessment.id, competency_code=code, level=level))
        session.add(
            CompetencyLevel(
                nip=nip, competency_code=code, level=level, assessed_on=on, assessment_id=assessment.id
            )
        )
    await session.commit()


async def verified(session: AsyncSession, nip: str, year: int, jp: str) -> None:
    session.add(JpYearTotal(nip=nip, year=year, jp=Decimal(jp)))
    await session.commit()


async def course(client: httpx.AsyncClient, headers: dict[str, str], codes: list[str], **fields: Any) -> int:
    body = {
        "code": f"PLAN-{next(_codes):04d}",
        "title": "Pelatihan Pengembangan Kompetensi",
        "form_code": "3",
        "jp": 10,
        "competency_codes": codes,
        "starts_on": day(10),
        "ends_on": day(12),
    } | fields
    r = await client.post("/api/v1/courses", json=body, headers=headers)
    assert r.status_code == 201, r.text
    course_id: int = r.json()["id"]
    return course_id


async def get_plan(client: httpx.AsyncClient, headers: dict[str, str], nip: str, **kw: Any) -> dict[str, Any]:
    r = await client.get(plan_url(nip, **kw), headers=headers)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def course_ids(item: dict[str, Any]) -> list[int]:
    return [c["id"] for c in item["courses"]]


class TestOrdering:
    async def test_largest_gap_first_then_standard_order(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await standard(session, world.position_a.id, {"SK1": 3, "M4": 4, "M2": 3, "M1": 3, "M3": 3})
        # M1 −1, M2 0, M4 −3, SK1 −1; M3 never rated.
        await assess(session, world.asn_a.nip, {"M1": 2, "M2": 3, "M4": 1, "SK1": 2})
        plan = await get_plan(client, as_(settings, world, "asn_a"), world.asn_a.nip)
        assert [(i["competency_code"], i["gap"]) for i in plan["items"]] == [
            ("M4", -3),
            ("M1", -1),
            ("SK1", -1),
        ]
        m4 = plan["items"][0]
        assert m4["required_level"] == 4 and m4["actual_level"] == 1
        assert m4["name"] and m4["group"] == "manajerial"
        assert m4["courses"] == []  # the catalogue offers nothing yet: the gap is still listed
        assert plan["unassessed"] == ["M3"]
        assert plan["jpm"] is None
        assert plan["nip"] == world.asn_a.nip
        assert plan["year"] == YEAR
        assert plan["position_id"] == world.position_a.id
        assert plan["as_of"] == TODAY.isoformat()
        assert plan["planned_jp"] == 0

    async def test_jpm_when_everything_is_rated(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await standard(session, world.position_a.id, {"M1": 3, "M2": 3})
        await assess(session, world.asn_a.nip, {"M1": 2, "M2": 3})
        plan = await get_plan(client, as_(settings, world, "opd_a"), world.asn_a.nip)
        assert plan["jpm"] == 83.33
        assert plan["unassessed"] == []


class TestCourses:
    async def test_active_unfinished_courses_soonest_first(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await standard(session, world.position_a.id, {"M4": 3, "M5": 3})
        await assess(session, world.asn_a.nip, {"M4": 2, "M5": 3})
        late = await course(client, admin, ["M4"], starts_on=day(60), ends_on=day(62))
        undated = await course(client, admin, ["M4"], starts_on=None, ends_on=None)
        soon = await course(client, admin, ["M4"], starts_on=day(10), ends_on=day(12))
        ongoing = await course(client, admin, ["M4"], starts_on=day(-10), ends_on=day(5))
        ends_today = await course(client, admin, ["M4"], starts_on=day(-3), ends_on=day(0))
        await course(client, admin, ["M4"], starts_on=day(1), ends_on=day(3), active=False)
        await course(client, admin, ["M4"], starts_on=day(-5), ends_on=day(-1))  # ended yesterday
        await course(client, admin, ["M5"], starts_on=day(1), ends_on=day(3))  # no gap in M5
        await course(client, admin, ["M1"], starts_on=day(1), ends_on=day(3))  # not in the standard
        plan = await get_plan(client, as_(settings, world, "asn_a"), world.asn_a.nip)
        [item] = plan["items"]
        assert item["competency_code"] == "M4"
        assert course_ids(item) == [ongoing, ends_today, soon, late, undated]
        first = item["courses"][0]
        assert first["competency_codes"] == ["M4"]
        assert first["jp"] == 10.0
        assert set(first) >= {
            "id",
            "code",
            "title",
            "form_code",
            "jp",
            "starts_on",
            "ends_on",
            "quota",
            "active",
        }

    async def test_at_most_five_per_competency(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await standard(session, world.position_a.id, {"M4": 3, "M6": 4})
        await assess(session, world.asn_a.nip, {"M4": 2, "M6": 2})
        ids = [
            await course(client, admin, ["M4", "M6"], starts_on=day(i), ends_on=day(i))
            for i in range(7, 0, -1)
        ]
        plan = await get_plan(client, as_(settings, world, "asn_a"), world.asn_a.nip)
        assert [i["competency_code"] for i in plan["items"]] == ["M6", "M4"]
        soonest_five = list(reversed(ids))[:5]
        for item in plan["items"]:
            assert course_ids(item) == soonest_five
        # The same course heads both items: its JP counts once.
        assert plan["planned_jp"] == 10.0

    async def test_deactivated_course_drops_out(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await standard(session, world.position_a.id, {"M4": 3})
        await assess(session, world.asn_a.nip, {"M4": 2})
        first = await course(client, admin, ["M4"], starts_on=day(1), ends_on=day(1))
        second = await course(client, admin, ["M4"], starts_on=day(2), ends_on=day(2))
        plan = await get_plan(client, as_(settings, world, "asn_a"), world.asn_a.nip)
        assert course_ids(plan["items"][0]) == [first, second]
        r = await client.patch(
            f"/api/v1/courses/{first}", json={"active": False}, headers=admin | {"If-Match": '"1"'}
        )
        assert r.status_code == 200, r.text
        plan = await get_plan(client, as_(settings, world, "asn_a"), world.asn_a.nip)
        assert course_ids(plan["items"][0]) == [second]


class TestJp:
    async def test_distinct_first_courses_and_remaining(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await standard(session, world.position_a.id, {"M1": 3, "M4": 4, "SK1": 3, "M7": 3})
        await assess(session, world.asn_a.nip, {"M1": 2, "M4": 2, "SK1": 2, "M7": 1})
        shared = await course(client, admin, ["M1", "M4"], jp="4.25", starts_on=day(1), ends_on=day(1))
        later = await course(client, admin, ["M1", "M4", "M7"], jp=50, starts_on=day(30), ends_on=day(31))
        no_jp = await course(client, admin, ["SK1"], jp=None, starts_on=day(2), ends_on=day(2))
        await course(client, admin, ["SK1"], jp=90, starts_on=day(20), ends_on=day(20))
        await verified(session, world.asn_a.nip, YEAR, "5.5")
        await verified(session, world.asn_a.nip, YEAR - 1, "40")
        plan = await get_plan(client, as_(settings, world, "asn_a"), world.asn_a.nip)
        heads = {i["competency_code"]: i["courses"][0]["id"] for i in plan["items"]}
        assert heads == {"M4": shared, "M7": later, "M1": shared, "SK1": no_jp}
        assert [i["competency_code"] for i in plan["items"]] == ["M4", "M7", "M1", "SK1"]
        # shared (4.25, heading M4 and M1, counted once) + later (50) + no_jp (0)
        assert plan["planned_jp"] == 54.25
        assert plan["verified_jp"] == 5.5
        assert plan["target_jp"] == 20.0
        assert plan["projected_jp"] == 59.75
        assert plan["remaining_after_plan_jp"] == 0.0
        assert plan["employment_type"] == "pns"

    async def test_remaining_when_the_plan_falls_short(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await standard(session, world.position_a.id, {"M1": 3})
        await assess(session, world.asn_a.nip, {"M1": 1})
        await course(client, admin, ["M1"], jp=8)
        await verified(session, world.asn_a.nip, YEAR, "5.5")
        plan = await get_plan(client, as_(settings, world, "asn_a"), world.asn_a.nip)
        assert (plan["verified_jp"], plan["planned_jp"], plan["projected_jp"]) == (5.5, 8.0, 13.5)
        assert plan["remaining_after_plan_jp"] == 6.5
        # Another year: nothing verified there.
        other = await get_plan(client, as_(settings, world, "asn_a"), world.asn_a.nip, year=YEAR + 1)
        assert other["verified_jp"] == 0
        assert other["remaining_after_plan_jp"] == 12.0
        assert other["year"] == YEAR + 1

    async def test_year_defaults_to_this_year(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await verified(session, world.asn_a.nip, YEAR, "7")
        plan = await get_plan(client, as_(settings, world, "asn_a"), world.asn_a.nip, year=None)
        assert plan["year"] == YEAR
        assert plan["verified_jp"] == 7.0

    async def test_pppk_has_no_target(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        pppk = await session.get(Asn, world.pppk_a.nip)
        assert pppk is not None
        pppk.position_id = world.position_a.id
        await session.commit()
        await standard(session, world.position_a.id, {"M2": 3})
        await assess(session, world.pppk_a.nip, {"M2": 2})
        offered = await course(client, admin, ["M2"], jp=12)
        await verified(session, world.pppk_a.nip, YEAR, "3")
        plan = await get_plan(client, as_(settings, world, "opd_a"), world.pppk_a.nip)
        assert plan["employment_type"] == "pppk"
        assert course_ids(plan["items"][0]) == [offered]
        assert plan["target_jp"] is None
        assert plan["remaining_after_plan_jp"] is None
        assert (plan["verified_jp"], plan["planned_jp"], plan["projected_jp"]) == (3.0, 12.0, 15.0)

    async def test_no_gap_no_items(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await standard(session, world.position_a.id, {"M1": 3, "M2": 3})
        await assess(session, world.asn_a.nip, {"M1": 3, "M2": 5})
        await course(client, as_(settings, world, "bpsdm"), ["M1", "M2"])
        plan = await get_plan(client, as_(settings, world, "asn_a"), world.asn_a.nip)
        assert plan["items"] == []
        assert plan["unassessed"] == []
        assert plan["jpm"] == 100.0
        assert (plan["planned_jp"], plan["projected_jp"], plan["remaining_after_plan_jp"]) == (0, 0, 20.0)

    async def test_without_position(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        plan = await get_plan(client, as_(settings, world, "opd_a"), world.asn_a1.nip)
        assert plan["position_id"] is None
        assert plan["items"] == [] and plan["unassessed"] == []
        assert plan["target_jp"] == 20.0


class TestAccess:
    @pytest.mark.parametrize("who", ["asn_a", "opd_a", "bpsdm", "auditor"])
    async def test_readers(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        await get_plan(client, as_(settings, world, who), world.asn_a.nip)

    async def test_client_with_asn_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await get_plan(client, bearer(settings, client_principal("asn:read")), world.asn_a.nip)
        r = await client.get(
            plan_url(world.asn_a.nip),
            headers=bearer(settings, client_principal("reference:read", "learning:read")),
        )
        assert r.status_code == 403 and r.json()["code"] == "forbidden"

    @pytest.mark.parametrize("who", ["opd_b", "opd_a1", "asn_b"])
    async def test_outside_scope_is_404(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.get(plan_url(world.asn_a.nip), headers=as_(settings, world, who))
        assert r.status_code == 404, r.text
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "asn_not_found"

    async def test_asn_reads_only_its_own(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(plan_url(world.asn_b.nip), headers=as_(settings, world, "asn_a"))
        assert r.status_code == 404 and r.json()["code"] == "asn_not_found"

    async def test_unknown_nip_and_bad_year(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        r = await client.get(plan_url("199001012020011001"), headers=headers)
        assert r.status_code == 404 and r.json()["code"] == "asn_not_found"
        for year in ("1900", "abc", "2101"):
            r = await client.get(
                f"/api/v1/asn/{world.asn_a.nip}/development-plan?year={year}", headers=headers
            )
            assert r.status_code == 422 and r.json()["code"] == "validation_error"

    async def test_anonymous(self, client: httpx.AsyncClient, world: World) -> None:
        r = await client.get(plan_url(world.asn_a.nip))
        assert r.status_code == 401 and r.json()["code"] == "unauthorized"
