"""IP ASN benchmark (issue 16), on PostgreSQL with 60,000 demo ASN, SKP results and a few sanctions.

Usage: .venv/bin/python bench/ip_asn.py [--asn 60000] [--reuse] [--requests 200]

The demo gives learning records (and jp_totals); this script adds, in bulk, an SKP result for every
ASN and each of the demo's years (most with a score, the predikat spread as agencies report them) and
disciplinary sanctions for about 2 % of them (some ended, most in force), and builds ip_asn_scores
with the application's own `scores.rebuild` (timed: what a full rebuild costs; a rule change of one
year costs about a third of it). Then sequential GETs (one
`bangkom serve` worker), after a warm-up, with p50/p95/p99 latency of:
1. /api/v1/reports/ip-asn for the province as the demo `bpsdm` login (target p95 <= 150 ms);
2. the same for an OPD admin (demo login `opd.diskominfo`, its unit subtree);
3. /api/v1/asn/{nip}/ip-asn for one PNS after another (target p95 <= 20 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import time

import asyncpg
from common import BIN, ROOT, fetch_values, password_token, prepare_database, save, server
from competency_gaps import _get, _line, _percentile, measure

BANGKOM_PORT = 8316
REPORT_TARGET_P95_MS = 150.0
ONE_TARGET_P95_MS = 20.0

# Deterministic "random" from the NIP and year, so reruns insert the same rows.
PERFORMANCES = """
INSERT INTO performances (nip, year, predikat, score, source, updated_by, version, created_at, updated_at)
SELECT nip, y,
       CASE WHEN r < 15 THEN 'sangat_baik' WHEN r < 80 THEN 'baik' WHEN r < 92 THEN 'butuh_perbaikan'
            WHEN r < 98 THEN 'kurang' ELSE 'sangat_kurang' END,
       CASE WHEN s < 70 THEN
            CASE WHEN r < 15 THEN 91 + (s % 10) WHEN r < 80 THEN 76 + (s % 15) WHEN r < 92 THEN 61 + (s % 15)
                 WHEN r < 98 THEN 51 + (s % 10) ELSE 30 + (s % 21) END + (s % 100) / 100.0
       END,
       'bench', 'bench', 1, now(), now()
FROM (SELECT nip, y, abs(hashtext(nip || ':' || y)) % 100 AS r, abs(hashtext(y || ':' || nip)) % 100 AS s
      FROM asn, generate_series($1::int, $2::int) AS y) t
ON CONFLICT DO NOTHING
"""
SANCTIONS = """
INSERT INTO disciplinary_records (nip, level, decided_on, ends_on, reference, created_by, created_at)
SELECT nip,
       CASE WHEN r % 10 < 6 THEN 'ringan' WHEN r % 10 < 9 THEN 'sedang' ELSE 'berat' END,
       make_date($1::int - (r % 2), 1 + r % 12, 1 + r % 28),
       CASE WHEN r % 3 = 0 THEN NULL ELSE make_date($1::int + (r % 2), 1 + r % 12, 1 + r % 28) END,
       'SK/' || nip, 'bench', now()
FROM (SELECT nip, abs(hashtext('sanksi:' || nip)) % 1000 AS r FROM asn) t
WHERE r < 20
"""


async def _talent_rows(dsn: str, year: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        if await conn.fetchval("SELECT count(*) FROM performances WHERE source = 'bench'") == 0:
            started = time.perf_counter()
            await conn.execute(PERFORMANCES, year - 2, year)
            await conn.execute(SANCTIONS, year)
            await conn.execute("VACUUM ANALYZE performances")
            await conn.execute("VACUUM ANALYZE disciplinary_records")
            print(f"SKP results and sanctions inserted: {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        await conn.close()


async def build_scores(dsn: str) -> float:
    """ip_asn_scores for the current year and every year with records, by the application; seconds."""
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

    import app.models  # noqa: F401 (the whole schema)
    from app.talent.ip import scores

    engine = create_async_engine(dsn.replace("postgresql://", "postgresql+asyncpg://", 1))
    try:
        async with AsyncSession(engine) as session:
            started = time.perf_counter()
            await scores.rebuild(session)
            await session.commit()
            return time.perf_counter() - started
    finally:
        await engine.dispose()


async def _vacuum(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("VACUUM ANALYZE ip_asn_scores")
    finally:
        await conn.close()


def measure_each(base: str, nips: list[str], token: str, *, warmup: int) -> dict[str, float]:
    """One GET per NIP (each a different PNS), after `warmup` of them."""
    for nip in nips[:warmup]:
        _get(f"{base}/asn/{nip}/ip-asn?year={YEAR}", token)
    latencies = []
    for nip in nips[warmup:]:
        status, ms = _get(f"{base}/asn/{nip}/ip-asn?year={YEAR}", token)
        if status != 200:
            raise SystemExit(f"GET /asn/{nip}/ip-asn answered {status}")
        latencies.append(ms)
    latencies.sort()
    return {
        "requests": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(_percentile(latencies, 95), 1),
        "p99_ms": round(_percentile(latencies, 99), 1),
        "max_ms": round(latencies[-1], 1),
    }


YEAR = int(time.strftime("%Y"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--asn", type=int, default=60_000)
    ap.add_argument("--records-per-asn", type=int, default=20)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--database", default="bangkom_bench_ip_asn")
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args()
    if args.requests < 200:
        ap.error("--requests must be at least 200")

    dsn = prepare_database(
        args.database,
        args.asn,
        args.reuse,
        ["--records-per-asn", str(args.records_per_asn), "--assessments-per-asn", "1"],
    )
    env = os.environ | {
        "BANGKOM_DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        "BANGKOM_LOG_LEVEL": "warning",
    }
    # A reused database built before ip_asn_scores existed is brought to head first.
    subprocess.run([BIN / "bangkom", "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
    asyncio.run(_talent_rows(dsn, YEAR))
    rebuild_s = asyncio.run(build_scores(dsn))
    asyncio.run(_vacuum(dsn))
    counts = {
        table: int(fetch_values(dsn, f"SELECT count(*) FROM {table}")[0])
        for table in (
            "asn",
            "learning_records",
            "jp_totals",
            "performances",
            "disciplinary_records",
            "ip_asn_scores",
        )
    }
    measured = int(
        fetch_values(dsn, "SELECT count(*) FROM asn WHERE active AND employment_type <> 'pppk'")[0]
    )
    nips = fetch_values(
        dsn,
        "SELECT nip FROM asn WHERE active AND employment_type <> 'pppk' "
        f"ORDER BY md5(nip) LIMIT {args.requests + args.warmup}",
    )
    result: dict[str, object] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "asn": args.asn,
        "measured_pns_cpns": measured,
        "year": YEAR,
        "rows": counts,
        "scores_rebuild_s": round(rebuild_s, 2),
        "report_target_p95_ms": REPORT_TARGET_P95_MS,
        "one_asn_target_p95_ms": ONE_TARGET_P95_MS,
    }
    print(
        f"{counts['asn']:,} ASN ({measured:,} active PNS/CPNS), {counts['learning_records']:,} learning records, "
        f"{counts['jp_totals']:,} jp_totals, {counts['performances']:,} SKP results, "
        f"{counts['disciplinary_records']:,} sanctions"
    )
    bangkom = [str(BIN / "bangkom"), "serve", "--port", str(BANGKOM_PORT), "--workers", "1"]
    with server(bangkom, env, f"http://127.0.0.1:{BANGKOM_PORT}/healthz"):
        base = f"http://127.0.0.1:{BANGKOM_PORT}/api/v1"
        province = password_token(base.removesuffix("/api/v1"), "bpsdm")
        opd = password_token(base.removesuffix("/api/v1"), "opd.diskominfo")
        for key, name, token, target in (
            ("report_province", "reports/ip-asn, province (bpsdm)", province, REPORT_TARGET_P95_MS),
            ("report_opd", "reports/ip-asn, OPD admin (opd.diskominfo)", opd, None),
        ):
            figures = measure(
                f"{base}/reports/ip-asn?year={YEAR}", token, warmup=args.warmup, requests=args.requests
            )
            result[key] = figures if figures is not None else "route not found"
            print(_line(name, figures, target), flush=True)
        one = measure_each(base, nips, province, warmup=args.warmup)
        result["one_asn"] = one
        print(
            _line("asn/{nip}/ip-asn, a different PNS each time (bpsdm)", one, ONE_TARGET_P95_MS), flush=True
        )
    print(f"saved {save('ip_asn', result).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
