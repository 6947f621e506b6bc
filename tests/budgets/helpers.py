"""Shared pieces of the budget tests: callers, writes and look-ups."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.audit import AuditEntry
from app.core.config import Settings
from app.learning.models import JpYearTotal
from tests.factories import World, bearer, client_principal

PROBLEM = "application/problem+json"
YEAR = 2026
PROVINCE_TOTAL = 21_690_000_000_000  # Kaltim's revised 2025 APBD (DOMAIN.md)


def as_(settings: Settings, world: World, who: str) -> dict[str, str]:
    if who.startswith("client:"):
        return bearer(settings, client_principal(*who.removeprefix("client:").split()))
    return bearer(settings, world.principal(who))


async def put_budget(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    year: int = YEAR,
    total: int = PROVINCE_TOTAL,
    jurisdiction: str = "provinsi",
    *,
    status: int = 201,
) -> httpx.Response:
    r = await client.put(
        f"/api/v1/budgets/{year}",
        json={"jurisdiction": jurisdiction, "total_belanja_daerah_idr": total},
        headers=headers,
    )
    assert r.status_code == status, r.text
    return r


async def put_unit(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    unit_id: int,
    pagu: int,
    realisasi: int,
    year: int = YEAR,
    *,
    status: int = 201,
) -> httpx.Response:
    r = await client.put(
        f"/api/v1/budgets/{year}/units/{unit_id}",
        json={"pagu_idr": pagu, "realisasi_idr": realisasi},
        headers=headers,
    )
    assert r.status_code == status, r.text
    return r


def problem(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    data: dict[str, Any] = r.json()
    assert data["code"] == code, data
    return data


async def give_jp(session: AsyncSession, asn: Asn, jp: str, year: int = YEAR) -> None:
    """Verified JP of the year for one ASN, as the ledger keeps it (forms' yearly caps applied)."""
    session.add(JpYearTotal(nip=asn.nip, year=year, jp=Decimal(jp)))
    await session.flush()


async def audit_rows(session: AsyncSession, entity: str, key: str) -> list[AuditEntry]:
    rows = await session.execute(
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.key == key)
        .order_by(AuditEntry.id)
        .execution_options(populate_existing=True)
    )
    return list(rows.scalars())
