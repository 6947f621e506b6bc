"""HTTP-side helpers shared by the API tests: auth headers, problem+json checks, audit rows."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.config import Settings
from tests.factories import World, bearer, client_principal

PROBLEM = "application/problem+json"


def as_(settings: Settings, world: World, who: str) -> dict[str, str]:
    """Bearer header for a World user, or for an integration client given as "client:<scope> <scope>..."."""
    if who.startswith("client:"):
        return bearer(settings, client_principal(*who.removeprefix("client:").split()))
    return bearer(settings, world.principal(who))


def problem(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Assert a problem+json response with this status and code; return its body."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    data: dict[str, Any] = r.json()
    assert data["code"] == code, data
    return data


async def audit_rows(session: AsyncSession, entity: str, key: str | int) -> list[AuditEntry]:
    """Audit rows of one entity/key in id order, re-read from the database."""
    rows = await session.execute(
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.key == str(key))
        .order_by(AuditEntry.id)
        .execution_options(populate_existing=True)
    )
    return list(rows.scalars())
