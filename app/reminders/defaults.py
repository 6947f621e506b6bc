"""The campaigns a year has until BPSDM gives it its own: one active campaign for each audience."""

from __future__ import annotations

from typing import Any

DEFAULT_REMINDER_RULES: dict[str, Any] = {
    "campaigns": [
        {
            "code": "asn_below_jp_target",
            "audience": "asn_below_jp_target",
            "channels": ["in_app", "email"],
            "from_month": 7,
            "threshold": None,
            "title_id": None,
            "title_en": None,
            "template_id": "Yth. {name}, JP terverifikasi Anda tahun {year} baru {verified_jp} dari target "
            "{target_jp} JP; masih kurang {remaining_jp} JP. Pelatihan yang disarankan: {courses}. Ajukan "
            "klaim untuk pelatihan yang sudah Anda ikuti di Bangkom.",
            "template_en": "Dear {name}, your verified JP for {year} is {verified_jp} of the {target_jp} JP "
            "target; {remaining_jp} JP to go. Suggested courses: {courses}. File claims in Bangkom for the "
            "training you have completed.",
            "min_interval_days": 30,
            "active": True,
        },
        {
            "code": "opd_queue_overdue",
            "audience": "opd_queue_overdue",
            "channels": ["in_app", "email"],
            "from_month": 1,
            "threshold": None,
            "title_id": None,
            "title_en": None,
            "template_id": "{overdue} klaim di {unit} menunggu verifikasi lebih dari {sla_days} hari; yang "
            "tertua sudah {oldest_days} hari. Mohon segera diverifikasi.",
            "template_en": "{overdue} claims in {unit} have waited for verification for more than {sla_days} "
            "days; the oldest for {oldest_days} days. Please verify them.",
            "min_interval_days": 7,
            "active": True,
        },
        {
            "code": "opd_completeness_below",
            "audience": "opd_completeness_below",
            "channels": ["in_app", "email"],
            "from_month": 1,
            "threshold": 80,
            "title_id": None,
            "title_en": None,
            "template_id": "Skor kelengkapan data {unit} saat ini {score} (sebelumnya {previous_score}; batas "
            "{threshold}). Mohon lengkapi data ASN yang masih kurang.",
            "template_en": "The data completeness score of {unit} is {score} (previously {previous_score}; "
            "threshold {threshold}). Please complete the missing ASN data.",
            "min_interval_days": 30,
            "active": True,
        },
        {
            "code": "account_invitation",
            "audience": "account_invitation",
            "channels": ["in_app", "email"],
            "from_month": 1,
            "threshold": None,
            "title_id": None,
            "title_en": None,
            "template_id": "Yth. {name}, akun Bangkom Anda sudah dibuat dengan nama pengguna {username}. Masuk "
            "di {login_url} dengan kata sandi sementara dari admin OPD Anda, lalu buat kata sandi Anda sendiri.",
            "template_en": "Dear {name}, your Bangkom account has been created with username {username}. Log "
            "in at {login_url} with the temporary password from your OPD admin, then choose your own password.",
            "min_interval_days": 7,
            "active": True,
        },
        {
            "code": "year_closing",
            "audience": "year_closing",
            "channels": ["in_app", "email"],
            "from_month": 1,
            "threshold": 14,
            "title_id": None,
            "title_en": None,
            "template_id": "Klaim pelatihan tahun {year} ditutup pada {close_date} ({days_left} hari lagi). "
            "Masih ada {pending} klaim di {unit} yang menunggu verifikasi; ingatkan ASN Anda untuk mengajukan "
            "klaim sebelum tanggal itu.",
            "template_en": "Learning claims for {year} close on {close_date} ({days_left} days from now). "
            "{unit} still has {pending} claims waiting for verification; remind your ASN to file their "
            "claims before then.",
            "min_interval_days": 7,
            "active": True,
        },
    ],
}
