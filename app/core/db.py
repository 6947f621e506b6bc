"""Engine, sessions and the one-commit-per-request session dependency."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import MetaData, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.util import await_only

from app.core.config import Settings
from app.core.fastread import FastReader

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Pause before the n-th new attempt at SQLite's write lock: n × this, in seconds.
BUSY_BACKOFF_SECONDS = 0.05
# Values per IN list or batch: SQLite's variable limit, PostgreSQL's planning time.
CHUNK_SIZE = 5000

_T = TypeVar("_T")

log = logging.getLogger("bangkom.db")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def is_postgres(bind: AsyncSession | Session | AsyncConnection | Connection) -> bool:
    """PostgreSQL, or else SQLite: the two databases Bangkom runs on."""
    if isinstance(bind, AsyncSession | Session):
        return bind.get_bind().dialect.name == "postgresql"
    return bind.dialect.name == "postgresql"


def upsert_insert(session: AsyncSession) -> Any:
    """The dialect's `insert`, which has `on_conflict_do_update` / `on_conflict_do_nothing`."""
    return pg_insert if is_postgres(session) else sqlite_insert


def chunked(values: Sequence[_T], size: int = CHUNK_SIZE) -> list[list[_T]]:
    """`values` in consecutive lists of at most `size`, to keep IN lists and batches bounded."""
    return [list(values[i : i + size]) for i in range(0, len(values), size)]


def _sqlite_connect(busy_timeout_ms: int) -> Callable[[Any, Any], None]:
    def connect(dbapi_conn: Any, _record: Any) -> None:
        # WAL lets readers work while one writer commits; busy_timeout waits instead of failing at once.
        cur = dbapi_conn.cursor()
        # First, so that switching a fresh file to WAL waits for a writer too.
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _sqlite_begin).
        dbapi_conn.isolation_level = None

    return connect


def is_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked" / "database is busy": another writer held the lock too long."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text


def _sqlite_begin(retries: int) -> Callable[[Connection], None]:
    def begin(conn: Connection) -> None:
        # A writing request takes the write lock up front (BEGIN IMMEDIATE), so concurrent writers
        # queue on busy_timeout instead of failing with "database is locked" when a read lock is
        # upgraded. Nothing has run in the transaction when BEGIN fails, so trying again is safe; a
        # writer that still finds the lock taken after the retries gets a 503 (app/core/errors.py).
        if not conn.get_execution_options().get("sqlite_immediate", False):
            conn.exec_driver_sql("BEGIN")
            return
        for attempt in range(1, retries + 2):
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                if attempt > retries or not is_busy(exc):
                    raise
                log.warning("database is locked; write lock attempt %d of %d", attempt + 1, retries + 1)
                # The begin hook runs inside SQLAlchemy's greenlet: wait without blocking the event loop.
                await_only(asyncio.sleep(BUSY_BACKOFF_SECONDS * attempt))

    return begin


def _drop_closed_connection(_dbapi_conn: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
    # asyncpg notices a server that went away (restart, failover) on its idle sockets; handing such a
    # connection out would cost the next request a 503. DisconnectionError makes the pool open a new
    # one instead. No round trip, unlike pool_pre_ping.
    is_closed = getattr(record.driver_connection, "is_closed", None)
    if callable(is_closed) and is_closed():
        raise DisconnectionError("connection closed by the server")


def create_engine(settings: Settings) -> AsyncEngine:
    # No pool pre-ping: it costs a round trip per request. A connection the server closed is
    # replaced at checkout (_drop_closed_connection); one that dies during a request fails that
    # request with a 503 and invalidates the pool (SQLAlchemy's disconnect handling).
    kwargs: dict[str, Any] = {"echo": settings.db_echo}
    if settings.is_sqlite:
        kwargs["connect_args"] = {"timeout": settings.sqlite_busy_timeout_ms / 1000}
    else:
        kwargs["pool_size"] = settings.db_pool_size
        kwargs["max_overflow"] = settings.db_max_overflow
    engine = create_async_engine(settings.database_url, **kwargs)
    if settings.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_connect(settings.sqlite_busy_timeout_ms))
        event.listen(engine.sync_engine, "begin", _sqlite_begin(settings.db_busy_retries))
    else:
        event.listen(engine.sync_engine.pool, "checkout", _drop_closed_connection)
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: responses are serialised after the commit, from loaded values.
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@dataclass
class Database:
    engine: AsyncEngine
    read_sessions: async_sessionmaker[AsyncSession]
    write_sessions: async_sessionmaker[AsyncSession]
    fast: FastReader


def create_database(settings: Settings) -> Database:
    engine = create_engine(settings)
    if settings.is_sqlite:
        reads = engine
        writes = engine.execution_options(sqlite_immediate=True)
    else:
        # Reads run without BEGIN/COMMIT round trips; writes get a real transaction.
        reads = engine.execution_options(isolation_level="AUTOCOMMIT")
        writes = engine
    return Database(
        engine, create_sessionmaker(reads), create_sessionmaker(writes), FastReader(settings, engine)
    )


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; commits once when the route succeeds, rolls back otherwise."""
    db: Database = request.app.state.db
    maker = db.read_sessions if request.method in READ_METHODS else db.write_sessions
    async with maker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        if session.in_transaction():
            await session.commit()


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_fast_reader(request: Request) -> FastReader:
    db: Database = request.app.state.db
    return db.fast


FastReaderDep = Annotated[FastReader, Depends(get_fast_reader)]
