"""GET /reports/training-needs: the gap figures over the subtree, the approved IDP items, the scope."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.standards import standings
from app.core.config import Settings
from app.planning.models import RETURNED, SUBMITTED
from tests import factories
from tests.competencies.test_standings import assess, set_standard
from tests.factories import World
from tests.http import problem
from tests.planning.needs.helpers import REPORT, YEAR, add_course, add_plan, as_, build


def figures(body: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {
        i["competency_code"]: (i["assessed"], i["below_standard"], i["total_shortfall"])
        for i in body["items"]
    }


async def get(client: httpx.AsyncClient, headers: dict[str, str], query: str = "") -> dict[str, Any]:
    r = await client.get(f"{REPORT}?year={YEAR}{query}", headers=headers)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


class TestGapFigures:
    async def test_subtree_sums_and_ranking(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        await build(session, world)
        await session.commit()
        bpsdm = as_(settings, world, "bpsdm")

        body = await get(client, bpsdm, f"&unit_id={world.unit_a.id}")
        assert body["year"] == YEAR and body["unit_id"] == world.unit_a.id
        # M1: asn_a 2 short, extra 1 short, asn_a1 1 above (never offsets), `unrated` not counted.
        assert figures(body) == {"M1": (3, 2, 3), "M4": (1, 1, 1), "M2": (1, 0, 0)}
        assert [i["competency_code"] for i in body["items"]] == ["M1", "M4", "M2"]
        m1 = body["items"][0]
        assert (m1["name"], m1["group"]) == ("Integritas", "manajerial")

        # The sub-unit alone; the province adds unit_b.
        body = await get(client, bpsdm, f"&unit_id={world.unit_a1.id}")
        assert figures(body) == {"M4": (1, 1, 1), "M1": (1, 0, 0)}
        assert [i["competency_code"] for i in body["items"]] == ["M4", "M1"]
        body = await get(client, bpsdm)
        assert body["unit_id"] is None
        assert figures(body) == {"M1": (4, 3, 5), "M4": (1, 1, 1), "M2": (2, 0, 0)}

    async def test_a_surplus_never_offsets_another_persons_gap(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        unit = await factories.create_unit(session, "DINAS_SURPLUS")
        position = await factories.create_position(session, unit)
        above = await factories.create_asn(session, unit, position=position)
        below = await factories.create_asn(session, unit, position=position)
        await set_standard(session, position, {"M1": 3, "M3": 2})
        await assess(session, above.nip, date(2026, 2, 1), {"M1": 5, "M3": 1})
        await assess(session, below.nip, date(2026, 2, 1), {"M1": 1, "M3": 4})
        await session.commit()
        body = await get(client, as_(settings, world, "bpsdm"), f"&unit_id={unit.id}")
        # Mean gaps are 0 on both; the need is 2 on M1 (below) and 1 on M3 (above).
        assert figures(body) == {"M1": (2, 1, 2), "M3": (2, 1, 1)}

    async def test_inactive_asn_leave_the_figures(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        province = await build(session, world)
        await session.execute(update(Asn).where(Asn.nip == province.extra.nip).values(active=False))
        await standings.refresh(session, standings.nips([province.extra.nip]))
        await session.commit()
        body = await get(client, as_(settings, world, "bpsdm"), f"&unit_id={world.unit_a.id}")
        assert figures(body)["M1"] == (2, 1, 2)


class TestApprovedItems:
    async def test_only_approved_items_of_the_year_in_the_subtree(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        province = await build(session, world)
        pkp = await add_course(session, ["M1", "M4"], title="Pelatihan Kepemimpinan Pengawas", jp="830")
        other = await add_course(session, ["M2"], title="Komunikasi Efektif", jp="16")
        await add_plan(
            session,
            world.asn_a,
            [
                {"competency_code": "M1", "course_id": pkp.id, "planned_jp": "830", "cost": 25_000_000},
                {"competency_code": "M2", "planned_jp": "8", "cost": 1_500_000},
                {"title": "Belajar mandiri", "planned_jp": "4"},  # no competency, no course
                {"competency_code": "M7", "course_id": other.id, "planned_jp": "16"},  # nobody's standard
            ],
        )
        await add_plan(session, province.extra, [{"competency_code": "M1", "planned_jp": "12.5"}])
        # Not counted: submitted, returned, another year.
        await add_plan(session, world.asn_a1, [{"competency_code": "M4"}], status=SUBMITTED)
        await add_plan(session, province.unrated, [{"competency_code": "M1"}], status=RETURNED)
        await add_plan(session, world.asn_a, [{"competency_code": "M1"}], year=YEAR - 1)
        # Another OPD: only in the province.
        await add_plan(
            session, world.asn_b, [{"competency_code": "M1", "course_id": pkp.id, "planned_jp": "830"}]
        )
        await session.commit()
        bpsdm = as_(settings, world, "bpsdm")

        body = await get(client, bpsdm, f"&unit_id={world.unit_a.id}")
        items = {i["competency_code"]: i for i in body["items"]}
        m1 = items["M1"]
        assert (m1["approved_items"], m1["approved_jp"], m1["approved_cost_idr"]) == (2, 842.5, 25_000_000)
        assert (items["M2"]["approved_items"], items["M2"]["approved_cost_idr"]) == (1, 1_500_000)
        # M7: named by an approved item only, so listed with no gap figures, last.
        assert figures(body)["M7"] == (0, 0, 0) and body["items"][-1]["competency_code"] == "M7"
        assert items["M4"]["approved_items"] == 0
        # The course under each competency it develops (M1, M4) and under its items' (M1).
        course = {
            "course_id": pkp.id,
            "code": pkp.code,
            "title": pkp.title,
            "jp": 830.0,
            "approved_items": 1,
            "approved_jp": 830.0,
        }
        assert m1["courses"] == [course]
        assert items["M4"]["courses"] == [course]
        assert [c["course_id"] for c in items["M7"]["courses"]] == [other.id]
        # `other` develops M2 and its item names M7: listed under both.
        assert [c["course_id"] for c in items["M2"]["courses"]] == [other.id]
        assert body["approved"] == {"items": 5, "jp": 870.5, "cost_idr": 26_500_000}

        body = await get(client, bpsdm)
        m1 = {i["competency_code"]: i for i in body["items"]}["M1"]
        assert m1["approved_items"] == 3
        assert m1["courses"][0]["approved_items"] == 2

        # Another year: nothing approved.
        r = await client.get(f"{REPORT}?year={YEAR - 1}&unit_id={world.unit_a.id}", headers=bpsdm)
        assert r.json()["approved"]["items"] == 1


class TestScope:
    async def test_opd_admin_gets_its_own_subtree(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        await build(session, world)
        await session.commit()
        body = await get(client, as_(settings, world, "opd_a"))
        assert body["unit_id"] == world.unit_a.id
        assert figures(body)["M1"] == (3, 2, 3)
        body = await get(client, as_(settings, world, "opd_a"), f"&unit_id={world.unit_a1.id}")
        assert body["unit_id"] == world.unit_a1.id
        auditor = await get(client, as_(settings, world, "auditor"))
        assert auditor["unit_id"] is None

    async def test_out_of_scope_is_404_and_asn_is_403(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        await build(session, world)
        await session.commit()
        r = await client.get(f"{REPORT}?unit_id={world.unit_b.id}", headers=as_(settings, world, "opd_a"))
        problem(r, 404, "unit_not_found")
        r = await client.get(f"{REPORT}?unit_id={world.unit_a.id}", headers=as_(settings, world, "opd_a1"))
        problem(r, 404, "unit_not_found")
        r = await client.get(f"{REPORT}?unit_id=999999", headers=as_(settings, world, "bpsdm"))
        problem(r, 404, "unit_not_found")
        r = await client.get(REPORT, headers=as_(settings, world, "asn_a"))
        problem(r, 403, "forbidden")
        r = await client.get(f"{REPORT}?year=1999", headers=as_(settings, world, "bpsdm"))
        problem(r, 422, "validation_error")
