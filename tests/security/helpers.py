"""Apps with the limits turned on, bound to the test's rolled-back connection, and a clock to move."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.core.config import Settings
from app.core.ratelimit import RateLimitMiddleware
from app.main import create_app
from tests.conftest import bind_to_test


class Clock:
    """A monotonic clock the test moves by hand, so a minute passes without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def bound_app(
    settings: Settings,
    engine: AsyncEngine,
    connection: AsyncConnection,
    *,
    clock: Clock | None = None,
    **changes: Any,
) -> FastAPI:
    """create_app with `changes` to the settings, sharing the test's transaction like the `app` fixture."""
    changed = settings.model_copy(update=changes)
    app = create_app(changed)
    if clock is not None:
        # The middleware stack is built on the first request, so the clock can still be handed in.
        for middleware in app.user_middleware:
            factory: object = middleware.cls  # typed as a protocol no class can be `is`-compared with
            if factory is RateLimitMiddleware:
                middleware.kwargs["clock"] = clock
    bind_to_test(app, changed, engine, connection)
    return app


@asynccontextmanager
async def http(app: FastAPI, client_address: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(client_address, 50000))
    # English, like the suite's main client (tests/conftest.py).
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers={"Accept-Language": "en"}
    ) as c:
        yield c
