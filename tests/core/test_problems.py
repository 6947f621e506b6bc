"""Every error class is RFC 9457 problem+json with a stable code and no internals."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import IntegrityError

from app.core.config import Settings
from app.core.db import create_database
from app.main import create_app
from tests.factories import World, bearer

PROBLEM = "application/problem+json"


def assert_problem(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"].endswith(code)
    assert body["title"] and body["detail"]
    assert "Traceback" not in r.text and "sqlalchemy" not in r.text.lower()
    return body


class TestErrorClasses:
    async def test_unknown_route_404(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.get("/api/v1/nope"), 404, "not_found")

    async def test_wrong_method_405(self, client: httpx.AsyncClient) -> None:
        r = await client.delete("/healthz")
        assert_problem(r, 405, "method_not_allowed")
        assert "GET" in r.headers["allow"]

    async def test_unauthenticated_401(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/asn")
        assert_problem(r, 401, "unauthorized")
        assert r.headers["www-authenticate"].startswith("Bearer")

    async def test_forbidden_403(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        assert_problem(
            await client.get("/api/v1/audit", headers=bearer(settings, world.principal("asn_a"))),
            403,
            "forbidden",
        )

    async def test_validation_422_lists_errors(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(
            "/api/v1/asn", json={"nip": 5}, headers=bearer(settings, world.principal("bpsdm"))
        )
        body = assert_problem(r, 422, "validation_error")
        locs = {tuple(e["loc"]) for e in body["errors"]}
        assert ("body", "nip") in locs and ("body", "name") in locs
        assert all(set(e) == {"loc", "msg", "type"} for e in body["errors"])

    @pytest.mark.parametrize(
        "content",
        [b"{", b"\xff\xfe\x00garbage", b'{"nip": "\x00"}', b"[" * 5000 + b"]" * 5000, b'"just a string"'],
    )
    async def test_malformed_bodies_are_4xx(
        self, client: httpx.AsyncClient, settings: Settings, world: World, content: bytes
    ) -> None:
        h = bearer(settings, world.principal("bpsdm")) | {"Content-Type": "application/json"}
        r = await client.post("/api/v1/asn", content=content, headers=h)
        assert 400 <= r.status_code < 500, r.text
        assert r.headers["content-type"] == PROBLEM

    async def test_huge_strings_are_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = bearer(settings, world.principal("bpsdm"))
        r = await client.post(
            "/api/v1/asn",
            json={"nip": "1" * 100_000, "name": "x", "employment_type": "pns", "unit_id": 1},
            headers=h,
        )
        assert_problem(r, 422, "validation_error")
        r = await client.get("/api/v1/asn", params={"q": "x" * 10_000}, headers=h)
        assert_problem(r, 422, "validation_error")
        r = await client.get(f"/api/v1/asn/{'9' * 5000}", headers=h)
        assert r.status_code in (404, 422) and r.headers["content-type"] == PROBLEM

    async def test_body_too_large_413(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = bearer(settings, world.principal("bpsdm")) | {"Content-Type": "application/json"}
        r = await client.post(
            "/api/v1/asn", content=b'{"name": "' + b"x" * (3 * 1024 * 1024) + b'"}', headers=h
        )
        assert r.status_code == 413
        assert r.headers["content-type"] == PROBLEM

    async def test_unexpected_exception_500(self, own_app: FastAPI, own_client: httpx.AsyncClient) -> None:
        @own_app.get("/api/v1/_boom")
        async def boom() -> None:
            raise RuntimeError("secret internals: password=hunter2")

        own_app.router.routes.insert(0, own_app.router.routes.pop())  # ahead of the SPA's catch-all route
        r = await own_client.get("/api/v1/_boom")
        body = assert_problem(r, 500, "internal_error")
        assert "hunter2" not in r.text
        assert body["request_id"] == r.headers["x-request-id"]


class TestHeaders:
    async def test_request_id_is_echoed_when_safe(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/healthz", headers={"X-Request-ID": "simpeg-batch-42"})
        assert r.headers["x-request-id"] == "simpeg-batch-42"
        r = await client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
        assert r.headers["x-request-id"] != "bad id\nwith newline"

    async def test_security_headers(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/nope")
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"


class TestDatabaseDown:
    async def test_503_when_postgres_unreachable(self, settings: Settings, world: World) -> None:
        down = settings.model_copy(
            update={"database_url": "postgresql+asyncpg://postgres@127.0.0.1:1/nothing"}
        )
        app = create_app(down)
        app.state.db = create_database(down)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            ready = await c.get("/readyz")
            assert ready.status_code == 503
            r = await c.get(
                f"/api/v1/asn/{world.asn_a.nip}", headers=bearer(settings, world.principal("bpsdm"))
            )
            assert_problem(r, 503, "database_unavailable")
            assert r.headers["retry-after"]
            r = await c.get("/api/v1/asn", headers=bearer(settings, world.principal("bpsdm")))
            assert_problem(r, 503, "database_unavailable")
        await app.state.db.fast.close()
        await app.state.db.engine.dispose()

    async def test_readyz_ok(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/readyz")
        assert r.status_code == 200
        assert r.json()["migrations"] == "head"


class TestMethodNotAllowed:
    """405 lists every method of the path, though several routes share it; a literal path is never
    taken for an id of its parameterised sibling."""

    @pytest.mark.parametrize(
        ("method", "path", "allow"),
        [
            ("OPTIONS", "/api/v1/asn", "GET, POST"),
            ("DELETE", "/api/v1/asn/198503142010012003", "GET, PATCH"),
            ("GET", "/api/v1/auth/token", "POST"),
            ("GET", "/api/v1/imports/asn", "POST"),
            ("PUT", "/api/v1/budgets/compliance", "GET"),
            ("PATCH", "/api/v1/competencies/standard-defaults", "GET, PUT"),
        ],
    )
    async def test_allow_lists_every_route(
        self, client: httpx.AsyncClient, settings: Settings, world: World, method: str, path: str, allow: str
    ) -> None:
        r = await client.request(method, path, headers=bearer(settings, world.principal("bpsdm")))
        assert_problem(r, 405, "method_not_allowed")
        assert r.headers["allow"] == allow

    async def test_ids_still_reach_their_route(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = bearer(settings, world.principal("bpsdm"))
        assert_problem(await client.get("/api/v1/imports/abc", headers=h), 422, "validation_error")
        assert_problem(await client.get("/api/v1/imports/999999", headers=h), 404, "import_job_not_found")
        r = await client.get("/api/v1/budgets/abc", headers=h)
        assert_problem(r, 422, "validation_error")

    async def test_with_the_spa_mounted(self, settings: Settings, tmp_path: Any) -> None:
        # The SPA's catch-all GET route must not hide a 405 (GET on a POST-only API path) nor turn an
        # unknown API path into one.
        (tmp_path / "index.html").write_text("<!doctype html><title>Bangkom</title>")
        app = create_app(settings.model_copy(update={"spa_dir": tmp_path}))
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            r = await c.get("/api/v1/auth/token")
            assert_problem(r, 405, "method_not_allowed")
            assert r.headers["allow"] == "POST"
            assert_problem(await c.get("/api/v1/nothing"), 404, "not_found")
            assert_problem(await c.post("/api/v1/nothing"), 404, "not_found")
            assert (await c.get("/units/7")).headers["content-type"].startswith("text/html")


class TestQueryDates:
    @pytest.mark.parametrize(
        "url", ["/api/v1/audit?until=0.5", "/api/v1/audit?since=1700000000", "/api/v1/courses?starts_until=0"]
    )
    async def test_a_number_is_no_date(
        self, client: httpx.AsyncClient, settings: Settings, world: World, url: str
    ) -> None:
        r = await client.get(url, headers=bearer(settings, world.principal("bpsdm")))
        assert_problem(r, 422, "validation_error")

    async def test_iso_dates_are(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        h = bearer(settings, world.principal("bpsdm"))
        assert (await client.get("/api/v1/audit?since=2026-01-01T00:00:00Z", headers=h)).status_code == 200
        assert (await client.get("/api/v1/courses?starts_until=2026-12-31", headers=h)).status_code == 200


async def test_concurrent_unique_clash_is_412(own_app: FastAPI, own_client: httpx.AsyncClient) -> None:
    # Two writes inserting the same key at the same instant: the loser reads again and retries.
    @own_app.post("/api/v1/_clash")
    async def clash() -> None:
        orig = Exception('duplicate key value violates unique constraint "pk_position_standards"')
        raise IntegrityError("INSERT INTO position_standards ...", {}, orig)

    own_app.router.routes.insert(0, own_app.router.routes.pop())
    assert_problem(await own_client.post("/api/v1/_clash"), 412, "precondition_failed")
