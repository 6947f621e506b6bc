"""Competency problems in the caller's language: Indonesian with `Accept-Language: id`."""

from __future__ import annotations

from typing import Any

import httpx

from app.core.config import Settings
from tests.factories import World
from tests.http import as_, problem

ID = {"Accept-Language": "id"}


def teknis(*levels: int) -> dict[str, Any]:
    return {
        "code": "T.ARSIP.ID",
        "name": "Pengelolaan Arsip Dinamis",
        "group": "teknis",
        "description": "Kemampuan mengelola arsip dinamis.",
        "levels": [{"level": n, "description": f"Deskripsi perilaku level {n}"} for n in levels],
    }


class TestInIndonesian:
    async def test_a_missing_level_is_explained_per_field(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(
            "/api/v1/competencies", json=teknis(1, 2, 5), headers=as_(settings, world, "bpsdm") | ID
        )
        error = problem(r, 422, "validation_error")["errors"][0]
        assert error["loc"] == ["body", "levels"]
        assert error["msg"] == "setiap level 1–5 harus dideskripsikan; level yang belum ada: 3, 4"

    async def test_an_unknown_competency_in_a_standard(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.put(
            f"/api/v1/positions/{world.position_a.id}/standards",
            json={"items": [{"competency_code": "X.NONE", "required_level": 3}]},
            headers=as_(settings, world, "bpsdm") | ID,
        )
        data = problem(r, 422, "unknown_competency")
        assert data["detail"] == "competency_code tidak dikenal: X.NONE; lihat /api/v1/competencies"
        assert data["codes"] == ["X.NONE"]
