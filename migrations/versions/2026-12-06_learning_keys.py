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
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic import op

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


# The keys as app.learning.service and app.core.text computed them at this revision, with the UTS #39
# table they read (Unicode 13.0.0), copied so that what this revision stored does not change with them.
_CONFUSABLES = Path(__file__).resolve().parents[1] / "data" / "0008_confusables.txt"
_IGNORABLE_OUTSIDE_CF = frozenset(
    [
        *(0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180E, 0x180F, 0x3164, 0xFFA0),
        *range(0xFE00, 0xFE10),
        *range(0xE0100, 0xE01F0),
    ]
)
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _strip_format(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def _ignorable(char: str) -> bool:
    return ord(char) in _IGNORABLE_OUTSIDE_CF or unicodedata.category(char) == "Cf"


@cache
def _prototypes() -> dict[str, str]:
    table: dict[str, str] = {}
    with _CONFUSABLES.open(encoding="utf-8-sig") as lines:
        for line in lines:
            fields = line.split("#", 1)[0].split(";")
            if len(fields) < 2:
                continue
            source = chr(int(fields[0], 16))
            table[source] = "".join(chr(int(code, 16)) for code in fields[1].split())
    return table


def _skeleton(text: str) -> str:
    prototypes = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    mapped = "".join(prototypes.get(c, c) for c in decomposed if not _ignorable(c))
    return unicodedata.normalize("NFD", mapped)


def _fold(text: str) -> str:
    if text.isascii():
        return text.translate(_ascii_folds())
    return _fold_any(text)


def _fold_any(text: str) -> str:
    capitals = unicodedata.normalize("NFKC", _strip_format(text)).upper()
    return _skeleton(_skeleton(capitals).casefold())


@cache
def _ascii_folds() -> dict[int, str]:
    return {code: _fold_any(chr(code)) for code in range(128)}


def title_key(title: str) -> str:
    folded = _ACCENTS.sub("", _fold(title))
    words = "".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in folded).split()
    return " ".join(words)[:300]


def certificate_key(number: str | None) -> str | None:
    if not number:
        return None
    return "".join(_fold(number).split())[:300] or None


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
        "ix_learning_records_nip_certificate_key",
        "learning_records",
        ["nip", "certificate_key"],
        unique=False,
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
