"""The outermost request middleware: request id, security headers, body size limit, last-resort 500,
and one access log line per request.

Pure ASGI (no BaseHTTPMiddleware) so it costs almost nothing per request.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import secrets
import time
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.i18n import code_title, current_language, localise, msg, negotiate, reset_language, set_language
from app.core.logs import ACCESS_LOGGER, redact, request_id_var

log = logging.getLogger("bangkom.errors")
access_log = logging.getLogger(ACCESS_LOGGER)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")

# Probes run every few seconds; their lines would drown the rest at INFO.
_QUIET_PATHS = frozenset({"/healthz", "/readyz"})
# Requests that never reached a route (rejected by a middleware, or no route matched): the raw path
# may hold a NIP or anything else a caller typed, so it is never logged.
UNROUTED = "<unrouted>"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

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
    return request_id_var.get()


def _route_template(scope: Scope) -> str:
    # FastAPI keeps an included router's route without its prefix (`/asn/{nip}`); the full template
    # (`/api/v1/asn/{nip}`) is on the route context it records for the request.
    context = scope.get("fastapi", {}).get("effective_route_context")
    path = getattr(context, "path_format", None) or getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) and path else UNROUTED


def _caller_role(scope: Scope) -> str | None:
    # Set by app.auth.dependencies once a token has been verified; the role only, never who it is.
    state = scope.get("state")
    principal = state.get("principal") if isinstance(state, dict) else None
    role = getattr(principal, "role", None)
    return getattr(role, "value", None)


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"request body larger than {limit} bytes")


def _problem(status: int, code: str, title: str, detail: str, rid: str) -> bytes:
    return json.dumps(
        {
            "type": f"https://bangkom.id/problems/{code}",
            "title": code_title(code, title),
            "status": status,
            "detail": localise(detail),
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
        accept_language = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
            elif name == b"content-length":
                declared_length = value
            elif name == b"accept-language":
                accept_language = value.decode("latin-1")
        # A caller's id is kept only if it is harmless to log (no NIK or phone number as an id either).
        if incoming and _SAFE_ID.match(incoming) and redact(incoming) == incoming:
            rid = incoming
        else:
            rid = _new_request_id()
        token = request_id_var.set(rid)
        language_token = set_language(negotiate(accept_language))
        began = time.perf_counter()
        status = 0
        rid_bytes = rid.encode()
        limit = self._limit_for(scope["path"])
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started, status
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
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
                (b"content-language", current_language().encode()),
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

        async def send_too_large() -> None:
            # Built only when needed: a JSON body per request would cost more than the access log line.
            body = _problem(
                413,
                "payload_too_large",
                "Content Too Large",
                msg("The request body exceeds {limit} bytes for this endpoint", limit=limit),
                rid,
            )
            await send_problem(413, body, [(b"connection", b"close")])

        try:
            if declared_length is not None and declared_length.isdigit() and int(declared_length) > limit:
                await send_too_large()
                return
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if started:
                raise
            await send_too_large()
        except Exception:
            # Rendered here rather than by Starlette's outer error middleware so that even a 500
            # carries the request id and security headers; the traceback goes to the log only.
            route = _route_template(scope)
            log.exception("unhandled error on %s %s", scope["method"], route, extra={"route": route})
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
            level = logging.DEBUG if scope["path"] in _QUIET_PATHS else logging.INFO
            if access_log.isEnabledFor(level):
                self._log_access(level, scope, status, began)
            request_id_var.reset(token)
            reset_language(language_token)

    @staticmethod
    def _log_access(level: int, scope: Scope, status: int, began: float) -> None:
        method = scope["method"] if scope["method"] in _METHODS else "OTHER"
        route = _route_template(scope)
        fields: dict[str, object] = {
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": round((time.perf_counter() - began) * 1000, 2),
        }
        role = _caller_role(scope)
        if role is not None:
            fields["actor_role"] = role
        # Built directly rather than by `access_log.log(...)`: that walks the stack to find the caller,
        # a third of the cost of a line, and the caller is always this function.
        record = access_log.makeRecord(
            ACCESS_LOGGER, level, __file__, 0, "%s %s %d", (method, route, status), None, extra=fields
        )
        access_log.handle(record)
