"""The tamper-evident chain: every write path chains its rows, verify finds the first broken link,
the database refuses UPDATE and DELETE, and (PostgreSQL) the application's role has no right to them.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy import Executable, delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from app.audit.chain import verify
from app.core import audit
from app.core.audit import GENESIS, AuditEntry, canonical_json, row_hash
from app.core.changes import Change
from app.core.config import Settings
from app.core.db import create_engine
from app.core.migrations import upgrade
from tests.audit.helpers import append_only_lifted, head
from tests.audit.test_audit import some_writes
from tests.conftest import PG_ADMIN_DSN, backend
from tests.factories import World
from tests.http import as_
from tests.imports.helpers import csv_bytes, run_import
from tests.learning import test_xapi as xapi
from tests.sync.test_sync_asn import make_nips, post, profile

postgres_only = pytest.mark.skipif(backend() != "postgres", reason="PostgreSQL roles and concurrent writers")
BANGKOM = str(Path(sys.executable).parent / "bangkom")


async def rows_from(session: AsyncSession, first: int) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.seq >= first).order_by(AuditEntry.seq)
    return list((await session.execute(stmt.execution_options(populate_existing=True))).scalars())


async def write(session: AsyncSession, n: int, tag: str = "x") -> None:
    """n committed audit rows, one transaction each."""
    for i in range(n):
        audit.record(
            session, "tester", "update", "unit", i, before={"name": f"{tag}{i}"}, after={"name": f"{tag}{i}!"}
        )
        await session.commit()


class TestChainAcrossWritePaths:
    async def test_requests_sync_xapi_and_import_make_one_dense_valid_chain(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        connection: AsyncConnection,
    ) -> None:
        start = await head(session)
        await some_writes(client, settings, world)
        synced = await post(client, settings, world, [profile(n, world) for n in make_nips(40)])
        assert synced.status_code == 200 and synced.json()["created"] == 40, synced.text
        statements = [xapi.statement(world.asn_a.nip) for _ in range(3)]
        await xapi.post(client, settings, statements)
        csv = csv_bytes(
            [
                ["nip", "title", "form_code", "start_date", "end_date", "jp"],
                [world.asn_b.nip, "Bimtek Arsip Digital", "8", "2026-03-02", "2026-03-04", "10"],
            ]
        )
        job = await run_import(client, "learning-records", csv, as_(settings, world, "bpsdm"))
        assert job["created"] == 1, job

        rows = await rows_from(session, start + 1)
        assert [r.seq for r in rows] == list(range(start + 1, start + 1 + len(rows)))
        entities = {(r.entity, r.action) for r in rows}
        assert {("asn", "create"), ("learning_record", "create"), ("import_job", "create")} <= entities
        assert sum(1 for r in rows if r.entity == "asn" and r.role == "client") >= 40
        # Each row links to the one before it and its hash is the hash of its content.
        for previous, row in itertools.pairwise(rows):
            assert row.prev_hash == previous.hash
        for row in rows:
            before, after = canonical_json(row.before), canonical_json(row.after)
            args = (row.seq, row.at, row.actor, row.role, row.action, row.entity, row.key)
            assert row.hash == row_hash(*args, before, after, row.request_id, row.prev_hash)
        result = await verify(connection, from_seq=max(start, 1))
        assert result.intact, result.describe()
        assert result.last_seq == start + len(rows) and result.last_hash == rows[-1].hash
        assert result.rows == len(rows) + (1 if start else 0)

    async def test_the_first_row_of_an_empty_trail_starts_from_64_zeros(
        self, session: AsyncSession, connection: AsyncConnection
    ) -> None:
        if await head(session):
            pytest.skip("the shared test database already has a trail")
        await write(session, 2)
        first, second = await rows_from(session, 1)
        assert first.seq == 1 and first.prev_hash == GENESIS == "0" * 64
        assert second.prev_hash == first.hash
        assert (await verify(connection)).intact

    async def test_a_rolled_back_transaction_and_savepoint_leave_no_row(
        self, session: AsyncSession, connection: AsyncConnection
    ) -> None:
        start = await head(session)
        audit.record(session, "tester", "create", "unit", 1)
        await session.rollback()
        audit.record(session, "tester", "create", "unit", 2)
        try:
            async with session.begin_nested():
                audit.record(session, "tester", "create", "unit", 3)
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        await session.commit()
        assert [r.key for r in await rows_from(session, start + 1)] == ["2"]
        assert (await verify(connection, from_seq=max(start, 1))).intact


class TestCanonicalJson:
    async def test_what_the_database_gives_back_hashes_as_it_was_hashed(
        self, session: AsyncSession, connection: AsyncConnection
    ) -> None:
        start = await head(session)
        odd = {
            "zeta": 1,
            "alpha": {"b": [1, 2.5, 1.0, None, True], "a": 'é – ñ 日本 "quoted" \\'},
            "big": 2**53 + 1,
            "float": 1e20,
            "huge": 10**20,
            "tiny": 1e-7,
            "when": date(2026, 3, 2),
            "at": datetime(2026, 3, 2, 1, 2, 3, 450000, tzinfo=UTC),
            "jp": Decimal("12.50"),
            "empty": {},
            "list": [],
        }
        audit.record(session, "tester", "update", "unit", "k", before={"b": 1, "a": 2}, after=odd)
        audit.record_many(
            session, [(datetime.now(UTC), "tester", "system", "create", "asn", "n", None, odd, None)]
        )
        await session.commit()
        rows = await rows_from(session, start + 1)
        assert rows[0].after is not None and rows[0].after["when"] == "2026-03-02"
        assert rows[0].after["jp"] == "12.50"
        for row in rows:  # through the JSON column: dicts as PostgreSQL's JSONB or SQLite's text give them
            args = (row.seq, row.at, row.actor, row.role, row.action, row.entity, row.key)
            both = canonical_json(row.before), canonical_json(row.after)
            assert row.hash == row_hash(*args, *both, row.request_id, row.prev_hash)
        assert (await verify(connection, from_seq=max(start, 1))).intact


TAMPERS = ["after", "delete", "reorder", "rehash", "prev_hash", "at"]


class TestTamperingIsFound:
    @pytest.mark.parametrize("kind", TAMPERS)
    async def test_verify_names_the_first_broken_link(
        self, session: AsyncSession, connection: AsyncConnection, kind: str
    ) -> None:
        start = await head(session)
        await write(session, 6)
        k = start + 3
        target = AuditEntry.seq == k
        async with append_only_lifted(session):
            if kind == "after":
                await session.execute(update(AuditEntry).where(target).values(after={"name": "forged"}))
            elif kind == "delete":
                await session.execute(delete(AuditEntry).where(target))
            elif kind == "reorder":
                await session.execute(update(AuditEntry).where(target).values(seq=-1))
                await session.execute(update(AuditEntry).where(AuditEntry.seq == k + 1).values(seq=k))
                await session.execute(update(AuditEntry).where(AuditEntry.seq == -1).values(seq=k + 1))
            elif kind == "rehash":
                # A forger who also recomputes the row's hash: the next row no longer links to it.
                row = (await rows_from(session, k))[0]
                forged = {"name": "forged"}
                args = (row.seq, row.at, row.actor, row.role, row.action, row.entity, row.key)
                digest = row_hash(
                    *args, canonical_json(row.before), canonical_json(forged), row.request_id, row.prev_hash
                )
                await session.execute(update(AuditEntry).where(target).values(after=forged, hash=digest))
                k += 1
            elif kind == "prev_hash":
                await session.execute(update(AuditEntry).where(target).values(prev_hash="f" * 64))
            else:
                await session.execute(
                    update(AuditEntry).where(target).values(at=datetime(2020, 1, 1, tzinfo=UTC))
                )
        await session.commit()
        result = await verify(connection, from_seq=max(start, 1))
        assert not result.intact and result.broken is not None
        problem = {
            "after": "hash_mismatch",
            "at": "hash_mismatch",
            "delete": "missing_seq",
            "reorder": "prev_hash_mismatch",
            "rehash": "prev_hash_mismatch",
            "prev_hash": "prev_hash_mismatch",
        }[kind]
        assert (result.broken.seq, result.broken.problem) == (k, problem), result.describe()
        assert result.last_seq == k - 1
        assert f"seq {k}" in result.describe()
        # Small batches find the same link (the break may fall on a batch boundary).
        small = await verify(connection, from_seq=max(start, 1), batch=2)
        assert small.broken == result.broken

    async def test_verify_from_after_the_break_is_intact(
        self, session: AsyncSession, connection: AsyncConnection
    ) -> None:
        start = await head(session)
        await write(session, 4)
        async with append_only_lifted(session):
            await session.execute(update(AuditEntry).where(AuditEntry.seq == start + 2).values(after=None))
        await session.commit()
        assert (await verify(connection, from_seq=max(start, 1))).broken is not None
        later = await verify(connection, from_seq=start + 3)
        assert later.intact and later.rows == 2 and later.first_seq == start + 3


class TestAppendOnlyInTheDatabase:
    @pytest.mark.parametrize("statement", ["update", "delete", "truncate"])
    async def test_the_trigger_refuses(self, session: AsyncSession, statement: str) -> None:
        if statement == "truncate" and backend() != "postgres":
            pytest.skip("SQLite has no TRUNCATE")
        start = await head(session)
        await write(session, 2)
        statements: dict[str, Executable] = {
            "update": update(AuditEntry).where(AuditEntry.seq == start + 1).values(actor="someone else"),
            "delete": delete(AuditEntry).where(AuditEntry.seq == start + 1),
            "truncate": text("TRUNCATE audit_log"),
        }
        sql = statements[statement]
        with pytest.raises(DBAPIError, match="append-only"):
            async with session.begin_nested():
                await session.execute(sql)
        rows = await rows_from(session, start + 1)
        assert [r.actor for r in rows] == ["tester", "tester"]

    def test_nothing_in_the_app_updates_or_deletes_audit_rows(self) -> None:
        app_dir = Path(__file__).resolve().parents[2] / "app"
        offenders = [
            str(path)
            for path in app_dir.rglob("*.py")
            for line in path.read_text(encoding="utf-8").splitlines()
            if ("update(AuditEntry" in line or "delete(AuditEntry" in line or "UPDATE audit_log" in line)
        ]
        assert offenders == []


# -- real commits on a database of their own --------------------------------------------------------


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _scratch(tmp_path: Path, revision: str) -> Iterator[str]:
    if backend() == "postgres":
        name = f"bangkom_auditchain_{uuid.uuid4().hex[:8]}"
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
        upgrade(url, revision)
        yield url
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'chain.db'}"
        upgrade(url, revision)
        yield url


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[str]:
    """A database of its own, at head, for tests that commit for real."""
    yield from _scratch(tmp_path, "head")


@pytest.fixture
def scratch_0005(tmp_path: Path) -> Iterator[str]:
    """A database of its own at the revision before the chain."""
    yield from _scratch(tmp_path, "0005_integration")


def _settings(settings: Settings, url: str) -> Settings:
    return settings.model_copy(update={"database_url": url})


def _cli(url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"BANGKOM_DATABASE_URL": url, "BANGKOM_DATA_DIR": str(tmp_path)}
    return subprocess.run([BANGKOM, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


class TestVerifyCommand:
    async def test_exit_codes_and_messages(self, settings: Settings, scratch: str, tmp_path: Path) -> None:
        engine = create_engine(_settings(settings, scratch))
        try:
            maker = async_sessionmaker(engine, expire_on_commit=False)
            async with maker() as session:
                await write(session, 5)
                result = _cli(scratch, tmp_path, "audit", "verify")
                assert result.returncode == 0, result.stderr
                last = (await rows_from(session, 5))[0].hash
                assert result.stdout.strip() == f"5 rows, chain intact, last seq 5, last hash {last}"
                async with append_only_lifted(session):
                    await session.execute(
                        update(AuditEntry).where(AuditEntry.seq == 3).values(actor="mallory")
                    )
                await session.commit()
        finally:
            await engine.dispose()
        broken = _cli(scratch, tmp_path, "audit", "verify")
        assert broken.returncode == 1
        assert broken.stderr.startswith("chain broken at seq 3 (id ") and "hash_mismatch" in broken.stderr
        resumed = _cli(scratch, tmp_path, "audit", "verify", "--from-seq", "4")
        assert resumed.returncode == 0 and resumed.stdout.startswith("2 rows, chain intact"), resumed.stderr

    async def test_the_migration_chains_existing_rows_in_id_order(
        self, settings: Settings, scratch_0005: str
    ) -> None:
        scratch = scratch_0005
        engine = create_engine(_settings(settings, scratch))
        try:
            async with engine.begin() as conn:
                for i in range(7):
                    await conn.execute(
                        text(
                            "INSERT INTO audit_log (at, actor, role, action, entity, key, before, after) "
                            "VALUES (:at, 'old', 'system', 'create', 'unit', :key, NULL, :after)"
                        ),
                        {
                            "at": datetime(2026, 1, 1, 8, i, tzinfo=UTC),
                            "key": str(i),
                            "after": '{"b": 1.0, "a": [2]}',
                        },
                    )
            await asyncio.to_thread(upgrade, scratch)
            async with engine.connect() as conn:
                result = await verify(conn)
                assert result.intact and result.rows == 7, result.describe()
                ordered = (
                    (await conn.execute(select(AuditEntry.key).order_by(AuditEntry.seq))).scalars().all()
                )
                assert ordered == [str(i) for i in range(7)]
        finally:
            await engine.dispose()


@postgres_only
class TestPostgresql:
    async def test_concurrent_writers_make_one_dense_chain(self, settings: Settings, scratch: str) -> None:
        engine = create_engine(_settings(settings, scratch))
        maker = async_sessionmaker(engine, expire_on_commit=False)
        writers, commits = 8, 10

        async def writer(w: int) -> None:
            async with maker() as session:
                for c in range(commits):
                    audit.record(session, f"writer{w}", "update", "asn", f"{w}-{c}", after={"c": c})
                    now = datetime.now(UTC)
                    audit.record_many(
                        session,
                        [
                            (
                                now,
                                f"writer{w}",
                                "client",
                                "create",
                                "learning_record",
                                f"{w}-{c}-{i}",
                                None,
                                {"i": i},
                                None,
                            )
                            for i in range(20)
                        ],
                    )
                    await session.commit()

        try:
            await asyncio.gather(*(writer(w) for w in range(writers)))
            async with engine.connect() as conn:
                total = writers * commits * 21
                assert await conn.scalar(select(func.count()).select_from(AuditEntry)) == total
                result = await verify(conn)
                assert result.intact and result.rows == total and result.last_seq == total, result.describe()
                # One lock for both: the feed is dense too, in the same commit order.
                feed = (await conn.execute(select(Change.seq).order_by(Change.seq))).scalars().all()
                assert feed == list(range(1, writers * commits + 1))
                # A transaction's rows are contiguous: nobody chained into the middle of another's.
                keys = (await conn.execute(select(AuditEntry.key).order_by(AuditEntry.seq))).scalars().all()
                for i in range(0, total, 21):
                    w, c = keys[i].split("-")
                    assert keys[i + 1 : i + 21] == [f"{w}-{c}-{n}" for n in range(20)]
        finally:
            await engine.dispose()

    async def test_the_app_role_may_insert_and_read_but_not_change_audit_rows(
        self, settings: Settings, scratch: str, tmp_path: Path
    ) -> None:
        role = f"bangkom_app_{uuid.uuid4().hex[:8]}"
        done = _cli(scratch, tmp_path, "db", "app-role", role)
        try:
            assert done.returncode == 0, done.stderr
            assert f"created role {role}" in done.stdout
            again = _cli(scratch, tmp_path, "db", "app-role", role)  # after a later upgrade: same rights
            assert again.returncode == 0 and "created" not in again.stdout, again.stderr
            app_url = scratch.replace("postgres@", f"{role}@", 1)
            engine = create_engine(_settings(settings, app_url))
            try:
                async with engine.connect() as conn:
                    outer = await conn.begin()
                    maker = async_sessionmaker(bind=conn, join_transaction_mode="create_savepoint")
                    async with maker() as session:
                        # The app's own path as this role: lock, chain, insert, feed.
                        audit.record(session, "app", "update", "asn", "199001012020011001", after={"a": 1})
                        await session.commit()
                        assert (await verify(conn)).intact
                        for sql in (
                            "UPDATE audit_log SET actor = 'x'",
                            "DELETE FROM audit_log",
                            "TRUNCATE audit_log",
                            "UPDATE change_log SET op = 'void'",
                            "ALTER TABLE audit_log DISABLE TRIGGER USER",
                        ):
                            with pytest.raises(DBAPIError) as denied:
                                async with session.begin_nested():
                                    await session.execute(text(sql))
                            assert "permission denied" in str(denied.value) or "must be owner" in str(
                                denied.value
                            )
                        # Ordinary tables stay writable.
                        await session.execute(text("UPDATE asn SET name = name WHERE false"))
                        await session.execute(text("DELETE FROM idempotency_keys WHERE false"))
                    await outer.rollback()
            finally:
                await engine.dispose()
        finally:
            name = scratch.rsplit("/", 1)[1]
            conn = await asyncpg.connect(PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}")
            try:
                await conn.execute(f'DROP OWNED BY "{role}"')
                await conn.execute(f'DROP ROLE "{role}"')
            finally:
                await conn.close()

    def test_the_command_refuses_the_owner_itself(self, scratch: str, tmp_path: Path) -> None:
        done = _cli(scratch, tmp_path, "db", "app-role", "postgres")
        assert done.returncode == 2 and "role of its own" in done.stderr
