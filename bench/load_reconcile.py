"""After the load: compare what the client was told with what PostgreSQL holds.

Every check is a real comparison; a finding is listed with the ids it concerns. "lost" counts what
the client saw written and the database lacks; "duplicated" what the database holds twice or holds
although the client was told otherwise.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import asyncpg
from load_stats import Outcomes


@dataclass
class Baseline:
    asn: int
    record_id: int
    audit_id: int
    event_id: int
    change_seq: int


async def baseline(dsn: str) -> Baseline:
    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM asn) AS asn,"
            " (SELECT coalesce(max(id), 0) FROM learning_records) AS record_id,"
            " (SELECT coalesce(max(id), 0) FROM audit_log) AS audit_id,"
            " (SELECT coalesce(max(id), 0) FROM learning_events) AS event_id,"
            " (SELECT coalesce(max(seq), 0) FROM change_log) AS change_seq"
        )
        return Baseline(**dict(row))
    finally:
        await conn.close()


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    lost: Counter[str] = field(default_factory=Counter)
    duplicated: Counter[str] = field(default_factory=Counter)
    findings: list[str] = field(default_factory=list)

    def check(self, kind: str, what: str, bad: list[Any], counter: Counter[str] | None) -> None:
        if counter is not None:
            counter[what] += len(bad)
        if bad:
            self.findings.append(f"{kind} {what}: {len(bad)} e.g. {bad[:5]}")


async def reconcile(dsn: str, out: Outcomes, base: Baseline, claimant_nips: list[str]) -> Report:
    conn = await asyncpg.connect(dsn)
    try:
        report = Report()
        await _claims(conn, out, base, claimant_nips, report)
        await _decisions(conn, out, base, report)
        await _totals(conn, report)
        await _sync(conn, out, base, report)
        await _change_log(conn, report)
        return report
    finally:
        await conn.close()


async def _claims(
    conn: asyncpg.Connection, out: Outcomes, base: Baseline, nips: list[str], report: Report
) -> None:
    told = {c.record_id: c for c in out.claims if c.record_id is not None}
    unresolved = {c.external_id for c in out.claims if c.record_id is None and (c.status or 500) >= 500}
    refused = {c.external_id for c in out.claims if c.record_id is None and c.status and c.status < 500}
    rows = await conn.fetch(
        "SELECT id, nip, external_id, source FROM learning_records WHERE id > $1 AND nip = ANY($2::text[])",
        base.record_id,
        nips,
    )
    by_id = {r["id"]: r for r in rows}
    per_external = Counter(r["external_id"] for r in rows)
    lost = [i for i in told if i not in by_id]
    wrong = [
        i
        for i, c in told.items()
        if i in by_id and (by_id[i]["nip"], by_id[i]["external_id"]) != (c.nip, c.external_id)
    ]
    twice = [e for e, n in per_external.items() if n > 1]
    told_ext = {c.external_id for c in told.values()}
    extra = [r["id"] for r in rows if r["external_id"] not in told_ext and r["external_id"] not in unresolved]
    despite_refusal = [r["id"] for r in rows if r["external_id"] in refused]
    report.check("claims", "created but missing", lost, report.lost)
    report.check("claims", "stored with another nip/external_id", wrong, report.lost)
    report.check("claims", "external_id stored twice", twice, report.duplicated)
    report.check("claims", "extra records by the load's ASN", extra, report.duplicated)
    report.check("claims", "stored although refused", despite_refusal, report.duplicated)

    keys = {c.idempotency_key: c.record_id for c in told.values()}
    stored = await conn.fetch(
        "SELECT key, body->>'id' AS id FROM idempotency_keys WHERE key = ANY($1::text[])", list(keys)
    )
    stored_by_key = Counter(r["key"] for r in stored)
    key_ids = {r["key"]: r["id"] for r in stored}
    report.check(
        "claims",
        "Idempotency-Key without its stored response",
        [k for k in keys if k not in key_ids],
        report.lost,
    )
    report.check(
        "claims",
        "Idempotency-Key stored twice or pointing elsewhere",
        [k for k in keys if stored_by_key[k] > 1 or (k in key_ids and str(keys[k]) != key_ids[k])],
        report.duplicated,
    )
    audit = Counter(
        int(r["key"])
        for r in await conn.fetch(
            "SELECT key FROM audit_log WHERE id > $1 AND entity = 'learning_record' AND action = 'create'",
            base.audit_id,
        )
    )
    report.check("claims", "without an audit row", [i for i in told if audit[i] == 0], report.lost)
    report.check("claims", "with several audit rows", [i for i in told if audit[i] > 1], report.duplicated)
    fed = set(
        await conn.fetchval(
            "SELECT coalesce(array_agg(key), '{}') FROM change_log WHERE seq > $1 AND entity = 'learning_record'",
            base.change_seq,
        )
    )
    report.check(
        "claims", "missing from the change feed", [i for i in told if str(i) not in fed], report.lost
    )
    report.lines.append(
        f"claims: {len(out.claims)} sent, {len(told)} created as the client saw, {len(rows)} new rows of the "
        f"load's ASN in the database, {len(refused)} refused (4xx), {len(unresolved)} without an answer"
    )


async def _decisions(conn: asyncpg.Connection, out: Outcomes, base: Baseline, report: Report) -> None:
    ids = list(out.decisions)
    rows = {
        r["id"]: r
        for r in await conn.fetch(
            "SELECT id, status, decided_by FROM learning_records WHERE id = ANY($1::bigint[])", ids
        )
    }
    want = {"approve": "verified", "reject": "rejected"}
    wrong = [
        (i, d, rows[i]["status"] if i in rows else None)
        for i, (d, admin) in out.decisions.items()
        if i not in rows or rows[i]["status"] != want[d] or rows[i]["decided_by"] != admin
    ]
    report.check("decisions", "not in the state the client was told", wrong, report.lost)
    report.check("decisions", "accepted twice by the server", out.double_decisions, report.duplicated)
    events = await conn.fetch(
        "SELECT record_id, count(*) AS n FROM learning_events WHERE id > $1 AND action IN ('approved', 'rejected') "
        "GROUP BY record_id",
        base.event_id,
    )
    per_record = {r["record_id"]: r["n"] for r in events}
    report.check(
        "decisions",
        "with several decision events",
        [i for i, n in per_record.items() if n > 1],
        report.duplicated,
    )
    unseen = [i for i in per_record if i not in out.decisions and i not in out.decisions_unknown]
    report.check("decisions", "made in the database but refused to the client", unseen, report.duplicated)
    audit = Counter(
        int(r["key"])
        for r in await conn.fetch(
            "SELECT key FROM audit_log WHERE id > $1 AND entity = 'learning_record' "
            "AND action IN ('approve', 'reject')",
            base.audit_id,
        )
    )
    report.check("decisions", "without an audit row", [i for i in ids if audit[i] == 0], report.lost)
    report.check("decisions", "with several audit rows", [i for i in ids if audit[i] > 1], report.duplicated)
    report.lines.append(
        f"decisions: {len(ids)} answered 200 ({sum(d == 'approve' for d, _ in out.decisions.values())} "
        f"approvals), already decided or raced (expected) answered {dict(out.decision_conflicts)}, {len(out.decisions_unknown)} without an answer"
    )


_TOTALS = """
SELECT coalesce(r.nip, t.nip) AS nip, coalesce(r.year, t.year) AS year,
       coalesce(r.form_code, t.form_code) AS form, r.jp AS ledger_jp, t.jp AS total_jp,
       r.n AS ledger_records, t.records AS total_records
FROM (SELECT nip, year, form_code, sum(jp) AS jp, count(*) AS n FROM learning_records
      WHERE status = 'verified' GROUP BY nip, year, form_code) r
FULL JOIN jp_totals t ON (t.nip, t.year, t.form_code) = (r.nip, r.year, r.form_code)
WHERE coalesce(r.jp, 0) <> coalesce(t.jp, 0) OR coalesce(r.n, 0) <> coalesce(t.records, 0)
"""


async def _caps(conn: asyncpg.Connection) -> dict[int, dict[str, Decimal]]:
    """Per rule-set year, form code -> max_jp_per_year (a year follows the latest set at or before it)."""
    import json

    caps: dict[int, dict[str, Decimal]] = {}
    for r in await conn.fetch("SELECT year, data FROM rule_sets ORDER BY year"):
        data = json.loads(r["data"]) if isinstance(r["data"], str) else r["data"]
        caps[r["year"]] = {
            f["form_code"]: Decimal(str(f["max_jp_per_year"]))
            for f in data.get("form_rules", [])
            if f.get("max_jp_per_year") is not None
        }
    return caps


async def _totals(conn: asyncpg.Connection, report: Report) -> None:
    """jp_totals against the verified ledger, and jp_year_totals against the capped sum of forms."""
    bad_forms = [tuple(r) for r in await conn.fetch(_TOTALS)]
    report.check("totals", "jp_totals rows differing from the verified ledger", bad_forms, report.lost)
    caps_by_set = await _caps(conn)
    sets = sorted(caps_by_set)
    expected: dict[tuple[str, int], Decimal] = {}
    for r in await conn.fetch(
        "SELECT nip, year, form_code, sum(jp) AS jp FROM learning_records WHERE status = 'verified' "
        "GROUP BY nip, year, form_code"
    ):
        applicable = [y for y in sets if y <= r["year"]]
        caps = caps_by_set[applicable[-1]] if applicable else {}
        jp = Decimal(r["jp"])
        cap = caps.get(r["form_code"])
        key = (r["nip"], r["year"])
        expected[key] = expected.get(key, Decimal(0)) + (min(jp, cap) if cap is not None else jp)
    stored = {
        (r["nip"], r["year"]): Decimal(r["jp"]) for r in await conn.fetch("SELECT * FROM jp_year_totals")
    }
    bad_years = [
        (k, expected.get(k), stored.get(k))
        for k in expected.keys() | stored.keys()
        if expected.get(k, Decimal(0)) != stored.get(k, Decimal(0))
    ]
    report.check("totals", "jp_year_totals differing from the ledger", bad_years, report.lost)
    report.lines.append(
        f"totals: {len(expected)} (ASN, year) totals recomputed from the verified ledger of every ASN; "
        f"{len(bad_forms)} form totals and {len(bad_years)} year totals differ"
    )


async def _sync(conn: asyncpg.Connection, out: Outcomes, base: Baseline, report: Report) -> None:
    answered = [b for b in out.sync_batches if b.status == 200 and b.result is not None]
    unanswered = [b for b in out.sync_batches if b.status != 200]
    created = {n for b in answered for n in b.new_nips}
    miscounted = [
        (b.idempotency_key, b.result)
        for b in answered
        if b.result is not None
        and (
            b.result["created"] != len(b.new_nips)
            or b.result["updated"] + b.result["unchanged"] != len(b.updated_nips)
            or b.result["errors"]
        )
    ]
    report.check("sync", "batches whose counts differ from what was sent", miscounted, report.lost)
    unknown = {n for b in unanswered for n in b.new_nips}
    sent = sorted(created | unknown)
    present = Counter(
        r["nip"] for r in await conn.fetch("SELECT nip FROM asn WHERE nip = ANY($1::text[])", sent)
    )
    after = await conn.fetchval("SELECT count(*) FROM asn")
    unknown_present = sum(1 for n in unknown if present[n])
    report.check("sync", "created NIPs missing", [n for n in created if not present[n]], report.lost)
    report.check("sync", "NIPs stored twice", [n for n, c in present.items() if c > 1], report.duplicated)
    expected_count = base.asn + len(created) + unknown_present
    report.check(
        "sync",
        "asn row count off (after, expected)",
        [] if after == expected_count else [(after, expected_count)],
        report.duplicated if after > expected_count else report.lost,
    )
    audit = {
        r["action"]: r["n"]
        for r in await conn.fetch(
            "SELECT action, count(*) AS n FROM audit_log WHERE id > $1 AND entity = 'asn' GROUP BY action",
            base.audit_id,
        )
    }
    updated = sum(b.result["updated"] for b in answered if b.result is not None)
    audit_creates = audit.get("create", 0)
    if audit_creates != len(created) + unknown_present:
        report.check(
            "sync", "asn create audit rows (rows, expected)", [(audit_creates, len(created))], report.lost
        )
    if not unanswered and audit.get("update", 0) != updated:
        report.check(
            "sync", "asn update audit rows (rows, expected)", [(audit.get("update"), updated)], report.lost
        )
    fed = set(
        await conn.fetchval(
            "SELECT coalesce(array_agg(key), '{}') FROM change_log WHERE seq > $1 AND entity = 'asn'",
            base.change_seq,
        )
    )
    report.check(
        "sync", "created NIPs missing from the change feed", [n for n in created if n not in fed], report.lost
    )
    report.lines.append(
        f"sync: {len(out.sync_batches)} batches ({len(answered)} answered 200, {len(unanswered)} without a "
        f"final answer), {len(created)} NIPs created as reported, {updated} profiles updated; asn rows "
        f"{base.asn} -> {after} (expected {expected_count})"
    )


async def _change_log(conn: asyncpg.Connection, report: Report) -> None:
    row = await conn.fetchrow(
        "SELECT count(*) AS n, coalesce(min(seq), 0) AS lo, coalesce(max(seq), 0) AS hi FROM change_log"
    )
    dense = row["n"] == row["hi"] and row["lo"] in (0, 1)
    report.check("change_log", "seq not dense (count, min, max)", [] if dense else [tuple(row)], report.lost)
    dup = await conn.fetch(
        "SELECT entity, key, seq FROM change_log GROUP BY entity, key, seq HAVING count(*) > 1"
    )
    report.check("change_log", "duplicated (entity, key, seq)", [tuple(r) for r in dup], report.duplicated)
    report.lines.append(f"change_log: {row['n']} rows, seq {row['lo']}..{row['hi']}, dense: {dense}")
