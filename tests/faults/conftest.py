"""Fault tests run the real thing: `bangkom serve` / `bangkom import` processes on a database of their own
(a temporary SQLite file, or a temporary database on the suite's PostgreSQL server) with real commits,
then kill them or take their database away."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import Select, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.core.config import REPO_ROOT, Settings
from app.core.db import create_engine
from app.core.migrations import upgrade
from tests import factories
from tests.conftest import PG_ADMIN_DSN, TEST_SECRET, backend

BANGKOM = str(REPO_ROOT / ".venv" / "bin" / "bangkom")
# Upper bound for a process or a state to show up; tests poll and never assert on durations.
PATIENCE = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(check: Callable[[], bool], what: str, patience: float = PATIENCE) -> None:
    deadline = time.monotonic() + patience
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


async def await_for(check: Callable[[], Any], what: str, patience: float = PATIENCE) -> Any:
    """Poll the coroutine function `check` until it returns something truthy; return that."""
    deadline = time.monotonic() + patience
    while not (found := await check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        await asyncio.sleep(0.02)
    return found


@dataclass
class Target:
    """A migrated database with a seeded World, and what a process needs to use it."""

    url: str
    data_dir: Path
    world: factories.World
    settings: Settings
    engine: AsyncEngine

    def env(self, **settings: str) -> dict[str, str]:
        # Nothing of the caller's Bangkom settings may leak into the processes.
        env = {k: v for k, v in os.environ.items() if not k.startswith("BANGKOM_")}
        env |= {
            "BANGKOM_DATABASE_URL": self.url,
            "BANGKOM_DATA_DIR": str(self.data_dir),
            "BANGKOM_SECRET_KEY": TEST_SECRET,
            "BANGKOM_LOG_LEVEL": "WARNING",
            "BANGKOM_LOG_FORMAT": "text",
            "BANGKOM_RATE_LIMIT_PER_MINUTE": "0",
            "BANGKOM_CLAIMS_PER_HOUR": "0",
            "BANGKOM_BACKGROUND_JOBS": "false",
        }
        env |= {f"BANGKOM_{k.upper()}": v for k, v in settings.items()}
        return env

    def headers(self, who: str) -> dict[str, str]:
        if who.startswith("client:"):
            return factories.bearer(self.settings, factories.client_principal(*who[7:].split()))
        return factories.bearer(self.settings, self.world.principal(who))

    async def count(self, stmt: Select[Any]) -> int:
        async with self.engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one())

    async def rows(self, stmt: Select[*tuple[Any, ...]]) -> list[Any]:
        async with self.engine.connect() as conn:
            return [tuple(row) for row in (await conn.execute(stmt)).all()]

    async def first(self, stmt: Select[Any]) -> Any:
        """The first ORM object `stmt` selects, read fresh, or None."""
        async with AsyncSession(self.engine) as session:
            return (await session.execute(stmt.limit(1))).scalars().first()


async def _admin(sql: str, dsn: str = PG_ADMIN_DSN) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def seed(url: str, data_dir: Path) -> Target:
    await asyncio.to_thread(data_dir.mkdir, parents=True, exist_ok=True)
    settings = Settings(environment="test", database_url=url, secret_key=TEST_SECRET, data_dir=data_dir)
    engine = create_engine(settings)  # the app's: a SQLite file is switched to WAL as in production
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        world = await factories.build_world(session)
    return Target(url, data_dir, world, settings, engine)


@dataclass
class Template:
    """A database migrated and seeded once per session; each test gets a copy (migrations take seconds)."""

    url: str
    world: factories.World


@pytest.fixture(scope="session")
async def template(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Template]:
    name = f"bangkom_h8_tmpl_{uuid.uuid4().hex[:8]}"
    root = tmp_path_factory.mktemp("faults")
    if backend() == "postgres":
        await _admin(f'CREATE DATABASE "{name}"')
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    else:
        url = f"sqlite+aiosqlite:///{root / 'template.db'}"
    try:
        await asyncio.to_thread(upgrade, url)
        seeded = await seed(url, root / "data")
        await seeded.engine.dispose()  # a PostgreSQL template must have no connections
        yield Template(url, seeded.world)
    finally:
        if backend() == "postgres":
            await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def target(template: Template, tmp_path: Path) -> AsyncIterator[Target]:
    """A fresh copy of the template database (BANGKOM_TEST_DB's kind), committed for real."""
    name = f"bangkom_h8_{uuid.uuid4().hex[:10]}"
    if backend() == "postgres":
        await _admin(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template.url).database}"')
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    else:
        copy = tmp_path / "faults.db"
        shutil.copyfile(str(make_url(template.url).database), copy)
        url = f"sqlite+aiosqlite:///{copy}"
    data_dir = tmp_path / "data"
    await asyncio.to_thread(data_dir.mkdir)
    settings = Settings(environment="test", database_url=url, secret_key=TEST_SECRET, data_dir=data_dir)
    found = Target(url, data_dir, template.world, settings, create_engine(settings))
    try:
        yield found
    finally:
        await found.engine.dispose()
        if backend() == "postgres":
            await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Process:
    """A `bangkom …` child process with its output in a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("ab") as sink:
            self.popen = subprocess.Popen(
                [BANGKOM, *args], env=env, cwd=log.parent, stdout=sink, stderr=subprocess.STDOUT
            )

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no rollback, as when the machine or the OOM killer stops it."""
        if self.alive:
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait()

    def stop(self) -> None:
        if self.alive:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
        self.popen.wait()


class Server(Process):
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        super().__init__(["serve", "--port", str(self.port)], env, log)
        wait_for(self._answers, f"bangkom serve on {self.port}")

    def _answers(self) -> bool:
        if not self.alive:
            raise AssertionError(f"bangkom serve exited {self.popen.returncode}:\n{self.output()}")
        try:
            return httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def client(self, timeout: float = 60) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base_url, timeout=timeout)


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start `bangkom serve` processes; whatever is still running at the end is stopped."""
    started: list[Server] = []

    def start(env: dict[str, str]) -> Server:
        server = Server(env, tmp_path / f"server-{len(started)}.log")
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def assert_unavailable(r: httpx.Response) -> None:
    """503 problem+json `database_unavailable` with Retry-After: the client should come back later."""
    assert r.status_code == 503, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "database_unavailable"
    assert int(r.headers["retry-after"]) > 0
