"""Per-caller request rate limits (OWASP API4: unrestricted resource consumption).

Filled in by the hardening work: a pure ASGI middleware answering 429 problem+json with
`Retry-After` and `RateLimit`/`RateLimit-Policy` headers; `settings.rate_limit_per_minute == 0` is off.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.config import Settings


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
