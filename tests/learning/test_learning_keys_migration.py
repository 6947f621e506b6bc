"""Revision 0008 gives records stored before it the keys the code now computes (and takes them back)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app.core.migrations import downgrade, upgrade
from app.core.types import JsonColumn, UTCDateTime
from app.learning.service import certificate_key, title_key
from tests import factories
from tests.core.test_migrations import scratch_url  # noqa: F401  (the fixture)

BEFORE = "0007_token_generation"
RECORDS = sa.table(
    "learning_records",
    *(sa.column(c) for c in ("nip", "title", "title_key", "form_code", "year", "jp", "certificate_number")),
    *(sa.column(c) for c in ("source", "status", "created_by", "version")),
    sa.column("start_date", sa.Date()),
    sa.column("end_date", sa.Date()),
    sa.column("competency_codes", JsonColumn),
    sa.column("created_at", UTCDateTime()),
)
# (title, the key stored before 0008, certificate number as stored before 0008)
ROWS = [
    ("日本語研修", "", None),
    ("中文培训", "", "ZH/2025/1"),
    ("Pelatihan Kepemimpinan Pengawas", "pelatihan kepemimpinan pengawas", "CERT/2025/001\u200b"),
]


def _row(nip: str, title: str, key: str, number: str | None) -> dict[str, Any]:
    return {
        "nip": nip,
        "title": title,
        "title_key": key,
        "form_code": "8",
        "start_date": date(2025, 2, 3),
        "end_date": date(2025, 2, 4),
        "year": 2025,
        "jp": 6,
        "competency_codes": [],
        "certificate_number": number,
        "source": "admin",
        "status": "verified",
        "created_by": "admin",
        "created_at": datetime(2025, 2, 5, tzinfo=UTC),
        "version": 1,
    }


async def _seed(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with AsyncSession(engine) as session, session.begin():
            unit = await factories.create_unit(session, "MIG")
            asn = await factories.create_asn(session, unit)
            rows = [_row(asn.nip, title, key, number) for title, key, number in ROWS]
            await session.execute(sa.insert(RECORDS), rows)
    finally:
        await engine.dispose()


async def _keys(url: str, *columns: str) -> list[tuple[Any, ...]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.text(f"SELECT {', '.join(columns)} FROM learning_records ORDER BY id")
            )
            return [tuple(r) for r in rows]
    finally:
        await engine.dispose()


class TestLearningKeys:
    def test_existing_rows_are_rekeyed_and_back(self, scratch_url: str) -> None:  # noqa: F811
        upgrade(scratch_url, BEFORE)
        asyncio.run(_seed(scratch_url))
        upgrade(scratch_url)
        assert asyncio.run(_keys(scratch_url, "title_key", "certificate_key")) == [
            (title_key(title), certificate_key(number)) for title, _, number in ROWS
        ]
        assert asyncio.run(_keys(scratch_url, "title_key"))[0] == ("日本語研修",)
        downgrade(scratch_url, BEFORE)
        assert asyncio.run(_keys(scratch_url, "title_key")) == [(key,) for _, key, _ in ROWS]
