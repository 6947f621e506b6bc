"""Engine, sessions and the one-commit-per-request session dependency."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

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


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers work while one writer commits; busy_timeout waits instead of failing at once.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _sqlite_begin).
    dbapi_conn.isolation_level = None


def _sqlite_begin(conn: Connection) -> None:
    # A writing request takes the write lock up front (BEGIN IMMEDIATE), so concurrent writers queue
    # on busy_timeout instead of failing with "database is locked" when a read lock is upgraded.
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_engine(settings: Settings) -> AsyncEngine:
    # No pool pre-ping: it costs a round trip per request. After a database restart the first failing
    # request invalidates the whole pool (SQLAlchemy's disconnect handling) and gets a 503.
    kwargs: dict[str, Any] = {"echo": settings.db_echo}
    if settings.is_sqlite:
        kwargs["connect_args"] = {"timeout": 15}
    else:
        kwargs["pool_size"] = settings.db_pool_size
        kwargs["max_overflow"] = settings.db_max_overflow
    engine = create_async_engine(settings.database_url, **kwargs)
    if settings.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
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
