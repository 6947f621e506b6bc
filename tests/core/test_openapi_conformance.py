"""The OpenAPI document says what the API does: how to log in (and where no login is needed), where
paths resolve, which answers carry an ETag, which writes cannot go without If-Match, what a decimal
or a rupiah field takes, and that a SIMPEG batch takes items of any shape. Each declaration is
checked against the live API, not only read back."""

from __future__ import annotations

import inspect
import json
from decimal import Decimal
from typing import Annotated, Any

import httpx
import jsonschema_rs
import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter, ValidationError

from app.api import ROUTERS
from app.budgets.schemas import UnitBudgetBody
from app.competencies.courses.schemas import CourseCreate
from app.core.config import Settings
from app.core.openapi import ETAG_OPERATIONS
from app.learning.schemas import RecordCreate
from app.rules.schemas import FormRule, JpmBand, RuleSetBody
from tests.factories import World
from tests.http import as_, problem
from tests.learning.helpers import body as record_body

PUBLIC = {"healthz", "readyz", "auth_token", "xapi_about", "public_certificates_get"}


async def spec(client: httpx.AsyncClient) -> dict[str, Any]:
    r = await client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    document: dict[str, Any] = r.json()
    return document


def operations(document: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {
        op["operationId"]: (method.upper(), path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
    }


class TestSecurity:
    async def test_oauth2_declares_both_flows_of_the_token_endpoint(self, client: httpx.AsyncClient) -> None:
        document = await spec(client)
        schemes = document["components"]["securitySchemes"]
        flows = schemes["OAuth2"]["flows"]
        assert set(flows) == {"password", "clientCredentials"}
        assert flows["password"]["tokenUrl"] == flows["clientCredentials"]["tokenUrl"] == "/api/v1/auth/token"
        assert flows["password"]["scopes"] == flows["clientCredentials"]["scopes"]
        assert {"asn:write", "learning:write", "reference:read"} <= flows["clientCredentials"][
            "scopes"
        ].keys()
        assert schemes["HTTPBasic"] == schemes["HTTPBasic"] | {"type": "http", "scheme": "basic"}

    async def test_every_operation_states_its_security(self, client: httpx.AsyncClient) -> None:
        document = await spec(client)
        schemes = document["components"]["securitySchemes"].keys()
        for operation_id, (method, path, op) in operations(document).items():
            assert "security" in op, (method, path)
            if operation_id in PUBLIC:
                assert op["security"] == [], operation_id
            else:
                assert op["security"], operation_id
                assert {name for requirement in op["security"] for name in requirement} <= schemes
        xapi = operations(document)["xapi_statements_post"][2]["security"]
        assert {"HTTPBasic": []} in xapi and {"OAuth2": []} in xapi

    async def test_public_operations_answer_without_a_login(self, client: httpx.AsyncClient) -> None:
        document = await spec(client)
        for operation_id, (method, path, op) in operations(document).items():
            if op["security"] == [] and method == "GET":
                r = await client.get(path)
                assert r.status_code not in {401, 403}, operation_id
            elif method == "GET" and "{" not in path:
                assert (await client.get(path)).status_code == 401, operation_id

    async def test_servers_make_the_paths_resolve(self, client: httpx.AsyncClient) -> None:
        document = await spec(client)
        assert [server["url"] for server in document["servers"]] == ["/"]
        base = document["servers"][0]["url"].rstrip("/")
        assert (await client.get(base + "/api/v1/xapi/about")).status_code == 200


def sets_etag(source: str) -> bool:
    # By hand, or as a create's `Created(..., version=...)` (app/core/idempotency.py).
    return "ETag" in source or ("Created(" in source and "version=" in source)


def routes_setting_etag() -> set[str]:
    # A route's operationId is its function's name (app/core/openapi.py).
    return {
        route.name
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and sets_etag(inspect.getsource(route.endpoint))
    }


class TestETag:
    async def test_declared_on_the_2xx_of_exactly_the_operations_that_send_it(
        self, client: httpx.AsyncClient
    ) -> None:
        assert routes_setting_etag() == ETAG_OPERATIONS
        for operation_id, (_, _, op) in operations(await spec(client)).items():
            for status, response in op["responses"].items():
                if status.startswith("2"):
                    declared = "ETag" in response.get("headers", {})
                    assert declared == (operation_id in ETAG_OPERATIONS), (operation_id, status)

    async def test_what_is_declared_is_sent(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        document = await spec(client)
        h = as_(settings, world, "bpsdm")
        for operation_id, url in (
            ("asn_get", f"/api/v1/asn/{world.asn_a.nip}"),
            ("units_get", f"/api/v1/units/{world.unit_a.id}"),
            ("positions_get", f"/api/v1/positions/{world.position_a.id}"),
            ("asn_list", "/api/v1/asn"),
        ):
            r = await client.get(url, headers=h)
            assert r.status_code == 200, r.text
            declared = "ETag" in operations(document)[operation_id][2]["responses"]["200"].get("headers", {})
            assert ("etag" in r.headers) == declared, operation_id


class TestIfMatch:
    async def test_required_where_a_write_without_it_is_always_428(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        checked = 0
        for operation_id, (method, _, op) in operations(await spec(client)).items():
            header = next((p for p in op.get("parameters", []) if p["name"] == "If-Match"), None)
            if method == "PATCH":
                assert header is not None, operation_id
            if header is None:
                continue
            assert "428" in op["responses"], operation_id
            creates = "201" in op["responses"]  # a PUT that may create needs no If-Match to do so
            assert header["required"] is not creates, operation_id
            if not creates:
                assert header["schema"]["type"] == "string", operation_id
                checked += 1
        assert checked >= 8
        # The server keeps its documented 428 for callers that ignore the document.
        r = await client.patch(
            f"/api/v1/units/{world.unit_a.id}",
            json={"name": "Dinas Baru"},
            headers=as_(settings, world, "bpsdm"),
        )
        problem(r, 428, "precondition_required")


def field_schema(document: dict[str, Any], model: str, field: str) -> dict[str, Any]:
    schemas = document["components"]["schemas"]
    found: dict[str, Any] = schemas[model if model in schemas else f"{model}-Input"]["properties"][field]
    return found


def parser(model: type[BaseModel], field: str) -> TypeAdapter[Any]:
    info = model.model_fields[field]
    return TypeAdapter(Annotated[info.annotation, info])  # type: ignore[arg-type]  # a type made at run time


# Values around each rule: bounds, places, and the spellings a lax parser reads as numbers.
PROBES: list[Any] = [
    0,
    0.0,
    0.01,
    0.005,
    1,
    5,
    12.5,
    12.345,
    0.07,
    100,
    100.0001,
    1999.99,
    2000,
    2000.01,
    10**16,
    10**16 + 1,
    -1,
    1e-9,
    True,
    "5",
    "12.5",
    "12.50",
    "12.505",
    "0",
    "0.00",
    "0.01",
    "2000",
    "2000.00",
    "2000.01",
    " 5",
    "5 ",
    "+5",
    "05",
    "5.",
    ".5",
    "5e0",
    "1_000",
    "\u0661\u0662",
    "NaN",
    "Infinity",
    "",
    "abc",
]


class TestFieldsTakeWhatTheirSchemaSays:
    """Fuzzing found values the schema allowed and the parser refused (jp, pns_min_jp,
    realisasi_idr): the schema and the parser now agree on every probe."""

    @pytest.mark.parametrize(
        ("model", "field"),
        [
            (RecordCreate, "jp"),
            (RuleSetBody, "pns_min_jp"),
            (RuleSetBody, "pppk_max_jp"),
            (FormRule, "jp_factor"),
            (JpmBand, "min"),
            (CourseCreate, "jp"),
            (UnitBudgetBody, "realisasi_idr"),
            (UnitBudgetBody, "pagu_idr"),
        ],
    )
    async def test_schema_and_parser_agree(
        self, client: httpx.AsyncClient, model: type[BaseModel], field: str
    ) -> None:
        schema = field_schema(await spec(client), model.__name__, field)
        validator = jsonschema_rs.validator_for(schema)
        adapter = parser(model, field)
        for value in PROBES:
            try:
                adapter.validate_json(json.dumps(value))
                parsed = True
            except ValidationError:
                parsed = False
            assert validator.is_valid(value) == parsed, (field, value, schema)

    async def test_decimal_inputs_state_places_and_plain_digits(self, client: httpx.AsyncClient) -> None:
        """Every request field taking a number or a string (a Decimal) says how many places, and
        which strings."""
        document = await spec(client)
        found = 0

        def walk(node: Any) -> None:
            nonlocal found
            if isinstance(node, list):
                for item in node:
                    walk(item)
                return
            if not isinstance(node, dict):
                return
            branches = {b.get("type"): b for b in node.get("anyOf", []) if isinstance(b, dict)}
            if {"number", "string"} <= branches.keys():
                found += 1
                assert "multipleOf" in branches["number"], node
                assert "pattern" in branches["string"], node
            for value in node.values():
                walk(value)

        schemas = document["components"]["schemas"]
        walk([schema for name, schema in schemas.items() if not name.endswith("-Output")])
        assert found >= 6

    async def test_integer_bounds_are_integers(self, client: httpx.AsyncClient) -> None:
        # A generator sending the bound `1e+16` as it is sends a float, which rupiah never are.
        schema = field_schema(await spec(client), "UnitBudgetBody", "realisasi_idr")
        assert schema["maximum"] == 10**16 and isinstance(schema["maximum"], int)
        assert isinstance(schema["minimum"], int)

    async def test_a_jp_the_schema_refuses_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        url = f"/api/v1/asn/{world.asn_a.nip}/learning-records"
        for jp in (" 5", "+5", "1_0"):
            r = await client.post(url, json=record_body(jp=jp), headers=h)
            assert problem(r, 422, "validation_error")["errors"][0]["loc"][-1] == "jp", jp
        r = await client.post(url, json=record_body(jp="12.5"), headers=h)
        assert r.status_code == 201, r.text
        assert Decimal(str(r.json()["jp"])) == Decimal("12.5")


class TestSyncItems:
    async def test_items_are_declared_as_any_value(self, client: httpx.AsyncClient) -> None:
        document = await spec(client)
        items = document["components"]["schemas"]["SyncAsnBody"]["properties"]["items"]
        assert items["type"] == "array" and items["maxItems"] == 5000
        # No type, no $ref: every item the server reports on its own row is valid to the schema.
        assert set(items["items"]) == {"description"}
        description = operations(document)["sync_asn"][2]["description"]
        assert "validated on its own" in description and "200" in description
