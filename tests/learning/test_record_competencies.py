"""A learning record's competency codes must be in the competency dictionary."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.factories import World
from tests.http import as_, problem
from tests.learning.helpers import body, create, record_count


async def test_known_codes_are_kept_once_in_order(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    rec = await create(
        client, world.asn_a.nip, as_(settings, world, "bpsdm"), competency_codes=["M4", "SK1", "M4"]
    )
    assert rec["competency_codes"] == ["M4", "SK1"]


async def test_unknown_code_is_refused_and_nothing_is_written(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> None:
    nip = world.asn_a.nip
    r = await client.post(
        f"/api/v1/asn/{nip}/learning-records",
        json=body(competency_codes=["M1", "X9", "m2"]),
        headers=as_(settings, world, "asn_a"),
    )
    data = problem(r, 422, "unknown_competency")
    assert data["codes"] == ["X9", "m2"]
    assert "X9" in data["detail"] and "/api/v1/competencies" in data["detail"]
    assert await record_count(session, nip) == 0
