"""The values DOMAIN.md gives, seeded as the first rule set; administrators change them as data."""

from __future__ import annotations

from typing import Any

FIRST_YEAR = 2019

DEFAULT_RULES: dict[str, Any] = {
    "jp_minutes": 45,
    "pns_min_jp": "20",
    "pppk_max_jp": "24",
    "budget_min_pct": {"provinsi": "0.34", "kabupaten_kota": "0.16"},
    "jpm_bands": [
        {"label": "Optimal", "min": "90"},
        {"label": "Cukup Optimal", "min": "78"},
        {"label": "Kurang Optimal", "min": "0"},
    ],
    "form_rules": [],
}
