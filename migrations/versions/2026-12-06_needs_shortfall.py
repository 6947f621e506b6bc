"""training needs: competency_unit_totals.shortfall_sum, Σ max(0, required − actual) per unit and competency

Revision ID: 0020_needs_shortfall
Revises: 0019_planning
Create Date: 2026-12-06 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_needs_shortfall"
down_revision: str | None = "0019_planning"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The totals count active ASN only, as app/competencies/standards/standings.py does; a correlated
# subquery (no UPDATE … FROM) so the same statement runs on SQLite and PostgreSQL.
_FILL = """
UPDATE competency_unit_totals
SET shortfall_sum = COALESCE((
    SELECT SUM(s.required_level - s.actual_level)
    FROM competency_standings s
    WHERE s.unit_id = competency_unit_totals.unit_id
      AND s.competency_code = competency_unit_totals.competency_code
      AND s.active
      AND s.actual_level < s.required_level
), 0)
"""


def upgrade() -> None:
    with op.batch_alter_table("competency_unit_totals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shortfall_sum", sa.Integer(), server_default="0", nullable=False))
    op.execute(_FILL)


def downgrade() -> None:
    with op.batch_alter_table("competency_unit_totals", schema=None) as batch_op:
        batch_op.drop_column("shortfall_sum")
