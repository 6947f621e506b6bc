"""Unit and position problems in the caller's language: Indonesian with `Accept-Language: id`."""

from __future__ import annotations

import httpx

from app.core.config import Settings
from tests.factories import World
from tests.http import as_, problem

ID = {"Accept-Language": "id"}
EN = {"Accept-Language": "en"}


class TestInIndonesian:
    async def test_an_unknown_jenjang(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = {
            "code": "DINAS_A-PRAKOM-X",
            "name": "Pranata Komputer",
            "jenis_jabatan": "fungsional",
            "jenjang": "ahli_agung",
            "unit_id": world.unit_a.id,
        }
        h = as_(settings, world, "bpsdm")
        r = await client.post("/api/v1/positions", json=body, headers=h | ID)
        assert problem(r, 422, "invalid_code")["detail"] == (
            "jenjang 'ahli_agung' tidak dikenal; lihat /api/v1/reference/jenjang"
        )
        r = await client.post("/api/v1/positions", json=body, headers=h | EN)
        assert problem(r, 422, "invalid_code")["detail"] == (
            "jenjang 'ahli_agung' is not known; see /api/v1/reference/jenjang"
        )

    async def test_an_unknown_unit(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get("/api/v1/units/99999", headers=as_(settings, world, "opd_a") | ID)
        assert problem(r, 404, "unit_not_found")["detail"] == "Tidak ada unit kerja dengan id 99999"
        assert r.headers["content-language"] == "id"
