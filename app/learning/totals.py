"""Keeping jp_totals in step with the ledger, atomically under concurrent writers."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.learning.models import JpTotal


async def add(
    session: AsyncSession, *, nip: str, year: int, form_code: str, jp: Decimal, records: int
) -> None:
    """Add `jp` (negative to remove) and `records` to the ASN's verified total for the year and form.

    One INSERT … ON CONFLICT DO UPDATE with an increment: concurrent transactions never overwrite
    each other's additions (PostgreSQL row lock; SQLite's single writer).
    """
    dialect = session.bind.dialect.name if session.bind is not None else "postgresql"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(JpTotal).values(nip=nip, year=year, form_code=form_code, jp=jp, records=records)
    stmt = stmt.on_conflict_do_update(
        index_elements=[JpTotal.nip, JpTotal.year, JpTotal.form_code],
        set_={"jp": JpTotal.jp + stmt.excluded.jp, "records": JpTotal.records + stmt.excluded.records},
    )
    await session.execute(stmt)
