"""A request id per request (from `X-Request-ID` or generated), kept in a context variable."""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("bangkom.errors")
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def current_request_id() -> str | None:
    return _request_id.get()


class RequestContextMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware) so it costs almost nothing per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        # A caller's id is kept only if it is harmless to log.
        rid = incoming if incoming and _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(rid)
        rid_bytes = rid.encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid_bytes))
                headers.extend(SECURITY_HEADERS)
                message["headers"] = headers
            await send(message)

        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send_with_headers(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception:
            # Rendered here rather than by Starlette's outer error middleware so that even a 500
            # carries the request id and security headers; the traceback goes to the log only.
            log.exception("unhandled error on %s %s (request %s)", scope.get("method"), scope.get("path"), rid)
            if started:
                raise
            body = json.dumps(
                {
                    "type": "https://bangkom.id/problems/internal_error",
                    "title": "Internal Server Error",
                    "status": 500,
                    "detail": "An unexpected error occurred; it has been logged",
                    "code": "internal_error",
                    "request_id": rid,
                }
            ).encode()
            await send_with_headers(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())],
                }
            )
            await send_with_headers({"type": "http.response.body", "body": body})
        finally:
            _request_id.reset(token)
