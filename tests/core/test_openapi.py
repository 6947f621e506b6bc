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
        if path not in {"/api/v1/auth/token", "/api/v1/xapi/about"}:
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
