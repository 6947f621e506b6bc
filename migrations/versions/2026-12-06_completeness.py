"""data completeness: daily snapshots per unit, and the indexes the province report reads

Revision ID: 0016_completeness
Revises: 0015_data_versions
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_completeness"
down_revision: str | None = "0015_data_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTS = (
    "contact",
    "education",
    "position_standard",
    "competency_assessment",
    "potential_assessment",
    "performance_last_year",
    "jp_this_year",
    "queue_within_sla",
    "queue_pending",
    "queue_over_sla",
)


def upgrade() -> None:
    op.create_table(
        "completeness_snapshots",
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTS),
        sa.Column("queue_oldest_days", sa.Integer(), nullable=True),
        sa.Column("score", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.PrimaryKeyConstraint("taken_on", "unit_id", name=op.f("pk_completeness_snapshots")),
    )
    # The report gathers, for everyone at once, who has an assessment in a date range, verified JP in a
    # year and a pending claim filed before a day: each an index-only range scan instead of a table.
    op.create_index("ix_assessments_assessed_on_nip", "assessments", ["assessed_on", "nip"], unique=False)
    op.create_index(
        "ix_jp_year_totals_year_nip",
        "jp_year_totals",
        ["year", "nip"],
        unique=False,
        postgresql_include=["jp"],
    )
    op.create_index(
        "ix_learning_records_pending_created",
        "learning_records",
        ["created_at", "nip", "year"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
        sqlite_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("ix_learning_records_pending_created", table_name="learning_records")
    op.drop_index("ix_jp_year_totals_year_nip", table_name="jp_year_totals")
    op.drop_index("ix_assessments_assessed_on_nip", table_name="assessments")
    op.drop_table("completeness_snapshots")
