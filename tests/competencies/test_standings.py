"""competency_standings and competency_unit_totals stay equal to a recomputation from their sources.

Every step changes a source the way the application does (standards and assessments inserted and
refreshed as their services do, ASN moved and created over HTTP so the placement hook runs), then
compares the derived tables with a plain aggregate over asn ⋈ position_standards ⟕ competency_levels.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.models import (
    Assessment,
    AssessmentResult,
    Competency,
    CompetencyLevel,
    CompetencyStanding,
    CompetencyUnitTotal,
    PositionStandard,
)
from app.competencies.standards import standings
from app.core.config import Settings
from app.org.models import Position, Unit
from tests.factories import World, bearer, create_asn, create_position

TEKNIS = "TKN.KEU.01"

Totals = dict[tuple[int, str], tuple[int, int, int, int]]

# -- helpers shared with test_gap_report ----------------------------------------------------------------


async def add_teknis(session: AsyncSession, code: str = TEKNIS) -> None:
    session.add(
        Competency(
            code=code,
            name="Pengelolaan Keuangan Daerah",
            group="teknis",
            levels=[{"level": n, "description": f"Tingkat {n}"} for n in range(1, 6)],
        )
    )
    await session.flush()


async def set_standard(session: AsyncSession, position: Position, levels: dict[str, int]) -> None:
    """Replace a position's standard and refresh its holders, as the standards service does."""
    await session.execute(delete(PositionStandard).where(PositionStandard.position_id == position.id))
    for code, level in levels.items():
        session.add(PositionStandard(position_id=position.id, competency_code=code, required_level=level))
    await session.flush()
    await standings.refresh(session, standings.holders_of([position.id]))


async def assess(session: AsyncSession, nip: str, on: date, levels: dict[str, int]) -> None:
    """Record an assessment, move competency_levels to the latest rating and refresh the ASN."""
    assessment = Assessment(nip=nip, assessed_on=on, method="assessment_center", created_by="test")
    session.add(assessment)
    await session.flush()
    for code, level in levels.items():
        session.add(AssessmentResult(assessment_id=assessment.id, competency_code=code, level=level))
        current = (
            await session.execute(
                select(CompetencyLevel).where(
                    CompetencyLevel.nip == nip, CompetencyLevel.competency_code == code
                )
            )
        ).scalar_one_or_none()
        if current is None:
            session.add(
                CompetencyLevel(
                    nip=nip, competency_code=code, level=level, assessed_on=on, assessment_id=assessment.id
                )
            )
        elif (on, assessment.id) > (current.assessed_on, current.assessment_id):
            current.level, current.assessed_on, current.assessment_id = level, on, assessment.id
    await session.flush()
    await standings.refresh(session, standings.nips([nip]))


async def place(session: AsyncSession, asn: Asn, position: Position | None) -> None:
    """Give a factory ASN a position directly (factories bypass the hook), then refresh it."""
    await session.execute(
        update(Asn).where(Asn.nip == asn.nip).values(position_id=None if position is None else position.id)
    )
    await standings.refresh(session, standings.nips([asn.nip]))


async def patch_asn(
    client: httpx.AsyncClient, headers: dict[str, str], nip: str, change: dict[str, Any]
) -> dict[str, Any]:
    current = await client.get(f"/api/v1/asn/{nip}", headers=headers)
    assert current.status_code == 200, current.text
    r = await client.patch(
        f"/api/v1/asn/{nip}", json=change, headers=headers | {"If-Match": current.headers["etag"]}
    )
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


# -- the recomputation ----------------------------------------------------------------------------------

_FROM_SOURCES = """
    SELECT a.nip, ps.competency_code, a.unit_id, a.active, ps.required_level, cl.level AS actual_level
    FROM asn a
    JOIN position_standards ps ON ps.position_id = a.position_id
    LEFT JOIN competency_levels cl ON cl.nip = a.nip AND cl.competency_code = ps.competency_code
"""


async def expected_standings(session: AsyncSession) -> set[tuple[Any, ...]]:
    rows = await session.execute(text(_FROM_SOURCES))
    return {(n, c, u, bool(a), r, lv) for n, c, u, a, r, lv in rows.all()}


async def stored_standings(session: AsyncSession) -> set[tuple[Any, ...]]:
    s = CompetencyStanding
    rows = await session.execute(
        select(s.nip, s.competency_code, s.unit_id, s.active, s.required_level, s.actual_level)
    )
    return {(n, c, u, bool(a), r, lv) for n, c, u, a, r, lv in rows.all()}


async def expected_totals(session: AsyncSession) -> Totals:
    rows = await session.execute(
        text(
            """
            SELECT src.unit_id, src.competency_code,
                   COUNT(*),
                   COUNT(src.actual_level),
                   SUM(CASE WHEN src.actual_level < src.required_level THEN 1 ELSE 0 END),
                   COALESCE(SUM(src.actual_level - src.required_level), 0)
            FROM ("""
            + _FROM_SOURCES
            + """) src
            WHERE src.active
            GROUP BY src.unit_id, src.competency_code
            """
        )
    )
    return {(u, c): (int(r), int(a), int(w), int(g)) for u, c, r, a, w, g in rows.all()}


async def stored_totals(session: AsyncSession) -> Totals:
    t = CompetencyUnitTotal
    rows = await session.execute(
        select(t.unit_id, t.competency_code, t.required, t.assessed, t.with_gap, t.gap_sum)
    )
    return {(u, c): (r, a, w, g) for u, c, r, a, w, g in rows.all()}


async def expected_shortfalls(session: AsyncSession) -> dict[tuple[int, str], int]:
    """Σ max(0, required − actual) per (unit, competency) over active rated ASN: no surplus offsets."""
    rows = await session.execute(
        text(
            """
            SELECT src.unit_id, src.competency_code,
                   SUM(CASE WHEN src.actual_level < src.required_level
                            THEN src.required_level - src.actual_level ELSE 0 END)
            FROM ("""
            + _FROM_SOURCES
            + """) src
            WHERE src.active
            GROUP BY src.unit_id, src.competency_code
            """
        )
    )
    return {(u, c): int(s) for u, c, s in rows.all()}


async def stored_shortfalls(session: AsyncSession) -> dict[tuple[int, str], int]:
    t = CompetencyUnitTotal
    rows = await session.execute(select(t.unit_id, t.competency_code, t.shortfall_sum))
    return {(u, c): s for u, c, s in rows.all()}


async def assert_consistent(session: AsyncSession) -> Totals:
    """The derived tables equal the recomputation (no stale rows, no zero rows left behind)."""
    assert await stored_standings(session) == await expected_standings(session)
    totals = await stored_totals(session)
    assert totals == await expected_totals(session)
    assert await stored_shortfalls(session) == await expected_shortfalls(session)
    return totals


# -- the tests ------------------------------------------------------------------------------------------


class Setup:
    """position_a (unit_a): M1 2, M2 3, teknis 2; position_x (unit_a1): M1 3, M4 3."""

    async def build(self, session: AsyncSession, world: World) -> tuple[Position, Position]:
        await add_teknis(session)
        position_x = await create_position(session, world.unit_a1, jenis_jabatan="administrator")
        await set_standard(session, world.position_a, {"M1": 2, "M2": 3, TEKNIS: 2})
        await set_standard(session, position_x, {"M1": 3, "M4": 3})
        await place(session, world.asn_a1, position_x)
        await place(session, world.asn_b, world.position_a)
        return world.position_a, position_x


class TestRefresh(Setup):
    async def test_standards_and_assessments(self, session: AsyncSession, world: World) -> None:
        position_a, position_x = await self.build(session, world)
        totals = await assert_consistent(session)
        a, a1, b = world.unit_a.id, world.unit_a1.id, world.unit_b.id
        assert totals == {
            (a, "M1"): (1, 0, 0, 0),
            (a, "M2"): (1, 0, 0, 0),
            (a, TEKNIS): (1, 0, 0, 0),
            (a1, "M1"): (1, 0, 0, 0),
            (a1, "M4"): (1, 0, 0, 0),
            (b, "M1"): (1, 0, 0, 0),
            (b, "M2"): (1, 0, 0, 0),
            (b, TEKNIS): (1, 0, 0, 0),
        }

        await assess(session, world.asn_a.nip, date(2025, 1, 10), {"M1": 1, "M2": 3, "M5": 2})
        await assert_consistent(session)
        # A later assessment replaces M1 only; an older one recorded afterwards changes nothing.
        await assess(session, world.asn_a.nip, date(2025, 6, 1), {"M1": 3})
        await assess(session, world.asn_a.nip, date(2024, 1, 1), {"M1": 1, "M2": 1})
        await assess(session, world.asn_a1.nip, date(2025, 2, 1), {"M1": 1, "M4": 5})
        totals = await assert_consistent(session)
        assert totals[(a, "M1")] == (1, 1, 0, 1)
        assert totals[(a, "M2")] == (1, 1, 0, 0)
        assert totals[(a1, "M1")] == (1, 1, 1, -2)
        assert totals[(a1, "M4")] == (1, 1, 0, 2)

        # A standard raised and a line dropped: the holders' figures follow.
        await set_standard(session, position_a, {"M1": 4, "M2": 3})
        totals = await assert_consistent(session)
        assert totals[(a, "M1")] == (1, 1, 1, -1)
        assert (a, TEKNIS) not in totals and (b, TEKNIS) not in totals

        # Refreshing again changes nothing (contributions are replaced, never added twice).
        await standings.refresh(session, standings.nips([world.asn_a.nip, world.asn_b.nip]))
        assert await assert_consistent(session) == totals
        await standings.refresh(session, standings.nips([]))
        assert await assert_consistent(session) == totals
        assert position_x.id != position_a.id

    async def test_full_rebuild_gives_the_same_tables(self, session: AsyncSession, world: World) -> None:
        await self.build(session, world)
        await assess(session, world.asn_a.nip, date(2025, 1, 10), {"M1": 1, "M2": 4})
        await assess(session, world.asn_b.nip, date(2025, 3, 10), {TEKNIS: 1})
        await session.execute(update(Asn).where(Asn.nip == world.asn_b.nip).values(active=False))
        await standings.refresh(session, standings.nips([world.asn_b.nip]))
        incremental = await assert_consistent(session)
        before = await stored_standings(session)

        await standings.refresh(session, None)
        assert await assert_consistent(session) == incremental
        assert await stored_standings(session) == before

    async def test_rebuild_repairs_drifted_totals(self, session: AsyncSession, world: World) -> None:
        await self.build(session, world)
        expected = await assert_consistent(session)
        await session.execute(update(CompetencyUnitTotal).values(required=CompetencyUnitTotal.required + 7))
        await session.execute(delete(CompetencyStanding).where(CompetencyStanding.nip == world.asn_b.nip))
        assert await stored_totals(session) != expected
        await standings.refresh(session, None)
        assert await assert_consistent(session) == expected


class TestPlacementHook(Setup):
    async def test_moves_over_http_keep_totals_right(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        _, position_x = await self.build(session, world)
        await assess(session, world.asn_a.nip, date(2025, 1, 10), {"M1": 1, "M2": 3, TEKNIS: 2, "M4": 2})
        await session.commit()
        h = bearer(settings, world.principal("bpsdm"))
        a, a1, b = world.unit_a.id, world.unit_a1.id, world.unit_b.id
        nip = world.asn_a.nip

        # Another unit: its figures leave unit_a (whose rows go) and join unit_b's.
        await patch_asn(client, h, nip, {"unit_id": b})
        totals = await assert_consistent(session)
        assert not any(unit == a for unit, _ in totals)
        assert totals[(b, "M1")] == (2, 1, 1, -1)

        # Another position: the new standard applies, the old one's lines go.
        await patch_asn(client, h, nip, {"position_id": position_x.id})
        totals = await assert_consistent(session)
        assert totals[(b, "M4")] == (1, 1, 1, -1)
        assert totals[(b, "M2")] == (1, 0, 0, 0)  # asn_b's only

        # Inactive: out of every total; active again: back in.
        await patch_asn(client, h, nip, {"active": False})
        totals = await assert_consistent(session)
        assert (b, "M4") not in totals
        assert await stored_standings(session) == await expected_standings(session)
        await patch_asn(client, h, nip, {"active": True})
        totals = await assert_consistent(session)
        assert totals[(b, "M4")] == (1, 1, 1, -1)

        # No position: no standard, no figures; a change that moves nothing changes nothing.
        await patch_asn(client, h, nip, {"position_id": None, "unit_id": a1})
        totals = await assert_consistent(session)
        assert not any(unit == b and code == "M4" for unit, code in totals)
        await patch_asn(client, h, nip, {"phone": "+62 811 5400 123"})
        assert await assert_consistent(session) == totals

        await standings.refresh(session, None)
        assert await assert_consistent(session) == totals

    async def test_opd_admin_moving_inside_its_subtree(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        await self.build(session, world)
        await assess(session, world.asn_a1.nip, date(2025, 5, 5), {"M1": 2})
        await session.commit()
        await patch_asn(
            client, bearer(settings, world.principal("opd_a")), world.asn_a1.nip, {"unit_id": world.unit_a.id}
        )
        totals = await assert_consistent(session)
        assert totals[(world.unit_a.id, "M1")] == (2, 1, 1, -1)
        assert not any(unit == world.unit_a1.id for unit, _ in totals)

    async def test_new_asn_adds_to_the_totals(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        _, position_x = await self.build(session, world)
        await session.commit()
        before = await assert_consistent(session)
        r = await client.post(
            "/api/v1/asn",
            json={
                "nip": "199208172019032007",
                "name": "Rina Marlina",
                "employment_type": "pns",
                "unit_id": world.unit_a1.id,
                "position_id": position_x.id,
            },
            headers=bearer(settings, world.principal("bpsdm")),
        )
        assert r.status_code == 201, r.text
        totals = await assert_consistent(session)
        a1 = world.unit_a1.id
        assert totals[(a1, "M1")] == (before[(a1, "M1")][0] + 1, 0, 0, 0)
        assert totals[(a1, "M4")] == (before[(a1, "M4")][0] + 1, 0, 0, 0)
        assert {k: v for k, v in totals.items() if k[0] != a1} == {
            k: v for k, v in before.items() if k[0] != a1
        }

        # Created inactive or without a position: nothing to count.
        for extra in ({"active": False, "position_id": position_x.id}, {}):
            r = await client.post(
                "/api/v1/asn",
                json={
                    "nip": f"19920817201903201{len(extra)}",
                    "name": "Dewi Lestari",
                    "employment_type": "pns",
                    "unit_id": world.unit_a1.id,
                }
                | extra,
                headers=bearer(settings, world.principal("bpsdm")),
            )
            assert r.status_code == 201, r.text
            assert await assert_consistent(session) == totals


class TestManyAsn:
    async def test_a_bulk_refresh_of_many_asn(self, session: AsyncSession, world: World) -> None:
        unit = (await session.execute(select(Unit).where(Unit.id == world.unit_b.id))).scalar_one()
        position = await create_position(session, unit, jenis_jabatan="pengawas")
        people = [await create_asn(session, unit, position=position, name=f"Pegawai {i}") for i in range(12)]
        await set_standard(session, position, {"M1": 2, "M3": 2})
        for i, person in enumerate(people):
            await assess(session, person.nip, date(2025, 1, 1 + i), {"M1": 1 + i % 5})
        totals = await assert_consistent(session)
        # Levels 1..5 cycling over 12 people: 1,2,3,4,5,1,2,3,4,5,1,2 → three at 1 are below 2.
        assert totals[(unit.id, "M1")] == (12, 12, 3, sum(1 + i % 5 for i in range(12)) - 24)
        assert totals[(unit.id, "M3")] == (12, 0, 0, 0)
        await standings.refresh(session, standings.holders_of([position.id]))
        assert await assert_consistent(session) == totals
