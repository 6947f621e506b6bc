"""Talent map benchmark (issue 16), on PostgreSQL with 60,000 demo ASN.

Usage: .venv/bin/python bench/talent_map.py [--asn 60000] [--potential-share 0.7] [--reuse]

The demo generator makes no SKP results or potential assessments yet, so this script inserts them in
bulk with SQL (fixed seed): an SKP result for 2023–2025 for 97 % of ASN (15 % sangat baik, 65 % baik,
12 % butuh perbaikan, 6 % kurang, 2 % sangat kurang) and one or two potential assessments (2021–2025)
for `--potential-share` of them; then it builds talent_placements with the application's own
`placements.refresh` (timed: what a rule change of a year costs). Then sequential GETs (one
`bangkom serve` worker), after a warm-up, with p50/p95/p99 latency of:
1. /api/v1/reports/talent-map?year=2025 for the province as the demo `bpsdm` login (target p95 <= 150 ms);
2. the same for an OPD admin (demo login `opd.diskominfo`, its unit subtree);
3. /api/v1/reports/talent-map/box/9 (first page of 50) for the province;
4. /api/v1/asn/{nip}/talent?year=2025 for NIPs across the province (the per-ASN path, place() in Python).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import time

import asyncpg
from common import BIN, ROOT, fetch_values, password_token, prepare_database, save, server
from competency_gaps import _get, _line, _percentile, measure

BANGKOM_PORT = 8329
TARGET_P95_MS = 150.0
YEAR = 2025

SEED = """
SELECT setseed(0.16);
DELETE FROM talent_placements;
DELETE FROM performances;
DELETE FROM potential_assessments;
INSERT INTO performances (nip, year, predikat, score, source, updated_by, version, created_at, updated_at)
SELECT nip, y,
       CASE WHEN r < 0.15 THEN 'sangat_baik' WHEN r < 0.80 THEN 'baik' WHEN r < 0.92 THEN 'butuh_perbaikan'
            WHEN r < 0.98 THEN 'kurang' ELSE 'sangat_kurang' END,
       round((55 + r2 * 45)::numeric, 2), 'bench', 'bench', 1, now(), now()
FROM (SELECT nip, y, random() AS r, random() AS r2, random() AS keep
      FROM asn, generate_series(2023, 2025) AS y ORDER BY nip, y) AS s
WHERE keep < 0.97;
INSERT INTO potential_assessments (nip, assessed_on, method, assessor, score, category, aspects, created_by, created_at)
SELECT nip, date '2021-01-01' + (random() * 1795)::int, 'assessment_center', 'UPT Penilaian Kompetensi',
       round((50 + random() * 45)::numeric, 2), NULL, '[]'::jsonb, 'bench', now()
FROM (SELECT nip, random() AS pick FROM asn ORDER BY nip) AS a, generate_series(1, 2) AS k
WHERE pick < $share AND (k = 1 OR pick < $share / 3);
"""


async def seed(dsn: str, share: float) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(SEED.replace("$share", repr(share)))
    finally:
        await conn.close()


async def build_placements(dsn: str) -> float:
    """talent_placements for every year, by the application's refresh; seconds taken."""
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

    import app.models  # noqa: F401 (the whole schema)
    from app.talent.box import placements

    engine = create_async_engine(dsn.replace("postgresql://", "postgresql+asyncpg://", 1))
    try:
        async with AsyncSession(engine) as session:
            started = time.perf_counter()
            await placements.refresh(session, None)
            await session.commit()
            return time.perf_counter() - started
    finally:
        await engine.dispose()


async def vacuum(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--asn", type=int, default=60_000)
    ap.add_argument("--potential-share", type=float, default=0.7)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--database", default="bangkom_bench_talent")
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args()
    if args.requests < 200:
        ap.error("--requests must be at least 200")

    # Learning records play no part in the 9-box: none are generated, which makes the load 4× faster.
    dsn = prepare_database(
        args.database, args.asn, args.reuse, ["--records-per-asn", "0", "--assessments-per-asn", "3"]
    )
    env = os.environ | {
        "BANGKOM_DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        "BANGKOM_LOG_LEVEL": "warning",
    }
    # A reused database built before the placements existed is brought to head first.
    subprocess.run([BIN / "bangkom", "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
    asyncio.run(seed(dsn, args.potential_share))
    rebuild_s = asyncio.run(build_placements(dsn))
    asyncio.run(vacuum(dsn))
    counts = {
        table: int(fetch_values(dsn, f"SELECT count(*) FROM {table}")[0])
        for table in (
            "asn",
            "competency_standings",
            "performances",
            "potential_assessments",
            "talent_placements",
        )
    }
    placed = int(
        fetch_values(dsn, f"SELECT count(*) FROM talent_placements WHERE year = {YEAR} AND box IS NOT NULL")[
            0
        ]
    )
    result: dict[str, object] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average": os.getloadavg()[0],
        "asn": args.asn,
        "potential_share": args.potential_share,
        "rows": counts,
        "placed_2025": placed,
        "placements_rebuild_s": round(rebuild_s, 2),
        "target_p95_ms": TARGET_P95_MS,
    }
    print(
        f"{counts['asn']:,} ASN, {counts['performances']:,} SKP results, {counts['potential_assessments']:,} "
        f"potential assessments, {counts['talent_placements']:,} placements ({placed:,} placed in {YEAR}); "
        f"rebuilding every placement took {rebuild_s:.1f} s"
    )
    nips = fetch_values(dsn, f"SELECT nip FROM performances WHERE year = {YEAR} ORDER BY md5(nip) LIMIT 50")
    bangkom = [str(BIN / "bangkom"), "serve", "--port", str(BANGKOM_PORT), "--workers", "1"]
    with server(bangkom, env, f"http://127.0.0.1:{BANGKOM_PORT}/healthz"):
        base = f"http://127.0.0.1:{BANGKOM_PORT}/api/v1"
        province = password_token(base.removesuffix("/api/v1"), "bpsdm")
        opd = password_token(base.removesuffix("/api/v1"), "opd.diskominfo")
        runs = (
            (
                "map_province",
                "talent-map, province (bpsdm)",
                f"/reports/talent-map?year={YEAR}",
                province,
                TARGET_P95_MS,
            ),
            (
                "map_opd",
                "talent-map, OPD admin (opd.diskominfo)",
                f"/reports/talent-map?year={YEAR}",
                opd,
                None,
            ),
            (
                "box9_province",
                "talent-map/box/9, province, first page",
                f"/reports/talent-map/box/9?year={YEAR}",
                province,
                None,
            ),
        )
        for key, name, path, token, target in runs:
            figures = measure(f"{base}{path}", token, warmup=args.warmup, requests=args.requests)
            result[key] = figures if figures is not None else "route not found"
            print(_line(name, figures, target), flush=True)
        # One ASN's box: a different NIP each request, cycling through 50.
        latencies = []
        for i in range(args.warmup + args.requests):
            status, ms = _get(f"{base}/asn/{nips[i % len(nips)]}/talent?year={YEAR}", province)
            if status != 200:
                raise SystemExit(f"GET /asn/{{nip}}/talent answered {status}")
            if i >= args.warmup:
                latencies.append(ms)
        latencies.sort()
        one = {
            "requests": args.requests,
            "p50_ms": round(latencies[len(latencies) // 2], 1),
            "p95_ms": round(_percentile(latencies, 95), 1),
            "p99_ms": round(_percentile(latencies, 99), 1),
            "max_ms": round(latencies[-1], 1),
        }
        result["talent_one_asn"] = one
        print(_line("asn/{nip}/talent, 50 NIPs in turn (bpsdm)", one), flush=True)
    print(f"saved {save('talent_map', result).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
