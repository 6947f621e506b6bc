"""learning keys: title_key folded with the UTS #39 skeleton (non-Latin titles keep their letters), certificate_key

Revision ID: 0008_learning_keys
Revises: 0007_token_generation
Create Date: 2026-12-06 11:00:00

Existing rows get the keys the code now computes, so a record stored before this revision is found
as a duplicate like one stored after it. The stored titles and numbers are left as they are: the
ledger changes only by audited transitions, and the keys no longer depend on invisible characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from app.learning.service import certificate_key, title_key

revision: str = "0008_learning_keys"
down_revision: str | None = "0007_token_generation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 5000
_RECORDS = sa.table(
    "learning_records",
    sa.column("id", sa.BigInteger()),
    sa.column("title", sa.String()),
    sa.column("title_key", sa.String()),
    sa.column("certificate_number", sa.String()),
    sa.column("certificate_key", sa.String()),
)


def _legacy_title_key(title: str) -> str:
    """The key before this revision (ASCII letters and digits only), for the downgrade."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())[:300]


def _rekey(
    connection: sa.Connection,
    title: Callable[[str], str],
    certificate: Callable[[str | None], str | None] | None,
) -> None:
    r = _RECORDS
    read = sa.select(r.c.id, r.c.title, r.c.title_key, r.c.certificate_number).order_by(r.c.id)
    values: dict[str, sa.BindParameter[str]] = {"title_key": sa.bindparam("b_title")}
    if certificate is not None:
        values["certificate_key"] = sa.bindparam("b_certificate")
    write = sa.update(r).where(r.c.id == sa.bindparam("b_id")).values(**values)
    last_id = None
    while True:
        page = read if last_id is None else read.where(r.c.id > last_id)
        rows = connection.execute(page.limit(_BATCH)).all()
        if not rows:
            return
        updates: list[dict[str, object]] = []
        for row_id, row_title, old_key, number in rows:
            new_key = title(row_title)
            new_certificate = certificate(number) if certificate is not None else None
            if new_key != old_key or new_certificate is not None:
                update = {"b_id": row_id, "b_title": new_key}
                if certificate is not None:
                    update["b_certificate"] = new_certificate
                updates.append(update)
        if updates:
            connection.execute(write, updates)
        last_id = rows[-1][0]


def upgrade() -> None:
    op.add_column("learning_records", sa.Column("certificate_key", sa.String(length=300), nullable=True))
    _rekey(op.get_bind(), title_key, certificate_key)
    op.drop_index("ix_learning_records_nip_certificate", table_name="learning_records")
    op.create_index(
        "ix_learning_records_nip_certificate_key", "learning_records", ["nip", "certificate_key"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_learning_records_nip_certificate_key", table_name="learning_records")
    op.create_index(
        "ix_learning_records_nip_certificate", "learning_records", ["nip", "certificate_number"], unique=False
    )
    _rekey(op.get_bind(), _legacy_title_key, None)
    # SQLite drops a column in place (3.35+); recreating learning_records would trip its foreign keys.
    with op.batch_alter_table("learning_records", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("certificate_key")
