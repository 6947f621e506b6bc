"""A lean path for the hottest reads: pre-compiled SELECTs run straight on the asyncpg driver.

The ORM session costs roughly ten times the database round trip for a one-row read (session and
pool bookkeeping, result processing, greenlet hops). Endpoints that SIMPEG and the SPA call
thousands of times a minute use this instead; their SQL is still built with SQLAlchemy Core (so
scope rules are written once) and compiled once per statement shape. On SQLite the same statements
run through a plain SQLAlchemy Core connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import Select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.core.config import Settings

StatementFactory = Callable[[], Select[Any]]


@dataclass(frozen=True, slots=True)
class _Compiled:
    stmt: Select[Any]
    sql: str
    order: tuple[str, ...]
    defaults: dict[str, Any]


async def _nothing_to_reset(_conn: asyncpg.Connection) -> None:
    """This pool only runs SELECTs and sets no session state, so the default RESET ALL round trip
    on every release would buy nothing."""


class FastReader:
    def __init__(self, settings: Settings, engine: AsyncEngine, bind: AsyncConnection | None = None) -> None:
        """`bind` pins every read to one connection (tests run inside one rolled-back transaction)."""
        self._engine = engine
        self._bind = bind
        self._use_driver = not settings.is_sqlite and bind is None
        self._dsn = (
            make_url(settings.database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        )
        self._pool_size = settings.fast_read_pool_size
        self._pool: asyncpg.Pool | None = None
        self._pool_lock = asyncio.Lock()
        self._compiled: dict[str, _Compiled] = {}

    def _statement(self, key: str, build: StatementFactory) -> _Compiled:
        found = self._compiled.get(key)
        if found is None:
            stmt = build()
            compiled = stmt.compile(dialect=self._engine.dialect)
            # compiled.params holds the literals SQLAlchemy turned into parameters (e.g. LIKE's '%').
            found = _Compiled(stmt, compiled.string, tuple(compiled.positiontup or ()), dict(compiled.params))
            self._compiled[key] = found
        return found

    async def _get_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._pool_lock:
                if self._pool is None:
                    # Created on first use so the app starts (and /readyz answers) while the database is down.
                    # No minimum size: a floor would be "restored" (with a logged traceback) on every
                    # release while the database is down.
                    self._pool = await asyncpg.create_pool(
                        self._dsn,
                        min_size=0,
                        max_size=self._pool_size,
                        statement_cache_size=256,
                        reset=_nothing_to_reset,
                    )
        return self._pool

    async def fetch_one(
        self, key: str, build: StatementFactory, params: Mapping[str, Any]
    ) -> Mapping[str, Any] | None:
        """The first row of the statement `key` (built once by `build`) with `params`, or None."""
        compiled = self._statement(key, build)
        if self._use_driver:
            values = compiled.defaults | dict(params)
            pool = await self._get_pool()
            async with pool.acquire() as conn:
                record = await conn.fetchrow(compiled.sql, *[values[name] for name in compiled.order])
            return dict(record.items()) if record is not None else None
        if self._bind is not None:
            row = (await self._bind.execute(compiled.stmt, dict(params))).first()
        else:
            async with self._engine.connect() as conn:
                row = (await conn.execute(compiled.stmt, dict(params))).first()
        return dict(row._mapping) if row is not None else None

    async def fetch_all(
        self, key: str, build: StatementFactory, params: Mapping[str, Any]
    ) -> list[Mapping[str, Any]]:
        """Every row of the statement `key` (built once by `build`) with `params`."""
        compiled = self._statement(key, build)
        if self._use_driver:
            values = compiled.defaults | dict(params)
            pool = await self._get_pool()
            async with pool.acquire() as conn:
                records = await conn.fetch(compiled.sql, *[values[name] for name in compiled.order])
            return [dict(record.items()) for record in records]
        if self._bind is not None:
            rows = (await self._bind.execute(compiled.stmt, dict(params))).all()
        else:
            async with self._engine.connect() as conn:
                rows = (await conn.execute(compiled.stmt, dict(params))).all()
        return [dict(row._mapping) for row in rows]

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
