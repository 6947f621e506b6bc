"""must_change_password on users: set by a one-time password, cleared when the user changes it

Revision ID: 0010_must_change_password
Revises: 0009_rules_current_year
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_must_change_password"
down_revision: str | None = "0009_rules_current_year"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    # SQLite drops a column in place (3.35+); recreating `users` would trip the foreign keys
    # that point at it.
    with op.batch_alter_table("users", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("must_change_password")
