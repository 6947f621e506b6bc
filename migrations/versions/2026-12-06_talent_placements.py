"""talent placements: each ASN's 9-box per year, derived and kept in step with its inputs

Revision ID: 0013_talent_placements
Revises: 0012_talent_records
Create Date: 2026-12-06 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_talent_placements"
down_revision: str | None = "0012_talent_records"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "talent_placements",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("predikat", sa.String(length=20), nullable=False),
        sa.Column("kinerja", sa.String(length=10), nullable=False),
        sa.Column("jpm", sa.Integer(), nullable=True),
        sa.Column("potential_score", sa.Integer(), nullable=True),
        sa.Column("potential_assessed_on", sa.Date(), nullable=True),
        sa.Column("potensial_score", sa.Integer(), nullable=True),
        sa.Column("potensial", sa.String(length=10), nullable=True),
        sa.Column("box", sa.SmallInteger(), nullable=True),
        sa.PrimaryKeyConstraint("year", "nip", name=op.f("pk_talent_placements")),
    )
    with op.batch_alter_table("talent_placements", schema=None) as batch_op:
        batch_op.create_index("ix_talent_placements_year_box_nip", ["year", "box", "nip"], unique=False)
        batch_op.create_index(
            "ix_talent_placements_year_unit_id_box", ["year", "unit_id", "box"], unique=False
        )
    # SKP results arrive in the same release (0012), so there is nothing to place yet; from here on
    # every write of an input refreshes its placements (app/talent/box/placements.py).


def downgrade() -> None:
    with op.batch_alter_table("talent_placements", schema=None) as batch_op:
        batch_op.drop_index("ix_talent_placements_year_unit_id_box")
        batch_op.drop_index("ix_talent_placements_year_box_nip")
    op.drop_table("talent_placements")
