"""Account problems in the caller's language: Indonesian with `Accept-Language: id`."""

from __future__ import annotations

import httpx

from app.core.config import Settings
from tests.factories import World
from tests.http import as_, problem


async def test_an_unknown_user_in_indonesian(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    h = as_(settings, world, "bpsdm")
    r = await client.get("/api/v1/users/99999", headers=h | {"Accept-Language": "id"})
    assert problem(r, 404, "user_not_found")["detail"] == "Tidak ada pengguna dengan id 99999"
    r = await client.get("/api/v1/users/99999", headers=h | {"Accept-Language": "en"})
    assert problem(r, 404, "user_not_found")["detail"] == "No user with id 99999"
