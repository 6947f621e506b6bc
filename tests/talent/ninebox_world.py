"""Building 9-box inputs for the talent tests: a standard, levels, an SKP result, a potential score."""

from __future__ import annotations

import copy
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.rules.defaults import DEFAULT_TALENT_RULES
from tests.competencies.helpers import assess, set_standard
from tests.factories import RULES_BODY, World
from tests.http import as_
from tests.talent.helpers import potential_body, potential_url, put_performance

YEAR = 2025
# The standard of the world's position_a: JPM = 100 × (min(a, 4) + min(b, 4)) / 8 when capped.
STANDARD = {"M1": 4, "M2": 4}
# Levels (M1, M2) and potential score per potensial under the default rules (0.5 × JPM + 0.5 × score,
# tinggi from 80, menengah from 65), each exactly at or just below a cut-off.
POTENSIAL_INPUTS: dict[str, tuple[tuple[int, int], str]] = {
    "tinggi": ((4, 4), "60"),  # 100 and 60 → 80.00, exactly the tinggi cut-off
    "menengah": ((3, 3), "55"),  # 75 and 55 → 65.00, exactly the menengah cut-off
    "rendah": ((2, 2), "79.98"),  # 50 and 79.98 → 64.99, a hundredth below menengah
}
PREDIKAT_OF = {"di_atas": "sangat_baik", "sesuai": "baik", "di_bawah": "kurang"}


def talent_url(nip: str, year: int = YEAR) -> str:
    return f"/api/v1/asn/{nip}/talent?year={year}"


async def give_inputs(
    client: httpx.AsyncClient,
    settings: Settings,
    world: World,
    nip: str,
    *,
    levels: dict[str, int] | None = None,
    predikat: str | None = None,
    potential: str | None = None,
    assessed_on: str = "2025-06-02",
) -> None:
    """Record whichever inputs are given for the ASN (levels through an assessment)."""
    h = as_(settings, world, "bpsdm")
    if levels is not None:
        await assess(client, nip, h, "2025-03-03", levels)
    if predikat is not None:
        r = await put_performance(client, h, nip, YEAR, predikat=predikat)
        assert r.status_code in (200, 201), r.text
    if potential is not None:
        r = await client.post(
            potential_url(nip), json=potential_body(assessed_on, score=potential), headers=h
        )
        assert r.status_code == 201, r.text


async def with_standard(session: AsyncSession, world: World, levels: dict[str, int] | None = None) -> None:
    await set_standard(session, world.position_a, levels or STANDARD)


def talent_rules(**changes: Any) -> dict[str, Any]:
    rules = copy.deepcopy(DEFAULT_TALENT_RULES)
    rules.update(changes)
    return rules


async def put_rules(
    client: httpx.AsyncClient, settings: Settings, world: World, year: int = YEAR, **fields: Any
) -> None:
    """The year's own rule set: RULES_BODY with `fields` (e.g. talent_rules=..., jpm_method=...)."""
    h = as_(settings, world, "bpsdm")
    current = await client.get(f"/api/v1/rules/{year}", headers=h)
    headers = dict(h)
    if current.status_code == 200 and current.json()["source_year"] == year:
        headers["If-Match"] = current.headers["etag"]
    r = await client.put(f"/api/v1/rules/{year}", json=RULES_BODY | fields, headers=headers)
    assert r.status_code in (200, 201), r.text
