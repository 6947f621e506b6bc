"""Test database (migrated with Alembic), per-test rolled-back transactions, and HTTP clients.

Run against SQLite (default) or PostgreSQL with BANGKOM_TEST_DB=postgres; `make test` runs both.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.core.config import Settings
from app.core.db import Database, create_engine
from app.core.fastread import FastReader
from app.core.migrations import upgrade
from app.main import create_app, reset_caches
from tests import factories

PG_ADMIN_DSN = os.environ.get("BANGKOM_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def backend() -> str:
    return os.environ.get("BANGKOM_TEST_DB", "sqlite")


def pytest_report_header() -> str:
    return f"bangkom test database: {backend()}"


async def _pg(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _only_the_first_rule_set(url: str) -> None:
    """Drop the yearly sets later revisions seed (2025, 2026), keeping the foundation's 2019 set.

    Each test puts the rules it is about, on top of the first set; a seeded year's form rules would
    change the JP of every record a test stores. The seeding itself is tested on a scratch database
    (tests/rules/test_seeded_years.py).
    """
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM rule_sets WHERE year > 2019"))
    await engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database for the session, migrated to head by Alembic."""
    if backend() == "postgres":
        name = f"bangkom_test_{uuid.uuid4().hex[:10]}"
        asyncio.run(_pg(f'CREATE DATABASE "{name}"'))
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
        upgrade(url)
        asyncio.run(_only_the_first_rule_set(url))
        yield url
        asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path: Path = tmp_path_factory.mktemp("db") / "bangkom-test.db"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
        asyncio.run(_only_the_first_rule_set(url))
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        secret_key=TEST_SECRET,
        data_dir=tmp_path_factory.mktemp("data"),
        spa_dir=None,
        login_max_failures=5,
        # Limits are off for the suite (one app per test, hundreds of requests by one user);
        # tests/security/ turns them on where they are the subject.
        rate_limit_per_minute=0,
        claims_per_hour=0,
        # Factories write without audit rows, so nothing would tell a cached report that the data
        # changed; tests/core/test_report_cache.py turns the cache on where it is the subject.
        report_cache_seconds=0,
        background_jobs=False,
    )


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """Each test runs inside one outer transaction that is rolled back at the end."""
    async with engine.connect() as conn:
        outer = await conn.begin()
        try:
            yield conn
        finally:
            if outer.is_active:
                await outer.rollback()


def _maker(conn: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    # Sessions commit to a savepoint inside the test's transaction, never for real.
    return async_sessionmaker(
        bind=conn, expire_on_commit=False, autoflush=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
async def session(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    async with _maker(connection)() as s:
        yield s


def bind_to_test(
    application: Any, settings: Settings, engine: AsyncEngine, connection: AsyncConnection
) -> Any:
    """Points an app's sessions and fast reads at the test's rolled-back connection, with empty caches."""
    maker = _maker(connection)
    application.state.db = Database(
        engine=engine,
        read_sessions=maker,
        write_sessions=maker,
        fast=FastReader(settings, engine, bind=connection),
    )
    reset_caches(application, settings)
    return application


@pytest.fixture(scope="session")
def shared_app(settings: Settings) -> Any:
    """One app for the session: FastAPI builds each route's matching state on its first request, which
    cost about half of a test's time when every test had an app of its own."""
    return create_app(settings)


@pytest.fixture
def app(
    shared_app: Any, settings: Settings, engine: AsyncEngine, connection: AsyncConnection
) -> Iterator[Any]:
    """The shared app bound to this test's connection. A test that adds routes or changes settings
    asks for `own_app` (or builds one with tests.security.helpers.bound_app) instead."""
    routes = list(shared_app.router.routes)
    yield bind_to_test(shared_app, settings, engine, connection)
    assert shared_app.router.routes == routes, "a test changed the shared app's routes; use own_app"


@pytest.fixture
def own_app(settings: Settings, engine: AsyncEngine, connection: AsyncConnection) -> Any:
    """An app of the test's own, free to change."""
    return bind_to_test(create_app(settings), settings, engine, connection)


# The suite reads the English texts the code raises; the API answers Indonesian to a caller that does
# not ask, which tests/core/test_messages.py checks with the catalogues.
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=ENGLISH) as c:
        yield c


@pytest.fixture
async def world(session: AsyncSession) -> factories.World:
    """Two OPDs (one with a sub-unit), positions, ASN in each, and a user of every role."""
    return await factories.build_world(session)


@pytest.fixture
async def own_client(own_app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client of `own_app`."""
    transport = httpx.ASGITransport(app=own_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=ENGLISH) as c:
        yield c
