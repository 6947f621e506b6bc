"""GET /units/{unit_id}/development-programs/{year}/proposal: IDP lines, gap lines, mandatory lines."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.types import latest_indonesian_date
from app.planning.needs.proposal import price, sessions_for
from app.planning.programs.schemas import ProgramBody
from app.rules.defaults import DEFAULT_PLANNING_RULES
from tests import factories
from tests.competencies.test_standings import assess, set_standard
from tests.factories import RULES_BODY, World
from tests.http import problem
from tests.planning.needs.helpers import YEAR, add_course, add_plan, as_, build

LATSAR, LEADERSHIP = (dict(n) for n in DEFAULT_PLANNING_RULES["mandatory"])


def url(unit_id: int, year: int = YEAR) -> str:
    return f"/api/v1/units/{unit_id}/development-programs/{year}/proposal"


class TestArithmetic:
    def test_sessions_round_up_with_30_without_a_quota(self) -> None:
        assert [sessions_for(n, 30) for n in (1, 30, 31, 60, 61)] == [1, 1, 2, 2, 3]
        assert sessions_for(61, None) == 3 and sessions_for(61, 0) == 3
        assert sessions_for(25, 25) == 1 and sessions_for(26, 25) == 2

    def test_price_is_whole_rupiah_half_up(self) -> None:
        assert price(Decimal("24.5"), 3, 150_001) == 11_025_074  # 11,025,073.5 rounds up
        assert price(Decimal("0.01"), 1, 49) == 0  # 0.49
        assert price(Decimal("0.01"), 1, 50) == 1  # 0.5
        assert price(None, 10, 150_000) == 0
        assert price(Decimal("830"), 2, 150_000) == 249_000_000


class TestProposal:
    async def test_idp_gap_and_mandatory_lines(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        province = await build(session, world)
        today = latest_indonesian_date()
        pkp = await add_course(session, ["M1"], title="Pelatihan Kepemimpinan Pengawas", jp="830", quota=25)
        soon = await add_course(
            session,
            ["M4", "M5"],
            title="Orientasi Hasil",
            jp="24.5",
            quota=None,
            starts_on=today + timedelta(days=30),
        )
        await add_course(session, ["M4"], title="Later", jp="10", starts_on=today + timedelta(days=90))
        await add_course(session, ["M4"], title="Inactive", starts_on=today + timedelta(days=1), active=False)
        await factories.create_asn(session, world.unit_a, employment_type="cpns")
        await add_plan(
            session,
            world.asn_a,
            [
                {"competency_code": "M1", "course_id": pkp.id, "planned_jp": "830", "cost": 25_000_000},
                {"competency_code": "M2", "title": " Belajar mandiri ", "planned_jp": "4"},
            ],
        )
        await add_plan(
            session, province.extra, [{"competency_code": "M1", "course_id": pkp.id, "planned_jp": "800"}]
        )
        await add_plan(session, world.asn_b, [{"competency_code": "M1", "course_id": pkp.id}])  # another OPD
        await session.commit()
        bpsdm = as_(settings, world, "bpsdm")
        leadership = LEADERSHIP | {"course_code": pkp.code}
        r = await client.put(
            f"/api/v1/rules/{YEAR}",
            json=RULES_BODY
            | {"planning_rules": {"mandatory": [LATSAR, leadership], "cost_per_jp_idr": 150_000}},
            headers=bpsdm,
        )
        assert r.status_code == 201, r.text

        r = await client.get(url(world.unit_a.id), headers=bpsdm)
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["unit_id"], body["unit_name"], body["year"]) == (
            world.unit_a.id,
            world.unit_a.name,
            YEAR,
        )
        assert body["cost_per_jp_idr"] == 150_000
        lines = body["lines"]
        assert [(line["source"], line["course_id"]) for line in lines] == [
            ("idp", pkp.id),
            ("idp", None),
            ("gap", soon.id),
            ("mandatory", None),
            ("mandatory", pkp.id),
        ]
        idp, free, gap, latsar, lead = lines
        # Two ASN plan the course: one priced 25,000,000, one at 0 priced 830 JP × 150,000.
        assert idp == {
            "course_id": pkp.id,
            "title": pkp.title,
            "sessions": 1,
            "participants": 2,
            "jp": 830.0,
            "cost_idr": 25_000_000 + 124_500_000,
            "competency_codes": ["M1"],
            "source": "idp",
            "note": "2 approved IDP items of 2 ASN",
        }
        assert (free["title"], free["jp"], free["cost_idr"], free["competency_codes"]) == (
            "Belajar mandiri",
            4.0,
            600_000,
            ["M2"],
        )
        # M1: 2 below, both planned; M4: asn_a1 below, nobody planned: the soonest active course.
        assert gap["competency_codes"] == ["M4", "M5"]
        assert (gap["participants"], gap["sessions"], gap["jp"], gap["cost_idr"]) == (1, 1, 24.5, 3_675_000)
        assert gap["note"] == "1 ASN below the standard in M4, 0 of them planned in approved IDPs"
        # Latsar has no course: no JP, no cost, the admin fills them in.
        assert (latsar["title"], latsar["participants"], latsar["jp"], latsar["cost_idr"]) == (
            LATSAR["title_en"],
            1,
            None,
            0,
        )
        assert latsar["note"].endswith("set the JP and the cost")
        # Leadership: extra, asn_a1, unrated need it; extra plans the course in an approved IDP already.
        assert (lead["participants"], lead["sessions"], lead["cost_idr"]) == (2, 1, 249_000_000)
        assert lead["competency_codes"] == ["M1"]
        assert body["total_cost_idr"] == sum(line["cost_idr"] for line in lines)
        assert body["total_participants"] == 2 + 1 + 1 + 1 + 2

        # The lines fit the programme's PUT body once a JP is set where none is known.
        ProgramBody.model_validate({"lines": [line | {"jp": line["jp"] or 20} for line in lines]})

        r = await client.get(url(world.unit_a.id), headers=bpsdm | {"Accept-Language": "id"})
        notes = [line["note"] for line in r.json()["lines"]]
        assert notes[0] == "2 item IDP yang disetujui dari 2 ASN"
        assert r.json()["lines"][3]["title"] == LATSAR["title_id"]

    async def test_a_gap_without_a_catalogue_course(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        unit = await factories.create_unit(session, "DINAS_TANPA")
        position = await factories.create_position(session, unit)
        people = [await factories.create_asn(session, unit, position=position) for _ in range(31)]
        await set_standard(session, position, {"M3": 3})
        for person in people:
            await assess(session, person.nip, date(2026, 3, 1), {"M3": 2})
        await session.commit()
        body = (await client.get(url(unit.id), headers=as_(settings, world, "bpsdm"))).json()
        assert body["lines"] == [
            {
                "course_id": None,
                "title": "Komunikasi",
                "sessions": 2,
                "participants": 31,
                "jp": None,
                "cost_idr": 0,
                "competency_codes": ["M3"],
                "source": "gap",
                "note": "31 ASN below the standard in M3, 0 of them planned in approved IDPs; the catalogue "
                "offers no course for it: set the JP and the cost",
            }
        ]

    async def test_scope(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        r = await client.get(url(world.unit_a1.id), headers=as_(settings, world, "opd_a"))
        assert r.status_code == 200, r.text
        r = await client.get(url(world.unit_a.id), headers=as_(settings, world, "auditor"))
        assert r.status_code == 200, r.text
        problem(
            await client.get(url(world.unit_b.id), headers=as_(settings, world, "opd_a")),
            404,
            "unit_not_found",
        )
        problem(
            await client.get(url(world.unit_a.id), headers=as_(settings, world, "opd_a1")),
            404,
            "unit_not_found",
        )
        problem(
            await client.get(url(world.unit_a.id), headers=as_(settings, world, "asn_a")), 403, "forbidden"
        )
        problem(
            await client.get(url(world.unit_a.id, 1999), headers=as_(settings, world, "bpsdm")),
            422,
            "validation_error",
        )
        empty: dict[str, Any] = (
            await client.get(url(world.unit_b.id), headers=as_(settings, world, "bpsdm"))
        ).json()
        assert empty["lines"] == [] and empty["total_cost_idr"] == 0
