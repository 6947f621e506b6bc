"""OWASP API8:2023 Security Misconfiguration: CORS allow-list, security headers, docs off in
production, errors without internals, no production start without a real secret."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.core.config import Settings
from app.core.requestid import SECURITY_HEADERS
from tests.factories import World
from tests.http import as_, problem
from tests.security.helpers import Clock, bound_app, http

ALLOWED = "https://simpeg.kaltimprov.go.id"
ME = "/api/v1/auth/me"


def has_security_headers(r: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS:
        assert r.headers.get(name.decode()) == value.decode(), f"{r.status_code} lacks {name!r}"
    assert r.headers["x-request-id"]


class TestCors:
    @pytest.fixture
    def cors_app(self, settings: Settings, engine: AsyncEngine, connection: AsyncConnection) -> Any:
        return bound_app(settings, engine, connection, cors_origins=[ALLOWED])

    async def test_the_allowed_origin_is_answered(
        self, cors_app: Any, settings: Settings, world: World
    ) -> None:
        async with http(cors_app) as c:
            r = await c.get(ME, headers=as_(settings, world, "asn_a") | {"Origin": ALLOWED})
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == ALLOWED
        assert "access-control-allow-credentials" not in r.headers

    async def test_another_origin_is_not(self, cors_app: Any, settings: Settings, world: World) -> None:
        async with http(cors_app) as c:
            r = await c.get(ME, headers=as_(settings, world, "asn_a") | {"Origin": "https://evil.example"})
            assert "access-control-allow-origin" not in r.headers
            pre = await c.options(
                ME, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
            )
            assert "access-control-allow-origin" not in pre.headers

    async def test_preflight_from_the_allowed_origin(self, cors_app: Any) -> None:
        async with http(cors_app) as c:
            r = await c.options(
                "/api/v1/asn",
                headers={
                    "Origin": ALLOWED,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "Authorization, Idempotency-Key",
                },
            )
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == ALLOWED
        assert "*" not in r.headers["access-control-allow-origin"]

    async def test_no_cors_headers_when_no_origin_is_configured(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        assert settings.cors_origins == []
        r = await client.get(ME, headers=as_(settings, world, "asn_a") | {"Origin": ALLOWED})
        assert "access-control-allow-origin" not in r.headers


class TestSecurityHeaders:
    async def test_on_success_and_every_kind_of_error(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        engine: AsyncEngine,
        connection: AsyncConnection,
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        responses = [
            await client.get(ME, headers=bpsdm),
            await client.get("/healthz"),
            await client.get(ME),  # 401
            await client.get("/api/v1/audit", headers=as_(settings, world, "asn_a")),  # 403
            await client.get("/api/v1/nothing-here", headers=bpsdm),  # 404
            await client.get("/api/v1/asn?limit=0", headers=bpsdm),  # 422
            await client.post("/api/v1/units", content=b"x" * (3 * 1024 * 1024), headers=bpsdm),  # 413
        ]
        async with http(bound_app(settings, engine, connection, clock=Clock(), rate_limit_per_minute=1)) as c:
            await c.get(ME)
            responses.append(await c.get(ME))  # 429
        assert [r.status_code for r in responses] == [200, 200, 401, 403, 404, 422, 413, 429]
        for r in responses:
            has_security_headers(r)


class TestDocs:
    async def test_docs_can_be_turned_off(
        self, settings: Settings, engine: AsyncEngine, connection: AsyncConnection
    ) -> None:
        async with http(bound_app(settings, engine, connection, docs_enabled=False)) as c:
            for path in ("/api/docs", "/api/v1/openapi.json"):
                assert (await c.get(path)).status_code == 404, path
            # FastAPI's default locations are not served either (the built SPA may answer them).
            for path in ("/docs", "/openapi.json", "/redoc"):
                r = await c.get(path)
                assert "swagger" not in r.text.lower() and '"openapi"' not in r.text, path

    async def test_docs_are_there_when_enabled(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/api/v1/openapi.json")).status_code == 200
        assert (await client.get("/api/docs")).status_code == 200


class TestErrorsRevealNothing:
    async def test_an_unexpected_error_is_a_bare_500(
        self, settings: Settings, engine: AsyncEngine, connection: AsyncConnection
    ) -> None:
        app = bound_app(settings, engine, connection)

        async def explode() -> None:
            raise RuntimeError("password=hunter2 at /srv/bangkom/app/secret.py line 42")

        app.add_api_route("/api/v1/test-only/explode", explode, methods=["GET"])
        # Ahead of the catch-all routes for unknown /api paths.
        app.router.routes.insert(0, app.router.routes.pop())
        async with http(app) as c:
            r = await c.get("/api/v1/test-only/explode")
        data = problem(r, 500, "internal_error")
        for leak in ("hunter2", "Traceback", "RuntimeError", "secret.py", "/srv/"):
            assert leak not in r.text
        assert data["request_id"] == r.headers["x-request-id"]
        has_security_headers(r)

    async def test_a_validation_error_does_not_echo_internals(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(
            "/api/v1/units",
            content=b'{"code": ',
            headers=as_(settings, world, "bpsdm") | {"Content-Type": "application/json"},
        )
        assert r.status_code == 422
        assert "Traceback" not in r.text and "pydantic" not in r.text.lower()

    async def test_server_header_names_no_framework(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/healthz")
        assert "x-powered-by" not in r.headers


class TestProductionSettings:
    def test_production_refuses_to_start_without_a_real_secret(self) -> None:
        with pytest.raises(ValidationError, match="BANGKOM_SECRET_KEY"):
            Settings(
                environment="production", secret_key="short", database_url="sqlite+aiosqlite:///:memory:"
            )

    def test_production_with_a_secret_is_accepted(self) -> None:
        s = Settings(
            environment="production", secret_key="s" * 32, database_url="sqlite+aiosqlite:///:memory:"
        )
        assert s.effective_secret_key() == "s" * 32
