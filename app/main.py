"""create_app(): settings, middleware, error handlers, routers and the built SPA."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import __version__, background, reactions, schedule
from app.api import include_api
from app.auth.access import AccessState
from app.auth.dependencies import auth_problem_before_body
from app.core import openapi
from app.core.config import Settings, get_settings
from app.core.db import create_database
from app.core.errors import (
    SPA_FALLBACK_PATH,
    NotFound,
    Problem,
    ValidationItem,
    allowed_methods,
    install_error_handlers,
    problem_responses,
)
from app.core.health import head_revisions
from app.core.health import router as health_router
from app.core.hostile import HostileInputMiddleware
from app.core.i18n import msg
from app.core.logs import configure_logging
from app.core.ratelimit import RateLimitMiddleware
from app.core.report_cache import ReportCache
from app.core.requestid import RequestContextMiddleware
from app.core.security import VerifiedTokens

log = logging.getLogger("bangkom")

# Whole-request ceiling; uploads that need more declare their own limit on the route.
DEFAULT_MAX_BODY = 2 * 1024 * 1024
BODY_LIMITS: dict[str, int] = {
    # Evidence uploads: a 5 MB file (checked by the route) plus the multipart framing.
    r"/api/v1/learning-records/\d+/evidence": 6 * 1024 * 1024,
    # A claim filed with its evidence: the same file plus the record's JSON part.
    r"/api/v1/asn/[^/]+/learning-records/with-evidence": 6 * 1024 * 1024,
    # xAPI batches: up to 1000 statements of a few kilobytes each.
    "/api/v1/xapi/statements": 8 * 1024 * 1024,
    # SIMPEG sync: up to 5,000 profiles of a few hundred bytes each.
    "/api/v1/sync/asn": 8 * 1024 * 1024,
    # Spreadsheet imports: a 20 MB file (checked by the route) plus the multipart framing and fields.
    "/api/v1/imports/(asn|learning-records|attendance)": 21 * 1024 * 1024,
}

TAGS = [
    {
        "name": "auth",
        "description": "OAuth2 tokens (password, refresh_token, client_credentials) and the caller's identity",
    },
    {"name": "reference", "description": "Code lists and yearly rule sets (regulation as data)"},
    {"name": "organisation", "description": "Units (perangkat daerah) and positions (jabatan)"},
    {"name": "asn", "description": "ASN profiles"},
    {
        "name": "sync",
        "description": "SIMPEG integration: bulk upsert of ASN profiles keyed by NIP, and the change feed",
    },
    {
        "name": "imports",
        "description": "Spreadsheet imports (ASN profiles, learning records, webinar attendance) run as jobs",
    },
    {"name": "learning", "description": "The learning-hour (JP) ledger: claims, verification, voiding"},
    {
        "name": "competencies",
        "description": "The competency dictionary, position standards (SKJ), assessments, gaps and JPM",
    },
    {
        "name": "talent",
        "description": "Talent records: each ASN's yearly SKP result, potential assessments and disciplinary "
        "sanctions (confidential)",
    },
    {
        "name": "courses",
        "description": "The catalogue of learning activities and each ASN's development plan",
    },
    {
        "name": "reports",
        "description": "Aggregate figures per unit: JP compliance (the per-OPD dashboard), competency gaps",
    },
    {"name": "budgets", "description": "Budgets for competency development and the mandatory-spending check"},
    {"name": "exports", "description": "Reports as spreadsheets (XLSX with Indonesian headers, or CSV)"},
    {"name": "xapi", "description": "xAPI statements from LMSs become verified learning records (LRS-style)"},
    {"name": "accounts", "description": "User accounts and integration clients (BPSDM administration)"},
    {"name": "audit", "description": "The append-only audit trail"},
    {
        "name": "notifications",
        "description": "Each user's inbox and notification preferences, and the email delivery log",
    },
    {
        "name": "reminders",
        "description": "Reminder campaigns as yearly rule data: who is reminded of what, a dry run, a real run",
    },
    {"name": "years", "description": "Closing a year's learning claims"},
    {
        "name": "planning",
        "description": "Development planning: individual development plans (IDP), the training-needs analysis "
        "and each unit's yearly programme against the budget",
    },
    {
        "name": "sessions",
        "description": "Course sessions (angkatan) with quotas, the OPDs' nominations, attendance and the "
        "certificates BPSDM issues",
    },
    {"name": "public", "description": "What anyone may check without logging in: a certificate's number"},
    {"name": "health", "description": "Liveness and readiness probes"},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings)
    reactions.connect()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = create_database(settings)
        app.state.db = db
        # Objects alive after start-up (routes, schemas, metadata) live as long as the worker: keep
        # them out of the collector's generations so full collections stay short under load.
        gc.collect()
        gc.freeze()
        # A request allocates a few thousand short-lived objects; collecting the youngest generation
        # every 700 allocations (the default) runs the collector several times per request.
        gc.set_threshold(20_000, 20, 20)
        try:
            async with contextlib.AsyncExitStack() as jobs:
                if settings.background_jobs:
                    await jobs.enter_async_context(
                        background.running(
                            db.write_sessions, schedule.frequent(settings), schedule.daily(settings)
                        )
                    )
                yield
        finally:
            await db.fast.close()
            await db.engine.dispose()

    docs = settings.docs_enabled
    app = FastAPI(
        title="Bangkom API",
        version=__version__,
        summary="Competency development (pengembangan kompetensi) of Indonesian civil servants (ASN)",
        description=(
            "Errors are RFC 9457 problem documents with a stable `code`. Their `title`, `detail` and "
            "`errors[].msg` are in Indonesian unless the request sends `Accept-Language: en`; the "
            "answer's `Content-Language` says which."
        ),
        openapi_url="/api/v1/openapi.json" if docs else None,
        docs_url="/api/docs" if docs else None,
        # Under /api like the docs page (FastAPI's default would be /docs/oauth2-redirect).
        swagger_ui_oauth2_redirect_url="/api/docs/oauth2-redirect",
        redoc_url=None,
        openapi_tags=TAGS,
        generate_unique_id_function=openapi.operation_id,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.secret_key = settings.effective_secret_key()
    reset_caches(app, settings)
    app.state.auth_precheck = auth_problem_before_body
    app.state.migration_heads = head_revisions()

    install_error_handlers(app)
    # Innermost: a refused NUL byte or non-UTF-8 text never reaches a route (the limits outside still apply).
    app.add_middleware(HostileInputMiddleware)
    # Inside the request-id middleware, so a 429 carries the request id and security headers.
    app.add_middleware(RateLimitMiddleware, settings=settings)
    # Outside the rate limiter, so the SPA's origin can read a 429 and its RateLimit headers.
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key", "X-Request-ID"],
            expose_headers=[
                "ETag",
                "Location",
                "Retry-After",
                "X-Request-ID",
                "RateLimit",
                "RateLimit-Policy",
            ],
        )
    app.add_middleware(RequestContextMiddleware, max_body=DEFAULT_MAX_BODY, body_limits=BODY_LIMITS)

    app.include_router(health_router)
    include_api(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]

    spa = settings.resolved_spa_dir()
    if spa is not None:
        _mount_spa(app, spa)
    return app


def reset_caches(app: FastAPI, settings: Settings) -> None:
    """The worker's in-memory caches of verified credentials and account verdicts, empty.

    The test suite shares one app between tests whose databases are rolled back in between, so a
    verdict cached in one test must not answer for a row of the same id in the next.
    """
    app.state.verified_tokens = VerifiedTokens()
    app.state.report_cache = ReportCache(settings.report_cache_seconds)
    app.state.access = AccessState(settings.access_recheck_seconds)
    app.state.xapi_basic_credentials = VerifiedTokens(max_entries=1000)


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components["Problem"].pop("$defs", None)
    components["ValidationItem"] = ValidationItem.model_json_schema()
    components["Problem"]["properties"]["errors"] = {
        "anyOf": [
            {"type": "array", "items": {"$ref": "#/components/schemas/ValidationItem"}},
            {"type": "null"},
        ],
        "description": "Field errors (422 only)",
    }
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    unavailable = _with_headers(problem_responses(503)[503], "Retry-After")
    unreadable = problem_responses(400)[400]
    unreadable["description"] = (
        "The request cannot be read: a NUL byte, text that is not UTF-8, or a body that is not the "
        "declared media type"
    )
    too_large = problem_responses(413)[413]
    # StaleDataError (app/core/errors.py): two writes to one row at the same instant; the loser gets 412.
    changed_meanwhile = problem_responses(412)[412] | {
        "description": "Changed by another request at the same time (or If-Match is stale); read it again and retry"
    }
    too_many = _with_headers(problem_responses(429)[429], "Retry-After", "RateLimit", "RateLimit-Policy")
    # What a route's dependencies answer (a login, a role, If-Match, an Idempotency-Key) is declared
    # once on the dependency and documented on every route using it.
    problems = {
        route.unique_id: openapi.dependency_problems(route.dependant)
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute)
    }
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            # A route's one-line docstring is its summary (FastAPI would use the function name).
            lines = operation.pop("description", "").strip().splitlines()
            if lines:
                operation["summary"] = lines[0].rstrip(".")
                if len(lines) > 1:
                    operation["description"] = "\n".join(lines[1:]).strip()
            responses = operation["responses"]
            for status in sorted(problems.get(operation["operationId"], ())):
                responses.setdefault(str(status), problem_responses(status)[status])
            if "422" in responses and "application/json" in responses["422"].get("content", {}):
                responses["422"] = problem_responses(422)[422]  # FastAPI's own validation entry
            # Every request passes the middleware (app/core/hostile.py, requestid.py, ratelimit.py) that
            # answers these before any route, so every operation documents them.
            responses.setdefault("400", unreadable)
            if "{" in path:  # an id that names nothing, or does not fit its route (`/budgets/x`)
                responses.setdefault("404", problem_responses(404)[404])
            if "requestBody" in operation:
                responses.setdefault("413", too_large)
            if path.startswith("/api/v1/"):
                if method in {"post", "put", "patch", "delete"}:
                    responses.setdefault("412", changed_meanwhile)
                # A route's own 429 (the login throttle, the claim quota) carries the same headers.
                responses["429"] = {**too_many, **responses.get("429", {}), "headers": too_many["headers"]}
                responses.setdefault("503", unavailable)
            for media in operation.get("requestBody", {}).get("content", {}).values():
                if "schema" in media:
                    media["schema"] = _shared_body_schemas(media["schema"], components)
    openapi.conform(schema)
    app.openapi_schema = schema
    return schema


_HEADERS: dict[str, dict[str, Any]] = {
    "Retry-After": {"description": "Seconds to wait before trying again", "schema": {"type": "integer"}},
    "RateLimit": {
        "description": "The caller's remaining quota and seconds to its reset (IETF RateLimit header fields)",
        "schema": {"type": "string"},
    },
    "RateLimit-Policy": {
        "description": 'The quota: requests per window of seconds, e.g. `"default";q=120;w=60`',
        "schema": {"type": "string"},
    },
}


def _with_headers(response: dict[str, Any], *names: str) -> dict[str, Any]:
    return {**response, "headers": {name: _HEADERS[name] for name in names}}


def _shared_body_schemas(node: Any, components: dict[str, Any]) -> Any:
    """A titled object schema written inline in a route's body (xAPI's statement, used three times)
    becomes one component referenced everywhere."""
    if isinstance(node, list):
        return [_shared_body_schemas(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    title = node.get("title")
    if node.get("type") == "object" and isinstance(title, str) and components.setdefault(title, node) == node:
        return {"$ref": f"#/components/schemas/{title}"}
    return {key: _shared_body_schemas(value, components) for key, value in node.items()}


# Sent with the SPA's pages (a policy governs documents, not the scripts they load). The built SPA
# is one module script, its chunks and stylesheets, all from this origin, and it calls
# only this origin's API. React sets `style` props through the CSSOM, which style-src does not
# govern, so no inline script or style needs allowing. Evidence previews show the user's own file
# from a blob: URL: images in <img>, PDFs in an <iframe> (OPD) or an <object> (the ASN's claim form),
# hence blob: for img-src, frame-src and object-src (which otherwise stays closed to plugins).
SPA_CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self' blob:",
        "object-src blob:",
        "worker-src 'none'",
        "manifest-src 'self'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def _mount_spa(app: FastAPI, spa: Path) -> None:
    """Serve the built SPA; unknown non-API paths get index.html so client-side routes work."""
    assets = spa / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="spa-assets")
    index = spa / "index.html"
    root = spa.resolve()

    @app.get(SPA_FALLBACK_PATH, include_in_schema=False)
    async def spa_fallback(path: str, request: Request) -> FileResponse:
        if path == "api" or path.startswith("api/"):
            # GET on a path whose routes take other methods only (POST /api/v1/auth/token) is a 405.
            if allowed_methods(request):
                raise StarletteHTTPException(405)
            raise NotFound(msg("No route for {method} {path}", method=request.method, path=f"/{path}"))
        candidate = (spa / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            return FileResponse(candidate, headers={"Content-Security-Policy": SPA_CSP})
        return FileResponse(index, headers={"Cache-Control": "no-cache", "Content-Security-Policy": SPA_CSP})
