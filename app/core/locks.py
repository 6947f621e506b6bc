"""Transaction-level advisory locks: PostgreSQL's `pg_advisory_xact_lock`, held to commit or rollback.

Writers that read before they write (a duplicate check, totals adjusted by what was there) take one
named for what they touch, e.g. `learning:<nip>`. SQLite needs none: a writing transaction starts
with BEGIN IMMEDIATE, so it already holds the database's single write lock.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import TextClause, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import is_postgres

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: lock_timeout expired

_ONE = {
    32: text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
    64: text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
}
_MANY = text("SELECT count(pg_advisory_xact_lock(hashtext(k))) FROM unnest(CAST(:keys AS text[])) AS k")


class LockTimeout(Exception):
    """The lock was still held by another transaction when `lock_timeout` ran out."""


def lock_statement(key: str) -> TextClause:
    """The statement that takes `key`'s lock, for a synchronous connection (a commit hook)."""
    return _ONE[32].bindparams(k=key)


async def advisory_xact_lock(
    session: AsyncSession, *keys: str, bits: Literal[32, 64] = 32, lock_timeout: str | None = None
) -> None:
    """Wait for the locks named `keys` (none on SQLite), taken in sorted order so batches cannot deadlock.

    `bits=64` hashes with `hashtextextended`, for key spaces as large as clients' Idempotency-Keys,
    where 32-bit hashes would make unrelated requests wait on each other. With `lock_timeout`
    (PostgreSQL's setting, "5s") only one key is allowed and `LockTimeout` is raised when it runs
    out; the transaction stays usable.
    """
    if not keys or not is_postgres(session):
        return
    if len(keys) > 1:
        if bits != 32 or lock_timeout is not None:
            raise ValueError("several keys are locked with 32-bit hashes and no lock_timeout")
        await session.execute(_MANY, {"keys": sorted(set(keys))})
        return
    if lock_timeout is None:
        await session.execute(_ONE[bits], {"k": keys[0]})
        return
    previous = (
        await session.execute(
            text("SELECT current_setting('lock_timeout'), set_config('lock_timeout', :wait, true)"),
            {"wait": lock_timeout},
        )
    ).scalar_one()
    try:
        # A savepoint keeps the transaction usable when the wait times out.
        async with session.begin_nested():
            await session.execute(_ONE[bits], {"k": keys[0]})
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise LockTimeout(keys[0]) from exc
        raise
    finally:
        await session.execute(
            text("SELECT set_config('lock_timeout', :previous, true)"), {"previous": previous}
        )
