"""PostgreSQL stopped under a running server: 503s (never 500s), then recovery without a restart.

The suite's shared server must keep running, so this starts a throwaway PostgreSQL 15 cluster of its
own (initdb + pg_ctl as the postgres OS user) and stops that one.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.asn.models import Asn
from app.core.audit import AuditEntry
from app.core.migrations import upgrade
from tests.conftest import backend
from tests.factories import make_nip
from tests.faults.conftest import Server, Target, assert_unavailable, free_port, seed

PG_BIN = Path("/usr/lib/postgresql/15/bin")

pytestmark = pytest.mark.skipif(
    backend() != "postgres", reason="stops a PostgreSQL server; runs in the PostgreSQL suite"
)


class Cluster:
    """A PostgreSQL 15 cluster in a temporary directory, trust auth, listening on 127.0.0.1:port."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.data = root / "data"
        self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _pg(self, tool: str, *args: str) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run(
            [*as_postgres, str(PG_BIN / tool), *args], capture_output=True, text=True, check=False, timeout=60
        )
        assert done.returncode == 0, f"{tool} {args}: {done.stdout}\n{done.stderr}"

    def start(self) -> None:
        options = f"-k {self.root} -c listen_addresses=127.0.0.1 -p {self.port} -c fsync=off"
        self._pg("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self) -> None:
        # "immediate": the server drops every connection without a goodbye, as in a crash.
        self._pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL 15 binaries not found in {PG_BIN}")
    root = Path(tempfile.mkdtemp(prefix="bangkom_h8_pg_"))
    if os.geteuid() == 0:
        postgres = pwd.getpwnam("postgres")
        os.chown(root, postgres.pw_uid, postgres.pw_gid)
    found = Cluster(root)
    found.start()
    try:
        yield found
    finally:
        with contextlib.suppress(AssertionError):  # already stopped
            found.stop()
        shutil.rmtree(root, ignore_errors=True)


def _new_profile(target: Target, birth: date) -> dict[str, Any]:
    return {
        "nip": make_nip(birth=birth),
        "name": "Pegawai Pulih",
        "employment_type": "pns",
        "unit_id": target.world.unit_a.id,
    }


async def test_postgres_down_gives_503_and_recovers_without_restart(
    cluster: Cluster, servers: Callable[..., Server], tmp_path: Path
) -> None:
    await asyncio.to_thread(upgrade, cluster.url)
    target = await seed(cluster.url, tmp_path / "data")
    try:
        server = servers(target.env(db_pool_size="2", fast_read_pool_size="2"))
        bpsdm = target.headers("bpsdm")
        nip = target.world.asn_a.nip
        before, during, after = (_new_profile(target, date(1971 + i, 5, 6)) for i in range(3))
        async with server.client() as c:
            assert (await c.get("/readyz")).json() == {
                "status": "ready",
                "database": "ok",
                "migrations": "head",
            }
            assert (await c.get(f"/api/v1/asn/{nip}", headers=bpsdm)).status_code == 200
            assert (await c.get("/api/v1/asn", headers=bpsdm)).status_code == 200
            assert (await c.post("/api/v1/asn", json=before, headers=bpsdm)).status_code == 201

            cluster.stop()
            await target.engine.dispose()
            ready = await c.get("/readyz")
            assert ready.status_code == 503
            assert ready.json() == {"status": "unavailable", "database": "unreachable"}
            for _ in range(2):  # the first request meets dead pooled connections, the next a refused connect
                assert_unavailable(await c.get(f"/api/v1/asn/{nip}", headers=bpsdm))  # fast read path
                assert_unavailable(await c.get("/api/v1/asn", headers=bpsdm))  # ORM read
                assert_unavailable(await c.post("/api/v1/asn", json=during, headers=bpsdm))
            assert server.alive
            assert "unhandled error" not in server.output()  # no 500 was logged

            cluster.start()
            # No restart of the server: its pools replace the dead connections on their own.
            assert (await c.get("/readyz")).status_code == 200
            got = await c.get(f"/api/v1/asn/{nip}", headers=bpsdm)
            assert got.status_code == 200 and got.json()["nip"] == nip
            assert (await c.get("/api/v1/asn", headers=bpsdm)).status_code == 200
            assert (await c.post("/api/v1/asn", json=after, headers=bpsdm)).status_code == 201
            assert server.alive

            # Restarted between two requests (nobody asked while it was down): the pools notice the
            # connections the old server closed and open new ones, so not even one request fails.
            late = _new_profile(target, date(1981, 1, 2))
            cluster.stop()
            cluster.start()
            assert (await c.get(f"/api/v1/asn/{nip}", headers=bpsdm)).status_code == 200
            assert (await c.get("/api/v1/asn", headers=bpsdm)).status_code == 200
            assert (await c.post("/api/v1/asn", json=late, headers=bpsdm)).status_code == 201
            assert (await c.get("/readyz")).status_code == 200

        await target.engine.dispose()  # its connections died with the first stop
        new = [before["nip"], during["nip"], after["nip"], late["nip"]]
        written = sorted([before["nip"], after["nip"], late["nip"]])
        stored = await target.rows(select(Asn.nip).where(Asn.nip.in_(new)))
        assert sorted(n for (n,) in stored) == written
        audited = await target.rows(
            select(AuditEntry.key).where(AuditEntry.entity == "asn", AuditEntry.key.in_(new))
        )
        assert sorted(k for (k,) in audited) == written
    finally:
        await target.engine.dispose()
