"""The province data-completeness report (issue 17), on PostgreSQL with 60,000 demo ASN.

Usage: .venv/bin/python bench/data_completeness.py [--asn 60000] [--requests 300] [--reuse]

First the daily snapshots of the last 31 days are taken with the application's own `snapshots.take`
(timed: what the daily job costs), so the league has its history. Then, one request at a time against
one `bangkom serve` worker, after a warm-up, p50/p95/max of:
- GET /api/v1/reports/data-completeness (province, as the demo `bpsdm` login), unchanged data: the report
  counted once per change of the data and served from the cache (target p95 <= 150 ms);
- the same, each request after a committed change of the data (the stamp of app/core/report_cache.py
  set anew), so each is counted from the tables: the figure a reader gets first after a write;
- GET …/data-completeness/league, unchanged data and after a change (the counts plus 31 days of snapshots);
- an OPD admin's own OPD (`opd.diskominfo`), after a change;
- GET /api/v1/units/{id}/data-gaps for that OPD, first page of 50.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from common import (
    BIN,
    fetch_values,
    latency_after_a_change,
    measure_all,
    password_token,
    prepare_database,
    save,
    server,
    unchanged_latency,
)

PORT = 8331
TARGET_P95_MS = 150.0
SNAPSHOT_DAYS = 31


async def _snapshots(dsn: str) -> list[float]:
    """Take the last SNAPSHOT_DAYS days' snapshots, oldest first; seconds each took."""
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

    import app.models  # noqa: F401 (the whole schema)
    from app.completeness import snapshots
    from app.core.types import latest_indonesian_date

    engine = create_async_engine(dsn.replace("postgresql://", "postgresql+asyncpg://", 1))
    took = []
    try:
        today = latest_indonesian_date()
        for back in range(SNAPSHOT_DAYS - 1, -1, -1):
            async with AsyncSession(engine) as session:
                started = time.perf_counter()
                await snapshots.take(session, today - timedelta(days=back), "bench")
                await session.commit()
                took.append(time.perf_counter() - started)
    finally:
        await engine.dispose()
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--asn", type=int, default=60_000)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--database", default="bangkom_bench_completeness")
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args()

    dsn = prepare_database(args.database, args.asn, args.reuse)
    took = asyncio.run(_snapshots(dsn))
    counts = {
        table: int(fetch_values(dsn, f"SELECT count(*) FROM {table}")[0])
        for table in (
            "asn",
            "learning_records",
            "assessments",
            "potential_assessments",
            "performances",
            "units",
        )
    }
    opd_unit = fetch_values(dsn, "SELECT id FROM units WHERE code = 'DISKOMINFO'")[0]
    env = os.environ | {
        "BANGKOM_DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        "BANGKOM_LOG_LEVEL": "warning",
        "BANGKOM_BACKGROUND_JOBS": "false",
    }
    result: dict[str, object] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average": os.getloadavg()[0],
        "asn": args.asn,
        "rows": counts,
        "target_p95_ms": TARGET_P95_MS,
        "snapshot_take_s": {"p50": round(statistics.median(took), 2), "max": round(max(took), 2)},
    }
    print(
        f"{counts['asn']:,} ASN, {counts['learning_records']:,} learning records, {counts['assessments']:,} "
        f"assessments, {counts['units']:,} units; a day's snapshot took {statistics.median(took):.2f} s "
        f"(max {max(took):.2f} s over {len(took)} days)",
        flush=True,
    )
    command = [str(BIN / "bangkom"), "serve", "--port", str(PORT), "--workers", "1"]
    with server(command, env, f"http://127.0.0.1:{PORT}/healthz"):
        base = f"http://127.0.0.1:{PORT}"
        bpsdm, opd = password_token(base, "bpsdm"), password_token(base, "opd.diskominfo")
        report = f"{base}/api/v1/reports/data-completeness"
        league = f"{report}/league"
        gaps = f"{base}/api/v1/units/{opd_unit}/data-gaps"
        fresh_runs = max(60, args.requests // 5)

        def unchanged(url: str, token: str, runs: int = args.requests) -> dict[str, float]:
            return unchanged_latency(url, token, runs)

        def after_a_change(url: str, token: str) -> dict[str, float]:
            return latency_after_a_change(url, token, dsn, fresh_runs)

        runs: dict[str, Callable[[], dict[str, float]]] = {
            "province_unchanged_data": lambda: unchanged(report, bpsdm),
            "province_after_a_change": lambda: after_a_change(report, bpsdm),
            "league_unchanged_data": lambda: unchanged(league, bpsdm),
            "league_after_a_change": lambda: after_a_change(league, bpsdm),
            "opd_after_a_change": lambda: after_a_change(report, opd),
            "opd_data_gaps_first_page": lambda: unchanged(gaps, opd),
        }
        measured = measure_all("data-completeness", runs, TARGET_P95_MS)
    result["data_completeness"] = measured
    print(f"saved {save('data_completeness', result)}")


if __name__ == "__main__":
    main()
