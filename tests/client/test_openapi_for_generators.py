"""What client generators need from the OpenAPI document (the full check: check_generated_client.py).

openapi-python-client names a class after a schema's `title`; two schemas of one title clash and
both are dropped from the client, and so is an operation whose body repeats a titled inline object.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx


async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    r = await client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    body: dict[str, Any] = r.json()
    return body


def titled_inline_objects(node: Any) -> list[str]:
    if isinstance(node, list):
        return [t for item in node for t in titled_inline_objects(item)]
    if not isinstance(node, dict):
        return []
    found = [node["title"]] if node.get("type") == "object" and "title" in node else []
    return found + [t for value in node.values() for t in titled_inline_objects(value)]


async def test_schema_titles_are_unique(client: httpx.AsyncClient) -> None:
    schemas = (await document(client))["components"]["schemas"]
    titles = Counter(schema.get("title", name) for name, schema in schemas.items())
    assert [t for t, n in titles.items() if n > 1] == []
    # A model FastAPI documents once per direction has a title per direction (app/core/decimals.py).
    assert schemas["BudgetMinPct-Input"]["title"] == "BudgetMinPctInput"
    assert schemas["BudgetMinPct-Output"]["title"] == "BudgetMinPctOutput"
    # Models are named apart, so no component name is module-qualified.
    assert not [name for name in schemas if "__" in name]
    # A schema whose title was already unique keeps it.
    assert schemas["Problem"]["title"] == "Problem"


async def test_request_bodies_reference_shared_schemas(client: httpx.AsyncClient) -> None:
    spec = await document(client)
    bodies = [
        media["schema"]
        for item in spec["paths"].values()
        for op in item.values()
        for media in op.get("requestBody", {}).get("content", {}).values()
        if "schema" in media
    ]
    assert [t for body in bodies for t in titled_inline_objects(body)] == []
    statements = spec["paths"]["/api/v1/xapi/statements"]
    ref = {"$ref": "#/components/schemas/XapiStatement"}
    post = statements["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert post["oneOf"][0] == ref
    assert post["oneOf"][1]["items"] == ref
    assert statements["put"]["requestBody"]["content"]["application/json"]["schema"] == ref
    statement = spec["components"]["schemas"]["XapiStatement"]
    assert statement["type"] == "object"
    assert statement["required"] == ["actor", "verb", "object"]
