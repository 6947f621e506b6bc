"""The change feed's write side: one row per changed ASN profile, learning record, assessment or
SKP result (performance).

Writers only note what they changed (`note`, `note_many`; `audit.record` notes the feed's entities
itself). The rows are written by a `before_commit` hook, numbered `max(seq) + 1, …` while the
transaction holds one global advisory lock (PostgreSQL) or the database's single write lock
(SQLite). The lock is released only after the commit is visible, so numbers are handed out in commit
order: a reader that has seen `seq = n` has already seen every row below n, and a consumer that
stores its position misses nothing and sees nothing twice. The audit chain (`app.core.audit`) is
numbered under the same lock, taken once per transaction (`in_commit_order`). The lock is held for
these INSERTs, the session's last flush and the COMMIT, so writers queue on it only for that moment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Connection, String, bindparam, event, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.db import Base, is_postgres
from app.core.i18n import msg
from app.core.locks import lock_statement
from app.core.types import UTCDateTime, utcnow

# Entities the feed carries, as audit rows name them.
FEED_ENTITIES = frozenset({"asn", "learning_record", "assessment", "performance"})
OPS = ("upsert", "void")
_PENDING = "bangkom_changes"
# One advisory lock for every writer of the feed.
LOCK_KEY = "change_log"


class Change(Base):
    __tablename__ = "change_log"
    # Assigned at commit (see the module docstring), never by a sequence: no gaps, commit order.
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    entity: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(80))
    op: Mapped[str] = mapped_column(String(10))


def _pending(session: AsyncSession | Session) -> dict[tuple[str, str], str]:
    info = session.info
    pending = info.get(_PENDING)
    if pending is None:
        pending = info[_PENDING] = {}
    return pending


def note(session: AsyncSession | Session, entity: str, key: str | int, op: str = "upsert") -> None:
    """Queue one change for this transaction; several of one row collapse to the last op."""
    if entity not in FEED_ENTITIES:
        raise ValueError(msg("the change feed does not carry {entity!r}", entity=entity))
    pending = _pending(session)
    pending.pop((entity, str(key)), None)  # re-inserted at the end: the feed keeps the order of the last op
    pending[(entity, str(key))] = op


def note_many(
    session: AsyncSession | Session, entity: str, keys: Iterable[str | int], op: str = "upsert"
) -> None:
    for key in keys:
        note(session, entity, key, op)


def _table() -> Any:
    return Change.__table__


# Writers whose rows are numbered in commit order: the feed's and the audit chain's. Each gives
# `take(session)`, its queued rows or None, and `write(connection, rows)`, run under the lock.
_Take = Callable[[Session], Any]
_Write = Callable[[Connection, Any], None]
_IN_COMMIT_ORDER: list[tuple[_Take, _Write]] = []


def in_commit_order(take: _Take, write: _Write) -> None:
    """Registers a writer with the commit hook, so one lock per transaction covers every such writer."""
    _IN_COMMIT_ORDER.append((take, write))


@event.listens_for(Session, "before_commit")
def _publish(session: Session) -> None:
    work = [(write, rows) for take, write in _IN_COMMIT_ORDER if (rows := take(session)) is not None]
    if not work:
        return
    connection = session.connection()
    if is_postgres(connection):
        # SQLite: the transaction already holds the database's only write lock.
        connection.execute(lock_statement(LOCK_KEY))
    for write, rows in work:
        write(connection, rows)


def _take(session: Session) -> dict[tuple[str, str], str] | None:
    pending: dict[tuple[str, str], str] | None = session.info.pop(_PENDING, None)
    return pending or None


def _write(connection: Connection, pending: dict[tuple[str, str], str]) -> None:
    now = utcnow()
    entities = [e for e, _ in pending]
    keys = [k for _, k in pending]
    ops = list(pending.values())
    if is_postgres(connection):
        # One statement whatever the batch: max(seq) is read after the lock, so it is the last committed.
        connection.execute(
            text(
                "INSERT INTO change_log (seq, at, entity, key, op) "
                "SELECT last.seq + t.n, :at, t.entity, t.key, t.op "
                "FROM unnest(CAST(:entities AS text[]), CAST(:keys AS text[]), CAST(:ops AS text[])) "
                "WITH ORDINALITY AS t(entity, key, op, n), "
                "(SELECT coalesce(max(seq), 0) AS seq FROM change_log) AS last"
            ).bindparams(bindparam("at", type_=UTCDateTime())),
            {"at": now, "entities": entities, "keys": keys, "ops": ops},
        )
        return
    table = _table()
    last = connection.execute(select(func.coalesce(func.max(table.c.seq), 0))).scalar_one()
    connection.execute(
        insert(table),
        [
            {"seq": last + n, "at": now, "entity": e, "key": k, "op": o}
            for n, (e, k, o) in enumerate(zip(entities, keys, ops, strict=True), start=1)
        ],
    )


in_commit_order(_take, _write)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
