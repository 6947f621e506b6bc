"""Schemathesis hooks for the contract run (loaded through SCHEMATHESIS_HOOKS by run_contract.py).

Each one makes the tool call the API the way its documentation asks a client to, and no more.
"""

from __future__ import annotations

import uuid
from collections.abc import MutableMapping
from typing import Any

import schemathesis

# The evidence upload's file part declares these media types; their bytes go out as they are
# (the route sniffs the content and answers 415 for anything that is not really such a file).
schemathesis.serializer.alias(["application/pdf", "image/png", "image/jpeg"], "application/octet-stream")


@schemathesis.hook
def before_call(
    context: schemathesis.HookContext, case: schemathesis.Case[Any], kwargs: dict[str, Any]
) -> None:
    """An Idempotency-Key names one request: the API answers a key reused with another body with 422
    `idempotency_key_reused`, as documented. Schemathesis reuses the schema's example key for many
    different bodies, so a valid key becomes a fresh one; a malformed key (negative tests) is kept."""
    headers: MutableMapping[str, Any] = case.headers or {}
    for name, value in headers.items():
        if name.lower() == "idempotency-key" and isinstance(value, str) and 1 <= len(value) <= 200:
            headers[name] = str(uuid.uuid4())
