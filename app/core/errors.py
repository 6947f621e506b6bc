"""Domain errors and their RFC 9457 problem+json rendering."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any, ClassVar

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from app.core.i18n import code_title, current_language, field_message, localise, msg
from app.core.requestid import current_request_id

log = logging.getLogger("bangkom.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
# PostgreSQL's and SQLite's words for a unique-key clash.
_UNIQUE_VIOLATION = re.compile(r"duplicate key value violates unique constraint|UNIQUE constraint failed")
# The built SPA's catch-all GET route (app/main.py), which answers every path the API does not.
SPA_FALLBACK_PATH = "/{path:path}"


class DomainError(Exception):
    """An error the API reports to the caller; subclasses fix status and code."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str | None] = None

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None, **extra: Any):
        # No detail: the code's title (app/core/locale/codes.json) says it, in the caller's language.
        self.has_detail = bool(detail)
        self.detail = detail or self.default_detail()
        self.headers = headers or {}
        self.extra = extra
        super().__init__(self.detail)

    def default_detail(self) -> str:
        return code_title(self.code, HTTPStatus(self.status).phrase, "en")


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"

    def __init__(self, detail: str | None = None, **extra: Any):
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}, **extra)


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class PreconditionFailed(DomainError):
    status = 412
    code = "precondition_failed"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class Unprocessable(DomainError):
    status = 422
    code = "unprocessable"


class NullNotAllowed(Unprocessable):
    """A PATCH that sets to null a field every row must have."""

    code = "null_not_allowed"


def refuse_nulls(changes: Mapping[str, Any], fields: Iterable[str]) -> None:
    """Raise `NullNotAllowed` for the first of `fields` that `changes` (a PATCH body) sets to null."""
    for field in fields:
        if field in changes and changes[field] is None:
            raise NullNotAllowed(msg("{field} cannot be null", field=field))


class PreconditionRequired(DomainError):
    status = 428
    code = "precondition_required"


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"


class ValidationItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details, with a stable machine-readable `code`."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "https://bangkom.id/problems/asn_not_found",
                    "title": "Not Found",
                    "status": 404,
                    "detail": "No ASN with NIP 198503142010012003 in your scope",
                    "code": "asn_not_found",
                }
            ]
        },
    )

    type: str = Field(description="A URI naming the problem type")
    title: str = Field(description="What the code means, in the language asked for (Accept-Language)")
    status: int
    detail: str = Field(description="What went wrong this time and what to fix, in the language asked for")
    code: str = Field(description="Stable machine-readable error code")
    instance: str | None = None
    request_id: str | None = None
    errors: list[ValidationItem] | None = Field(default=None, description="Field errors (422 only)")


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing, expired or invalid credentials",
    403: "Authenticated but not allowed",
    404: "Not found, or outside the caller's scope",
    409: "Conflict with the current state",
    412: "If-Match does not match the current ETag",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Validation failed",
    428: "If-Match header required",
    429: "Too many requests",
    503: "Service temporarily unavailable",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the given error statuses, all problem+json."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        out[status] = {
            "description": _DESCRIPTIONS.get(status, HTTPStatus(status).phrase),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return out


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    request: Request | None = None,
    **extra: Any,
) -> JSONResponse:
    language = current_language()
    body: dict[str, Any] = {
        "type": f"https://bangkom.id/problems/{code}",
        "title": code_title(code, title or HTTPStatus(status).phrase, language),
        "status": status,
        "detail": localise(detail, language),
        "code": code,
    }
    if request is not None:
        body["instance"] = request.url.path
    rid = current_request_id()
    if rid:
        body["request_id"] = rid
    body.update({k: v for k, v in extra.items() if v is not None})
    headers = {**(headers or {}), "Content-Language": language}
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def _loc(loc: tuple[Any, ...] | list[Any]) -> list[str | int]:
    return [p if isinstance(p, int) else str(p) for p in loc]


def _field_name(loc: Sequence[str | int]) -> str:
    # "email", not "body.email": the detail is read by people; `errors[].loc` keeps the full path.
    parts = loc[1:] if len(loc) > 1 and loc[0] in {"body", "query", "path", "header"} else loc
    return ".".join(str(p) for p in parts)


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    detail = exc.detail if exc.has_detail else code_title(exc.code, exc.detail)
    return problem_response(
        exc.status, exc.code, detail, title=exc.title, headers=exc.headers, request=request, **exc.extra
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    precheck = getattr(request.app.state, "auth_precheck", None)
    if precheck is not None and any(e.get("type") == "json_invalid" for e in exc.errors()):
        denied = await precheck(request)
        if isinstance(denied, DomainError):
            return await _domain_error(request, denied)
    errors = [
        {"loc": _loc(e.get("loc", ())), "msg": field_message(e), "type": str(e.get("type", ""))}
        for e in exc.errors()
    ]
    first = errors[0] if errors else None
    detail = (
        f"{_field_name(first['loc'])}: {first['msg']}" if first else localise(msg("The request is not valid"))
    )
    return problem_response(422, "validation_error", detail, request=request, errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large", 400: "bad_request"}
    code = codes.get(exc.status_code, f"http_{exc.status_code}")
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == "Not Found":
        detail = msg("No route for {method} {path}", method=request.method, path=request.url.path)
    headers = exc.headers
    if exc.status_code == 405:
        allowed = allowed_methods(request)
        if not allowed:  # only the SPA's catch-all (GET) matched: no API resource lives here
            return problem_response(
                404,
                "not_found",
                msg("No route for {method} {path}", method=request.method, path=request.url.path),
                request=request,
            )
        detail = msg("{method} is not allowed on {path}", method=request.method, path=request.url.path)
        headers = {**(headers or {}), "Allow": ", ".join(allowed)}
    return problem_response(exc.status_code, code, detail, headers=headers, request=request)


def allowed_methods(request: Request) -> list[str]:
    """The methods of every route on this path: Starlette's 405 names only the first route's, and
    several routes share a path (GET and POST /api/v1/asn are two functions)."""
    routes = getattr(request.app.state, "route_methods", None)
    if routes is None:
        routes = request.app.state.route_methods = []
        for route in iter_route_contexts(request.app.routes):
            path, methods = getattr(route, "path", None), getattr(route, "methods", None)
            # The SPA's catch-all matches every path; it is no method of this one.
            if path and methods and path != SPA_FALLBACK_PATH:
                routes.append((compile_path(path)[0], frozenset(methods)))
    path = request.url.path
    return sorted(set().union(*(methods for regex, methods in routes if regex.match(path))))


def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", type(exc).__name__)
    return problem_response(
        503,
        "database_unavailable",
        "The database is not reachable right now; try again shortly",
        headers={"Retry-After": "5"},
        request=request,
    )


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(exc, IntegrityError) and _UNIQUE_VIOLATION.search(str(exc.orig)):
        # Two requests writing the same rows at the same instant (found by the contract run: two
        # position-standards bulk runs on PostgreSQL): the loser retries, like a StaleDataError.
        log.warning("unique violation on %s %s: a concurrent write", request.method, request.url.path)
        return await _stale(request, exc)
    if isinstance(exc, DBAPIError) and not exc.connection_invalidated and not _looks_unavailable(exc):
        return await _unexpected(request, exc)
    return _unavailable(request, exc)


async def _driver_unavailable(request: Request, exc: Exception) -> JSONResponse:
    return _unavailable(request, exc)


async def _os_error(request: Request, exc: Exception) -> JSONResponse:
    # asyncpg raises plain OSError/ConnectionRefusedError when the server is down at connect time.
    if isinstance(exc, ConnectionError | TimeoutError) or "connect" in str(exc).lower():
        return _unavailable(request, exc)
    return await _unexpected(request, exc)


def _looks_unavailable(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower() if exc.orig is not None else ""
    markers = (
        "database is locked",
        "connection",
        "could not connect",
        "terminating",
        "shutting down",
        "busy",
    )
    return isinstance(exc, OperationalError) or any(m in text for m in markers)


async def _stale(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        412,
        "precondition_failed",
        "The resource was changed by another request at the same time; read it again and retry",
        request=request,
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The route template, not the path: a path may hold a NIP or whatever else a caller typed.
    route = getattr(request.scope.get("route"), "path", "<unrouted>")
    log.exception("unhandled error on %s %s", request.method, route)
    return problem_response(
        500, "internal_error", "An unexpected error occurred; it has been logged", request=request
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(StaleDataError, _stale)
    app.add_exception_handler(DBAPIError, _database_error)  # OperationalError included
    app.add_exception_handler(PoolTimeout, _driver_unavailable)
    app.add_exception_handler(OSError, _os_error)
    # The fast read path talks to asyncpg directly; a dropped or refused connection is a 503 too.
    for driver_error in (
        asyncpg.PostgresConnectionError,
        asyncpg.InterfaceError,
        asyncpg.exceptions.OperatorInterventionError,
    ):
        app.add_exception_handler(driver_error, _driver_unavailable)
    app.add_exception_handler(Exception, _unexpected)
