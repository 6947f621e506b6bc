"""What the mixed load measured: per-route latencies and statuses, and what each write was told."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


def percentile(sorted_ms: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of an already sorted list."""
    if not sorted_ms:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_ms)))
    return sorted_ms[rank - 1]


@dataclass
class Route:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0

    def summary(self) -> dict[str, Any]:
        ms = sorted(self.latencies_ms)
        by_class = Counter(f"{s // 100}xx" for s in self.statuses.elements())
        return {
            "count": len(ms),
            "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1),
            "max_ms": round(ms[-1], 1) if ms else float("nan"),
            "2xx": by_class["2xx"],
            "4xx": by_class["4xx"],
            "5xx": by_class["5xx"],
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "transport_errors": self.transport_errors,
        }


@dataclass
class Claim:
    """One claim as the client saw it: the key and body it sent, and the record it was given (if any)."""

    nip: str
    idempotency_key: str
    external_id: str
    record_id: int | None = None
    status: int | None = None  # the last HTTP status; None when every attempt failed in transport


@dataclass
class SyncBatch:
    idempotency_key: str
    new_nips: list[str]
    updated_nips: list[str]
    status: int | None = None
    result: dict[str, Any] | None = None


@dataclass
class Outcomes:
    routes: dict[str, Route] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    # record id -> (decision, the admin's username) for every decision answered 200.
    decisions: dict[int, tuple[str, str]] = field(default_factory=dict)
    # record ids whose decision got no answer (transport error): either state is acceptable.
    decisions_unknown: set[int] = field(default_factory=set)
    decision_conflicts: Counter[int] = field(default_factory=Counter)  # 409/412 by status
    # A record the client saw decided twice: (id, first (decision, admin), second decision).
    double_decisions: list[tuple[int, tuple[str, str], str]] = field(default_factory=list)
    sync_batches: list[SyncBatch] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)  # "METHOD path -> status: body"
    transport_error_samples: list[str] = field(default_factory=list)

    def route(self, name: str) -> Route:
        found = self.routes.get(name)
        if found is None:
            found = self.routes[name] = Route()
        return found
