"""SIMPEG sync benchmark (issue 6), on PostgreSQL.

Usage: .venv/bin/python bench/sync_asn.py [--profiles 50000] [--batch 5000] [--reuse]

1. POST /api/v1/sync/asn: 50,000 new profiles in batches of 5,000 (one integration client, asn:write).
2. A raw asyncpg COPY of the same rows into a scratch table with the asn table's columns (and,
   for reference, into one that also has its indexes), measured in the same run.
   Target: the sync takes at most 5x the raw COPY.
3. The same data again under new Idempotency-Keys: created=0 updated=0 unchanged=50,000.
4. Every 10th profile renamed: updated=5,000 unchanged=45,000 (one audit row per update).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
from common import BIN, ROOT, fetch_values, prepare_database, save, server

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
    out = subprocess.run(
        [
            str(BIN / "bangkom"),
            "clients",
            "create",
            "--name",
            "bench SIMPEG",
            "--scopes",
            "asn:write asn:read",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    fields = dict(line.split("=", 1) for line in out.split() if "=" in line)
    return fields["client_id"], fields["client_secret"]


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


async def _raw_copy(dsn: str, profiles: list[dict[str, Any]], *, indexes: bool) -> float:
    """COPY of the same rows (as typed values) into a fresh table with the asn table's columns."""
    now = datetime.now(UTC)
    records = [
        (*(date.fromisoformat(p[f]) if f == "birth_date" else p[f] for f in FIELDS), 1, now, now)
        for p in profiles
    ]
    conn = await asyncpg.connect(dsn)
    try:
        like = "INCLUDING DEFAULTS INCLUDING INDEXES" if indexes else "INCLUDING DEFAULTS"
        await conn.execute("DROP TABLE IF EXISTS bench_sync_scratch")
        await conn.execute(f"CREATE TABLE bench_sync_scratch (LIKE asn {like})")
        started = time.perf_counter()
        await conn.copy_records_to_table(
            "bench_sync_scratch", records=records, columns=[*FIELDS, "version", "created_at", "updated_at"]
        )
        elapsed = time.perf_counter() - started
        await conn.execute("DROP TABLE bench_sync_scratch")
        return elapsed
    finally:
        await conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--profiles", type=int, default=50_000)
    ap.add_argument("--batch", type=int, default=5_000)
    ap.add_argument(
        "--asn", type=int, default=100, help="demo ASN loaded first (units, positions, standards)"
    )
    ap.add_argument("--database", default="bangkom_bench_sync")
    args = ap.parse_args()

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
    env = os.environ | {
        "BANGKOM_DATABASE_URL": dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        "BANGKOM_LOG_LEVEL": "warning",
    }
    result: dict[str, object] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "demo_asn": args.asn,
        "profiles": len(profiles),
        "batch": args.batch,
        "units": len(units),
        "positions": len(positions),
    }
    bangkom = [str(BIN / "bangkom"), "serve", "--port", str(PORT), "--workers", "1"]
    with server(bangkom, env, f"http://127.0.0.1:{PORT}/healthz"):
        base = f"http://127.0.0.1:{PORT}"
        client_id, secret = _client(env)
        token = _token(base, client_id, secret)
        seconds, totals, per_batch = _sync(base, token, bodies)
        print(
            f"sync: {len(profiles)} profiles in {len(bodies)} batches: {seconds:.2f} s {totals} per batch ms {per_batch}"
        )
        replay_seconds, replay, replay_batches = _sync(base, token, bodies)
        print(f"replay (new keys, same data): {replay_seconds:.2f} s {replay} per batch ms {replay_batches}")
        changed = [
            p | {"name": f"{p['name']} (pindah)"} if i % 10 == 0 else p for i, p in enumerate(profiles)
        ]
        change_bodies = [
            json.dumps({"items": changed[i : i + args.batch]}).encode()
            for i in range(0, len(changed), args.batch)
        ]
        change_seconds, change, change_batches = _sync(base, token, change_bodies)
        print(f"every 10th profile renamed: {change_seconds:.2f} s {change} per batch ms {change_batches}")
    copy_seconds = asyncio.run(_raw_copy(dsn, profiles, indexes=False))
    copy_indexed = asyncio.run(_raw_copy(dsn, profiles, indexes=True))
    ratio = seconds / copy_seconds
    print(
        f"raw COPY of the same rows: {copy_seconds:.3f} s (with the asn indexes: {copy_indexed:.3f} s); "
        f"sync / COPY = {ratio:.2f}x (target <= 5x); with indexes {seconds / copy_indexed:.2f}x"
    )
    audit = int(fetch_values(dsn, "SELECT count(*) FROM audit_log WHERE entity = 'asn'")[0])
    standings = int(fetch_values(dsn, "SELECT count(*) FROM competency_standings")[0])
    result |= {
        "sync": {"seconds": round(seconds, 3), "per_batch_ms": per_batch, **totals},
        "raw_copy_seconds": round(copy_seconds, 4),
        "raw_copy_with_indexes_seconds": round(copy_indexed, 4),
        "ratio": round(ratio, 2),
        "ratio_vs_indexed_copy": round(seconds / copy_indexed, 2),
        "target_ratio": 5,
        "replay": {"seconds": round(replay_seconds, 3), "per_batch_ms": replay_batches, **replay},
        "renamed_tenth": {"seconds": round(change_seconds, 3), "per_batch_ms": change_batches, **change},
        "audit_rows_asn": audit,
        "competency_standings_rows": standings,
    }
    print(f"audit rows (asn): {audit}; competency standings: {standings}")
    print(f"saved {save('sync_asn', result).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
