"""token generation on users and integration clients: access tokens carry it, raising it ends them

Revision ID: 0007_token_generation
Revises: 0006_audit_chain
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_token_generation"
down_revision: str | None = "0006_audit_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("users", "integration_clients")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("token_generation", sa.Integer(), server_default="0", nullable=False)
            )


def downgrade() -> None:
    for table in _TABLES:
        # SQLite drops a column in place (3.35+); recreating `users` would trip the foreign keys
        # that point at it.
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            batch_op.drop_column("token_generation")
