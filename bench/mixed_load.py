"""Mixed load on PostgreSQL with 2 workers (issue 8): reads, claims, verifications and sync batches.

Usage: .venv/bin/python bench/mixed_load.py [--duration 600] [--concurrency 16] [--asn 5000]
       [--claimants 200] [--seed 8] [--database bangkom_bench_load] [--reuse]

1. A PostgreSQL database with `--asn` demo ASN (kept with --reuse), `bangkom serve --workers 2`.
2. Through the API as bpsdm: a login for each of `--claimants` ASN and an OPD admin for every OPD
   they work in (so every claim has a verifier); a SIMPEG client (asn:write asn:read) by the CLI.
3. `--concurrency` virtual users for `--duration` seconds, each picking weighted-random operations
   (fixed seed): ~70 % reads (profile, unit list, JP summary, JP compliance report, competency
   gaps, verification queue, own records), 15 % claims (an ASN's own, with an Idempotency-Key),
   10 % verifications (an OPD admin decides one of the oldest claims in its queue; 409 when another
   admin was first is an expected outcome, counted apart), 5 % sync batches of 200-500 profiles
   (a third new NIPs). Claims and batches are retried with the same key on a transport error.
4. Reconciliation in PostgreSQL: what the client was told against what is stored (load_reconcile).

The rate limits and the claim quota are off: the load is one machine posing as many users.
A 5xx, a lost or a duplicated record is a finding: the script exits 1 and lists them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import load_setup
import load_traffic
from common import BIN, ROOT, prepare_database, save, wait_http
from load_reconcile import baseline, reconcile
from load_setup import fetch_rows
from load_stats import Outcomes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _load() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


def _server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    cmd = [str(BIN / "bangkom"), "serve", "--port", str(port), "--workers", "2"]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"), start_new_session=True
    )
    wait_http(f"http://127.0.0.1:{port}/healthz", timeout=60)
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)


def _log_errors(log: Path) -> list[str]:
    """Lines of the server's stderr that speak of an error (tracebacks, ERROR, 5xx)."""
    pattern = re.compile(r"Traceback|\bERROR\b|\berror\b|Exception| 50\d ", re.IGNORECASE)
    return [line for line in log.read_text(errors="replace").splitlines() if pattern.search(line)]


def _table(out: Outcomes, seconds: float) -> tuple[list[str], dict[str, Any]]:
    rows = {name: route.summary() for name, route in sorted(out.routes.items())}
    head = f"{'endpoint':42}{'count':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>9}{'2xx':>8}{'4xx':>6}{'5xx':>5}{'tx err':>7}"
    lines = [head, "-" * len(head)]
    for name, s in rows.items():
        lines.append(
            f"{name:42}{s['count']:>8}{s['p50_ms']:>8}{s['p95_ms']:>8}{s['p99_ms']:>8}{s['max_ms']:>9}"
            f"{s['2xx']:>8}{s['4xx']:>6}{s['5xx']:>5}{s['transport_errors']:>7}"
        )
    total = sum(s["count"] for s in rows.values())
    totals = {
        "requests": total,
        "seconds": round(seconds, 1),
        "requests_per_second": round(total / seconds, 1),
        "5xx": sum(s["5xx"] for s in rows.values()),
        "transport_errors": sum(s["transport_errors"] for s in rows.values()),
        "4xx_by_endpoint_and_status": {
            n: {k: v for k, v in s["statuses"].items() if k.startswith("4")}
            for n, s in rows.items()
            if s["4xx"]
        },
    }
    lines.append(
        f"totals: {total} requests in {seconds:.0f} s = {totals['requests_per_second']} req/s; "
        f"5xx: {totals['5xx']}; transport errors: {totals['transport_errors']} (latencies in ms)"
    )
    return lines, {"endpoints": rows, "totals": totals}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=600, help="seconds of load")
    ap.add_argument("--concurrency", type=int, default=16, help="virtual users")
    ap.add_argument("--asn", type=int, default=5000, help="demo ASN to load")
    ap.add_argument("--claimants", type=int, default=200, help="ASN given a login to claim with")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--database", default="bangkom_bench_load")
    ap.add_argument("--reuse", action="store_true", help="keep an existing bench database with enough ASN")
    args = ap.parse_args()

    started = time.monotonic()
    dsn = prepare_database(args.database, args.asn, args.reuse)
    people = load_setup.claimants(dsn, args.claimants, args.seed)
    claimant_nips = [p[0] for p in people]
    updatable = load_setup.updatable(dsn, set(claimant_nips))
    all_nips = [r["nip"] for r in asyncio.run(fetch_rows(dsn, "SELECT nip FROM asn"))]
    units = [r["id"] for r in asyncio.run(fetch_rows(dsn, "SELECT id FROM units ORDER BY id"))]
    port = _free_port()
    env = os.environ | {
        "BANGKOM_DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        "BANGKOM_SECRET_KEY": "bench-mixed-load-" + "k" * 40,
        "BANGKOM_RATE_LIMIT_PER_MINUTE": "0",
        "BANGKOM_CLAIMS_PER_HOUR": "0",
        "BANGKOM_LOG_LEVEL": "WARNING",
        # The logins are made before the load starts; a 10-minute run must not outlive them.
        "BANGKOM_ACCESS_TOKEN_MINUTES": "120",
    }
    log = Path(tempfile.gettempdir()) / f"bangkom-mixed-load-{port}.log"
    client = load_setup.create_client(env)
    proc = _server(env, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        bpsdm, asn, opd, client_token = asyncio.run(load_setup.actors(base, people, client))
        world = load_traffic.World(
            run=secrets.token_hex(3),
            bpsdm=bpsdm,
            client_token=client_token,
            asn=asn,
            opd=opd,
            all_nips=all_nips,
            units=units,
            updatable=updatable,
            new_nips=load_traffic.new_nip_source(set(all_nips), args.seed),
            today=date.today() - timedelta(days=1),  # the server judges "future" by WIT (UTC+9)
        )
        print(f"setup (database, logins, client): {time.monotonic() - started:.0f} s", flush=True)
        before = asyncio.run(baseline(dsn))
        load_before = _load()
        print(
            f"load: {args.concurrency} virtual users for {args.duration:.0f} s against {base} (2 workers); "
            f"{len(asn)} ASN logins, {len(opd)} OPD admins, 1 SIMPEG client; load average {load_before}",
            flush=True,
        )
        out, seconds = asyncio.run(
            load_traffic.run(
                base, world, duration=args.duration, concurrency=args.concurrency, seed=args.seed
            )
        )
        load_after = _load()
    finally:
        _stop(proc)
    started = time.monotonic()
    report = asyncio.run(reconcile(dsn, out, before, claimant_nips))
    print(f"reconciliation: {time.monotonic() - started:.0f} s", flush=True)
    log_errors = _log_errors(log)

    table, figures = _table(out, seconds)
    print("\n".join(table))
    print(f"mix (per cent of operations): {load_traffic.MIX}")
    print(f"4xx by endpoint and status: {figures['totals']['4xx_by_endpoint_and_status']}")
    for line in report.lines:
        print(line)
    lost, duplicated = sum(report.lost.values()), sum(report.duplicated.values())
    print(f"lost: {lost}, duplicated: {duplicated}")
    for finding in report.findings:
        print(f"  FINDING {finding}")
    for error in out.server_errors[:20]:
        print(f"  5xx {error}")
    for sample in out.transport_error_samples[:10]:
        print(f"  transport error {sample}")
    print(f"server log {log}: {len(log_errors)} error lines")
    for line in log_errors[:20]:
        print(f"  {line[:300]}")
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    print(
        f"machine: {machine}; load average before {load_before}, after {load_after} "
        "(a shared machine: other work ran too); rate limits and claim quota off (one machine posing as "
        "many users)"
    )
    result = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine,
        "load_average_before_after": [load_before, load_after],
        "command": " ".join(["bench/mixed_load.py", *sys.argv[1:]]),
        "duration_s": args.duration,
        "concurrency": args.concurrency,
        "workers": 2,
        "demo_asn": args.asn,
        "asn_logins": len(asn),
        "opd_admins": len(opd),
        "mix_percent": load_traffic.MIX,
        **figures,
        "reconciliation": report.lines,
        "lost": lost,
        "duplicated": duplicated,
        "findings": report.findings,
        "server_errors": out.server_errors[:50],
        "server_log_error_lines": log_errors[:50],
    }
    name = "mixed_load" if args.duration >= 600 else "mixed_load_short"
    print(f"saved {save(name, result).relative_to(ROOT)}")
    if lost or duplicated or figures["totals"]["5xx"] or log_errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
