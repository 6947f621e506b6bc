"""Learning-hour ledger benchmarks (issue 3), on PostgreSQL with 60,000 ASN and ~1,200,000 records.

Usage: .venv/bin/python bench/jp_ledger.py [--asn 60000] [--records-per-asn 20] [--reuse]

1. GET /api/v1/reports/jp-compliance for the whole province (bpsdm_admin), sequential requests:
   p50/p95 latency (target p95 <= 100 ms).
2. GET /api/v1/asn/{nip}/jp-summary with wrk against a raw Starlette + asyncpg endpoint reading the
   same jp_totals rows: req/s ratio (target >= 0.35x).
3. POST /api/v1/xapi/statements: 10,000 statements in batches of 500 (target <= 5 s).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
import urllib.request
import uuid
from datetime import UTC, date, datetime

from common import BIN, ROOT, create_client, fetch_values, password_token, prepare_database, save, server, wrk

BANGKOM_PORT, RAW_PORT = 8311, 8312


def _get(url: str, token: str) -> tuple[int, float]:
    started = time.perf_counter()
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        r.read()
        return r.status, (time.perf_counter() - started) * 1000


def _client_token(base: str, env: dict[str, str]) -> tuple[str, str]:
    return create_client(env, "bench LMS", "learning:write learning:read")


def _statements(nips: list[str], count: int, day: date) -> list[dict[str, object]]:
    stamp = datetime(day.year, day.month, day.day, 3, 0, tzinfo=UTC).isoformat()
    run = uuid.uuid4().hex[:8]  # fresh titles each run, or a reused database would see duplicates
    return [
        {
            "id": str(uuid.uuid4()),
            "actor": {
                "objectType": "Agent",
                "account": {"homePage": "https://simpeg.kaltimprov.go.id", "name": nips[i % len(nips)]},
            },
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
            "object": {
                "id": f"https://lms.kaltimprov.go.id/course/bench-{run}-{i}",
                "definition": {"name": {"id-ID": f"Modul E-Learning Bench {run} {i}"}},
            },
            "result": {"completion": True, "duration": "PT1H30M"},
            "timestamp": stamp,
        }
        for i in range(count)
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--asn", type=int, default=60_000)
    ap.add_argument("--records-per-asn", type=int, default=20)
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--report-requests", type=int, default=60)
    ap.add_argument("--database", default="bangkom_bench_ledger")
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args()

    dsn = prepare_database(
        args.database, args.asn, args.reuse, ["--records-per-asn", str(args.records_per_asn)]
    )
    records = int(fetch_values(dsn, "SELECT count(*) FROM learning_records")[0])
    year = date.today().year
    nips = fetch_values(dsn, "SELECT nip FROM asn WHERE active ORDER BY md5(nip) LIMIT 2000")
    env = os.environ | {
        "BANGKOM_DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        "BANGKOM_LOG_LEVEL": "warning",
        "BENCH_PG_DSN": dsn,
    }
    result: dict[str, object] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "asn": args.asn,
        "learning_records": records,
    }
    bangkom = [str(BIN / "bangkom"), "serve", "--port", str(BANGKOM_PORT), "--workers", "1"]
    with server(bangkom, env, f"http://127.0.0.1:{BANGKOM_PORT}/healthz"):
        base = f"http://127.0.0.1:{BANGKOM_PORT}"
        token = password_token(base, "bpsdm")
        url = f"{base}/api/v1/reports/jp-compliance?year={year}"
        for _ in range(5):
            _get(url, token)  # warm-up
        latencies = sorted(_get(url, token)[1] for _ in range(args.report_requests))
        report = {
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
            "max_ms": round(latencies[-1], 1),
        }
        result["jp_compliance"] = report
        print(
            f"jp-compliance (province, {args.asn} ASN, {records} records): p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms (target <= 100)"
        )

        paths = [f"/api/v1/asn/{n}/jp-summary?year={year}" for n in nips]
        auth = {"Authorization": f"Bearer {token}"}
        wrk(base, paths, seconds=3, connections=args.connections, headers=auth)
        summary = wrk(base, paths, seconds=args.seconds, connections=args.connections, headers=auth)

        client_id, secret = _client_token(base, env)
        statements = _statements(nips, 10_000, date.today())
        started = time.perf_counter()
        rejected = 0
        import base64

        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        for i in range(0, len(statements), 500):
            req = urllib.request.Request(
                f"{base}/api/v1/xapi/statements",
                data=json.dumps(statements[i : i + 500]).encode(),
                headers={
                    "Authorization": f"Basic {basic}",
                    "Content-Type": "application/json",
                    "X-Experience-API-Version": "1.0.3",
                },
            )
            with urllib.request.urlopen(req, timeout=60) as r:
                rejected += len(json.load(r).get("rejected", []))
        elapsed = time.perf_counter() - started
        result["xapi_intake"] = {
            "statements": len(statements),
            "batch": 500,
            "seconds": round(elapsed, 2),
            "rejected": rejected,
        }
        print(
            f"xAPI intake: 10,000 statements in batches of 500: {elapsed:.2f} s, {rejected} rejected (target <= 5 s)"
        )

    raw = [
        str(BIN / "uvicorn"),
        "raw_baseline:app",
        "--app-dir",
        str(ROOT / "bench"),
        "--port",
        str(RAW_PORT),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    with server(raw, env, f"http://127.0.0.1:{RAW_PORT}/api/v1/asn/{nips[0]}"):
        base = f"http://127.0.0.1:{RAW_PORT}"
        wrk(base, paths, seconds=3, connections=args.connections, headers={})
        raw_summary = wrk(base, paths, seconds=args.seconds, connections=args.connections, headers={})
    ratio = summary["rps"] / raw_summary["rps"]
    result["jp_summary"] = {"bangkom": summary, "raw": raw_summary, "rps_ratio": round(ratio, 3)}
    print(
        f"jp-summary: bangkom {summary['rps']:.0f} req/s (p99 {summary['p99_ms']:.1f} ms), raw {raw_summary['rps']:.0f} req/s (p99 {raw_summary['p99_ms']:.1f} ms): {ratio:.2f}x (target >= 0.35x)"
    )
    print(f"saved {save('jp_ledger', result).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
