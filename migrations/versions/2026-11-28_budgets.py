"""budgets: yearly belanja daerah and unit pagu/realisasi

Revision ID: 0004_budgets
Revises: 0003_competencies
Create Date: 2026-11-28 09:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_budgets"
down_revision: str | None = "0003_competencies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "budgets",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("jurisdiction", sa.String(length=20), nullable=False),
        sa.Column("total_belanja_daerah_idr", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_budgets")),
    )
    op.create_table(
        "unit_budgets",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("unit_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("pagu_idr", sa.BigInteger(), nullable=False),
        sa.Column("realisasi_idr", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_unit_budgets_unit_id_units")),
        sa.ForeignKeyConstraint(["year"], ["budgets.year"], name=op.f("fk_unit_budgets_year_budgets")),
        sa.PrimaryKeyConstraint("year", "unit_id", name=op.f("pk_unit_budgets")),
    )


def downgrade() -> None:
    op.drop_table("unit_budgets")
    op.drop_table("budgets")
