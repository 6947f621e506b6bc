"""Reminder campaign benchmark (issue 17), on PostgreSQL with 60,000 demo ASN.

Usage: .venv/bin/python bench/reminder_campaign.py [--asn 60000] [--reuse]

The demo generator makes logins for a few people only, so every ASN without an account gets one here,
set-based (what provisioning would have left). No learning records are generated: every PNS and CPNS
is below the yearly JP target, the campaign's worst case. Then, with the application's own
`reminders.service.run` in one transaction each, as of 1 July of this year (the default campaign's
first day), timed to the commit:
1. a dry run of `asn_below_jp_target` (choosing, with up to 3 suggested courses per person);
2. a real run: one inbox row per person and an email delivery for each with an address (target <= 10 s);
3. the same real run again: everyone was reminded within the interval, nothing is queued.
Messages an earlier run of this script queued are deleted first, so each run measures a full queueing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import time
from datetime import date
from typing import Any

import asyncpg
from common import ROOT, prepare_database, save

TARGET_S = 10.0
CAMPAIGN = "asn_below_jp_target"

ACCOUNTS = """
INSERT INTO users (username, password_hash, role, unit_id, nip, active, created_at, token_generation,
                   must_change_password, version)
SELECT a.nip, $1, 'asn', a.unit_id, a.nip, true, now(), 0, false, 1
FROM asn a
WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.nip = a.nip OR u.username = a.nip)
"""
FORGET = """
DELETE FROM notification_deliveries
WHERE notification_id IN (SELECT id FROM notifications WHERE kind = $1);
"""


async def prepare(dsn: str) -> dict[str, int]:
    conn = await asyncpg.connect(dsn)
    try:
        # Any valid Argon2 hash will do: nobody logs in as these accounts here.
        some_hash = await conn.fetchval("SELECT password_hash FROM users ORDER BY id LIMIT 1")
        created = int((await conn.execute(ACCOUNTS, some_hash)).split()[-1])
        await conn.execute(FORGET, CAMPAIGN)
        await conn.execute("DELETE FROM notifications WHERE kind = $1", CAMPAIGN)
        await conn.execute("VACUUM ANALYZE users")
        await conn.execute("VACUUM ANALYZE notifications")
        counts = {
            "asn": int(await conn.fetchval("SELECT count(*) FROM asn")),
            "asn_accounts": int(await conn.fetchval("SELECT count(*) FROM users WHERE role = 'asn'")),
            "accounts_created_now": created,
            "competency_standings": int(await conn.fetchval("SELECT count(*) FROM competency_standings")),
            "active_courses": int(await conn.fetchval("SELECT count(*) FROM courses WHERE active")),
        }
        return counts
    finally:
        await conn.close()


async def runs(dsn: str, as_of: date) -> dict[str, Any]:
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

    import app.models  # noqa: F401 (the whole schema)
    from app.notifications.models import Notification, NotificationDelivery
    from app.reminders import service

    engine = create_async_engine(dsn.replace("postgresql://", "postgresql+asyncpg://", 1))
    out: dict[str, Any] = {}
    try:
        for name, dry in (("dry_run", True), ("real_run", False), ("second_run", False)):
            async with AsyncSession(engine, expire_on_commit=False) as session:
                started = time.perf_counter()
                done = await service.run(
                    session, "bench", as_of.year, dry_run=dry, campaign=CAMPAIGN, as_of=as_of
                )
                await session.commit()
                seconds = time.perf_counter() - started
            (result,) = done.results
            out[name] = {
                "seconds": round(seconds, 2),
                "selected": result.selected,
                "skipped_recent": result.skipped_recent,
                "queued": result.queued,
            }
            print(
                f"{name:>10}: {seconds:6.2f} s  {result.selected:,} chosen, {result.skipped_recent:,} reminded "
                f"recently, {result.queued:,} queued"
                + (f" (target <= {TARGET_S:.0f} s)" if name == "real_run" else ""),
                flush=True,
            )
        async with AsyncSession(engine) as session:
            out["notifications"] = await session.scalar(
                select(func.count()).select_from(Notification).where(Notification.kind == CAMPAIGN)
            )
            out["email_deliveries"] = await session.scalar(
                select(func.count())
                .select_from(NotificationDelivery)
                .join(Notification, Notification.id == NotificationDelivery.notification_id)
                .where(Notification.kind == CAMPAIGN)
            )
    finally:
        await engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--asn", type=int, default=60_000)
    ap.add_argument("--database", default="bangkom_bench_reminders")
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args()

    dsn = prepare_database(
        args.database, args.asn, args.reuse, ["--records-per-asn", "0", "--assessments-per-asn", "3"]
    )
    counts = asyncio.run(prepare(dsn))
    print(
        f"{counts['asn']:,} ASN, {counts['asn_accounts']:,} ASN accounts ({counts['accounts_created_now']:,} "
        f"created now), {counts['competency_standings']:,} standings, {counts['active_courses']:,} active courses",
        flush=True,
    )
    as_of = date(date.today().year, 7, 1)
    figures = asyncio.run(runs(dsn, as_of))
    result: dict[str, object] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average": os.getloadavg()[0],
        "asn": args.asn,
        "as_of": as_of.isoformat(),
        "rows": counts,
        "target_s": TARGET_S,
        **figures,
    }
    print(f"saved {save('reminder_campaign', result).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
