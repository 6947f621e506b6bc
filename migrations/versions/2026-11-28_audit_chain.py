"""audit chain: seq, prev_hash and hash on audit_log (existing rows chained in id order), append-only triggers

Revision ID: 0006_audit_chain
Revises: 0005_integration
Create Date: 2026-11-28 15:40:00
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op

revision: str = "0006_audit_chain"
down_revision: str | None = "0005_integration"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 5000
_MESSAGE = "audit_log is append-only"

# Even the owner cannot change or remove a row by mistake; a deliberate owner can drop the trigger,
# which `bangkom audit verify` then catches by the broken chain. On SQLite, a later batch_alter_table
# of audit_log recreates the table and drops these triggers: such a migration must recreate them.
_POSTGRES = [
    f"""CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END $$""",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
]
_SQLITE = [
    f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
    f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
]


# The chain's hash as app.core.audit computed it at this revision, copied so that the rows this
# revision chains keep the hashes it gave them whatever the app's code becomes.
GENESIS = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def canonical_json(value: Any) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=_default)
    except TypeError:
        # Integers beyond 64 bits: orjson refuses them, and reading JSON back gives them as floats.
        return orjson.dumps(_wide_ints_as_floats(value), option=orjson.OPT_SORT_KEYS, default=_default)


def _wide_ints_as_floats(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**64:
        return float(value)
    if isinstance(value, dict):
        return {k: _wide_ints_as_floats(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_wide_ints_as_floats(v) for v in value]
    return value


def canonical_stored(stored: str | None) -> bytes:
    return b"null" if stored is None else canonical_json(orjson.loads(stored))


def canonical_at(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    if at.utcoffset():
        at = at.astimezone(UTC)
    return at.isoformat(timespec="microseconds")


def row_hash(
    seq: int,
    at: datetime,
    actor: str,
    role: str,
    action: str,
    entity: str,
    key: str,
    before: bytes,
    after: bytes,
    request_id: str | None,
    prev_hash: str,
) -> str:
    fragment = orjson.Fragment
    payload = orjson.dumps(
        [
            seq,
            canonical_at(at),
            actor,
            role,
            action,
            entity,
            key,
            fragment(before),
            fragment(after),
            request_id,
            prev_hash,
        ]
    )
    return hashlib.sha256(payload).hexdigest()


def _backfill(connection: sa.Connection) -> None:
    """Chains the rows written before the chain existed, in id order (their order of insertion)."""
    log = sa.table(
        "audit_log",
        *(sa.column(c) for c in ("id", "actor", "role", "action", "entity", "key", "request_id", "seq")),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("before"),
        sa.column("after"),
        sa.column("prev_hash"),
        sa.column("hash"),
    )
    read = sa.select(
        log.c.id,
        log.c.at,
        log.c.actor,
        log.c.role,
        log.c.action,
        log.c.entity,
        log.c.key,
        sa.cast(log.c.before, sa.Text),
        sa.cast(log.c.after, sa.Text),
        log.c.request_id,
    ).order_by(log.c.id)
    write = (
        sa.update(log)
        .where(log.c.id == sa.bindparam("b_id"))
        .values(seq=sa.bindparam("b_seq"), prev_hash=sa.bindparam("b_prev"), hash=sa.bindparam("b_hash"))
    )
    seq, prev, last_id = 0, GENESIS, None
    while True:
        page = read if last_id is None else read.where(log.c.id > last_id)
        rows = connection.execute(page.limit(_BATCH)).all()
        if not rows:
            return
        updates = []
        for row_id, at, actor, role, action, entity, key, before, after, request_id in rows:
            seq += 1
            if at.tzinfo is None:  # SQLite gives the stored UTC time back naive
                at = at.replace(tzinfo=UTC)
            digest = row_hash(
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
                prev,
            )
            updates.append({"b_id": row_id, "b_seq": seq, "b_prev": prev, "b_hash": digest})
            prev = digest
        connection.execute(write, updates)
        last_id = rows[-1][0]


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _backfill(op.get_bind())
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_log_seq"), ["seq"])
    for statement in _POSTGRES if op.get_bind().dialect.name == "postgresql" else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_delete")
        op.execute("DROP TRIGGER audit_log_no_update")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_log_seq"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
