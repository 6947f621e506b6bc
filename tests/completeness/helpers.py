"""Shared pieces of the completeness tests: records written straight into the tables (the indicators read
them, whichever path wrote them), dated relative to today, and the report's URLs."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.models import Assessment, PositionStandard
from app.completeness.indicators import years_before
from app.core.types import WIT, latest_indonesian_date
from app.learning import totals
from app.learning.models import LearningRecord
from app.org.models import Position, Unit
from app.talent.models import Performance, PotentialAssessment
from tests import factories

CODES = (
    "contact",
    "education",
    "position_standard",
    "competency_assessment",
    "potential_assessment",
    "performance_last_year",
    "jp_this_year",
    "queue_within_sla",
)
REPORT = "/api/v1/reports/data-completeness"
_titles = itertools.count(1)


def today() -> date:
    return latest_indonesian_date()


def filed(day: date) -> datetime:
    """Midday in WIT of `day`: the moment a claim filed that day was stored."""
    return datetime.combine(day, time(12), tzinfo=WIT)


async def add_standard(session: AsyncSession, position: Position) -> None:
    session.add(PositionStandard(position_id=position.id, competency_code="M1", required_level=3))
    await session.flush()


async def add_assessment(session: AsyncSession, asn: Asn, on: date) -> None:
    session.add(Assessment(nip=asn.nip, assessed_on=on, method="assessment_center", created_by="test"))
    await session.flush()


async def add_potential(session: AsyncSession, asn: Asn, on: date) -> None:
    session.add(
        PotentialAssessment(
            nip=asn.nip,
            assessed_on=on,
            method="tes_potensi",
            score=Decimal(70),
            aspects=[],
            created_by="test",
        )
    )
    await session.flush()


async def add_performance(session: AsyncSession, asn: Asn, year: int) -> None:
    session.add(Performance(nip=asn.nip, year=year, predikat="baik", source="manual", updated_by="test"))
    await session.flush()


async def add_record(
    session: AsyncSession, asn: Asn, *, year: int, status: str = "verified", filed_on: date | None = None
) -> None:
    """A learning record ending in `year`, filed (created) on `filed_on` (default: today); a verified one
    also counts in the JP totals, as a verification would."""
    on = date(year, 1, 2)
    n = next(_titles)
    if status == "verified":
        await totals.add(session, nip=asn.nip, year=year, form_code="8", jp=Decimal(8), records=1)
    session.add(
        LearningRecord(
            nip=asn.nip,
            title=f"Pelatihan {n}",
            title_key=f"pelatihan {n}",
            form_code="8",
            start_date=on,
            end_date=on,
            year=year,
            jp=Decimal(8),
            competency_codes=[],
            source="manual",
            status=status,
            created_by="test",
            created_at=filed(filed_on or today()),
        )
    )
    await session.flush()


def by_code(figures: dict[str, Any]) -> dict[str, Any]:
    """An `indicators` list as {code: (complete, pct)}."""
    return {i["code"]: (i["complete"], i["pct"]) for i in figures["indicators"]}


SLA = 14  # the default queue_sla_days
VALID = 3  # the default assessment_valid_years


@dataclass
class Edges:
    unit: Unit
    empty: Unit
    full: Asn
    short: Asn
    bare: Asn


async def build_edges(session: AsyncSession) -> Edges:
    """DINAS_E: `full` meets every indicator, each at its edge; `short` misses each by a day or a year;
    `bare` has no position and a claim waiting exactly the SLA; an inactive ASN with everything is not
    counted. DINAS_KOSONG has no ASN."""
    now = today()
    unit = await factories.create_unit(session, "DINAS_E")
    empty = await factories.create_unit(session, "DINAS_KOSONG")
    standard = await factories.create_position(session, unit)
    await add_standard(session, standard)
    unstandardised = await factories.create_position(session, unit)
    full = await factories.create_asn(session, unit, position=standard, name="Ayu Lengkap")
    full.phone, full.education_level = "+62 811-5400-001", "S1"
    short = await factories.create_asn(session, unit, position=unstandardised, name="Bayu Kurang")
    bare = await factories.create_asn(session, unit, name="Citra Kosong")
    bare.email, bare.phone = None, "+62 811-5400-003"
    gone = await factories.create_asn(session, unit, position=standard, active=False, name="Dedi Pensiun")
    gone.phone, gone.education_level = "+62 811-5400-004", "S2"
    for asn in (full, gone):
        await add_assessment(session, asn, years_before(now, VALID))  # exactly N years old: counts
        await add_potential(session, asn, now)
        await add_performance(session, asn, now.year - 1)
        await add_record(session, asn, year=now.year, status="pending")  # filed today
    await add_assessment(session, short, years_before(now, VALID) - timedelta(days=1))  # a day too old
    await add_performance(session, short, now.year - 2)  # the year before last does not count
    await add_record(session, short, year=now.year - 1)  # verified, but last year
    await add_record(
        session, short, year=now.year - 1, status="pending", filed_on=now - timedelta(days=SLA + 1)
    )
    await add_record(session, bare, year=now.year, status="rejected")  # a rejected claim is no JP
    await add_record(session, bare, year=now.year - 1, status="pending", filed_on=now - timedelta(days=SLA))
    await session.commit()
    return Edges(unit, empty, full, short, bare)
