"""What the OpenAPI document states beyond FastAPI's rendering: how to authenticate (both OAuth2
flows, HTTP Basic where LRS clients use it, `security: []` where no login is needed), where the
paths resolve (`servers`), which answers carry an `ETag`, and which writes cannot go without
`If-Match`; and the names and errors FastAPI takes from the routes: each operationId is its
function's name, and each error a route's dependencies answer is documented on the route.
Generated clients and contract testers read these; app/main.py applies them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

OAUTH2 = "OAuth2"
# FastAPI names the scheme after the dependency class (app/auth/dependencies.py).
_FASTAPI_OAUTH2 = "OAuth2PasswordBearer"

# Relative to the document's own URL, so the paths (which begin with /api/v1) resolve on whichever
# host serves it.
SERVERS = [{"url": "/", "description": "This server"}]

# Operations that answer with the resource's current version in an `ETag` header, on every 2xx.
# tests/core/test_openapi_conformance.py checks this list against the routes that set the header.
ETAG_OPERATIONS = frozenset(
    {
        "asn_create",
        "asn_get",
        "asn_update",
        "budgets_get",
        "budgets_put",
        "clients_create",
        "clients_update",
        "competencies_create",
        "competencies_get",
        "competencies_update",
        "courses_create",
        "courses_get",
        "courses_update",
        "course_sessions_create",
        "course_sessions_get",
        "course_sessions_update",
        "development_plans_create",
        "development_plans_decide",
        "development_plans_get",
        "development_plans_items_put",
        "development_plans_submit",
        "development_programs_get",
        "development_programs_put",
        "learning_records_create",
        "learning_records_create_with_evidence",
        "learning_records_evidence_upload",
        "learning_records_get",
        "me_notification_preferences_get",
        "me_notification_preferences_put",
        "performance_get",
        "performance_put",
        "position_standards_get",
        "position_standards_put",
        "positions_create",
        "positions_get",
        "positions_update",
        "reminder_rules_get",
        "reminder_rules_put",
        "rules_copy",
        "rules_get",
        "rules_put",
        "standard_defaults_get",
        "standard_defaults_put",
        "unit_budgets_get",
        "unit_budgets_put",
        "units_create",
        "units_get",
        "units_update",
        "users_create",
        "users_get",
        "users_update",
        "year_closing_get",
        "year_closing_put",
    }
)

ETAG_HEADER: dict[str, Any] = {
    "description": "The resource's current version; send it back in If-Match to change the resource",
    "schema": {"type": "string", "examples": ['"3"']},
}


def operation_id(route: APIRoute) -> str:
    """A route's operationId is its function's name (`units_get`), and generated clients name their
    methods after it: renaming a route function renames a client method."""
    return route.name


_Call = TypeVar("_Call", bound=Callable[..., Any])
_PROBLEMS = "openapi_problems"


def answers(*statuses: int) -> Callable[[_Call], _Call]:
    """Marks a dependency with the error statuses it answers; every route that depends on it
    documents them (`dependency_problems`), so no route spells them out again."""

    def mark(call: _Call) -> _Call:
        setattr(call, _PROBLEMS, statuses)
        return call

    return mark


def dependency_problems(dependant: Dependant) -> set[int]:
    """The error statuses a route's dependencies answer: those each marked dependency declares, and
    412 and 428 where the route reads If-Match (app/core/concurrency.py)."""
    found: set[int] = set()
    if any(param.alias == "If-Match" for param in dependant.header_params):
        found |= {412, 428}
    for dependency in dependant.dependencies:
        found.update(getattr(dependency.call, _PROBLEMS, ()))
        found |= dependency_problems(dependency)
    return found


def conform(schema: dict[str, Any]) -> None:
    """Applies the declarations above to a document FastAPI rendered (in place)."""
    schema["servers"] = SERVERS
    _security_schemes(schema["components"].setdefault("securitySchemes", {}))
    for item in schema["paths"].values():
        for operation in item.values():
            _security(operation)
            if operation["operationId"] in ETAG_OPERATIONS:
                for status, response in operation["responses"].items():
                    if status.startswith("2"):
                        response.setdefault("headers", {})["ETag"] = dict(ETAG_HEADER)
            _if_match(operation)
            _file_parts(operation, schema["components"]["schemas"])
    _integer_bounds(schema)


def _security_schemes(schemes: dict[str, Any]) -> None:
    """One OAuth2 scheme with both flows the token endpoint serves: people log in with a password,
    integration systems (SIMPEG, LMSs) with their client credentials; both get the same scopes."""
    password = schemes.pop(_FASTAPI_OAUTH2)["flows"]["password"]
    token_url, scopes = password["tokenUrl"], password["scopes"]
    schemes[OAUTH2] = {
        "type": "oauth2",
        "description": "Bearer access tokens from POST /api/v1/auth/token (form-encoded, RFC 6749). "
        "Users hold a role and no scopes; integration clients hold only the scopes they were given.",
        "flows": {
            "password": {"tokenUrl": token_url, "refreshUrl": token_url, "scopes": scopes},
            "clientCredentials": {"tokenUrl": token_url, "scopes": scopes},
        },
    }


def _security(operation: dict[str, Any]) -> None:
    requirements = operation.get("security")
    if not requirements:
        # Without it a client generator or a tester assumes a login (or the document's default).
        operation["security"] = []
        return
    operation["security"] = [
        {(OAUTH2 if name == _FASTAPI_OAUTH2 else name): scopes for name, scopes in requirement.items()}
        for requirement in requirements
    ]


def _if_match(operation: dict[str, Any]) -> None:
    """If-Match is required where the server answers 428 without it: every conditional write
    except a PUT that may create (it documents a 201), which needs no If-Match to create."""
    header = next(
        (p for p in operation.get("parameters", []) if p["in"] == "header" and p["name"] == "If-Match"),
        None,
    )
    if header is None or "428" not in operation["responses"]:
        return
    responses = operation["responses"]
    if "201" in responses:
        header["description"] = (
            "The ETag from your last read. Required to replace an existing resource (428 "
            "`precondition_required` without it); leave it out to create one"
        )
        header["schema"] = {**header["schema"], "description": header["description"]}
        responses["428"] = {
            **responses["428"],
            "description": "Replacing an existing resource needs If-Match",
        }
        return
    header["required"] = True
    header["description"] = (
        "The ETag from your last read (GET, or the previous write's ETag); a stale one → 412. "
        "Sending none → 428 `precondition_required`"
    )
    # A string, and not a blank one: the server counts a blank If-Match as none.
    header["schema"] = _without_null(header["schema"]) | {"pattern": r"\S"}
    header["schema"]["description"] = header["description"]
    responses["428"] = {**responses["428"], "description": "If-Match is missing"}


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`str | None` renders as anyOf string/null; a required header is a string."""
    variants = [v for v in schema.get("anyOf", []) if v.get("type") != "null"]
    if len(variants) != 1:
        return schema
    rest = {k: v for k, v in schema.items() if k != "anyOf"}
    return {**variants[0], **rest}


def _file_parts(operation: dict[str, Any], components: dict[str, Any]) -> None:
    """FastAPI marks an uploaded file only with `contentMediaType`; client generators (openapi-python-
    client) know a file part by `format: binary` and would otherwise send the file as a text field."""
    body = (
        operation.get("requestBody", {}).get("content", {}).get("multipart/form-data", {}).get("schema", {})
    )
    ref = body.get("$ref", "")
    target = components.get(ref.rsplit("/", 1)[-1], {}) if ref else body
    for part in target.get("properties", {}).values():
        if part.get("type") == "string" and "contentMediaType" in part and "contentEncoding" not in part:
            part["format"] = "binary"


def _integer_bounds(node: Any) -> None:
    """Pydantic writes an integer's bounds as floats (`maximum: 1e+16`); a generator that takes the
    bound as a value then sends `1e+16`, which JSON Schema calls an integer and the API does not
    (rupiah are JSON integers). The bounds are written as integers."""
    if isinstance(node, list):
        for item in node:
            _integer_bounds(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "integer":
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            value = node.get(key)
            if isinstance(value, float) and value.is_integer():
                node[key] = int(value)
    for value in node.values():
        _integer_bounds(value)
