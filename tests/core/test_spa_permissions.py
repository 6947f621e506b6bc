"""The SPA's table of who may call what (frontend/src/auth/can.ts) agrees with the API's.

The SPA hides a control from a role the API would refuse (an auditor sees no "Tambah pengguna"); it
decides from OPERATION_ROLES, which must say what POLICY in test_role_matrix says, and POLICY is
checked against the running API there.
"""

from __future__ import annotations

import re
from pathlib import Path

from app.core.security import Role
from tests.core.test_role_matrix import POLICY, ROLE_CALLER

CAN_TS = Path(__file__).resolve().parents[2] / "frontend" / "src" / "auth" / "can.ts"
ENTRY = re.compile(r"^\s*(\w+): \[([^\]]*)\],$", re.MULTILINE)


def spa_table() -> dict[str, frozenset[str]]:
    text = CAN_TS.read_text(encoding="utf-8")
    body = text[text.index("OPERATION_ROLES = {") : text.index("} as const")]
    return {
        operation: frozenset(
            ROLE_CALLER[Role(name.strip().strip('"'))] for name in roles.split(",") if name.strip()
        )
        for operation, roles in ENTRY.findall(body)
    }


def test_every_operation_the_spa_gates_has_the_api_audience() -> None:
    table = spa_table()
    assert len(table) > 20, "OPERATION_ROLES was not found in can.ts"
    users = frozenset(ROLE_CALLER.values())
    for operation, callers in table.items():
        assert operation in POLICY, f"{operation} is not an API operation in POLICY"
        assert callers == POLICY[operation] & users, operation
