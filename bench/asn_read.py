"""Authenticated GET /api/v1/asn/{nip} against a raw Starlette + asyncpg endpoint (issue 2 target).

Usage: .venv/bin/python bench/asn_read.py [--asn 60000] [--seconds 15] [--connections 32] [--reuse]

Both servers run one worker on this machine against the same PostgreSQL database with demo data;
wrk cycles through 2,000 random NIPs. Target: Bangkom >= 0.35x the raw requests/s, p99 <= 3x raw.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

from common import BIN, ROOT, fetch_values, password_token, prepare_database, save, server, wrk

BANGKOM_PORT, RAW_PORT = 8301, 8302


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--asn", type=int, default=60_000)
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--database", default="bangkom_bench")
    ap.add_argument("--reuse", action="store_true", help="keep an existing bench database with enough ASN")
    args = ap.parse_args()

    dsn = prepare_database(args.database, args.asn, args.reuse, ["--records-per-asn", "0"])
    nips = fetch_values(dsn, "SELECT nip FROM asn ORDER BY md5(nip) LIMIT 2000")
    paths = [f"/api/v1/asn/{n}" for n in nips]
    env = os.environ | {
        "BANGKOM_DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        "BANGKOM_LOG_LEVEL": "warning",
        "BENCH_PG_DSN": dsn,
    }
    results: dict[str, dict[str, float]] = {}
    bangkom = [str(BIN / "bangkom"), "serve", "--port", str(BANGKOM_PORT), "--workers", "1"]
    with server(bangkom, env, f"http://127.0.0.1:{BANGKOM_PORT}/healthz"):
        base = f"http://127.0.0.1:{BANGKOM_PORT}"
        token = password_token(base, "bpsdm")
        auth = {"Authorization": f"Bearer {token}"}
        wrk(base, paths, seconds=3, connections=args.connections, headers=auth)  # warm-up
        results["bangkom"] = wrk(
            base, paths, seconds=args.seconds, connections=args.connections, headers=auth
        )
    raw = [
        str(BIN / "uvicorn"),
        "raw_baseline:app",
        "--app-dir",
        str(ROOT / "bench"),
        "--port",
        str(RAW_PORT),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    with server(raw, env, f"http://127.0.0.1:{RAW_PORT}/api/v1/asn/{nips[0]}"):
        base = f"http://127.0.0.1:{RAW_PORT}"
        wrk(base, paths, seconds=3, connections=args.connections, headers={})
        results["raw"] = wrk(base, paths, seconds=args.seconds, connections=args.connections, headers={})

    b, r = results["bangkom"], results["raw"]
    rps_ratio = b["rps"] / r["rps"]
    p99_ratio = b["p99_ms"] / r["p99_ms"]
    print(f"{'':24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>10}")
    for name, res in (("bangkom (auth, 1 worker)", b), ("raw starlette+asyncpg", r)):
        print(
            f"{name:24}{res['rps']:>10.0f}{res['p50_ms']:>10.2f}{res['p99_ms']:>10.2f}{res['non_2xx']:>10.0f}"
        )
    print(f"ratio req/s {rps_ratio:.2f}x (target >= 0.35x); p99 {p99_ratio:.2f}x raw (target <= 3x)")
    path = save(
        "asn_read",
        {
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "asn": args.asn,
            "connections": args.connections,
            "seconds": args.seconds,
            "bangkom": b,
            "raw": r,
            "rps_ratio": round(rps_ratio, 3),
            "p99_ratio": round(p99_ratio, 3),
        },
    )
    print(f"saved {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
