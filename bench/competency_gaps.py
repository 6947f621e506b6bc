"""Competency-gap report benchmark (issue 4), on PostgreSQL with 60,000 ASN and three assessments each.

Usage: .venv/bin/python bench/competency_gaps.py [--asn 60000] [--assessments-per-asn 3] [--reuse]

Sequential GETs (one `bangkom serve` worker), after a warm-up, with p50/p95/p99 latency of:
1. /api/v1/reports/competency-gaps for the province as the demo `bpsdm` login (target p95 <= 150 ms);
2. the same for an OPD admin (demo login `opd.diskominfo`, its unit subtree);
3. /api/v1/reports/competency-gap-matrix for the province and for the OPD admin, if the route exists.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import urllib.error
import urllib.request

from common import BIN, ROOT, fetch_values, password_token, prepare_database, save, server

BANGKOM_PORT = 8313
TARGET_P95_MS = 150.0


def _get(url: str, token: str) -> tuple[int, float]:
    started = time.perf_counter()
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    return status, (time.perf_counter() - started) * 1000


def _percentile(ordered: list[float], pct: float) -> float:
    """Nearest-rank percentile of sorted values."""
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def measure(url: str, token: str, *, warmup: int, requests: int) -> dict[str, float] | None:
    """Latency figures of `requests` sequential GETs; None when the route does not exist (404/405)."""
    status, _ = _get(url, token)
    if status in (404, 405):
        return None
    if status != 200:
        raise SystemExit(f"GET {url} answered {status}")
    for _ in range(warmup):
        _get(url, token)
    latencies = []
    for _ in range(requests):
        status, ms = _get(url, token)
        if status != 200:
            raise SystemExit(f"GET {url} answered {status} during the run")
        latencies.append(ms)
    latencies.sort()
    return {
        "requests": requests,
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(_percentile(latencies, 95), 1),
        "p99_ms": round(_percentile(latencies, 99), 1),
        "max_ms": round(latencies[-1], 1),
    }


def _line(name: str, figures: dict[str, float] | None, target: float | None = None) -> str:
    if figures is None:
        return f"{name}: route not found (skipped)"
    goal = (
        f" (target p95 <= {target:.0f} ms: {'met' if figures['p95_ms'] <= target else 'MISSED'})"
        if target
        else ""
    )
    return (
        f"{name}: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms, "
        f"max {figures['max_ms']} ms over {figures['requests']} requests{goal}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--asn", type=int, default=60_000)
    ap.add_argument("--assessments-per-asn", type=int, default=3)
    ap.add_argument("--records-per-asn", type=int, default=20)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--database", default="bangkom_bench_competencies")
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args()
    if args.requests < 200:
        ap.error("--requests must be at least 200")

    dsn = prepare_database(
        args.database,
        args.asn,
        args.reuse,
        [
            "--records-per-asn",
            str(args.records_per_asn),
            "--assessments-per-asn",
            str(args.assessments_per_asn),
        ],
    )
    counts = {
        table: int(fetch_values(dsn, f"SELECT count(*) FROM {table}")[0])
        for table in (
            "asn",
            "assessments",
            "assessment_results",
            "competency_standings",
            "competency_unit_totals",
        )
    }
    env = os.environ | {
        "BANGKOM_DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        "BANGKOM_LOG_LEVEL": "warning",
    }
    result: dict[str, object] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "asn": args.asn,
        "rows": counts,
        "target_p95_ms": TARGET_P95_MS,
    }
    print(
        f"{counts['asn']:,} ASN, {counts['assessments']:,} assessments ({counts['assessment_results']:,} ratings), "
        f"{counts['competency_standings']:,} standings, {counts['competency_unit_totals']:,} unit totals"
    )
    bangkom = [str(BIN / "bangkom"), "serve", "--port", str(BANGKOM_PORT), "--workers", "1"]
    with server(bangkom, env, f"http://127.0.0.1:{BANGKOM_PORT}/healthz"):
        base = f"http://127.0.0.1:{BANGKOM_PORT}/api/v1"
        province = password_token(base.removesuffix("/api/v1"), "bpsdm")
        opd = password_token(base.removesuffix("/api/v1"), "opd.diskominfo")
        runs = (
            (
                "gaps_province",
                "competency-gaps, province (bpsdm)",
                "/reports/competency-gaps",
                province,
                TARGET_P95_MS,
            ),
            (
                "gaps_opd",
                "competency-gaps, OPD admin (opd.diskominfo)",
                "/reports/competency-gaps",
                opd,
                None,
            ),
            (
                "matrix_province",
                "competency-gap-matrix, province (bpsdm)",
                "/reports/competency-gap-matrix",
                province,
                None,
            ),
            ("matrix_opd", "competency-gap-matrix, OPD admin", "/reports/competency-gap-matrix", opd, None),
        )
        for key, name, path, token, target in runs:
            figures = measure(f"{base}{path}", token, warmup=args.warmup, requests=args.requests)
            result[key] = figures if figures is not None else "route not found"
            print(_line(name, figures, target), flush=True)
    print(f"saved {save('competency_gaps', result).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
