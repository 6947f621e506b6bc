"""Shared plumbing for the benchmarks: a PostgreSQL database with demo data, servers, wrk."""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
DEMO_PASSWORD = "Bangkom#2026"


def pg_url(name: str) -> str:
    base = urllib.parse.urlsplit(PG_ADMIN)
    return urllib.parse.urlunsplit((base.scheme, base.netloc, f"/{name}", "", ""))


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def prepare_database(name: str, asn: int, reuse: bool, demo_args: list[str] | None = None) -> str:
    """A PostgreSQL database migrated to head with `asn` demo ASN (kept between runs with --reuse)."""
    dsn = pg_url(name)
    env = os.environ | {"BANGKOM_DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://", 1)}
    if reuse and asyncio.run(_count_asn(dsn)) >= asn:
        # A kept database still gets the migrations added since it was built.
        subprocess.run([BIN / "bangkom", "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
        asyncio.run(_analyze(dsn))
        return dsn
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    subprocess.run([BIN / "bangkom", "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
    started = time.perf_counter()
    subprocess.run(
        [BIN / "bangkom", "demo", "load", "--asn", str(asn), *(demo_args or [])],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"demo load of {asn} ASN: {time.perf_counter() - started:.1f} s", flush=True)
    # Fresh planner statistics: the database is new, and autovacuum may be off on the host.
    asyncio.run(_analyze(dsn))
    return dsn


async def _analyze(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        # What autovacuum would have done by now (it may be off on this host): no dead rows from
        # earlier runs, fresh planner statistics.
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def _count_asn(dsn: str) -> int:
    try:
        conn = await asyncpg.connect(dsn)
    except (OSError, asyncpg.PostgresError):
        return 0
    try:
        return int(await conn.fetchval("SELECT count(*) FROM asn"))
    except asyncpg.PostgresError:
        return 0
    finally:
        await conn.close()


def fetch_values(dsn: str, sql: str) -> list[str]:
    async def run() -> list[str]:
        conn = await asyncpg.connect(dsn)
        try:
            return [str(r[0]) for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    return asyncio.run(run())


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


# A benchmark is one machine posing as many callers: the per-caller rate limit and the claim quota
# would measure 429s, and an access line per request would measure the terminal.
SERVER_ENV = {
    "BANGKOM_RATE_LIMIT_PER_MINUTE": "0",
    "BANGKOM_CLAIMS_PER_HOUR": "0",
    "BANGKOM_LOG_LEVEL": "WARNING",
}


@contextmanager
def server(cmd: list[str], env: dict[str, str], health_url: str) -> Iterator[subprocess.Popen[bytes]]:
    # stderr to a file, not a pipe nobody reads (a full pipe would stall the server).
    log = tempfile.NamedTemporaryFile(prefix="bangkom-bench-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(
        cmd, env=env | SERVER_ENV, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True
    )
    try:
        wait_http(health_url)
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def password_token(base: str, username: str, password: str = DEMO_PASSWORD) -> str:
    data = urllib.parse.urlencode(
        {"grant_type": "password", "username": username, "password": password}
    ).encode()
    with urllib.request.urlopen(
        urllib.request.Request(f"{base}/api/v1/auth/token", data=data), timeout=10
    ) as r:
        return str(json.load(r)["access_token"])


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    if not m:
        raise ValueError(text)
    return float(m.group(1)) * _UNITS[m.group(2)]


def wrk(
    url_base: str, paths: list[str], *, seconds: int, connections: int, headers: dict[str, str]
) -> dict[str, float]:
    """Requests/s and latency percentiles from wrk, cycling through `paths`."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is required: apt-get install -y wrk")
    lua = (
        "paths = {"
        + ",".join(json.dumps(p) for p in paths)
        + "}\n"
        + (
            "local i = 0\nrequest = function()\n  i = i + 1\n"
            "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
            "local non2xx = 0\nresponse = function(status, headers, body)\n"
            "  if status >= 300 then non2xx = non2xx + 1 end\nend\n"
        )
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(lua)
        script = fh.name
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run([*cmd, url_base], capture_output=True, text=True, check=True).stdout
    os.unlink(script)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    pct = {p: _ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": pct.get("50", float("nan")),
        "p99_ms": pct.get("99", float("nan")),
        "non_2xx": float(errors.group(1)) if errors else 0.0,
    }


def save(name: str, result: dict[str, object]) -> Path:
    path = ROOT / "bench" / "results" / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path


def create_client(env: dict[str, str], name: str, scopes: str) -> tuple[str, str]:
    """An integration client made with `bangkom clients create`: (client_id, client_secret)."""
    out = subprocess.run(
        [str(BIN / "bangkom"), "clients", "create", "--name", name, "--scopes", scopes],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    fields = dict(line.split("=", 1) for line in out.split() if "=" in line)
    return fields["client_id"], fields["client_secret"]


def timed_get(url: str, token: str, timeout: float = 60) -> float:
    """One authenticated GET that must answer 200; its time in milliseconds."""
    started = time.perf_counter()
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        r.read()
        assert r.status == 200
    return (time.perf_counter() - started) * 1000


def latency_figures(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


async def change_the_data(dsn: str) -> None:
    """What a committed write does to the cached reports (app/core/report_cache.py): a new stamp."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("UPDATE data_versions SET value = $1 WHERE name = 'data'", random.getrandbits(62))
    finally:
        await conn.close()


def unchanged_latency(url: str, token: str, runs: int) -> dict[str, float]:
    """GET `url` `runs` times in a row (after a warm-up) while nothing changes: the cached answer."""
    for _ in range(10):
        timed_get(url, token)  # warm-up: connections, the rule set, the first computation
    return latency_figures([timed_get(url, token) for _ in range(runs)])


def latency_after_a_change(url: str, token: str, dsn: str, runs: int) -> dict[str, float]:
    """GET `url` `runs` times, each right after a committed change: what the first reader after a write gets."""
    for _ in range(5):
        asyncio.run(change_the_data(dsn))
        timed_get(url, token)
    latencies = []
    for _ in range(runs):
        asyncio.run(change_the_data(dsn))
        latencies.append(timed_get(url, token))
    return latency_figures(latencies)


def measure_all(
    label: str, runs: dict[str, Callable[[], dict[str, float]]], target_p95_ms: float
) -> dict[str, dict[str, float]]:
    """Run each named measurement and print its latency figures; the province ones against the target."""
    measured: dict[str, dict[str, float]] = {}
    for name, run in runs.items():
        figures = measured[name] = run()
        target = f" (target p95 <= {target_p95_ms:g})" if name.startswith("province") else ""
        print(
            f"{label} {name.replace('_', ' ')}: p50 {figures['p50_ms']} ms, "
            f"p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms{target}",
            flush=True,
        )
    return measured
