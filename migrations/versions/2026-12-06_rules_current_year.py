"""rules for the current year: 2025 and 2026 get their own rule sets, with the per-form rules

Revision ID: 0009_rules_current_year
Revises: 0008_learning_keys
Create Date: 2026-12-06 12:30:00

Until now only 2019 had a rule set, without form rules, so every later year fell back to it and a
seminar of a day counted whatever its certificate said. The years the system is used in get the
values of docs/domain.md with the per-form rules of the one published agency rule it cites (BPS,
2019), for BPSDM to review and change through PUT /api/v1/rules/{year}. A year that already has a
set keeps it: an administrator's decision is never overwritten by an upgrade.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009_rules_current_year"
down_revision: str | None = "0008_learning_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

YEARS = (2025, 2026)


def _form(
    code: str,
    *,
    max_jp_per_day: str | None = None,
    fixed_jp: str | None = None,
) -> dict[str, Any]:
    # The shape PUT /api/v1/rules/{year} stores, so a set saved unchanged through the API is equal.
    return {
        "form_code": code,
        "jp_factor": None,
        "max_jp_per_day": max_jp_per_day,
        "fixed_jp": fixed_jp,
        "max_jp_per_year": None,
    }


# The rule set as this revision seeds it, frozen here: app.rules.defaults may move on, this must not.
# "1 day = N JP" is a per-day cap (a two-hour webinar keeps its 2 JP, a full day counts N); a
# session, a secondment or a benchmarking visit counts a fixed JP whatever the certificate says.
RULES: dict[str, Any] = {
    "jp_minutes": 45,
    "pns_min_jp": "20",
    "pppk_max_jp": "24",
    "max_jp_per_day": "32",
    "budget_min_pct": {"provinsi": "0.34", "kabupaten_kota": "0.16"},
    "jpm_bands": [
        {"label": "Optimal", "min": "90"},
        {"label": "Cukup Optimal", "min": "78"},
        {"label": "Kurang Optimal", "min": "0"},
    ],
    "form_rules": [
        _form("4", max_jp_per_day="5"),  # workshop: 1 day = 5 JP
        _form("9", max_jp_per_day="4"),  # seminar: 1 day = 4 JP
        _form("10", fixed_jp="20"),  # magang
        _form("14", fixed_jp="2"),  # coaching: 2 JP a session
        _form("15", fixed_jp="2"),  # mentoring: 2 JP a session
        _form("16", max_jp_per_day="3"),  # e-learning: at most 3 JP a day
        _form("18", fixed_jp="20"),  # detasering
        _form("20", fixed_jp="10"),  # patok banding
        _form("22", max_jp_per_day="2"),  # belajar mandiri: at most 2 JP a day
    ],
}

_RULE_SETS = sa.table(
    "rule_sets",
    sa.column("year", sa.Integer()),
    sa.column("data", sa.JSON()),
    sa.column("version", sa.Integer()),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    conn = op.get_bind()
    existing = set(conn.execute(sa.select(_RULE_SETS.c.year).where(_RULE_SETS.c.year.in_(YEARS))).scalars())
    missing = [year for year in YEARS if year not in existing]
    if missing:
        now = datetime.now(UTC)
        op.bulk_insert(
            _RULE_SETS,
            [{"year": year, "data": RULES, "version": 1, "updated_at": now} for year in missing],
        )


def downgrade() -> None:
    # Only a set still as this revision left it goes; one an administrator changed since stays.
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_RULE_SETS.c.year, _RULE_SETS.c.data, _RULE_SETS.c.version).where(
            _RULE_SETS.c.year.in_(YEARS)
        )
    ).all()
    unchanged = [year for year, data, version in rows if version == 1 and data == RULES]
    if unchanged:
        conn.execute(sa.delete(_RULE_SETS).where(_RULE_SETS.c.year.in_(unchanged)))
