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
import time
from datetime import date

from common import (
    BIN,
    change_the_data,
    fetch_values,
    latency_figures,
    password_token,
    prepare_database,
    save,
    server,
    timed_get,
)

PORT = 8317
TARGET_P95_MS = 50


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
            timed_get(url, bpsdm)  # warm-up: connections, the rule set, the first computation
        unchanged = [timed_get(url, bpsdm) for _ in range(args.requests)]
        changed = []
        for _ in range(max(60, args.requests // 5)):
            asyncio.run(change_the_data(dsn))
            changed.append(timed_get(url, bpsdm))
        for _ in range(5):
            timed_get(url, opd_token)
        own = [timed_get(url, opd_token) for _ in range(args.requests)]
    result["jp_compliance"] = {
        "province_unchanged_data": latency_figures(unchanged),
        "province_after_a_change": latency_figures(changed),
        "opd_unchanged_data": latency_figures(own),
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
