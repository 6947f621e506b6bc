"""`bangkom snapshot [--date]` against a migrated database of its own (real commits), as cron runs it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from app.asn.models import Asn
from app.cli import cli
from app.completeness.models import CompletenessSnapshot
from app.core.audit import AuditEntry
from app.core.config import get_settings
from app.core.migrations import upgrade
from app.org.models import Unit
from tests.completeness.helpers import today
from tests.conftest import PG_ADMIN_DSN, backend
from tests.factories import new_asn


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _seed(url: str) -> None:
    """One OPD with one sub-unit and an ASN in each."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            parent: Unit | None = None
            for code in ("DINAS_CLI", "BIDANG_CLI"):
                values = {"code": code, "name": code, "kind": "dinas", "path": "/"}
                unit_id = (
                    await conn.execute(
                        insert(Unit).values(**values, parent_id=parent and parent.id).returning(Unit.id)
                    )
                ).scalar_one()
                unit = Unit(id=unit_id, path=f"{parent.path if parent else '/'}{unit_id}/")
                await conn.execute(update(Unit).where(Unit.id == unit_id).values(path=unit.path))
                asn = new_asn(unit)
                columns = {c.key: getattr(asn, c.key) for c in Asn.__table__.columns}
                await conn.execute(insert(Asn).values({k: v for k, v in columns.items() if v is not None}))
                parent = unit
    finally:
        await engine.dispose()


async def _all(url: str, stmt: Any) -> list[Any]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(stmt)).all())
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if backend() == "postgres":
        name = f"bangkom_snap_{uuid.uuid4().hex[:8]}"
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('snapshot') / 'cli.db'}"
    try:
        upgrade(url)
        asyncio.run(_seed(url))
        yield url
    finally:
        if backend() == "postgres":
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def bangkom(database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("BANGKOM_DATABASE_URL", database)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_snapshot_of_today_and_of_a_given_day_replacing_on_rerun(bangkom: CliRunner, database: str) -> None:
    result = bangkom.invoke(cli, ["snapshot"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"completeness snapshot of {today()}: 2 units and the province stored; 2 active ASN, score 12.50\n"
    )
    day = today() - timedelta(days=3)
    for _ in range(2):
        again = bangkom.invoke(cli, ["snapshot", "--date", day.isoformat()])
        assert again.exit_code == 0, again.output
    counts = _rows(database)
    assert counts == {today(): 3, day: 3}  # the second run replaced the day's rows
    audit = asyncio.run(
        _all(
            database,
            select(AuditEntry.action, AuditEntry.key, AuditEntry.actor)
            .where(AuditEntry.entity == "completeness_snapshot")
            .order_by(AuditEntry.seq),
        )
    )
    assert [(a, k) for a, k, _ in audit] == [
        ("create", today().isoformat()),
        ("create", day.isoformat()),
        ("replace", day.isoformat()),
    ]
    assert all(actor.startswith("cli") for _, _, actor in audit)


@pytest.mark.parametrize("value", ["2026-13-01", "kemarin"])
def test_a_day_that_is_not_one_is_refused(bangkom: CliRunner, value: str) -> None:
    result = bangkom.invoke(cli, ["snapshot", "--date", value])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_a_future_day_is_refused(bangkom: CliRunner, database: str) -> None:
    before = _rows(database)
    result = bangkom.invoke(cli, ["snapshot", "--date", (today() + timedelta(days=1)).isoformat()])
    assert result.exit_code == 2 and "future" in result.output
    assert _rows(database) == before


def _rows(url: str) -> dict[Any, int]:
    found = asyncio.run(
        _all(
            url,
            select(CompletenessSnapshot.taken_on, func.count()).group_by(CompletenessSnapshot.taken_on),
        )
    )
    return {day: count for day, count in found}
