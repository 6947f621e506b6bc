"""SIMPEG sync benchmark (issue 6), on PostgreSQL.

Usage: .venv/bin/python bench/sync_asn.py [--profiles 50000] [--batch 5000] [--runs 3]

Each run starts from a fresh database with the demo's units, positions and standards:

1. POST /api/v1/sync/asn: 50,000 new profiles in batches of 5,000 (one integration client, asn:write).
2. The same data again under new Idempotency-Keys, so every row is compared: created=0 updated=0
   unchanged=50,000, and the database must not change (no profile version, audit row, change-feed
   row or standing written); the run fails otherwise.
3. Every 10th profile renamed: updated=5,000 unchanged=45,000 (one audit row per update).
4. A raw asyncpg COPY of the same 50,000 rows (same columns, typed values) into a scratch table
   with the asn table's columns, and into one that also has its indexes (not its foreign keys),
   measured in the same run (median of three COPYs each). Target: the sync takes at most 5x the
   raw COPY.

With several runs the figures reported are the medians; the load average before and after each run
says whether the machine was busy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
from common import BIN, ROOT, create_client, fetch_values, prepare_database, save, server

PORT = 8321
FIELDS = (
    "nip",
    "name",
    "gender",
    "birth_date",
    "employment_type",
    "golongan",
    "position_id",
    "unit_id",
    "email",
    "phone",
    "education_level",
    "active",
)
GOLONGAN = ("II/a", "II/c", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b")
EDUCATION = ("SMA", "D3", "S1", "S1", "S1", "S2", "S3")
FIRST = ("Siti", "Budi", "Ahmad", "Dewi", "Rina", "Agus", "Nur", "Hendra", "Yuni", "Rudi")
LAST = ("Rahmawati", "Santoso", "Hidayat", "Lestari", "Saputra", "Wulandari", "Pratama", "Kusuma")


def _profiles(
    count: int, units: list[int], positions: list[tuple[int, int]], taken: set[str]
) -> list[dict[str, Any]]:
    """Valid PNS profiles with distinct NIPs (birth date + TMT + gender + sequence)."""
    rng = random.Random(6)
    by_unit: dict[int, list[int]] = {}
    for pid, uid in positions:
        by_unit.setdefault(uid, []).append(pid)
    out: list[dict[str, Any]] = []
    i = 0
    while len(out) < count:
        birth = date(1965, 1, 1) + timedelta(days=(i // 500) * 7 + 3)
        gender = "male" if i % 2 else "female"
        nip = f"{birth:%Y%m%d}{birth.year + 25}{(i % 12) + 1:02d}{'1' if gender == 'male' else '2'}{i % 500 + 1:03d}"
        i += 1
        if nip in taken:
            continue
        unit = rng.choice(units)
        choices = by_unit.get(unit)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
        out.append(
            {
                "nip": nip,
                "name": name,
                "gender": gender,
                "birth_date": birth.isoformat(),
                "employment_type": "pns",
                "golongan": rng.choice(GOLONGAN),
                "position_id": rng.choice(choices) if choices else None,
                "unit_id": unit,
                "email": f"{nip}@bench.kaltimprov.go.id",
                "phone": f"+62 812-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}",
                "education_level": rng.choice(EDUCATION),
                "active": True,
            }
        )
    return out


def _client(env: dict[str, str]) -> tuple[str, str]:
    return create_client(env, "bench SIMPEG", "asn:write asn:read")


def _token(base: str, client_id: str, secret: str) -> str:
    data = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": "asn:write asn:read",
        }
    ).encode()
    with urllib.request.urlopen(
        urllib.request.Request(f"{base}/api/v1/auth/token", data=data), timeout=10
    ) as r:
        return str(json.load(r)["access_token"])


def _sync(base: str, token: str, bodies: list[bytes]) -> tuple[float, dict[str, int], list[float]]:
    totals = {"created": 0, "updated": 0, "unchanged": 0, "errors": 0}
    per_batch: list[float] = []
    started = time.perf_counter()
    for body in bodies:
        t0 = time.perf_counter()
        req = urllib.request.Request(
            f"{base}/api/v1/sync/asn",
            data=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": str(uuid.uuid4()),
            },
        )
        with urllib.request.urlopen(req, timeout=120) as r:
            result = json.load(r)
        per_batch.append(round((time.perf_counter() - t0) * 1000, 1))
        for k in ("created", "updated", "unchanged"):
            totals[k] += result[k]
        totals["errors"] += len(result["errors"])
    return time.perf_counter() - started, totals, per_batch


async def _raw_copy(dsn: str, profiles: list[dict[str, Any]], *, indexes: bool, repeat: int = 3) -> float:
    """COPY of the same rows (as typed values) into a fresh table with the asn table's columns.

    The median of `repeat` COPYs, each into a new table: one COPY of 50,000 rows takes a few tenths of
    a second and varies by a third from one try to the next.
    """
    now = datetime.now(UTC)
    records = [
        (*(date.fromisoformat(p[f]) if f == "birth_date" else p[f] for f in FIELDS), 1, now, now)
        for p in profiles
    ]
    like = "INCLUDING DEFAULTS INCLUDING INDEXES" if indexes else "INCLUDING DEFAULTS"
    conn = await asyncpg.connect(dsn)
    times: list[float] = []
    try:
        for _ in range(repeat):
            await conn.execute("DROP TABLE IF EXISTS bench_sync_scratch")
            await conn.execute(f"CREATE TABLE bench_sync_scratch (LIKE asn {like})")
            started = time.perf_counter()
            await conn.copy_records_to_table(
                "bench_sync_scratch",
                records=records,
                columns=[*FIELDS, "version", "created_at", "updated_at"],
            )
            times.append(time.perf_counter() - started)
            await conn.execute("DROP TABLE bench_sync_scratch")
        return statistics.median(times)
    finally:
        await conn.close()


async def _floor_copy(dsn: str, profiles: list[dict[str, Any]], batch: int, repeat: int = 3) -> float:
    """COPY of the same rows into `asn` itself (its indexes and foreign keys), batch by batch, rolled back.

    The least any sync can cost: the rows must end up in that table. Measured before the sync, while
    the NIPs are new; VACUUM afterwards so the rolled-back rows do not slow the sync down.
    """
    now = datetime.now(UTC)
    records = [
        (*(date.fromisoformat(p[f]) if f == "birth_date" else p[f] for f in FIELDS), 1, now, now)
        for p in profiles
    ]
    conn = await asyncpg.connect(dsn)
    times: list[float] = []
    try:
        for _ in range(repeat):
            started = time.perf_counter()
            tx = conn.transaction()
            await tx.start()
            for i in range(0, len(records), batch):
                await conn.copy_records_to_table(
                    "asn",
                    records=records[i : i + batch],
                    columns=[*FIELDS, "version", "created_at", "updated_at"],
                )
            times.append(time.perf_counter() - started)
            await tx.rollback()
            await conn.execute("VACUUM ANALYZE asn")
        return statistics.median(times)
    finally:
        await conn.close()


# What a replay must leave untouched.
_FOOTPRINT = (
    "SELECT (SELECT count(*) FROM asn) || ':' || (SELECT coalesce(sum(version), 0) FROM asn) || ':' || "
    "(SELECT count(*) FROM audit_log) || ':' || (SELECT count(*) FROM change_log) || ':' || "
    "(SELECT count(*) FROM competency_standings) || ':' || "
    "(SELECT coalesce(sum(required), 0) FROM competency_unit_totals)"
)


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _run(args: argparse.Namespace, number: int) -> dict[str, Any]:
    load_before = _load()
    dsn = prepare_database(args.database, args.asn, reuse=False)
    units = [int(v) for v in fetch_values(dsn, "SELECT id FROM units ORDER BY id")]
    positions = [
        tuple(int(x) for x in v.split(":"))
        for v in fetch_values(dsn, "SELECT id || ':' || unit_id FROM positions ORDER BY id")
    ]
    taken = set(fetch_values(dsn, "SELECT nip FROM asn"))
    profiles = _profiles(args.profiles, units, positions, taken)  # type: ignore[arg-type]
    bodies = [
        json.dumps({"items": profiles[i : i + args.batch]}).encode()
        for i in range(0, len(profiles), args.batch)
    ]
    floor = asyncio.run(_floor_copy(dsn, profiles, args.batch))
    env = os.environ | {
        "BANGKOM_DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        "BANGKOM_LOG_LEVEL": "warning",
    }
    bangkom = [str(BIN / "bangkom"), "serve", "--port", str(PORT), "--workers", "1"]
    with server(bangkom, env, f"http://127.0.0.1:{PORT}/healthz"):
        base = f"http://127.0.0.1:{PORT}"
        client_id, secret = _client(env)
        token = _token(base, client_id, secret)
        seconds, totals, per_batch = _sync(base, token, bodies)
        print(
            f"[run {number}] sync: {len(profiles)} profiles in {len(bodies)} batches: {seconds:.2f} s "
            f"{totals} per batch ms {per_batch}",
            flush=True,
        )
        footprint = fetch_values(dsn, _FOOTPRINT)[0]
        replay_seconds, replay, replay_batches = _sync(base, token, bodies)
        untouched = fetch_values(dsn, _FOOTPRINT)[0] == footprint
        print(
            f"[run {number}] replay (new keys, same data): {replay_seconds:.2f} s {replay} "
            f"database unchanged: {untouched} per batch ms {replay_batches}",
            flush=True,
        )
        if not untouched or replay["unchanged"] != len(profiles):
            raise SystemExit(f"replay wrote something: {footprint} -> {fetch_values(dsn, _FOOTPRINT)[0]}")
        changed = [
            p | {"name": f"{p['name']} (pindah)"} if i % 10 == 0 else p for i, p in enumerate(profiles)
        ]
        change_bodies = [
            json.dumps({"items": changed[i : i + args.batch]}).encode()
            for i in range(0, len(changed), args.batch)
        ]
        change_seconds, change, change_batches = _sync(base, token, change_bodies)
        print(
            f"[run {number}] every 10th profile renamed: {change_seconds:.2f} s {change} "
            f"per batch ms {change_batches}",
            flush=True,
        )
    copy_seconds = asyncio.run(_raw_copy(dsn, profiles, indexes=False))
    copy_indexed = asyncio.run(_raw_copy(dsn, profiles, indexes=True))
    print(
        f"[run {number}] raw COPY of the same rows: {copy_seconds:.3f} s (with the asn indexes: "
        f"{copy_indexed:.3f} s); sync / COPY = {seconds / copy_seconds:.2f}x (target <= 5x); "
        f"with indexes {seconds / copy_indexed:.2f}x; COPY into asn itself (indexes, foreign keys), "
        f"the floor for any sync: {floor:.3f} s = {floor / copy_seconds:.2f}x the raw COPY",
        flush=True,
    )
    audit = int(fetch_values(dsn, "SELECT count(*) FROM audit_log WHERE entity = 'asn'")[0])
    standings = int(fetch_values(dsn, "SELECT count(*) FROM competency_standings")[0])
    return {
        "profiles": len(profiles),
        "units": len(units),
        "positions": len(positions),
        "load_average_before_after": [load_before, _load()],
        "sync": {"seconds": round(seconds, 3), "per_batch_ms": per_batch, **totals},
        "raw_copy_seconds": round(copy_seconds, 4),
        "raw_copy_with_indexes_seconds": round(copy_indexed, 4),
        "ratio": round(seconds / copy_seconds, 2),
        "ratio_vs_indexed_copy": round(seconds / copy_indexed, 2),
        "copy_into_asn_seconds": round(floor, 4),
        "copy_into_asn_ratio": round(floor / copy_seconds, 2),
        "replay": {
            "seconds": round(replay_seconds, 3),
            "per_batch_ms": replay_batches,
            "database_unchanged": untouched,
            **replay,
        },
        "renamed_tenth": {"seconds": round(change_seconds, 3), "per_batch_ms": change_batches, **change},
        "audit_rows_asn": audit,
        "competency_standings_rows": standings,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--profiles", type=int, default=50_000)
    ap.add_argument("--batch", type=int, default=5_000)
    ap.add_argument(
        "--asn", type=int, default=100, help="demo ASN loaded first (units, positions, standards)"
    )
    ap.add_argument("--runs", type=int, default=3, help="fresh-database runs; medians are reported")
    ap.add_argument("--database", default="bangkom_bench_sync")
    args = ap.parse_args()

    runs = [_run(args, n) for n in range(1, args.runs + 1)]

    def median(key: str, sub: str | None = None) -> float:
        return round(float(statistics.median(r[key][sub] if sub else r[key] for r in runs)), 3)

    m = {
        "sync_seconds": median("sync", "seconds"),
        "raw_copy_seconds": median("raw_copy_seconds"),
        "raw_copy_with_indexes_seconds": median("raw_copy_with_indexes_seconds"),
        "ratio": median("ratio"),
        "ratio_vs_indexed_copy": median("ratio_vs_indexed_copy"),
        "copy_into_asn_seconds": median("copy_into_asn_seconds"),
        "copy_into_asn_ratio": median("copy_into_asn_ratio"),
        "replay_seconds": median("replay", "seconds"),
        "renamed_tenth_seconds": median("renamed_tenth", "seconds"),
    }

    result: dict[str, object] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "demo_asn": args.asn,
        "profiles": runs[0]["profiles"],
        "batch": args.batch,
        "units": runs[0]["units"],
        "positions": runs[0]["positions"],
        "runs": len(runs),
        "median": m,
        "target_ratio": 5,
        "per_run": runs,
    }
    print(
        f"median of {len(runs)}: sync {m['sync_seconds']} s, raw COPY {m['raw_copy_seconds']} s "
        f"(indexed {m['raw_copy_with_indexes_seconds']} s): {m['ratio']}x, vs indexed "
        f"{m['ratio_vs_indexed_copy']}x; COPY into asn itself {m['copy_into_asn_seconds']} s = "
        f"{m['copy_into_asn_ratio']}x; replay {m['replay_seconds']} s; "
        f"renamed tenth {m['renamed_tenth_seconds']} s; load averages "
        f"{[r['load_average_before_after'] for r in runs]}"
    )
    print(f"saved {save('sync_asn', result).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
