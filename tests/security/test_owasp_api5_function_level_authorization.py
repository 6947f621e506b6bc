"""OWASP API5:2023 Broken Function Level Authorization: admin-only operations refuse ASN and OPD tokens.

The audience of each operation is tests/core/test_role_matrix.py's POLICY (API.md's role table);
here both ASN and both OPD admins of the two-OPD world are sent to every operation they are not in.
"""

from __future__ import annotations

import httpx
import pytest

from app.core.config import Settings
from tests.core.test_role_matrix import POLICY, PROTECTED, Operation, call, url
from tests.factories import World
from tests.http import as_, problem

# POLICY names one caller per role; the same rule holds for the second ASN and OPD admin.
ROLE_OF = {"asn_a": "asn_a", "asn_b": "asn_a", "opd_a": "opd_a", "opd_b": "opd_a"}
DENIED = [
    (op, caller)
    for op in PROTECTED
    if op.operation_id in POLICY
    for caller in ROLE_OF
    if ROLE_OF[caller] not in POLICY[op.operation_id]
]


def test_the_policy_covers_every_protected_operation() -> None:
    assert not [op for op in PROTECTED if op.operation_id not in POLICY]
    admin_only = {op.operation_id for op, _ in DENIED}
    assert {"users_create", "rules_put", "sync_asn", "audit_list", "learning_records_verify"} <= admin_only


@pytest.mark.parametrize("op, caller", DENIED, ids=[f"{op} as {caller}" for op, caller in DENIED])
async def test_admin_only_operation_refuses(
    client: httpx.AsyncClient, settings: Settings, world: World, op: Operation, caller: str
) -> None:
    r = await call(client, op, url(op, world), as_(settings, world, caller))
    problem(r, 403, "forbidden")


@pytest.mark.parametrize("caller", ["asn_a", "opd_b"])
async def test_a_role_claim_cannot_be_raised_by_asking(
    client: httpx.AsyncClient, settings: Settings, world: World, caller: str
) -> None:
    # Headers or query parameters naming a role change nothing: the role comes from the signed token.
    r = await client.get(
        "/api/v1/audit?role=bpsdm_admin",
        headers=as_(settings, world, caller) | {"X-Role": "bpsdm_admin", "X-Forwarded-User": "bpsdm"},
    )
    problem(r, 403, "forbidden")
