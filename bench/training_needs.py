"""The training-needs analysis (issue 18), on PostgreSQL with 60,000 demo ASN.

Usage: .venv/bin/python bench/training_needs.py [--asn 60000] [--requests 300] [--share 0.3] [--reuse]

The demo province is loaded (or reused), then approved IDPs of this year are inserted in bulk for a share
of the active ASN (three items each: a competency, mostly with a catalogue course developing it, a third
of them estimated at 0). Then, one request at a time against one `bangkom serve` worker, after a
warm-up, p50/p95/max of:
- GET /api/v1/reports/training-needs (province, the demo `bpsdm` login), unchanged data: served from the
  report cache (app/core/report_cache.py);
- the same, each request after a committed change of the data (a new stamp), so each is computed from
  the tables: the figure a reader gets first after a write (target p95 <= 200 ms);
- an OPD admin's own OPD (`opd.diskominfo`), after a change;
- GET /api/v1/units/{id}/development-programs/{year}/proposal for that OPD (never cached).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import time
from collections.abc import Callable
from datetime import date

import asyncpg
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

PORT = 8332
TARGET_P95_MS = 200.0
BENCH = "bench-tna"

_PLANS = """
INSERT INTO development_plans
    (nip, year, unit_id, status, created_by, created_at, submitted_at, decided_by, decided_at,
     version, updated_at)
SELECT a.nip, $1, a.unit_id, 'approved', $2, now(), now(), 'opd', now(), 1, now()
FROM asn a
WHERE a.active AND (hashtext(a.nip) % 1000 + 1000) % 1000 < $3
ON CONFLICT (nip, year) DO NOTHING
"""

_ITEMS = """
WITH comps AS (SELECT array_agg(code ORDER BY code) AS codes FROM competencies WHERE "group" <> 'teknis')
INSERT INTO development_plan_items
    (plan_id, position, competency_code, course_id, title, form_code, planned_jp, planned_quarter,
     estimated_cost_idr)
SELECT p.id, g.n, c.code, cc.course_id, coalesce(co.title, 'Pengembangan ' || c.code),
       coalesce(co.form_code, '3'), 8 + (p.id % 5) * 4, 1 + (p.id + g.n) % 4,
       CASE WHEN (p.id + g.n) % 3 = 0 THEN 0 ELSE 2500000 END
FROM development_plans p
CROSS JOIN generate_series(0, 2) AS g(n)
CROSS JOIN comps
CROSS JOIN LATERAL (
    SELECT comps.codes[1 + (p.id + g.n * 7) % array_length(comps.codes, 1)] AS code
) c
LEFT JOIN LATERAL (
    SELECT x.course_id FROM course_competencies x
    WHERE x.competency_code = c.code AND (p.id + g.n) % 4 <> 0
    ORDER BY x.course_id OFFSET (p.id % 3) LIMIT 1
) cc ON true
LEFT JOIN courses co ON co.id = cc.course_id
WHERE p.year = $1 AND p.created_by = $2
"""


async def _plans(dsn: str, year: int, share: float) -> tuple[int, int]:
    """Approved IDPs (and their items) for `share` of the active ASN, once per database and year."""
    conn = await asyncpg.connect(dsn)
    try:
        existing = await conn.fetchval(
            "SELECT count(*) FROM development_plans WHERE year = $1 AND created_by = $2", year, BENCH
        )
        if not existing:
            async with conn.transaction():
                await conn.execute(_PLANS, year, BENCH, int(share * 1000))
                await conn.execute(_ITEMS, year, BENCH)
            await conn.execute("VACUUM ANALYZE development_plans")
            await conn.execute("VACUUM ANALYZE development_plan_items")
        plans = await conn.fetchval(
            "SELECT count(*) FROM development_plans WHERE year = $1 AND status = 'approved'", year
        )
        items = await conn.fetchval(
            "SELECT count(*) FROM development_plan_items i JOIN development_plans p ON p.id = i.plan_id "
            "WHERE p.year = $1 AND p.status = 'approved'",
            year,
        )
        return int(plans), int(items)
    finally:
        await conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--asn", type=int, default=60_000)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--share", type=float, default=0.3, help="Share of active ASN with an approved IDP")
    ap.add_argument("--database", default="bangkom_bench_training_needs")
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args()

    dsn = prepare_database(args.database, args.asn, args.reuse)
    year = date.today().year
    plans, items = asyncio.run(_plans(dsn, year, args.share))
    counts = {
        table: int(fetch_values(dsn, f"SELECT count(*) FROM {table}")[0])
        for table in ("asn", "competency_standings", "competency_unit_totals", "jp_totals", "units")
    }
    counts |= {"approved_plans": plans, "approved_items": items}
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
        "year": year,
        "rows": counts,
        "target_p95_ms": TARGET_P95_MS,
    }
    print(", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items()), flush=True)
    command = [str(BIN / "bangkom"), "serve", "--port", str(PORT), "--workers", "1"]
    with server(command, env, f"http://127.0.0.1:{PORT}/healthz"):
        base = f"http://127.0.0.1:{PORT}"
        bpsdm, opd = password_token(base, "bpsdm"), password_token(base, "opd.diskominfo")
        report = f"{base}/api/v1/reports/training-needs?year={year}"
        proposal = f"{base}/api/v1/units/{opd_unit}/development-programs/{year}/proposal"
        fresh_runs = max(60, args.requests // 5)

        def unchanged(url: str, token: str, runs: int = args.requests) -> dict[str, float]:
            return unchanged_latency(url, token, runs)

        def after_a_change(url: str, token: str) -> dict[str, float]:
            return latency_after_a_change(url, token, dsn, fresh_runs)

        runs: dict[str, Callable[[], dict[str, float]]] = {
            "province_unchanged_data": lambda: unchanged(report, bpsdm),
            "province_after_a_change": lambda: after_a_change(report, bpsdm),
            "opd_after_a_change": lambda: after_a_change(report, opd),
            "opd_proposal": lambda: unchanged(proposal, opd, fresh_runs),
        }
        measured = measure_all("training-needs", runs, TARGET_P95_MS)
    result["training_needs"] = measured
    print(f"saved {save('training_needs', result)}")


if __name__ == "__main__":
    main()
