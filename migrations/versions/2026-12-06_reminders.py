"""reminder campaigns as rule data, and the closing of a year's claims

Revision ID: 0018_reminders
Revises: 0017_notifications
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018_reminders"
down_revision: str | None = "0017_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No seed row: a year without its own campaigns uses the built-in defaults (app/reminders/defaults.py).
    op.create_table(
        "reminder_rule_sets",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_reminder_rule_sets")),
    )
    op.create_table(
        "year_closings",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("claims_close_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_year_closings")),
    )


def downgrade() -> None:
    op.drop_table("year_closings")
    op.drop_table("reminder_rule_sets")
