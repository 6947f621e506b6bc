"""The values docs/domain.md gives, seeded as the first rule set; administrators change them as data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

FIRST_YEAR = 2019

# What one day physically holds at 45 minutes a JP (24 h × 60 / 45): a bound no real record reaches,
# so it refuses nothing honest, while a one-day record claiming weeks of JP is cut down to it.
# Also the value of a rule set stored before the field existed.
MAX_JP_PER_DAY = Decimal(32)

DEFAULT_RULES: dict[str, Any] = {
    "jp_minutes": 45,
    "pns_min_jp": "20",
    "pppk_max_jp": "24",
    "max_jp_per_day": str(MAX_JP_PER_DAY),
    "budget_min_pct": {"provinsi": "0.34", "kabupaten_kota": "0.16"},
    "jpm_bands": [
        {"label": "Optimal", "min": "90"},
        {"label": "Cukup Optimal", "min": "78"},
        {"label": "Kurang Optimal", "min": "0"},
    ],
    "form_rules": [],
}
