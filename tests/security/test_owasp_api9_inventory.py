"""OWASP API9:2023 Improper Inventory Management: one versioned API, fully documented.

Every route is under /api/v1 or is a health probe (the SPA's static files aside); every API
operation is in the OpenAPI document with a unique operation id, a summary and its error responses,
so no undocumented or forgotten endpoint is served.
"""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from tests.core.test_role_matrix import _COLLECTION_APP, OPERATIONS, PUBLIC

CONVERTER = re.compile(r":[a-z_]+}")
PROBES = {"/healthz", "/readyz"}
DOCS = {"/api/docs", "/api/v1/openapi.json"}
# FastAPI's default location for Swagger UI's OAuth2 redirect page, outside /api; ours is moved under it.
SWAGGER_REDIRECT = "/docs/oauth2-redirect"
DOCS_REDIRECT = "/api/docs/oauth2-redirect"
SPA = {"/{path:path}", "/assets"}


def test_every_route_is_versioned_or_a_probe() -> None:
    stray = []
    for route in _COLLECTION_APP.routes:
        path = getattr(route, "path", "")
        if path in PROBES or path in DOCS or path in SPA or path == DOCS_REDIRECT:
            continue
        if isinstance(route, APIRoute | Route | Mount) and not path.startswith("/api/v1/"):
            stray.append(path)
    assert not stray, stray


def test_every_operation_is_documented_with_an_id() -> None:
    spec = _COLLECTION_APP.openapi()
    documented = {
        (method.upper(), path): op for path, item in spec["paths"].items() for method, op in item.items()
    }
    missing = [str(op) for op in OPERATIONS if (op.method, CONVERTER.sub("}", op.path)) not in documented]
    assert not missing, missing
    ids = [op["operationId"] for op in documented.values()]
    assert len(ids) == len(set(ids)), "duplicate operation ids"
    for (method, path), op in documented.items():
        assert op.get("summary"), f"{method} {path} has no summary"
        if path.startswith("/api/v1/") and op["operationId"] not in PUBLIC:
            assert "401" in op["responses"], f"{method} {path} does not declare 401"


def test_hidden_routes_are_only_the_docs_and_the_spa() -> None:
    hidden = [
        route.path
        for route in _COLLECTION_APP.routes
        if isinstance(route, APIRoute) and not route.include_in_schema
    ]
    assert set(hidden) <= SPA | DOCS | {DOCS_REDIRECT}, hidden


def test_the_docs_pages_live_under_api() -> None:
    paths = {getattr(route, "path", "") for route in _COLLECTION_APP.routes}
    assert SWAGGER_REDIRECT not in paths
    assert DOCS_REDIRECT in paths


def test_the_document_names_one_version() -> None:
    spec = _COLLECTION_APP.openapi()
    prefixes = {path.split("/")[2] for path in spec["paths"] if path.startswith("/api/")}
    assert prefixes == {"v1"}
    assert spec["info"]["version"]
