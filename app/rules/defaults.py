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
    "jpm_method": "capped",
    "jpm_group_weights": [],
    "form_rules": [],
}
# talent_rules, ip_asn_rules, completeness_rules and planning_rules are added below, once their
# defaults are defined.

# The 9-box (docs/domain.md, Talent 9-box): box -> (kinerja, potensial, label, recommended action).
_BOXES = [
    (
        1,
        "di_bawah",
        "rendah",
        "Kinerja di bawah ekspektasi, potensial rendah",
        "Konseling dan rencana perbaikan kinerja",
    ),
    (
        2,
        "sesuai",
        "rendah",
        "Kinerja sesuai ekspektasi, potensial rendah",
        "Pembinaan kinerja dan pelatihan yang terarah",
    ),
    (
        3,
        "di_bawah",
        "menengah",
        "Kinerja di bawah ekspektasi, potensial menengah",
        "Pembinaan kinerja dan pelatihan yang terarah",
    ),
    (
        4,
        "di_atas",
        "rendah",
        "Kinerja di atas ekspektasi, potensial rendah",
        "Pertahankan dan beri penghargaan; perdalam keahlian teknis",
    ),
    (
        5,
        "sesuai",
        "menengah",
        "Kinerja sesuai ekspektasi, potensial menengah",
        "Kembangkan di jabatan sekarang; coaching",
    ),
    (
        6,
        "di_bawah",
        "tinggi",
        "Kinerja di bawah ekspektasi, potensial tinggi",
        "Kembangkan di jabatan sekarang; coaching",
    ),
    (
        7,
        "di_atas",
        "menengah",
        "Kinerja di atas ekspektasi, potensial menengah",
        "Kembangkan untuk jabatan berikutnya: pelatihan kepemimpinan, penugasan khusus",
    ),
    (
        8,
        "sesuai",
        "tinggi",
        "Kinerja sesuai ekspektasi, potensial tinggi",
        "Kembangkan untuk jabatan berikutnya: pelatihan kepemimpinan, penugasan khusus",
    ),
    (
        9,
        "di_atas",
        "tinggi",
        "Kinerja di atas ekspektasi, potensial tinggi",
        "Promosi; masuk kelompok rencana suksesi",
    ),
]

DEFAULT_TALENT_RULES: dict[str, Any] = {
    "kinerja_by_predikat": {
        "sangat_baik": "di_atas",
        "baik": "sesuai",
        "butuh_perbaikan": "di_bawah",
        "kurang": "di_bawah",
        "sangat_kurang": "di_bawah",
    },
    "potensial_weights": {"jpm": "0.5", "potential_score": "0.5"},
    "potensial_cutoffs": {"tinggi": "80", "menengah": "65"},
    "boxes": [
        {"box": box, "kinerja": kinerja, "potensial": potensial, "label": label, "recommendation": action}
        for box, kinerja, potensial, label, action in _BOXES
    ],
    "pool_boxes": [7, 8, 9],
    "visible_to_asn": False,
}

# The Indeks Profesionalitas ASN (docs/domain.md): points of the BKN measurement form.
DEFAULT_IP_ASN_RULES: dict[str, Any] = {
    "kualifikasi": {
        "S3": 25,
        "S2": 20,
        "S1": 15,
        "D4": 15,
        "D3": 10,
        "D2": 5,
        "D1": 5,
        "SMA": 5,
        "SMP": 1,
        "SD": 1,
    },
    "kualifikasi_max": 25,
    "kompetensi": {
        "leadership": {"forms": ["1", "5"], "points": 15},
        "functional": {"forms": ["2"], "points": 15},
        "technical": {"forms": ["3", "8", "11"], "points": 15, "min_jp": "20"},
        "seminar": {"forms": ["4", "7", "9"], "points": 5},
        "max": 40,
    },
    "kinerja_score_bands": [
        {"min": "91", "points": 30},
        {"min": "76", "points": 25},
        {"min": "61", "points": 15},
        {"min": "51", "points": 5},
        {"min": "0", "points": 1},
    ],
    "kinerja_by_predikat": {
        "sangat_baik": 30,
        "baik": 25,
        "butuh_perbaikan": 15,
        "kurang": 5,
        "sangat_kurang": 1,
    },
    "kinerja_max": 30,
    "disiplin": {"none": 5, "ringan": 3, "sedang": 1, "berat": 0},
    "disiplin_max": 5,
    "categories": [
        {"label": "Sangat Tinggi", "min": "91"},
        {"label": "Tinggi", "min": "81"},
        {"label": "Sedang", "min": "71"},
        {"label": "Rendah", "min": "61"},
        {"label": "Sangat Rendah", "min": "0"},
    ],
}

# Data completeness (docs/domain.md): an assessment counts for three years, a claim waits two weeks.
DEFAULT_COMPLETENESS_RULES: dict[str, Any] = {
    "assessment_valid_years": 3,
    "queue_sla_days": 14,
    "score_indicators": [
        "contact",
        "education",
        "position_standard",
        "competency_assessment",
        "potential_assessment",
        "performance_last_year",
        "jp_this_year",
        "queue_within_sla",
    ],
}

# Development planning (docs/domain.md): the mandatory trainings and the price of a JP for a line no IDP
# priced. Latsar is a Diklat Struktural (form 1) every CPNS completes; structural officials attend the
# leadership training of their level (PKN, PKA, PKP: form 1, or 5 where agencies record it so).
DEFAULT_PLANNING_RULES: dict[str, Any] = {
    "mandatory": [
        {
            "code": "latsar_cpns",
            "title_id": "Pelatihan Dasar CPNS (Latsar)",
            "title_en": "Basic training for CPNS (Latsar)",
            "employment_types": ["cpns"],
            "jenis_jabatan": None,
            "course_code": None,
            "form_codes": ["1"],
            "satisfied_within_years": None,
        },
        {
            "code": "pelatihan_kepemimpinan",
            "title_id": "Pelatihan Kepemimpinan (PKN, PKA, PKP)",
            "title_en": "Leadership training (PKN, PKA, PKP)",
            "employment_types": ["pns"],
            "jenis_jabatan": ["jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas"],
            "course_code": None,
            "form_codes": ["1", "5"],
            "satisfied_within_years": None,
        },
    ],
    "cost_per_jp_idr": 150_000,
}

DEFAULT_RULES["talent_rules"] = DEFAULT_TALENT_RULES
DEFAULT_RULES["ip_asn_rules"] = DEFAULT_IP_ASN_RULES
DEFAULT_RULES["completeness_rules"] = DEFAULT_COMPLETENESS_RULES
DEFAULT_RULES["planning_rules"] = DEFAULT_PLANNING_RULES
