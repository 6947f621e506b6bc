"""The OpenAPI document is a product: ids, tags, summaries, documented problem+json errors."""

from __future__ import annotations

import re
from typing import Any

import httpx

PROBLEM = "application/problem+json"


async def spec(client: httpx.AsyncClient) -> dict[str, Any]:
    r = await client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    body: dict[str, Any] = r.json()
    return body


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), p, op) for p, item in document["paths"].items() for m, op in item.items()]


async def test_every_operation_is_identified_and_described(client: httpx.AsyncClient) -> None:
    document = await spec(client)
    assert document["openapi"].startswith("3.1")
    ops = operations(document)
    ids = [op["operationId"] for _, _, op in ops]
    assert len(ids) == len(set(ids)), "operationIds must be unique"
    for method, path, op in ops:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", op["operationId"]), (method, path)
        assert op.get("tags"), (method, path)
        assert op.get("summary") and not op["summary"].istitle(), f"{method} {path} needs a docstring summary"


async def test_errors_are_documented_as_problems(client: httpx.AsyncClient) -> None:
    document = await spec(client)
    assert "Problem" in document["components"]["schemas"]
    for method, path, op in operations(document):
        if not path.startswith("/api/v1/"):
            continue
        errors = {code: r for code, r in op["responses"].items() if code[0] in "45"}
        assert "503" in errors, (method, path)
        if path not in {"/api/v1/auth/token", "/api/v1/xapi/about", "/api/v1/public/certificates/{number}"}:
            assert "401" in errors, (method, path)
        for code, response in errors.items():
            assert PROBLEM in response["content"], (method, path, code)
        if method in {"PATCH"}:
            assert {"412", "428"} <= errors.keys(), (method, path)


async def test_known_operation_ids(client: httpx.AsyncClient) -> None:
    ids = {op["operationId"] for _, _, op in operations(await spec(client))}
    assert {
        "asn_list",
        "asn_get",
        "asn_create",
        "asn_update",
        "auth_token",
        "rules_get",
        "rules_put",
        "audit_list",
    } <= ids


async def test_request_bodies_have_examples(client: httpx.AsyncClient) -> None:
    document = await spec(client)
    schemas = document["components"]["schemas"]
    for name in (
        "AsnCreate",
        "AsnUpdate",
        "UnitCreate",
        "PositionCreate",
        "RuleSetBody",
        "UserCreate",
        "ClientCreate",
    ):
        assert schemas[name].get("examples"), name


async def test_middleware_answers_are_documented(client: httpx.AsyncClient) -> None:
    """What answers before any route (hostile input, body limit, rate limit, database down, a stale
    write, an id that names nothing) is documented on every operation it can reach."""
    document = await spec(client)
    for method, path, op in operations(document):
        responses = op["responses"]
        assert "400" in responses, (method, path)
        if "requestBody" in op:
            assert {"413", "422"} <= responses.keys(), (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        if not path.startswith("/api/v1/"):
            continue
        assert set(responses["429"]["headers"]) == {"Retry-After", "RateLimit", "RateLimit-Policy"}
        assert "Retry-After" in responses["503"]["headers"]
        if method in {"POST", "PUT", "PATCH", "DELETE"}:
            assert "412" in responses, (method, path)


async def test_paths_carry_no_route_convertors(client: httpx.AsyncClient) -> None:
    # `{job_id:import_job}` routes the request; the document (and the clients generated from it)
    # must keep `{job_id}`.
    paths = (await spec(client))["paths"]
    assert not [p for p in paths if ":" in p]
    assert {
        "/api/v1/imports/{job_id}",
        "/api/v1/budgets/{year}",
        "/api/v1/competencies/{code}",
    } <= paths.keys()


async def test_cursor_documents_its_shape(client: httpx.AsyncClient) -> None:
    document = await spec(client)
    cursors = [
        p for _, _, op in operations(document) for p in op.get("parameters", []) if p["name"] == "cursor"
    ]
    assert len(cursors) >= 10
    for parameter in cursors:
        assert parameter["schema"]["pattern"] == "^[A-Za-z0-9_-]*$"
