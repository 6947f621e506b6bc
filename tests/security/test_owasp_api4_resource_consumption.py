"""OWASP API4:2023 Unrestricted Resource Consumption: body size, batch size, page size, request rate."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.core.config import Settings
from app.core.ratelimit import RateLimitMiddleware
from app.main import DEFAULT_MAX_BODY
from app.sync.schemas import MAX_ITEMS
from tests.factories import World
from tests.http import as_, problem
from tests.security.helpers import Clock, bound_app, http

ME = "/api/v1/auth/me"
STATE = re.compile(r'^"default";r=(\d+);t=(\d+)$')


def state(r: httpx.Response) -> tuple[int, int]:
    """(remaining, seconds to reset) from the RateLimit header."""
    found = STATE.match(r.headers["ratelimit"])
    assert found, r.headers["ratelimit"]
    return int(found[1]), int(found[2])


class TestBodySize:
    async def test_declared_length_over_the_limit(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(
            "/api/v1/units",
            content=b"{" + b" " * DEFAULT_MAX_BODY + b"}",
            headers=as_(settings, world, "bpsdm") | {"Content-Type": "application/json"},
        )
        problem(r, 413, "payload_too_large")

    async def test_chunked_body_over_the_limit(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(DEFAULT_MAX_BODY // 65536 + 2):
                yield b" " * 65536

        request = client.build_request(
            "POST",
            "/api/v1/units",
            content=chunks(),
            headers=as_(settings, world, "bpsdm") | {"Content-Type": "application/json"},
        )
        assert "content-length" not in request.headers
        problem(await client.send(request), 413, "payload_too_large")

    async def test_sync_batch_over_the_limit(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        items = [{"nip": "x"}] * (MAX_ITEMS + 1)
        r = await client.post(
            "/api/v1/sync/asn", json={"items": items}, headers=as_(settings, world, "bpsdm")
        )
        assert r.status_code == 422, r.text
        assert r.json()["code"] in ("validation_error", "batch_too_large")
        assert "5000" in r.text


class TestPageSize:
    @pytest.mark.parametrize(
        "path", ["/api/v1/asn", "/api/v1/audit", "/api/v1/users", "/api/v1/sync/changes"]
    )
    async def test_huge_limit_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World, path: str
    ) -> None:
        r = await client.get(f"{path}?limit=100000", headers=as_(settings, world, "bpsdm"))
        data = problem(r, 422, "validation_error")
        assert data["errors"][0]["loc"] == ["query", "limit"]

    async def test_the_largest_page_is_accepted(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get("/api/v1/asn?limit=500", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 200, r.text


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limited(settings: Settings, engine: AsyncEngine, connection: AsyncConnection, clock: Clock) -> Any:
    return bound_app(settings, engine, connection, clock=clock, rate_limit_per_minute=3)


class TestRateLimit:
    async def test_every_api_response_tells_the_budget(
        self, limited: Any, settings: Settings, world: World
    ) -> None:
        async with http(limited) as c:
            seen = []
            for _ in range(3):
                r = await c.get(ME, headers=as_(settings, world, "asn_a"))
                assert r.status_code == 200, r.text
                assert r.headers["ratelimit-policy"] == '"default";q=3;w=60'
                seen.append(state(r))
        assert [remaining for remaining, _ in seen] == [2, 1, 0]
        assert all(reset == 60 for _, reset in seen)

    async def test_over_the_limit_is_429_with_retry_after_and_recovers(
        self, limited: Any, settings: Settings, world: World, clock: Clock
    ) -> None:
        headers = as_(settings, world, "asn_a")
        async with http(limited) as c:
            for _ in range(3):
                assert (await c.get(ME, headers=headers)).status_code == 200
            clock.advance(20)
            r = await c.get(ME, headers=headers)
            data = problem(r, 429, "rate_limited")
            assert r.headers["retry-after"] == "40"
            assert "40 seconds" in data["detail"]
            assert state(r) == (0, 40)
            assert r.headers["ratelimit-policy"] == '"default";q=3;w=60'
            assert r.headers["x-request-id"] == data["request_id"]
            assert r.headers["x-content-type-options"] == "nosniff"
            clock.advance(39)
            problem(await c.get(ME, headers=headers), 429, "rate_limited")
            clock.advance(1)
            r = await c.get(ME, headers=headers)
            assert r.status_code == 200, r.text
            assert state(r) == (2, 60)

    async def test_each_user_has_its_own_budget(self, limited: Any, settings: Settings, world: World) -> None:
        async with http(limited) as c:
            for _ in range(4):
                await c.get(ME, headers=as_(settings, world, "asn_a"))
            assert (await c.get(ME, headers=as_(settings, world, "asn_a"))).status_code == 429
            r = await c.get(ME, headers=as_(settings, world, "asn_b"))
            assert r.status_code == 200 and state(r)[0] == 2

    async def test_a_forged_subject_spends_the_senders_address_budget_not_the_victims(
        self, limited: Any, settings: Settings, world: World
    ) -> None:
        victim = world.users["asn_a"].username
        forged = settings.model_copy(update={"secret_key": "an-attackers-guess-0123456789-abcdefghijkl"})
        forged_headers = as_(forged, world, "asn_a")
        async with http(limited, client_address="203.0.113.9") as attacker:
            for _ in range(3):
                problem(await attacker.get(ME, headers=forged_headers), 401, "unauthorized")
            problem(await attacker.get(ME, headers=forged_headers), 429, "rate_limited")
            # The address is spent, whatever the token claims.
            problem(await attacker.get(ME), 429, "rate_limited")
        async with http(limited, client_address="203.0.113.9") as same_address_real_user:
            r = await same_address_real_user.get(ME, headers=as_(settings, world, "asn_a"))
        assert r.status_code == 200, r.text
        assert r.json()["username"] == victim and state(r)[0] == 2

    async def test_anonymous_callers_are_counted_by_address(self, limited: Any) -> None:
        async with http(limited, client_address="198.51.100.1") as one, http(limited, "198.51.100.2") as two:
            for _ in range(3):
                problem(await one.get(ME), 401, "unauthorized")
            problem(await one.get(ME), 429, "rate_limited")
            problem(await two.get(ME), 401, "unauthorized")

    async def test_probes_and_non_api_paths_are_not_limited(
        self, limited: Any, settings: Settings, world: World
    ) -> None:
        async with http(limited) as c:
            for _ in range(5):
                r = await c.get("/healthz")
                assert r.status_code == 200 and "ratelimit" not in r.headers
            for _ in range(5):
                r = await c.get("/some/spa/route")
                assert r.status_code != 429 and "ratelimit" not in r.headers
            r = await c.get(ME, headers=as_(settings, world, "asn_a"))
            assert r.status_code == 200 and state(r)[0] == 2

    async def test_zero_turns_it_off(self, app: Any, settings: Settings, world: World) -> None:
        assert settings.rate_limit_per_minute == 0
        async with http(app) as c:
            for _ in range(5):
                r = await c.get(ME, headers=as_(settings, world, "asn_a"))
                assert r.status_code == 200 and "ratelimit" not in r.headers


async def _noop(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def test_memory_is_bounded(settings: Settings) -> None:
    clock = Clock()
    middleware = RateLimitMiddleware(
        _noop, settings.model_copy(update={"rate_limit_per_minute": 5}), clock=clock, max_callers=100
    )

    async def send(message: Any) -> None:
        return None

    async def receive() -> Any:
        return {"type": "http.request", "body": b""}

    for n in range(1000):
        scope = {
            "type": "http",
            "method": "GET",
            "path": ME,
            "headers": [],
            "client": (f"10.0.{n // 256}.{n % 256}", 1),
        }
        await middleware(scope, receive, send)
        clock.advance(0.5)
        assert len(middleware._windows) <= 100


async def test_the_spa_origin_can_read_its_budget_and_a_429(
    settings: Settings, engine: AsyncEngine, connection: AsyncConnection, world: World
) -> None:
    origin = "https://simpeg.kaltimprov.go.id"
    app = bound_app(
        settings, engine, connection, clock=Clock(), rate_limit_per_minute=1, cors_origins=[origin]
    )
    headers = as_(settings, world, "asn_a") | {"Origin": origin}
    async with http(app) as c:
        ok = await c.get(ME, headers=headers)
        refused = await c.get(ME, headers=headers)
    exposed = {h.strip().lower() for h in ok.headers.get("access-control-expose-headers", "").split(",")}
    assert {"ratelimit", "ratelimit-policy", "retry-after"} <= exposed
    assert refused.status_code == 429
    assert refused.headers.get("access-control-allow-origin") == origin
