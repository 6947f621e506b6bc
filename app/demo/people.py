"""Synthetic ASN: NIPs, ranks, education and contact details consistent with each person's position."""

from __future__ import annotations

import random
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from itertools import accumulate
from typing import Any, Generic, TypeVar

from app.demo.names import Gender, make_name, with_titles
from app.reference import codes

T = TypeVar("T")

# Ages and years of service are computed against a fixed date so a seed always yields the same people.
TODAY = date(2026, 1, 1)
YOUNGEST_BIRTH_YEAR = 2002
# A CPNS serves at least a year on probation, so the newest PNS were appointed two years ago.
LAST_PNS_TMT_YEAR = 2023
CPNS_TMT_YEARS = (2024, 2025)
PPPK_YEARS = (2019, 2020, 2021, 2022, 2023, 2024, 2025)
PPPK_YEAR_WEIGHTS = (1, 1, 3, 4, 4, 5, 6)
PPPK_CODES = ("21", "24")
INACTIVE_SHARE = 0.015
EMAIL_DOMAIN = "kaltimprov.go.id"
# Telkomsel, Indosat and XL prefixes, the operators with most subscribers in Kalimantan.
MOBILE_PREFIXES = ("811", "812", "813", "821", "822", "852", "853", "856", "857", "819", "878", "877", "838")
# CPNS appointments mostly take effect on the first of January or March.
TMT_MONTHS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
TMT_MONTH_WEIGHTS = (35, 6, 15, 6, 4, 5, 3, 3, 3, 4, 4, 12)

# I/a..IV/e in rank order, as codes.json lists them.
GOLONGAN_PNS = tuple(str(g["code"]) for g in codes.items("golongan") if g["employment"] == "pns")
_RANK = {g: i for i, g in enumerate(GOLONGAN_PNS)}
# Entry rank by education (PP 99/2000 as applied to CPNS), and the highest a pelaksana reaches.
ENTRY_RANK = {
    "SD": "I/a",
    "SMP": "I/c",
    "SMA": "II/a",
    "D1": "II/a",
    "D2": "II/b",
    "D3": "II/c",
    "D4": "III/a",
    "S1": "III/a",
    "S2": "III/b",
    "S3": "III/c",
}
PELAKSANA_CEILING = {
    "SD": "II/a",
    "SMP": "II/b",
    "SMA": "III/b",
    "D1": "III/b",
    "D2": "III/b",
    "D3": "III/c",
    "D4": "III/d",
    "S1": "III/d",
    "S2": "III/d",
    "S3": "III/d",
}
# The rank band each structural level and fungsional jenjang is normally held in.
RANK_BAND = {
    "jpt_madya": ("IV/d", "IV/e"),
    "jpt_pratama": ("IV/b", "IV/d"),
    "administrator": ("III/d", "IV/b"),
    "pengawas": ("III/b", "IV/a"),
    "ahli_utama": ("IV/d", "IV/e"),
    "ahli_madya": ("IV/a", "IV/c"),
    "ahli_muda": ("III/c", "III/d"),
    "ahli_pertama": ("III/a", "III/b"),
    "penyelia": ("III/c", "III/d"),
    "mahir": ("III/a", "III/b"),
    "terampil": ("II/c", "II/d"),
    "pemula": ("II/a", "II/b"),
}
# PPPK golongan (Perpres 98/2020) as commonly applied: by jenjang, else by education. A demo mapping.
PPPK_BY_JENJANG = {
    "ahli_utama": "XIII",
    "ahli_madya": "XI",
    "ahli_muda": "X",
    "ahli_pertama": "IX",
    "penyelia": "VIII",
    "mahir": "VII",
    "terampil": "VII",
    "pemula": "V",
}
PPPK_BY_EDUCATION = {
    "SD": "I",
    "SMP": "III",
    "SMA": "V",
    "D1": "V",
    "D2": "VI",
    "D3": "VII",
    "D4": "IX",
    "S1": "IX",
    "S2": "X",
    "S3": "XI",
}

# Born-from, born-until and most common birth year for a PNS holding each level.
BIRTH_YEARS = {
    "jpt_madya": (1966, 1972, 1968),
    "jpt_pratama": (1966, 1980, 1972),
    "administrator": (1967, 1985, 1975),
    "pengawas": (1968, 1990, 1980),
    "ahli_utama": (1966, 1972, 1967),
    "ahli_madya": (1966, 1980, 1972),
    "ahli_muda": (1968, 1992, 1982),
    "ahli_pertama": (1970, 2000, 1991),
    "penyelia": (1966, 1985, 1974),
    "mahir": (1968, 1995, 1984),
    "terampil": (1970, 2000, 1988),
    # Pelaksana retire at 58, so none born before 1968 is still serving.
    "pelaksana": (1968, 2000, 1980),
}
# The latest appointment year that leaves enough service to reach the level.
LATEST_TMT = {
    "jpt_madya": 1998,
    "jpt_pratama": 2008,
    "administrator": 2012,
    "pengawas": 2016,
    "ahli_utama": 2004,
    "ahli_madya": 2010,
    "ahli_muda": 2017,
    "penyelia": 2012,
    "mahir": 2018,
}
# Age at appointment by education: low, high, mode.
APPOINTMENT_AGE = {
    "SD": (19, 30, 22),
    "SMP": (19, 30, 22),
    "SMA": (19, 30, 22),
    "D1": (20, 31, 23),
    "D2": (20, 31, 23),
    "D3": (21, 32, 24),
    "D4": (22, 35, 26),
    "S1": (22, 35, 26),
    "S2": (23, 35, 28),
    "S3": (24, 35, 29),
}

EDUCATION_BY_LEVEL: dict[str, dict[str, float]] = {
    "jpt_madya": {"S2": 0.6, "S3": 0.35, "S1": 0.05},
    "jpt_pratama": {"S2": 0.65, "S3": 0.2, "S1": 0.15},
    "administrator": {"S2": 0.55, "S1": 0.45},
    "pengawas": {"S1": 0.6, "S2": 0.35, "D3": 0.05},
    "ahli_utama": {"S3": 0.5, "S2": 0.5},
    "ahli_madya": {"S2": 0.65, "S1": 0.3, "S3": 0.05},
    "ahli_muda": {"S1": 0.55, "S2": 0.45},
    "ahli_pertama": {"S1": 0.8, "S2": 0.12, "D4": 0.08},
    "penyelia": {"D3": 0.5, "D4": 0.2, "S1": 0.3},
    "mahir": {"D3": 0.7, "D4": 0.15, "S1": 0.15},
    "terampil": {"D3": 0.8, "SMA": 0.2},
    "pemula": {"SMA": 1.0},
}
# Pelaksana titles name their entry level (KepmenPAN-RB 656/2023): penata and penelaah need a
# degree, pengelola a diploma, operator and pengadministrasi upper secondary school.
PELAKSANA_EDUCATION: tuple[tuple[tuple[str, ...], dict[str, float]], ...] = (
    (("Penata", "Penelaah", "Penyusun", "Fasilitator"), {"S1": 0.78, "D4": 0.1, "S2": 0.12}),
    (("Pengelola", "Pengolah", "Dokumentalis"), {"D3": 0.55, "S1": 0.3, "SMA": 0.15}),
    (("Operator", "Pengadministrasi"), {"SMA": 0.78, "D3": 0.1, "S1": 0.07, "SMP": 0.04, "SD": 0.01}),
)
RECRUIT_EDUCATION = {"SD": "SMA", "SMP": "SMA", "S3": "S2"}
# Positions whose name settles the education regardless of jenjang.
EDUCATION_BY_NAME: tuple[tuple[str, dict[str, float]], ...] = (
    ("Dokter Ahli Madya", {"S1": 0.5, "S2": 0.5}),
    ("Dokter", {"S1": 0.8, "S2": 0.2}),
    ("Apoteker", {"S1": 0.85, "S2": 0.15}),
    ("Psikolog", {"S2": 1.0}),
    ("Polisi", {"SMA": 0.75, "D3": 0.25}),
    ("Bidan", {"D3": 0.85, "D4": 0.15}),
    ("Perawat Terampil", {"D3": 1.0}),
)

# The field a position belongs to, for titles and the usual share of women in it.
FIELD_BY_NAME = (
    ("Guru", "guru"),
    ("Dokter", "dokter"),
    ("Perawat", "perawat"),
    ("Bidan", "bidan"),
    ("Apoteker", "farmasi"),
    ("Psikolog", "psikolog"),
    ("Medik Veteriner", "veteriner"),
    ("Pranata Laboratorium", "kesehatan"),
    ("Perekam Medis", "kesehatan"),
    ("Kesehatan", "kesehatan"),
    ("Pranata Komputer", "komputer"),
    ("Teknologi Informasi", "komputer"),
    ("Auditor", "keuangan"),
    ("Keuangan", "keuangan"),
    ("Hukum", "hukum"),
    ("Pertanian", "pertanian"),
    ("Benih", "pertanian"),
    ("Kehutanan", "kehutanan"),
    ("Pustakawan", "perpustakaan"),
    ("Arsiparis", "perpustakaan"),
)
FIELD_BY_OPD = {
    "DPUPR_PERA": "teknik",
    "DISHUB": "teknik",
    "DESDM": "teknik",
    "BPKAD": "keuangan",
    "BAPENDA": "keuangan",
    "BIRO_HUKUM": "hukum",
    "DPTPH": "pertanian",
    "DISBUN": "pertanian",
    "DISHUT": "kehutanan",
    "DPKH": "peternakan",
    "DISKOMINFO": "komputer",
    "DINKES": "kesehatan",
    "RSUD_AWS": "kesehatan",
    "RSUD_KANUJOSO": "kesehatan",
    "RSJD_AHM": "kesehatan",
    "RSUD_AMS2": "kesehatan",
    "RS_MATA": "kesehatan",
    "DISDIKBUD": "guru",
}
FEMALE_SHARE_BY_FIELD = {
    "guru": 0.65,
    "perawat": 0.72,
    "bidan": 1.0,
    "farmasi": 0.7,
    "kesehatan": 0.62,
    "dokter": 0.55,
    "psikolog": 0.7,
    "teknik": 0.3,
    "kehutanan": 0.25,
}
FEMALE_SHARE_BY_LEVEL = {"jpt_madya": 0.2, "jpt_pratama": 0.15, "administrator": 0.3, "pengawas": 0.45}

# Headcount per position relative to others in its unit: a school has many teachers, few clerks.
HEADCOUNT_BY_NAME = (
    ("Guru", 30.0),
    ("Perawat", 10.0),
    ("Polisi Pamong Praja", 12.0),
    ("Polisi Kehutanan", 6.0),
    ("Penyuluh", 5.0),
    ("Bidan", 4.0),
    ("Auditor", 4.0),
    ("Dokter", 3.0),
    ("Widyaiswara", 3.0),
    ("Pengawas Penyelenggaraan", 3.0),
    ("Asisten Apoteker", 2.0),
    ("Pranata Laboratorium", 2.0),
    ("Perekam Medis", 2.0),
    ("Operator", 4.0),
    ("Pengadministrasi", 4.0),
)
HEADCOUNT_BY_JENJANG = {
    "ahli_utama": 0.15,
    "ahli_madya": 0.4,
    "ahli_muda": 0.9,
    "ahli_pertama": 1.0,
    "penyelia": 0.4,
    "mahir": 0.8,
    "terampil": 1.0,
    "pemula": 1.0,
}
# PPPK are hired mostly as teachers, health workers and other fungsional, rarely at senior jenjang.
PPPK_FACTOR_BY_JENJANG = {"ahli_utama": 0.0, "ahli_madya": 0.2}
PPPK_FUNGSIONAL_FACTOR = 2.5
PPPK_PELAKSANA_FACTOR = 0.6
CPNS_JENJANG = frozenset({"ahli_pertama", "terampil", "pemula"})


@dataclass(frozen=True, slots=True)
class Seat:
    """A position someone can be placed in, with what follows from it."""

    position_id: int
    unit_id: int
    name: str
    jenis_jabatan: str
    jenjang: str | None
    field: str

    @property
    def level(self) -> str:
        """The key for rank bands, ages and education: the jenjang for fungsional, else the jenis."""
        return self.jenjang or self.jenis_jabatan


def field_for(position_name: str, opd_code: str) -> str:
    for needle, field in FIELD_BY_NAME:
        if _mentions(position_name, needle):
            return field
    return FIELD_BY_OPD.get(opd_code, "umum")


def headcount_weight(seat: Seat, employment_type: str) -> float:
    base = next((w for needle, w in HEADCOUNT_BY_NAME if _mentions(seat.name, needle)), 0.0)
    if seat.jenis_jabatan == "pelaksana":
        weight = base or 3.0
        return weight * (PPPK_PELAKSANA_FACTOR if employment_type == "pppk" else 1.0)
    if seat.jenis_jabatan != "fungsional":
        return 0.0  # structural posts are filled one by one, not by weight
    weight = (base or 1.5) * HEADCOUNT_BY_JENJANG.get(seat.jenjang or "", 1.0)
    if employment_type == "cpns":
        return weight if seat.jenjang in CPNS_JENJANG else 0.0
    if employment_type == "pppk":
        return weight * PPPK_FACTOR_BY_JENJANG.get(seat.jenjang or "", PPPK_FUNGSIONAL_FACTOR)
    return weight


class _Weighted(Generic[T]):
    """Choices with precomputed cumulative weights, so each draw is one bisect."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        pairs = [(item, w) for item, w in zip(items, weights, strict=True) if w > 0]
        self.items = [item for item, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))

    def __bool__(self) -> bool:
        return bool(self.items)

    def pick(self, rng: random.Random) -> T:
        i = bisect_right(self.cum, rng.random() * self.cum[-1])
        return self.items[min(i, len(self.items) - 1)]  # float rounding at the very top


class Staffing:
    """Where people work: a unit by its headcount weight, then a position of that unit."""

    def __init__(self, units: Sequence[tuple[float, Sequence[Seat]]]) -> None:
        self._by_type: dict[str, _Weighted[_Weighted[Seat]]] = {}
        for employment_type in ("pns", "cpns", "pppk"):
            seat_choices = [
                _Weighted(seats, [headcount_weight(s, employment_type) for s in seats]) for _, seats in units
            ]
            # A unit with no position open to this employment type gets nobody of that type.
            unit_weights = [w if choice else 0.0 for (w, _), choice in zip(units, seat_choices, strict=True)]
            self._by_type[employment_type] = _Weighted(seat_choices, unit_weights)

    def pick(self, rng: random.Random, employment_type: str) -> Seat:
        return self._by_type[employment_type].pick(rng).pick(rng)


@cache
def _mentions(text: str, word: str) -> bool:
    """Whole-word match, so "Bidan" (midwife) does not match "Kepala Bidang"."""
    return re.search(rf"\b{re.escape(word)}\b", text) is not None


@cache
def _education_weights(seat: Seat) -> dict[str, float]:
    by_name = next((w for needle, w in EDUCATION_BY_NAME if _mentions(seat.name, needle)), None)
    if by_name is not None:
        return by_name
    if seat.jenis_jabatan == "pelaksana":
        by_title = next((w for starts, w in PELAKSANA_EDUCATION if seat.name.startswith(starts)), None)
        if by_title is not None:
            return by_title
    return EDUCATION_BY_LEVEL.get(seat.level, {"S1": 0.5, "D3": 0.2, "SMA": 0.3})


def _weighted_key(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class PeopleFactory:
    """Makes ASN rows; keeps NIPs and email addresses unique across everything it has made."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self._nips: set[str] = set()
        self._emails: dict[str, int] = {}

    def make(self, seat: Seat, employment_type: str, *, may_be_inactive: bool = True) -> dict[str, Any]:
        rng = self.rng
        gender: Gender = "female" if rng.random() < self._female_share(seat) else "male"
        education = self._education(seat, employment_type)
        birth_year = self._birth_year(seat, employment_type)
        birth = date(birth_year, 1, 1) + timedelta(days=rng.randrange(365))
        if employment_type == "pppk":
            year = self._pppk_year(birth_year)
            nip = self._unique_nip(f"{birth:%Y%m%d}{year}{rng.choice(PPPK_CODES)}{_gender_digit(gender)}")
            golongan = PPPK_BY_JENJANG.get(seat.jenjang or "") or PPPK_BY_EDUCATION[education]
        else:
            year, month = self._tmt(seat, employment_type, birth_year, education)
            nip = self._unique_nip(f"{birth:%Y%m%d}{year}{month:02d}{_gender_digit(gender)}")
            golongan = (
                ENTRY_RANK[education]
                if employment_type == "cpns"
                else self._pns_golongan(seat, education, year)
            )
        name = make_name(rng, gender, birth_year)
        return {
            "nip": nip,
            "name": with_titles(
                rng, name, gender=gender, birth_year=birth_year, education=education, field=seat.field
            ),
            "gender": gender,
            "birth_date": birth,
            "employment_type": employment_type,
            "golongan": golongan,
            "position_id": seat.position_id,
            "unit_id": seat.unit_id,
            "email": self._unique_email(name.email_local()),
            "phone": self._phone(),
            "education_level": education,
            "active": not (may_be_inactive and rng.random() < INACTIVE_SHARE),
            "version": 1,
            "created_at": self.now,
            "updated_at": self.now,
        }

    def _phone(self) -> str:
        rng = self.rng
        return f"+62 {rng.choice(MOBILE_PREFIXES)}-{rng.randrange(10_000):04d}-{rng.randrange(10_000):04d}"

    def _female_share(self, seat: Seat) -> float:
        if seat.name.startswith("Polisi"):
            return 0.12
        if seat.jenis_jabatan in FEMALE_SHARE_BY_LEVEL:
            return FEMALE_SHARE_BY_LEVEL[seat.jenis_jabatan]
        return FEMALE_SHARE_BY_FIELD.get(seat.field, 0.45)

    def _education(self, seat: Seat, employment_type: str) -> str:
        education = _weighted_key(self.rng, _education_weights(seat))
        if employment_type == "pns":
            return education
        # Recent recruitment asks for at least upper secondary school; doctorates come later in a career.
        return RECRUIT_EDUCATION.get(education, education)

    def _birth_year(self, seat: Seat, employment_type: str) -> int:
        if employment_type == "cpns":
            low, high, mode = 1990, YOUNGEST_BIRTH_YEAR, 1997
        elif employment_type == "pppk":
            low, high, mode = 1968, 1999, 1987
        else:
            low, high, mode = BIRTH_YEARS.get(seat.level, BIRTH_YEARS["pelaksana"])
        return min(high, int(self.rng.triangular(low, high + 1, mode)))

    def _pppk_year(self, birth_year: int) -> int:
        years = [(y, w) for y, w in zip(PPPK_YEARS, PPPK_YEAR_WEIGHTS, strict=True) if y >= birth_year + 20]
        return self.rng.choices([y for y, _ in years], weights=[w for _, w in years])[0]

    def _tmt(self, seat: Seat, employment_type: str, birth_year: int, education: str) -> tuple[int, int]:
        rng = self.rng
        month = rng.choices(TMT_MONTHS, weights=TMT_MONTH_WEIGHTS)[0]
        if employment_type == "cpns":
            return rng.choice(CPNS_TMT_YEARS), month
        low, high, mode = APPOINTMENT_AGE[education]
        year = birth_year + int(rng.triangular(low, high + 1, mode))
        year = min(year, LATEST_TMT.get(seat.level, LAST_PNS_TMT_YEAR))
        return max(year, birth_year + 18), month

    def _pns_golongan(self, seat: Seat, education: str, tmt_year: int) -> str:
        # A regular promotion every four years from the entry rank, held within the position's band.
        rank = _RANK[ENTRY_RANK[education]] + (TODAY.year - tmt_year) // 4
        if seat.level in RANK_BAND:
            low, high = RANK_BAND[seat.level]
            rank = min(max(rank, _RANK[low]), _RANK[high])
        else:
            rank = min(rank, _RANK[PELAKSANA_CEILING[education]])
        return GOLONGAN_PNS[rank]

    def _unique_nip(self, prefix: str) -> str:
        # The sequence usually stays in single digits; take the next free one when a prefix repeats.
        seq = self.rng.randint(1, 9)
        while f"{prefix}{seq:03d}" in self._nips:
            seq += 1
        if seq > 999:
            raise RuntimeError(f"NIP sequence exhausted for {prefix}")
        nip = f"{prefix}{seq:03d}"
        self._nips.add(nip)
        return nip

    def _unique_email(self, local: str) -> str:
        # Names hold letters only, so "sri.rahayu2" can never clash with another person's bare name.
        n = self._emails.get(local, 0) + 1
        self._emails[local] = n
        return f"{local}@{EMAIL_DOMAIN}" if n == 1 else f"{local}{n}@{EMAIL_DOMAIN}"


def _gender_digit(gender: Gender) -> str:
    return "1" if gender == "male" else "2"


@dataclass(frozen=True, slots=True)
class Cast:
    """Who is generated besides the crowd: office holders first, then the demo ASN logins."""

    structural: Sequence[Seat]
    demo_pns: Seat | None
    demo_pppk: Seat | None


# Shares of the workforce (BKN statistics for provinces, rounded).
PPPK_SHARE = 0.17
CPNS_SHARE = 0.05


def generate_people(
    rng: random.Random, factory: PeopleFactory, staffing: Staffing, cast: Cast, count: int
) -> Iterator[tuple[str, dict[str, Any]]]:
    """`count` ASN rows tagged "holder", "demo_pns", "demo_pppk" or "crowd", in that order.

    Office holders make up at most a tenth of everyone, so a small load leaves posts vacant.
    """
    holders = min(len(cast.structural), count // 10)
    for seat in cast.structural[:holders]:
        yield "holder", factory.make(seat, "pns", may_be_inactive=False)
    left = count - holders
    demo = [(s, t) for s, t in ((cast.demo_pns, "pns"), (cast.demo_pppk, "pppk")) if s is not None][:left]
    for seat, employment_type in demo:
        yield f"demo_{employment_type}", factory.make(seat, employment_type, may_be_inactive=False)
    left -= len(demo)
    # Exact shares, shuffled, so small loads have the same mix as large ones.
    pppk = min(left, max(0, round(count * PPPK_SHARE) - sum(1 for _, t in demo if t == "pppk")))
    cpns = min(left - pppk, round(count * CPNS_SHARE))
    types = ["pppk"] * pppk + ["cpns"] * cpns + ["pns"] * (left - pppk - cpns)
    rng.shuffle(types)
    for employment_type in types:
        yield "crowd", factory.make(staffing.pick(rng, employment_type), employment_type)
