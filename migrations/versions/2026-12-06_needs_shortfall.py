"""placeholder: filled in by the training-needs part (shortfall sums per unit and competency)

Revision ID: 0020_needs_shortfall
Revises: 0019_planning
Create Date: 2026-12-06 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0020_needs_shortfall"
down_revision: str | None = "0019_planning"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
