"""The shape of the demo province: units (from kaltim-opd.csv plus generated sub-units) and positions.

Everything here is plain data; `generator` writes it to the database.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from app.reference.codes import data_file

STRUCTURAL = ("jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas")
# Besides the top-level units, hospitals (UOBK) and biro are led by a JPT Pratama and have their own
# fungsional profile, so they count as an OPD here.
OPD_LIKE_KINDS = frozenset({"rsud", "biro"})


@dataclass(slots=True)
class UnitPlan:
    code: str
    name: str
    kind: str
    parent_code: str | None
    # Relative share of the province's ASN working in this unit.
    weight: float = 1.0
    # The OPD whose fungsional and pelaksana profile the unit follows (itself for an OPD).
    opd_code: str = ""
    children: list[UnitPlan] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PositionPlan:
    code: str
    name: str
    jenis_jabatan: str
    jenjang: str | None
    unit_code: str


# -- generated sub-units --------------------------------------------------------------------------

# Dinas, badan, Satpol PP, Inspektorat: (short name for "Sekretariat <short>", bidang as (suffix, name)).
# BPSDM and the Disdikbud already have their bidang in kaltim-opd.csv.
OPD_SUBUNITS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "DISDIKBUD": ("Disdikbud", ()),
    "DINKES": (
        "Dinkes",
        (("YANKES", "Bidang Pelayanan Kesehatan"), ("P2P", "Bidang Pencegahan dan Pengendalian Penyakit")),
    ),
    "DPUPR_PERA": ("Dinas PUPR-Pera", (("BM", "Bidang Bina Marga"), ("SDA", "Bidang Sumber Daya Air"))),
    "DINSOS": (
        "Dinsos",
        (("LINJAMSOS", "Bidang Perlindungan dan Jaminan Sosial"), ("REHSOS", "Bidang Rehabilitasi Sosial")),
    ),
    "DISNAKERTRANS": (
        "Disnakertrans",
        (("LATTAS", "Bidang Pelatihan dan Penempatan Tenaga Kerja"), ("TRANS", "Bidang Transmigrasi")),
    ),
    "DKP3A": (
        "DKP3A",
        (("PP", "Bidang Pemberdayaan Perempuan"), ("PHA", "Bidang Pemenuhan Hak dan Perlindungan Anak")),
    ),
    "DPTPH": ("DPTPH", (("TP", "Bidang Tanaman Pangan"), ("KP", "Bidang Ketersediaan dan Kerawanan Pangan"))),
    "DLH": (
        "DLH",
        (
            ("PPKL", "Bidang Pengendalian Pencemaran dan Kerusakan Lingkungan Hidup"),
            ("TALING", "Bidang Tata Lingkungan"),
        ),
    ),
    "DPMPD": (
        "DPMPD",
        (("PEMDES", "Bidang Pemerintahan Desa"), ("PMD", "Bidang Pemberdayaan Masyarakat Desa")),
    ),
    "DISHUB": (
        "Dishub",
        (("LLAJ", "Bidang Lalu Lintas dan Angkutan Jalan"), ("HUBLA", "Bidang Perhubungan Laut")),
    ),
    "DISKOMINFO": (
        "Diskominfo",
        (("APTIKA", "Bidang Aplikasi Informatika"), ("IKP", "Bidang Informasi dan Komunikasi Publik")),
    ),
    "DISPERINDAGKOP_UKM": (
        "Disperindagkop UKM",
        (("DAG", "Bidang Perdagangan"), ("KOP", "Bidang Koperasi dan UKM")),
    ),
    "DPMPTSP": (
        "DPMPTSP",
        (("PM", "Bidang Promosi Penanaman Modal"), ("YAN", "Bidang Pelayanan Perizinan dan Non Perizinan")),
    ),
    "DISPORA": ("Dispora", (("PEMUDA", "Bidang Kepemudaan"), ("OR", "Bidang Olahraga"))),
    "DPK": ("DPK", (("PERPUS", "Bidang Layanan Perpustakaan"), ("ARSIP", "Bidang Pengelolaan Arsip"))),
    "DKP": ("DKP", (("TANGKAP", "Bidang Perikanan Tangkap"), ("BUDIDAYA", "Bidang Perikanan Budidaya"))),
    "DISPAR": (
        "Dispar",
        (("DESTINASI", "Bidang Pengembangan Destinasi"), ("PEMASARAN", "Bidang Pemasaran Pariwisata")),
    ),
    "DISHUT": (
        "Dishut",
        (("PH", "Bidang Pengelolaan Hutan"), ("PKSDAE", "Bidang Perlindungan Hutan dan Konservasi")),
    ),
    "DESDM": (
        "Dinas ESDM",
        (
            ("MINERBA", "Bidang Mineral dan Batubara"),
            ("EBTKE", "Bidang Energi Baru Terbarukan dan Ketenagalistrikan"),
        ),
    ),
    "DISBUN": (
        "Disbun",
        (("PRODUKSI", "Bidang Produksi"), ("PERLINDUNGAN", "Bidang Perlindungan Perkebunan")),
    ),
    "DPKH": (
        "DPKH",
        (
            ("PRODUKSI", "Bidang Produksi Peternakan"),
            ("KESWAN", "Bidang Kesehatan Hewan dan Kesehatan Masyarakat Veteriner"),
        ),
    ),
    "BAPPEDA": (
        "Bappeda",
        (
            ("PPM", "Bidang Pemerintahan dan Pembangunan Manusia"),
            ("PEREKONOMIAN", "Bidang Perekonomian dan Sumber Daya Alam"),
        ),
    ),
    "BRIDA": (
        "BRIDA",
        (
            ("RISET", "Bidang Riset dan Inovasi Daerah"),
            ("DIFUSI", "Bidang Difusi Ilmu Pengetahuan dan Teknologi"),
        ),
    ),
    "BAPENDA": (
        "Bapenda",
        (("PAJAK", "Bidang Pajak Daerah"), ("RETRIBUSI", "Bidang Retribusi dan Pendapatan Lain-lain")),
    ),
    "BPKAD": ("BPKAD", (("ANGGARAN", "Bidang Anggaran"), ("ASET", "Bidang Pengelolaan Barang Milik Daerah"))),
    "BKD": (
        "BKD",
        (
            ("MUTASI", "Bidang Mutasi dan Promosi"),
            ("PIK", "Bidang Pengadaan, Pemberhentian dan Informasi Kepegawaian"),
        ),
    ),
    "BPSDM": ("BPSDM", ()),
    "BPBD": (
        "BPBD",
        (("PK", "Bidang Pencegahan dan Kesiapsiagaan"), ("KL", "Bidang Kedaruratan dan Logistik")),
    ),
    "KESBANGPOL": (
        "Kesbangpol",
        (("POLDAGRI", "Bidang Politik Dalam Negeri"), ("IDEOLOGI", "Bidang Ideologi dan Wawasan Kebangsaan")),
    ),
    "BADAN_PENGHUBUNG": (
        "Badan Penghubung",
        (("FASILITASI", "Bidang Fasilitasi"), ("PROMOSI", "Bidang Promosi dan Informasi")),
    ),
    "SATPOLPP": (
        "Satpol PP",
        (
            ("GAKDA", "Bidang Penegakan Peraturan Daerah"),
            ("TRANTIBUM", "Bidang Ketertiban Umum dan Ketenteraman Masyarakat"),
        ),
    ),
    "INSPEKTORAT": (
        "Inspektorat",
        (
            ("IRBAN1", "Inspektur Pembantu Wilayah I"),
            ("IRBAN2", "Inspektur Pembantu Wilayah II"),
            ("IRBAN3", "Inspektur Pembantu Wilayah III"),
            ("IRBAN4", "Inspektur Pembantu Wilayah IV"),
        ),
    ),
}

# Bagian of the biro and of the Sekretariat DPRD.
BAGIAN: dict[str, tuple[tuple[str, str], ...]] = {
    "SETWAN": (
        ("UMUM", "Bagian Umum"),
        ("PERSIDANGAN", "Bagian Persidangan dan Perundang-undangan"),
        ("KEU", "Bagian Keuangan"),
    ),
    "BIRO_PPOD": (("PEM", "Bagian Pemerintahan"), ("OTDA", "Bagian Otonomi Daerah")),
    "BIRO_HUKUM": (("PUU", "Bagian Perundang-undangan"), ("BANKUM", "Bagian Bantuan Hukum")),
    "BIRO_KESRA": (("KESOS", "Bagian Kesejahteraan Sosial"), ("BINTAL", "Bagian Bina Mental Spiritual")),
    "BIRO_EKONOMI": (("PEREK", "Bagian Perekonomian"), ("SDA", "Bagian Sumber Daya Alam")),
    "BIRO_ADBANG": (
        ("PROGRAM", "Bagian Administrasi Program Pembangunan"),
        ("PENGENDALIAN", "Bagian Pengendalian Pembangunan"),
    ),
    "BIRO_PBJ": (
        ("PENGELOLAAN", "Bagian Pengelolaan Pengadaan Barang dan Jasa"),
        ("LPSE", "Bagian Layanan Pengadaan Elektronik"),
    ),
    "BIRO_ORGANISASI": (
        ("KELEMBAGAAN", "Bagian Kelembagaan dan Anjab"),
        ("RB", "Bagian Reformasi Birokrasi"),
    ),
    "BIRO_UMUM": (("TU", "Bagian Tata Usaha"), ("RT", "Bagian Rumah Tangga")),
    "BIRO_ADPIM": (("PROTOKOL", "Bagian Protokol"), ("KOMPIM", "Bagian Komunikasi Pimpinan")),
}

HOSPITAL_BIDANG = (("YANMED", "Bidang Pelayanan Medik"), ("KEPERAWATAN", "Bidang Keperawatan"))

# Provincial SMA/SMK/SLB belong to the Dinas Pendidikan dan Kebudayaan; most of its staff are teachers.
SCHOOLS = (
    ("SMAN1_SMD", "SMA Negeri 1 Samarinda"),
    ("SMAN10_SMD", "SMA Negeri 10 Samarinda"),
    ("SMKN1_SMD", "SMK Negeri 1 Samarinda"),
    ("SMAN1_BPP", "SMA Negeri 1 Balikpapan"),
    ("SMKN4_BPP", "SMK Negeri 4 Balikpapan"),
    ("SMAN1_BTG", "SMA Negeri 1 Bontang"),
    ("SMAN1_TGR", "SMA Negeri 1 Tenggarong"),
    ("SMAN1_SGT", "SMA Negeri 1 Sangatta Utara"),
    ("SLBN_SMD", "SLB Negeri Pembina Samarinda"),
)

# Relative headcount per unit kind; hospitals and schools are large, biro and bagian small.
KIND_WEIGHT = {
    "sekretariat": 2.0,
    "biro": 1.0,
    "bagian": 1.0,
    "inspektorat": 1.5,
    "dinas": 1.2,
    "badan": 1.2,
    "satpol": 5.0,
    "rsud": 14.0,
    "bidang": 2.0,
    "uptd": 2.5,
    "lainnya": 14.0,  # the schools
}
# Unit-specific adjustments: the teaching hospital is far larger than the eye hospital.
WEIGHT_FACTOR = {
    "RSUD_AWS": 2.5,
    "RSUD_KANUJOSO": 1.8,
    "RSJD_AHM": 0.8,
    "RSUD_AMS2": 0.6,
    "RS_MATA": 0.35,
    "SATPOLPP_GAKDA": 2.0,
    "SATPOLPP_TRANTIBUM": 2.0,
    "DINKES": 2.0,
}


def _csv_rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data_file(name))))


def plan_units() -> list[UnitPlan]:
    """Every unit, parents before children, with the OPD each belongs to."""
    units: dict[str, UnitPlan] = {}
    for row in _csv_rows("kaltim-opd.csv"):
        units[row["code"]] = UnitPlan(row["code"], row["name"], row["kind"], row["parent_code"] or None)
    generated: list[UnitPlan] = []
    for code, unit in units.items():
        generated.extend(_sub_units(unit, [u for u in units.values() if u.parent_code == code]))
    for unit in generated:
        units[unit.code] = unit
    roots: list[UnitPlan] = []
    for unit in units.values():
        if unit.parent_code is None:
            roots.append(unit)
        else:
            units[unit.parent_code].children.append(unit)
    ordered = list(_breadth_first(roots))
    for unit in ordered:
        parent = units[unit.parent_code] if unit.parent_code else None
        unit.opd_code = unit.code if parent is None or unit.kind in OPD_LIKE_KINDS else parent.opd_code
        unit.weight = KIND_WEIGHT.get(unit.kind, 1.0) * WEIGHT_FACTOR.get(unit.code, 1.0)
    return ordered


def _sub_units(unit: UnitPlan, existing: list[UnitPlan]) -> list[UnitPlan]:
    code = unit.code
    subs: list[UnitPlan] = []
    if code in OPD_SUBUNITS:
        short, bidang = OPD_SUBUNITS[code]
        if not any(u.kind == "sekretariat" for u in existing):
            subs.append(UnitPlan(f"{code}_SEKRETARIAT", f"Sekretariat {short}", "sekretariat", code))
        subs.extend(UnitPlan(f"{code}_{suffix}", name, "bidang", code) for suffix, name in bidang)
    if code in BAGIAN:
        subs.extend(UnitPlan(f"{code}_{suffix}", name, "bagian", code) for suffix, name in BAGIAN[code])
    if unit.kind == "rsud":
        subs.extend(UnitPlan(f"{code}_{suffix}", name, "bidang", code) for suffix, name in HOSPITAL_BIDANG)
    if code == "DISDIKBUD":
        subs.extend(UnitPlan(f"{code}_{suffix}", name, "lainnya", code) for suffix, name in SCHOOLS)
    return subs


def _breadth_first(roots: list[UnitPlan]) -> Iterator[UnitPlan]:
    level = roots
    while level:
        yield from level
        level = [child for unit in level for child in unit.children]


# -- positions ------------------------------------------------------------------------------------


@cache
def jabatan_catalogue() -> dict[str, tuple[str, str | None]]:
    """jabatan.csv as name -> (jenis_jabatan, jenjang)."""
    return {r["name"]: (r["jenis_jabatan"], r["jenjang"] or None) for r in _csv_rows("jabatan.csv")}


HEALTH = (
    "Dokter Ahli Madya",
    "Dokter Ahli Pertama",
    "Perawat Ahli Pertama",
    "Perawat Penyelia",
    "Perawat Mahir",
    "Perawat Terampil",
    "Bidan Terampil",
    "Apoteker Ahli Pertama",
    "Asisten Apoteker Terampil",
    "Pranata Laboratorium Kesehatan Mahir",
    "Perekam Medis Terampil",
    "Administrator Kesehatan Ahli Muda",
)
HOSPITALS = ("RSUD_AWS", "RSUD_KANUJOSO", "RSJD_AHM", "RSUD_AMS2", "RS_MATA")
# Fungsional positions that every working unit of an OPD has, by the OPD's field.
OPD_FUNGSIONAL: dict[str, tuple[str, ...]] = {
    "BPSDM": (
        "Widyaiswara Ahli Utama",
        "Widyaiswara Ahli Madya",
        "Widyaiswara Ahli Muda",
        "Widyaiswara Ahli Pertama",
        "Pengembang Teknologi Pembelajaran Ahli Pertama",
        "Asesor Sumber Daya Manusia Aparatur Ahli Muda",
    ),
    "BKD": ("Analis Sumber Daya Manusia Aparatur Ahli Muda", "Asesor Sumber Daya Manusia Aparatur Ahli Muda"),
    "INSPEKTORAT": (
        "Auditor Ahli Madya",
        "Auditor Ahli Muda",
        "Auditor Ahli Pertama",
        "Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah Ahli Muda",
    ),
    "DISKOMINFO": ("Pranata Komputer Ahli Pertama", "Pranata Komputer Terampil"),
    "DPK": ("Pustakawan Ahli Pertama", "Arsiparis Ahli Pertama", "Arsiparis Mahir", "Arsiparis Terampil"),
    "DPTPH": ("Penyuluh Pertanian Ahli Pertama", "Pengawas Benih Tanaman Ahli Pertama"),
    "DISBUN": ("Penyuluh Pertanian Ahli Pertama",),
    "DPKH": ("Medik Veteriner Ahli Pertama", "Penyuluh Pertanian Ahli Pertama"),
    "DISHUT": ("Polisi Kehutanan Terampil",),
    "SATPOLPP": ("Polisi Pamong Praja Terampil",),
    "BPKAD": ("Analis Keuangan Pusat dan Daerah Ahli Muda", "Analis Keuangan Pusat dan Daerah Ahli Pertama"),
    "BAPENDA": (
        "Analis Keuangan Pusat dan Daerah Ahli Muda",
        "Analis Keuangan Pusat dan Daerah Ahli Pertama",
    ),
    "BIRO_PBJ": ("Pengelola Pengadaan Barang/Jasa Ahli Pertama",),
    "BIRO_ORGANISASI": ("Analis Kebijakan Ahli Muda", "Analis Kebijakan Ahli Pertama"),
    "BAPPEDA": ("Perencana Ahli Muda", "Perencana Ahli Pertama"),
    "BRIDA": ("Analis Kebijakan Ahli Madya", "Analis Kebijakan Ahli Muda", "Analis Kebijakan Ahli Pertama"),
    "DINKES": (
        "Administrator Kesehatan Ahli Muda",
        "Dokter Ahli Madya",
        "Apoteker Ahli Pertama",
        "Perawat Ahli Pertama",
    ),
    "DISDIKBUD": ("Pengembang Teknologi Pembelajaran Ahli Pertama",),
    **{code: HEALTH for code in HOSPITALS},
    "RSJD_AHM": (*HEALTH, "Psikolog Klinis Ahli Pertama"),
}
SCHOOL_FUNGSIONAL = ("Guru Ahli Muda", "Guru Ahli Pertama", "Pustakawan Ahli Pertama")
# Planning, finance, records and IT work that any unit may have.
GENERIC_FUNGSIONAL = (
    "Perencana Ahli Muda",
    "Perencana Ahli Pertama",
    "Analis Kebijakan Ahli Madya",
    "Analis Kebijakan Ahli Muda",
    "Analis Kebijakan Ahli Pertama",
    "Arsiparis Terampil",
    "Pranata Komputer Ahli Pertama",
    "Analis Keuangan Pusat dan Daerah Ahli Pertama",
)
SEKRETARIAT_FUNGSIONAL = (
    "Perencana Ahli Muda",
    "Perencana Ahli Pertama",
    "Analis Keuangan Pusat dan Daerah Ahli Pertama",
    "Arsiparis Terampil",
    "Analis Sumber Daya Manusia Aparatur Ahli Muda",
    "Pengelola Pengadaan Barang/Jasa Ahli Pertama",
)
GENERIC_PELAKSANA = (
    "Penata Layanan Operasional",
    "Pengelola Layanan Operasional",
    "Operator Layanan Operasional",
    "Pengadministrasi Perkantoran",
    "Pengelola Umum Operasional",
    "Penelaah Teknis Kebijakan",
    "Pengolah Data dan Informasi",
)
OPD_PELAKSANA: dict[str, tuple[str, ...]] = {
    "BIRO_HUKUM": ("Penyusun Materi Hukum dan Perundang-Undangan", "Dokumentalis Hukum"),
    "BIRO_PPOD": ("Fasilitator Pemerintahan",),
    "DPMPD": ("Fasilitator Pemerintahan",),
    "KESBANGPOL": ("Fasilitator Pemerintahan",),
    "DISKOMINFO": ("Penata Kelola Sistem dan Teknologi Informasi",),
    "DINKES": ("Penata Kelola Layanan Kesehatan",),
    **{code: ("Penata Kelola Layanan Kesehatan", "Operator Layanan Kesehatan") for code in HOSPITALS},
}
JENJANG_ABBR = {
    "ahli_utama": "AU",
    "ahli_madya": "AMD",
    "ahli_muda": "AM",
    "ahli_pertama": "AP",
    "penyelia": "PNY",
    "mahir": "MHR",
    "terampil": "TRP",
    "pemula": "PML",
}
_PARENTHESIS = re.compile(r"\s*\(.*?\)")
_STOP_WORDS = frozenset(
    {
        "dan",
        "di",
        "pusat",
        "daerah",
        "ahli",
        "utama",
        "madya",
        "muda",
        "pertama",
        "penyelia",
        "mahir",
        "terampil",
        "pemula",
    }
)


class _Positions:
    """Collects positions and keeps their codes unique."""

    def __init__(self) -> None:
        self.items: list[PositionPlan] = []
        self._codes: set[str] = set()

    def add(self, unit: UnitPlan, key: str, name: str, jenis: str, jenjang: str | None = None) -> None:
        code = f"{unit.code}-{key}"[:56]
        candidate, n = code, 1
        while candidate in self._codes:
            n += 1
            candidate = f"{code}{n}"
        self._codes.add(candidate)
        self.items.append(PositionPlan(candidate, name, jenis, jenjang, unit.code))

    def add_from_catalogue(self, unit: UnitPlan, name: str) -> None:
        jenis, jenjang = jabatan_catalogue()[name]
        self.add(unit, _slug(name, jenjang), name, jenis, jenjang)


def _slug(name: str, jenjang: str | None) -> str:
    words = [w for w in re.split(r"[^A-Za-z]+", name) if w and w.lower() not in _STOP_WORDS]
    head = "".join(w[:4].upper() for w in words)[:20]
    return f"{head}-{JENJANG_ABBR[jenjang]}" if jenjang else head


def plan_positions(units: list[UnitPlan], rng: random.Random) -> list[PositionPlan]:
    """Positions of every jenis jabatan: structure by unit kind, fungsional and pelaksana by field."""
    positions = _Positions()
    kinds = {u.code: u.kind for u in units}
    for unit in units:
        _structural(positions, unit, kinds.get(unit.parent_code or "", ""))
        for name in _fungsional_names(unit, rng):
            positions.add_from_catalogue(unit, name)
        for name in _pelaksana_names(unit, rng):
            positions.add_from_catalogue(unit, name)
    return positions.items


def _plain_name(unit: UnitPlan) -> str:
    return _PARENTHESIS.sub("", unit.name)


def _structural(positions: _Positions, unit: UnitPlan, parent_kind: str) -> None:
    kind, code = unit.kind, unit.code
    if code == "SETDA":
        positions.add(unit, "SEKDA", "Sekretaris Daerah", "jpt_madya")
        for i, name in enumerate(
            (
                "Asisten Pemerintahan dan Kesejahteraan Rakyat",
                "Asisten Perekonomian dan Administrasi Pembangunan",
                "Asisten Administrasi Umum",
            ),
            start=1,
        ):
            positions.add(unit, f"ASISTEN{i}", name, "jpt_pratama")
        positions.add(unit, "SAHLI-POLHUK", "Staf Ahli Gubernur Bidang Politik dan Hukum", "jpt_pratama")
    elif code == "SETWAN":
        positions.add(unit, "SEKWAN", "Sekretaris DPRD", "jpt_pratama")
    elif kind == "inspektorat":
        positions.add(unit, "INSPEKTUR", "Inspektur Daerah", "jpt_pratama")
    elif kind == "satpol":
        positions.add(unit, "KEPALA", "Kepala Satuan Polisi Pamong Praja", "jpt_pratama")
    elif kind in ("dinas", "badan", "biro"):
        positions.add(unit, "KEPALA", f"Kepala {unit.name}", "jpt_pratama")
    elif kind == "rsud":
        positions.add(unit, "DIREKTUR", f"Direktur {_plain_name(unit)}", "jpt_pratama")
        if code == "RSUD_AWS":
            positions.add(unit, "WADIR", "Wakil Direktur RSUD Abdoel Wahab Sjahranie", "jpt_pratama")
        positions.add(unit, "KABAG-TU", "Kepala Bagian Tata Usaha", "administrator")
        positions.add(unit, "KABAG-KEU", "Kepala Bagian Keuangan", "administrator")
        positions.add(unit, "KASUBBAG-UMPEG", "Kepala Sub Bagian Umum dan Kepegawaian", "pengawas")
    elif kind == "sekretariat":
        _sekretariat(positions, unit, parent_kind)
    elif kind == "bidang" and unit.name.startswith("Inspektur Pembantu"):
        positions.add(unit, "IRBAN", unit.name, "administrator")
    elif kind in ("bidang", "bagian"):
        positions.add(unit, "KABID" if kind == "bidang" else "KABAG", f"Kepala {unit.name}", "administrator")
        if unit.name == "Bidang Promosi dan Informasi":
            positions.add(unit, "KASI-PROMOSI", "Kepala Seksi Promosi dan Informasi", "pengawas")
    elif kind == "uptd":
        positions.add(unit, "KEPALA", f"Kepala {unit.name}", "administrator")
        positions.add(unit, "KASUBBAG-TU", "Kepala Subbagian Tata Usaha", "pengawas")


SEKRETARIS_TITLE = {
    "INSPEKTORAT": "Sekretaris Inspektorat",
    "SATPOLPP": "Sekretaris Satuan Polisi Pamong Praja",
}


def _sekretariat(positions: _Positions, unit: UnitPlan, parent_kind: str) -> None:
    title = SEKRETARIS_TITLE.get(unit.opd_code) or (
        "Sekretaris Badan" if parent_kind == "badan" else "Sekretaris Dinas"
    )
    positions.add(unit, "SEKRETARIS", title, "administrator")
    positions.add(unit, "KASUBBAG-UMPEG", "Kepala Sub Bagian Umum dan Kepegawaian", "pengawas")
    positions.add(unit, "KASUBBAG-PK", "Kepala Sub Bagian Perencanaan dan Keuangan", "pengawas")
    if unit.opd_code == "INSPEKTORAT":
        positions.add(unit, "KASUBBAG-ANEV", "Kepala Subbagian Analisis dan Evaluasi", "pengawas")


def _fungsional_names(unit: UnitPlan, rng: random.Random) -> list[str]:
    if unit.kind == "lainnya":  # schools
        return list(SCHOOL_FUNGSIONAL)
    if unit.kind == "sekretariat" and unit.parent_code is not None:
        return rng.sample(SEKRETARIAT_FUNGSIONAL, 3)
    own = OPD_FUNGSIONAL.get(unit.opd_code, ())
    extra = [n for n in rng.sample(GENERIC_FUNGSIONAL, rng.randint(1, 3)) if n not in own]
    return [*own, *extra]


def _pelaksana_names(unit: UnitPlan, rng: random.Random) -> list[str]:
    own = OPD_PELAKSANA.get(unit.opd_code, ())
    return [*own, *rng.sample(GENERIC_PELAKSANA, 2 if unit.kind == "lainnya" else 3)]
