"""Shared pieces of the development-plan tests: URLs, gaps, courses and plans made through the API."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.models import Assessment, AssessmentResult, CompetencyLevel, PositionStandard
from app.core.types import latest_indonesian_date

TODAY = latest_indonesian_date()
YEAR = TODAY.year

_codes = itertools.count(1)


def plan_url(nip: str, year: int = YEAR, tail: str = "") -> str:
    return f"/api/v1/asn/{nip}/development-plans/{year}{tail}"


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def item(**fields: Any) -> dict[str, Any]:
    return {
        "title": "Coaching oleh atasan",
        "form_code": "14",
        "planned_jp": 4,
        "planned_quarter": 2,
    } | fields


async def standard(session: AsyncSession, position_id: int, levels: dict[str, int]) -> None:
    for code, level in levels.items():
        session.add(PositionStandard(position_id=position_id, competency_code=code, required_level=level))
    await session.commit()


async def assess(
    session: AsyncSession, nip: str, levels: dict[str, int], on: date = date(2025, 8, 14)
) -> None:
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


async def course(client: httpx.AsyncClient, headers: dict[str, str], codes: list[str], **fields: Any) -> int:
    body = {
        "code": f"IDP-{next(_codes):04d}",
        "title": "Pelatihan Orientasi pada Hasil",
        "form_code": "3",
        "jp": 24,
        "competency_codes": codes,
        "starts_on": day(3),
        "ends_on": day(5),
    } | fields
    r = await client.post("/api/v1/courses", json=body, headers=headers)
    assert r.status_code == 201, r.text
    course_id: int = r.json()["id"]
    return course_id


async def make_plan(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    nip: str,
    items: list[dict[str, Any]] | None = None,
    year: int = YEAR,
) -> httpx.Response:
    r = await client.post(
        plan_url(nip, year), json={"items": items if items is not None else [item()]}, headers=headers
    )
    assert r.status_code == 201, r.text
    return r


async def step(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    nip: str,
    tail: str,
    json: Any = None,
    year: int = YEAR,
) -> httpx.Response:
    return await client.post(plan_url(nip, year, tail), json=json, headers=headers)
