"""The talent service's reads, which the 9-box, the IP ASN and imports build on: one ASN or many, a
year or a date, with their boundaries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.security import Principal, Role
from app.talent import service
from app.talent.schemas import DisciplinaryRecordCreate, PerformanceBody, PotentialAssessmentCreate
from tests.factories import World

BPSDM = Principal(subject="bpsdm", role=Role.bpsdm_admin)
TODAY = date(2026, 6, 1)


async def performance(session: AsyncSession, nip: str, year: int, predikat: str = "baik") -> None:
    body = PerformanceBody.model_validate({"predikat": predikat})
    await service.put_performance(session, BPSDM, nip, year, body, "*")


async def potential(session: AsyncSession, nip: str, on: str, score: str) -> int:
    data = PotentialAssessmentCreate.model_validate(
        {"assessed_on": on, "method": "tes_potensi", "score": score}
    )
    return (await service.create_potential_assessment(session, BPSDM, nip, data, today=TODAY)).id


async def sanction(session: AsyncSession, nip: str, level: str, decided: str, ends: str | None = None) -> int:
    data = DisciplinaryRecordCreate.model_validate({"level": level, "decided_on": decided, "ends_on": ends})
    return (await service.create_disciplinary_record(session, BPSDM, nip, data, today=TODAY)).id


class TestPerformance:
    async def test_one_many_and_the_latest(self, session: AsyncSession, world: World) -> None:
        a, b, a1 = world.asn_a.nip, world.asn_b.nip, world.asn_a1.nip
        await performance(session, a, 2023, "kurang")
        await performance(session, a, 2025, "sangat_baik")
        await performance(session, b, 2024)
        found = await service.performance_for(session, a, 2025)
        assert found is not None and found.predikat == "sangat_baik"
        assert await service.performance_for(session, a, 2024) is None
        assert set(await service.performances_for(session, 2024)) == {b}
        assert set(await service.performances_for(session, 2025, [a, b, a1])) == {a}
        latest = await service.latest_performances(session, 2024, [a, b, a1])
        assert {nip: p.year for nip, p in latest.items()} == {a: 2023, b: 2024}
        everyone = await service.latest_performances(session, 2026)
        assert {everyone[a].year, everyone[b].year} == {2025, 2024}
        in_unit = select(Asn.nip).where(Asn.unit_id == world.unit_b.id)
        assert set(await service.latest_performances(session, 2026, in_unit)) == {b}

    async def test_put_replaces_with_a_wildcard_if_match(self, session: AsyncSession, world: World) -> None:
        await performance(session, world.asn_a.nip, 2025, "baik")
        row, created = await service.put_performance(
            session,
            BPSDM,
            world.asn_a.nip,
            2025,
            PerformanceBody(predikat="kurang", score=Decimal("55.5")),
            "*",
        )
        assert not created
        assert (row.predikat, row.score, row.version) == ("kurang", Decimal("55.50"), 2)


class TestPotential:
    async def test_latest_on_or_before_a_date(self, session: AsyncSession, world: World) -> None:
        a, b = world.asn_a.nip, world.asn_b.nip
        await potential(session, a, "2024-01-10", "60")
        later_same_day = await potential(session, a, "2025-03-01", "70")
        await potential(session, a, "2025-03-01", "75")
        await potential(session, b, "2025-06-01", "90")
        first = await service.latest_potential(session, a, date(2025, 2, 28))
        assert first is not None and first.score == Decimal("60.00")
        same_day = await service.latest_potential(session, a, date(2025, 3, 1))
        # Two on one day: the one recorded last.
        assert same_day is not None and same_day.score == Decimal("75.00") and same_day.id > later_same_day
        assert await service.latest_potential(session, a, date(2024, 1, 9)) is None
        many = await service.latest_potentials(session, date(2025, 5, 31), [a, b])
        assert {nip: p.score for nip, p in many.items()} == {a: Decimal("75.00")}
        everyone = await service.latest_potentials(session, date(2025, 6, 1))
        assert everyone[b].score == Decimal("90.00") and everyone[a].score == Decimal("75.00")


class TestSanctions:
    async def test_in_force_on_a_date(self, session: AsyncSession, world: World) -> None:
        a, b, a1 = world.asn_a.nip, world.asn_b.nip, world.asn_a1.nip
        ringan = await sanction(session, a, "ringan", "2024-01-01", "2024-12-31")
        berat = await sanction(session, a, "berat", "2024-06-01")
        await sanction(session, b, "sedang", "2025-01-01", "2025-01-01")
        assert [r.id for r in await service.sanctions_in_force(session, a, date(2023, 12, 31))] == []
        assert [r.id for r in await service.sanctions_in_force(session, a, date(2024, 1, 1))] == [ringan]
        both = await service.sanctions_in_force(session, a, date(2024, 12, 31))
        assert [r.id for r in both] == [ringan, berat]
        assert service.heaviest(both) == "berat"
        assert [r.id for r in await service.sanctions_in_force(session, a, date(2025, 1, 1))] == [berat]
        on_day = await service.sanctions_in_force_for(session, date(2025, 1, 1), [a, b, a1])
        assert {nip: [r.level for r in rows] for nip, rows in on_day.items()} == {a: ["berat"], b: ["sedang"]}
        after = await service.sanctions_in_force_for(session, date(2025, 1, 2))
        assert set(after) == {a}
        assert service.heaviest([]) is None
        assert service.heaviest(on_day[b]) == "sedang"
