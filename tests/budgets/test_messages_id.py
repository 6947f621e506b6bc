"""Budget errors answer in Indonesian to a caller that asks for it."""

from __future__ import annotations

import httpx

from app.core.config import Settings
from tests.factories import World
from tests.http import as_, problem

INDONESIAN = {"Accept-Language": "id"}


async def test_a_year_without_a_budget_is_reported_in_indonesian(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    r = await client.get("/api/v1/budgets/2031", headers=as_(settings, world, "auditor") | INDONESIAN)
    data = problem(r, 404, "budget_not_found")
    assert data["detail"] == (
        "Belum ada anggaran yang tercatat untuk tahun 2031; kirim PUT /api/v1/budgets/2031 "
        "dengan total belanja daerah tahun tersebut terlebih dahulu"
    )


async def test_a_reversed_year_range_is_refused_in_indonesian(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    r = await client.get(
        "/api/v1/budgets/compliance",
        params={"from_year": 2027, "to_year": 2025},
        headers=as_(settings, world, "auditor") | INDONESIAN,
    )
    data = problem(r, 422, "invalid_year_range")
    assert data["detail"] == "from_year 2027 lebih besar daripada to_year 2025"
