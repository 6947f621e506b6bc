"""The province reports every OPD opens each morning (issue 17), on PostgreSQL with 60,000 ASN.

Usage: .venv/bin/python bench/province_reports.py [--asn 60000] [--requests 300] [--reuse]

GET /api/v1/reports/jp-compliance, one request at a time (target p95 <= 50 ms):
- unchanged data: what readers get between writes (the report computed once per change of the data);
- after a change: each request follows a committed change of the data (the stamp of
  app/core/report_cache.py set anew), so every one is computed from the tables;
- an OPD admin's own OPD, unchanged data.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import time
import urllib.request
from datetime import date

import asyncpg
from common import BIN, fetch_values, password_token, prepare_database, save, server

PORT = 8317
TARGET_P95_MS = 50


def _get(url: str, token: str) -> float:
    started = time.perf_counter()
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        r.read()
        assert r.status == 200
    return (time.perf_counter() - started) * 1000


def _figures(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 1),
        "max_ms": round(ordered[-1], 1),
    }


async def _bump(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("UPDATE data_versions SET value = $1 WHERE name = 'data'", random.getrandbits(62))
    finally:
        await conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--asn", type=int, default=60_000)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--database", default="bangkom_bench_province")
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args()

    dsn = prepare_database(args.database, args.asn, args.reuse)
    year = date.today().year
    records = int(fetch_values(dsn, "SELECT count(*) FROM learning_records")[0])
    opd = fetch_values(
        dsn, "SELECT username FROM users WHERE role = 'opd_admin' AND active ORDER BY id LIMIT 1"
    )[0]
    env = os.environ | {
        "BANGKOM_DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        "BANGKOM_LOG_LEVEL": "warning",
    }
    result: dict[str, object] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average": os.getloadavg()[0],
        "asn": args.asn,
        "learning_records": records,
        "target_p95_ms": TARGET_P95_MS,
    }
    command = [str(BIN / "bangkom"), "serve", "--port", str(PORT), "--workers", "1"]
    with server(command, env, f"http://127.0.0.1:{PORT}/healthz"):
        base = f"http://127.0.0.1:{PORT}"
        bpsdm, opd_token = password_token(base, "bpsdm"), password_token(base, opd)
        url = f"{base}/api/v1/reports/jp-compliance?year={year}"
        for _ in range(10):
            _get(url, bpsdm)  # warm-up: connections, the rule set, the first computation
        unchanged = [_get(url, bpsdm) for _ in range(args.requests)]
        changed = []
        for _ in range(max(60, args.requests // 5)):
            asyncio.run(_bump(dsn))
            changed.append(_get(url, bpsdm))
        for _ in range(5):
            _get(url, opd_token)
        own = [_get(url, opd_token) for _ in range(args.requests)]
    result["jp_compliance"] = {
        "province_unchanged_data": _figures(unchanged),
        "province_after_a_change": _figures(changed),
        "opd_unchanged_data": _figures(own),
    }
    for name, figures in result["jp_compliance"].items():  # type: ignore[attr-defined]
        print(
            f"jp-compliance {name.replace('_', ' ')} ({args.asn} ASN, {records} records): "
            f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms "
            f"(target p95 <= {TARGET_P95_MS})"
        )
    print(f"saved {save('province_reports', result)}")


if __name__ == "__main__":
    main()
