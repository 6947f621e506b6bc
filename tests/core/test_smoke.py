from __future__ import annotations

import httpx

from app.core.config import Settings
from tests.factories import World, bearer


async def test_healthz(client: httpx.AsyncClient) -> None:
    r = await client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


async def test_asn_get_as_bpsdm(client: httpx.AsyncClient, world: World, settings: Settings) -> None:
    r = await client.get(f"/api/v1/asn/{world.asn_a.nip}", headers=bearer(settings, world.principal("bpsdm")))
    assert r.status_code == 200, r.text
    assert r.json()["nip"] == world.asn_a.nip
