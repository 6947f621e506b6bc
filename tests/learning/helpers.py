"""Shared pieces of the learning-ledger tests: request bodies, rule sets and ledger look-ups."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.learning.models import JpTotal, LearningEvent, LearningRecord
from tests import factories
from tests.factories import World
from tests.http import as_

BASE_RULES = factories.RULES_BODY

_titles = itertools.count(1)


def body(**overrides: Any) -> dict[str, Any]:
    """A valid record body with a title no other record of the test has (so no duplicate)."""
    return {
        "title": f"Bimbingan Teknis Penyusunan Anggaran {next(_titles)}",
        "form_code": "8",
        "organizer": "BPSDM Provinsi Kalimantan Timur",
        "start_date": "2026-03-02",
        "end_date": "2026-03-04",
        "jp": 10,
    } | overrides


async def create(
    client: httpx.AsyncClient, nip: str, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    """POST a record that must be created (201), returning its JSON."""
    r = await client.post(f"/api/v1/asn/{nip}/learning-records", json=body(**overrides), headers=headers)
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


async def put_rules(
    client: httpx.AsyncClient, settings: Settings, world: World, year: int, **changes: Any
) -> None:
    r = await client.put(
        f"/api/v1/rules/{year}", json=BASE_RULES | changes, headers=as_(settings, world, "bpsdm")
    )
    assert r.status_code == 201, r.text


async def events(session: AsyncSession, record_id: int) -> list[LearningEvent]:
    rows = await session.execute(
        select(LearningEvent)
        .where(LearningEvent.record_id == record_id)
        .order_by(LearningEvent.id)
        .execution_options(populate_existing=True)
    )
    return list(rows.scalars())


async def record_count(session: AsyncSession, nip: str) -> int:
    rows = await session.execute(select(LearningRecord.id).where(LearningRecord.nip == nip))
    return len(rows.all())


async def totals(session: AsyncSession, nip: str) -> dict[tuple[int, str], tuple[Decimal, int]]:
    """(year, form_code) → (jp, records) of the ASN's verified totals."""
    rows = await session.execute(
        select(JpTotal.year, JpTotal.form_code, JpTotal.jp, JpTotal.records).where(JpTotal.nip == nip)
    )
    return {(year, form): (Decimal(jp), records) for year, form, jp, records in rows}
