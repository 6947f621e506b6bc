"""Per-caller request rate limits (OWASP API4: unrestricted resource consumption).

A caller is the subject of a bearer token that verifies, otherwise the client address: an unverified
`sub` claim never decides whose budget a request spends, so a forged token cannot drain another
user's allowance. Each caller gets `settings.rate_limit_per_minute` requests in a 60-second window
that starts with its first request; 0 turns the limit off.

The counts live in the worker's memory: with N worker processes each counts for itself, so a caller
may reach N times the limit in total. That is enough to stop a runaway script without a shared store.
Every API response carries the IETF draft `RateLimit-Policy` and `RateLimit` headers so clients can
pace themselves; a refused request gets 429 problem+json with `Retry-After`.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import Settings
from app.core.i18n import code_title, current_language, localise, msg
from app.core.requestid import current_request_id
from app.core.security import Principal, TokenInvalid, VerifiedTokens, decode_access_token

WINDOW_SECONDS = 60
EXEMPT_PATHS = frozenset({"/healthz", "/readyz"})
# Callers remembered at once; beyond this, callers whose window has ended are forgotten first.
MAX_CALLERS = 50_000


class RateLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        clock: Callable[[], float] = time.monotonic,
        max_callers: int = MAX_CALLERS,
    ) -> None:
        self.app = app
        self.limit = settings.rate_limit_per_minute
        self.clock = clock
        self.max_callers = max_callers
        # caller -> [window start, requests counted in it], in order of window start (oldest first).
        self._windows: dict[str, list[float]] = {}
        self._policy = f'"default";q={self.limit};w={WINDOW_SECONDS}'.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.limit <= 0
            or scope["type"] != "http"
            or scope["method"] == "OPTIONS"  # CORS preflights carry no credentials
            or not scope["path"].startswith("/api/")
            or scope["path"] in EXEMPT_PATHS
        ):
            await self.app(scope, receive, send)
            return
        now = self.clock()
        window = self._count(self._caller(scope), now)
        reset = max(1, math.ceil(window[0] + WINDOW_SECONDS - now))
        remaining = self.limit - int(window[1])
        if remaining < 0:
            await self._refuse(scope, send, reset)
            return
        headers = [(b"ratelimit-policy", self._policy), (b"ratelimit", _state(remaining, reset))]

        async def send_with_state(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + headers
            await send(message)

        await self.app(scope, receive, send_with_state)

    def _count(self, caller: str, now: float) -> list[float]:
        window = self._windows.get(caller)
        if window is None or now - window[0] >= WINDOW_SECONDS:
            if window is None and len(self._windows) >= self.max_callers:
                self._evict(now)
            window = [now, 0]
            self._windows.pop(caller, None)  # re-insert: keeps the dict in window-start order
            self._windows[caller] = window
        window[1] += 1
        return window

    def _evict(self, now: float) -> None:
        """Forget callers whose window has ended (they would start afresh anyway); if every window is
        still running, forget the oldest tenth."""
        expired = [caller for caller, (start, _) in self._windows.items() if now - start >= WINDOW_SECONDS]
        for caller in expired:
            del self._windows[caller]
        if len(self._windows) >= self.max_callers:
            for caller in list(self._windows)[: max(1, self.max_callers // 10)]:
                del self._windows[caller]

    def _caller(self, scope: Scope) -> str:
        token = _bearer(scope)
        if token is not None:
            state = getattr(scope.get("app"), "state", None)
            cache: VerifiedTokens | None = getattr(state, "verified_tokens", None)
            principal: Principal | None = cache.get(token) if cache is not None else None
            if principal is None and state is not None:
                try:
                    principal, expires_at = decode_access_token(state.settings, token, state.secret_key)
                except TokenInvalid:
                    principal = None
                else:
                    if cache is not None:
                        cache.put(token, principal, expires_at)
            if principal is not None:
                return "sub:" + principal.subject
        client = scope.get("client")
        return "addr:" + (client[0] if client else "unknown")

    async def _refuse(self, scope: Scope, send: Send, reset: int) -> None:
        body: dict[str, object] = {
            "type": "https://bangkom.id/problems/rate_limited",
            "title": code_title("rate_limited", "Too Many Requests"),
            "status": 429,
            "detail": localise(
                msg(
                    "More than {limit} requests in a minute; retry in {reset} seconds",
                    limit=self.limit,
                    reset=reset,
                )
            ),
            "code": "rate_limited",
            "instance": scope["path"],
        }
        rid = current_request_id()
        if rid:
            body["request_id"] = rid
        raw = json.dumps(body).encode()
        headers = [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(raw)).encode()),
            (b"content-language", current_language().encode()),
            (b"retry-after", str(reset).encode()),
            (b"ratelimit-policy", self._policy),
            (b"ratelimit", _state(0, reset)),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": raw})


def _state(remaining: int, reset: int) -> bytes:
    return f'"default";r={remaining};t={reset}'.encode()


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            token = token.strip()
            return token if scheme.lower() == "bearer" and token else None
    return None
