"""Import reports in the reader's language: each report line's and each failed job's message kept as
its English template and parameters beside the English text

Revision ID: 0011_import_message
Revises: 0010_must_change_password
Create Date: 2026-12-06 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011_import_message"
down_revision: str | None = "0010_must_change_password"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Lines and jobs stored before have no template: they are answered with their English text.
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "message_data",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
    with op.batch_alter_table("import_job_rows", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "message",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    # SQLite drops a column in place (3.35+); recreating the tables would trip their foreign keys.
    with op.batch_alter_table("import_job_rows", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("message")
    with op.batch_alter_table("import_jobs", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("message_data")
