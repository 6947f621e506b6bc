"""Login and access problems in the caller's language: Indonesian with `Accept-Language: id`."""

from __future__ import annotations

import httpx
import pytest

from app.core.config import Settings
from tests.factories import World, bearer, client_principal
from tests.http import problem

TOKEN_URL = "/api/v1/auth/token"
ID = {"Accept-Language": "id"}

pytestmark = pytest.mark.usefixtures("fast_logins")


class TestInIndonesian:
    async def test_a_wrong_password(self, client: httpx.AsyncClient, world: World) -> None:
        r = await client.post(
            TOKEN_URL,
            data={"grant_type": "password", "username": "opd.a", "password": "wrong-password"},
            headers=ID,
        )
        body = problem(r, 400, "invalid_grant")
        assert body["detail"] == "Nama pengguna atau kata sandi salah"
        assert body["error"] == "invalid_grant"
        assert r.headers["content-language"] == "id"

    async def test_an_unsupported_grant_type_keeps_the_value_sent(self, client: httpx.AsyncClient) -> None:
        r = await client.post(TOKEN_URL, data={"grant_type": "implicit"}, headers=ID)
        assert problem(r, 400, "unsupported_grant_type")["detail"] == "grant_type 'implicit' tidak didukung"

    async def test_a_missing_token(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/auth/me", headers=ID)
        detail = problem(r, 401, "unauthorized")["detail"]
        assert detail == "Kirim token akses bearer yang diperoleh dari /api/v1/auth/token"

    async def test_a_client_without_the_scope_is_told_which_one(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(
            "/api/v1/asn",
            json={"nip": "199208172019032007", "name": "Rina", "employment_type": "pns", "unit_id": 1},
            headers=bearer(settings, client_principal("asn:read")) | ID,
        )
        detail = problem(r, 403, "forbidden")["detail"]
        assert detail == "Klien ini tidak memiliki cakupan (scope) asn:write untuk operasi ini"
        english = await client.post(
            "/api/v1/asn", json={}, headers=bearer(settings, client_principal("asn:read"))
        )
        assert english.json()["detail"] == "This client lacks the scope asn:write for this operation"
