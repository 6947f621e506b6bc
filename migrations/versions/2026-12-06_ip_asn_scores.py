"""ip asn scores: each PNS/CPNS's IP ASN points per year, derived and kept in step with its inputs

Revision ID: 0014_ip_asn_scores
Revises: 0013_talent_placements
Create Date: 2026-12-06 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_ip_asn_scores"
down_revision: str | None = "0013_talent_placements"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ip_asn_scores",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kualifikasi", sa.SmallInteger(), nullable=False),
        sa.Column("kompetensi", sa.SmallInteger(), nullable=False),
        sa.Column("kinerja", sa.SmallInteger(), nullable=False),
        sa.Column("disiplin", sa.SmallInteger(), nullable=False),
        sa.Column("total", sa.SmallInteger(), nullable=False),
        sa.Column("category", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("year", "nip", name=op.f("pk_ip_asn_scores")),
    )
    with op.batch_alter_table("ip_asn_scores", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ip_asn_scores_year_unit_id_category", ["year", "unit_id", "category"], unique=False
        )
    op.create_table(
        "ip_asn_score_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_ip_asn_score_years")),
    )
    # Nothing is stored yet: until a year is (the first write touching it, a rule change, `bangkom demo
    # load`), its report is computed from the records as before (app/talent/ip/scores.py).


def downgrade() -> None:
    op.drop_table("ip_asn_score_years")
    with op.batch_alter_table("ip_asn_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_ip_asn_scores_year_unit_id_category")
    op.drop_table("ip_asn_scores")
