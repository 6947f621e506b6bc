"""The contract run's configuration keeps up with the API: every paged list is told that a
well-shaped cursor the server never issued is a 422 `invalid_cursor`, not a rejected valid request."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

CONFIG = Path(__file__).parents[1] / "contract" / "schemathesis.toml"


def test_every_paged_list_is_in_the_cursor_block(app: Any) -> None:
    blocks = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["operations"]
    lists = next(b for b in blocks if "asn_list" in b.get("include-operation-id", []))
    paged = {
        op["operationId"]
        for ops in app.openapi()["paths"].values()
        for op in ops.values()
        if any(p.get("name") == "cursor" and p.get("in") == "query" for p in op.get("parameters", []))
    }
    assert paged, "no paged list found: the test looks at the wrong place"
    missing = sorted(paged - set(lists["include-operation-id"]))
    assert not missing, f"add to the cursor block of tests/contract/schemathesis.toml: {missing}"
