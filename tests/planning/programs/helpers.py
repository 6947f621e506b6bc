"""Shared pieces of the development-programme tests: catalogue courses, gap figures, lines and writes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.models import CompetencyUnitTotal, Course, CourseCompetency
from app.org.models import Unit

YEAR = 2027
PROVINCE_TOTAL = 21_690_000_000_000  # Kaltim's revised 2025 APBD (docs/domain.md)
PROVINCE_REQUIRED = 73_746_000_000  # ⌈21.69 trillion × 0.34 / 100⌉


async def create_course(
    session: AsyncSession,
    code: str,
    *,
    title: str | None = None,
    jp: str | None = "40",
    competencies: tuple[str, ...] = ("M1",),
    active: bool = True,
) -> Course:
    course = Course(
        code=code,
        title=title or f"Pelatihan {code}",
        form_code="3",
        jp=None if jp is None else Decimal(jp),
        active=active,
    )
    session.add(course)
    await session.flush()
    session.add_all(CourseCompetency(course_id=course.id, competency_code=c) for c in competencies)
    await session.commit()
    return course


async def set_gap(session: AsyncSession, unit: Unit, with_gap: dict[str, int]) -> None:
    """The unit's own ASN below standard per competency, as the competency domain keeps them."""
    session.add_all(
        CompetencyUnitTotal(
            unit_id=unit.id,
            competency_code=code,
            required=count,
            assessed=count,
            with_gap=count,
            gap_sum=-count,
        )
        for code, count in with_gap.items()
    )
    await session.commit()


def line(**fields: Any) -> dict[str, Any]:
    """A free-title line; `fields` override or add (course_id, id, …)."""
    return {
        "title": "Bimtek Penyusunan Laporan Keuangan",
        "sessions": 1,
        "participants": 25,
        "jp": 24,
        "cost_idr": 87_500_000,
        "competency_codes": [],
        "source": "gap",
    } | fields


def url(unit_id: int, year: int = YEAR) -> str:
    return f"/api/v1/units/{unit_id}/development-programs/{year}"


async def put_program(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    unit_id: int,
    lines: list[dict[str, Any]],
    *,
    note: str | None = None,
    year: int = YEAR,
    if_match: str | None = None,
    status: int = 201,
) -> dict[str, Any]:
    h = headers if if_match is None else headers | {"If-Match": if_match}
    r = await client.put(url(unit_id, year), json={"note": note, "lines": lines}, headers=h)
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    return body


async def put_budgets(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    pagu: dict[int, int],
    *,
    total: int = PROVINCE_TOTAL,
    jurisdiction: str = "provinsi",
    year: int = YEAR,
) -> None:
    """The year's belanja daerah and each unit's pagu, through the budget API."""
    r = await client.put(
        f"/api/v1/budgets/{year}",
        json={"jurisdiction": jurisdiction, "total_belanja_daerah_idr": total},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    for unit_id, amount in pagu.items():
        r = await client.put(
            f"/api/v1/budgets/{year}/units/{unit_id}",
            json={"pagu_idr": amount, "realisasi_idr": 0},
            headers=headers,
        )
        assert r.status_code == 201, r.text
