"""Reading the chain's head and, for tamper tests and clean-ups, lifting the append-only triggers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.core.audit import AuditEntry


async def head(session: AsyncSession | AsyncConnection) -> int:
    """The last seq of the chain (0 when empty)."""
    return int((await session.execute(select(func.coalesce(func.max(AuditEntry.seq), 0)))).scalar_one())


@asynccontextmanager
async def append_only_lifted(session: AsyncSession | AsyncConnection) -> AsyncIterator[None]:
    """Lets this transaction UPDATE and DELETE audit rows, as someone bypassing the app would.

    For tests that tamper on purpose and for clean-ups of tests that commit for real. PostgreSQL:
    the owner disables the table's triggers (locking the table until the transaction ends); SQLite:
    the triggers are dropped and recreated from their stored SQL (DDL is transactional there too).
    """
    bind = session.bind if isinstance(session, AsyncSession) else session
    assert bind is not None
    if bind.dialect.name == "postgresql":
        await session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        yield
        await session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))
        return
    triggers = (
        await session.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
        )
    ).all()
    assert triggers, "audit_log has no append-only triggers"
    for name, _ in triggers:
        await session.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _, sql in triggers:
        await session.execute(text(sql))
