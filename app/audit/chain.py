"""Checking the audit chain: every row recomputed, in seq order, in batches of bounded size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, cast, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.core.audit import GENESIS, AuditEntry, canonical_stored, row_hash

BATCH = 5000

_READ = select(
    AuditEntry.seq,
    AuditEntry.id,
    AuditEntry.at,
    AuditEntry.actor,
    AuditEntry.role,
    AuditEntry.action,
    AuditEntry.entity,
    AuditEntry.key,
    # The stored text, not the JSON column's Python value: it is re-canonicalised the same way as at
    # insert on both databases (audit.canonical_stored).
    cast(AuditEntry.before, Text),
    cast(AuditEntry.after, Text),
    AuditEntry.request_id,
    AuditEntry.prev_hash,
    AuditEntry.hash,
).order_by(AuditEntry.seq)


@dataclass(frozen=True, slots=True)
class BrokenLink:
    seq: int
    id: int | None
    problem: str  # "missing_seq", "prev_hash_mismatch" or "hash_mismatch"
    detail: str


@dataclass(frozen=True, slots=True)
class Verification:
    rows: int
    first_seq: int
    last_seq: int | None
    last_hash: str | None
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None

    def describe(self) -> str:
        if self.broken is None:
            if self.rows == 0:
                return f"0 rows from seq {self.first_seq}, chain intact"
            return f"{self.rows} rows, chain intact, last seq {self.last_seq}, last hash {self.last_hash}"
        b = self.broken
        row = f"id {b.id}" if b.id is not None else "no row"
        return f"chain broken at seq {b.seq} ({row}): {b.problem}: {b.detail} ({self.rows} rows intact before it)"


def _check(row: Any, expected_seq: int, prev: str | None) -> BrokenLink | None:
    seq, row_id, at, actor, role, action, entity, key, before, after, request_id, prev_hash, stored = row
    if seq != expected_seq:
        return BrokenLink(
            expected_seq,
            None,
            "missing_seq",
            f"no row has seq {expected_seq}; the next is seq {seq} (id {row_id})",
        )
    if prev is not None and prev_hash != prev:
        return BrokenLink(
            seq,
            row_id,
            "prev_hash_mismatch",
            f"prev_hash {prev_hash} is not the hash of seq {seq - 1}, {prev}",
        )
    computed = row_hash(
        seq,
        at,
        actor,
        role,
        action,
        entity,
        key,
        canonical_stored(before),
        canonical_stored(after),
        request_id,
        prev_hash,
    )
    if computed != stored:
        return BrokenLink(
            seq, row_id, "hash_mismatch", f"stored hash {stored}, the row's content hashes to {computed}"
        )
    return None


async def verify(connection: AsyncConnection, from_seq: int = 1, batch: int = BATCH) -> Verification:
    """Recomputes the chain from `from_seq` (its row's prev_hash is trusted, or must be 64 zeros at seq 1).

    Keyset batches keep memory bounded whatever the length of the trail; rows are never removed, so
    rows appended while this runs are simply checked too.
    """
    expected, prev = from_seq, GENESIS if from_seq <= 1 else None
    expected = max(expected, 1)
    first, rows, last_hash = expected, 0, None
    while True:
        page = (await connection.execute(_READ.where(AuditEntry.seq >= expected).limit(batch))).all()
        for row in page:
            broken = _check(row, expected, prev)
            if broken is not None:
                last = expected - 1 if rows else None
                return Verification(rows, first, last, last_hash, broken)
            rows += 1
            prev = last_hash = row[-1]
            expected += 1
        if len(page) < batch:
            return Verification(rows, first, expected - 1 if rows else None, last_hash, None)
