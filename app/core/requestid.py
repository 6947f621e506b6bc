"""The outermost request middleware: request id, security headers, body size limit, last-resort 500.

Pure ASGI (no BaseHTTPMiddleware) so it costs almost nothing per request.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import secrets
from collections.abc import Mapping
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


# A random prefix per process and a counter: unique across workers and restarts, and cheaper than
# a uuid4 (a system call) on every request.
_PREFIX = secrets.token_hex(6)
_counter = itertools.count(1)


def _new_request_id() -> str:
    return f"{_PREFIX}{next(_counter):010x}"


def current_request_id() -> str | None:
    return _request_id.get()


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"request body larger than {limit} bytes")


def _problem(status: int, code: str, title: str, detail: str, rid: str) -> bytes:
    return json.dumps(
        {
            "type": f"https://bangkom.id/problems/{code}",
            "title": title,
            "status": status,
            "detail": detail,
            "code": code,
            "request_id": rid,
        }
    ).encode()


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, max_body: int, body_limits: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.max_body = max_body
        # Path patterns (regular expressions, matched in full) that accept larger bodies: uploads, bulk sync.
        self.body_limits = [(re.compile(pattern), limit) for pattern, limit in (body_limits or {}).items()]

    def _limit_for(self, path: str) -> int:
        for pattern, limit in self.body_limits:
            if pattern.fullmatch(path):
                return limit
        return self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        declared_length = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
            elif name == b"content-length":
                declared_length = value
        # A caller's id is kept only if it is harmless to log.
        rid = incoming if incoming and _SAFE_ID.match(incoming) else _new_request_id()
        token = _request_id.set(rid)
        rid_bytes = rid.encode()
        limit = self._limit_for(scope["path"])
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid_bytes))
                headers.extend(SECURITY_HEADERS)
                message["headers"] = headers
            await send(message)

        async def send_problem(
            status: int, body: bytes, extra: list[tuple[bytes, bytes]] | None = None
        ) -> None:
            headers = [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ]
            await send_with_headers(
                {"type": "http.response.start", "status": status, "headers": headers + (extra or [])}
            )
            await send_with_headers({"type": "http.response.body", "body": body})

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        too_large = _problem(
            413,
            "payload_too_large",
            "Content Too Large",
            f"The request body exceeds {limit} bytes for this endpoint",
            rid,
        )
        try:
            if declared_length is not None and declared_length.isdigit() and int(declared_length) > limit:
                await send_problem(413, too_large, [(b"connection", b"close")])
                return
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if started:
                raise
            await send_problem(413, too_large, [(b"connection", b"close")])
        except Exception:
            # Rendered here rather than by Starlette's outer error middleware so that even a 500
            # carries the request id and security headers; the traceback goes to the log only.
            log.exception(
                "unhandled error on %s %s (request %s)", scope.get("method"), scope.get("path"), rid
            )
            if started:
                raise
            body = _problem(
                500,
                "internal_error",
                "Internal Server Error",
                "An unexpected error occurred; it has been logged",
                rid,
            )
            await send_problem(500, body)
        finally:
            _request_id.reset(token)
