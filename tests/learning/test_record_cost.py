"""A learning record's cost is whole rupiah like every `_idr` field: JSON integers only."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.core.config import Settings
from tests.factories import World
from tests.http import as_, problem
from tests.learning.helpers import body, create


@pytest.mark.parametrize("cost", [False, True, "18500000", 1.5, -1, 10**13 + 1])
async def test_anything_but_whole_rupiah_is_refused(
    client: httpx.AsyncClient, settings: Settings, world: World, cost: Any
) -> None:
    r = await client.post(
        f"/api/v1/asn/{world.asn_a.nip}/learning-records",
        json=body(cost_idr=cost),
        headers=as_(settings, world, "opd_a"),
    )
    assert problem(r, 422, "validation_error")["errors"][0]["loc"] == ["body", "cost_idr"]


@pytest.mark.parametrize(("cost", "stored"), [(18_500_000, 18_500_000), (2.0, 2), (0, 0), (None, None)])
async def test_whole_rupiah_is_kept(
    client: httpx.AsyncClient, settings: Settings, world: World, cost: Any, stored: int | None
) -> None:
    record = await create(client, world.asn_a.nip, as_(settings, world, "opd_a"), cost_idr=cost)
    assert record["cost_idr"] == stored
