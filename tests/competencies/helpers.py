"""Shared pieces of the competency tests: standards, teknis competencies, assessments and gap figures."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.models import (
    Assessment,
    Competency,
    CompetencyLevel,
    CompetencyUnitTotal,
    PositionStandard,
)
from app.competencies.standards import standings
from app.org.models import Position

MANAJERIAL = ("M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8")
DICTIONARY = (*MANAJERIAL, "SK1")


async def set_standard(session: AsyncSession, position: Position, levels: dict[str, int]) -> None:
    """Replace a position's standard with `levels` directly (no API) and refresh its holders' figures."""
    await session.execute(delete(PositionStandard).where(PositionStandard.position_id == position.id))
    session.add_all(
        PositionStandard(position_id=position.id, competency_code=code, required_level=level)
        for code, level in levels.items()
    )
    await session.flush()
    await standings.refresh(session, standings.holders_of([position.id]))
    await session.commit()


async def add_teknis(session: AsyncSession, *codes: str) -> None:
    """Teknis competencies straight into the dictionary (the catalogue API is not needed for them)."""
    session.add_all(
        Competency(
            code=code,
            name=f"Kompetensi Teknis {code}",
            group="teknis",
            levels=[{"level": n, "description": f"Level {n} {code}"} for n in range(1, 6)],
            active=True,
        )
        for code in codes
    )
    await session.commit()


def assessment_body(assessed_on: str, levels: dict[str, int], **overrides: Any) -> dict[str, Any]:
    return {
        "assessed_on": assessed_on,
        "method": "assessment_center",
        "assessor": "UPT Penilaian Kompetensi",
        "results": [{"competency_code": code, "level": level} for code, level in levels.items()],
    } | overrides


async def assess(
    client: httpx.AsyncClient,
    nip: str,
    headers: dict[str, str],
    assessed_on: str,
    levels: dict[str, int],
    **overrides: Any,
) -> dict[str, Any]:
    """POST an assessment that must be created (201), returning its JSON."""
    r = await client.post(
        f"/api/v1/asn/{nip}/assessments",
        json=assessment_body(assessed_on, levels, **overrides),
        headers=headers,
    )
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


async def gaps(
    client: httpx.AsyncClient, nip: str, headers: dict[str, str], year: int | None = None
) -> dict[str, Any]:
    params = {} if year is None else {"year": year}
    r = await client.get(f"/api/v1/asn/{nip}/competency-gaps", headers=headers, params=params)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


async def levels_of(session: AsyncSession, nip: str) -> dict[str, tuple[int, str, int]]:
    """competency_code → (level, assessed_on, assessment_id) of the ASN's current levels."""
    rows = await session.execute(
        select(
            CompetencyLevel.competency_code,
            CompetencyLevel.level,
            CompetencyLevel.assessed_on,
            CompetencyLevel.assessment_id,
        ).where(CompetencyLevel.nip == nip)
    )
    return {code: (level, on.isoformat(), aid) for code, level, on, aid in rows}


async def unit_totals(session: AsyncSession, unit_id: int) -> dict[str, tuple[int, int, int, int]]:
    """competency_code → (required, assessed, with_gap, gap_sum) of one unit's totals."""
    t = CompetencyUnitTotal
    rows = await session.execute(
        select(t.competency_code, t.required, t.assessed, t.with_gap, t.gap_sum).where(t.unit_id == unit_id)
    )
    return {
        code: (required, assessed, with_gap, gap_sum) for code, required, assessed, with_gap, gap_sum in rows
    }


async def assessment_count(session: AsyncSession, nip: str) -> int:
    return int(
        (
            await session.execute(select(func.count()).select_from(Assessment).where(Assessment.nip == nip))
        ).scalar_one()
    )
