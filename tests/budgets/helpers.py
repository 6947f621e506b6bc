"""Shared pieces of the budget tests: writes and look-ups."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.learning.models import JpYearTotal

YEAR = 2026
PROVINCE_TOTAL = 21_690_000_000_000  # Kaltim's revised 2025 APBD (docs/domain.md)


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


async def give_jp(session: AsyncSession, asn: Asn, jp: str, year: int = YEAR) -> None:
    """Verified JP of the year for one ASN, as the ledger keeps it (forms' yearly caps applied)."""
    session.add(JpYearTotal(nip=asn.nip, year=year, jp=Decimal(jp)))
    await session.flush()
