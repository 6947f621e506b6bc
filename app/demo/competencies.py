"""Demo competencies: teknis dictionary entries, position standards, assessments and the course catalogue.

Every position gets the default manajerial/sosial kultural standard of its kind (`standard_defaults`),
positions whose name or unit fits one of the demo's teknis competencies get a teknis line too, and
every ASN with a position gets a few assessments over the last four years, rated around the required
level so the province shows realistic gaps. The BPSDM catalogue (bpsdm-courses.csv) becomes courses
mapped to the competencies they develop.

competency_levels is written while the ratings are generated (an ASN's assessments come in date
order, so the last rating seen is the latest); standings and unit totals are rebuilt set-based at the
end by `standings.refresh(session, None)`. The big tables go in through COPY on PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, and_, func, insert, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.models import (
    Assessment,
    Competency,
    Course,
    PositionStandard,
    StandardDefault,
)
from app.competencies.standards import standings
from app.core.db import Base, chunked, is_postgres
from app.core.types import utcnow
from app.org.models import Position, Unit
from app.reference.codes import data_file

CHUNK = 10_000
_COMPETENCIES: Table = Base.metadata.tables["competencies"]
_STANDARDS: Table = Base.metadata.tables["position_standards"]
_ASSESSMENTS: Table = Base.metadata.tables["assessments"]
_RESULTS: Table = Base.metadata.tables["assessment_results"]
_LEVELS: Table = Base.metadata.tables["competency_levels"]
_COURSES: Table = Base.metadata.tables["courses"]
_COURSE_COMPETENCIES: Table = Base.metadata.tables["course_competencies"]

ORGANIZER = "BPSDM Provinsi Kalimantan Timur"
MANAJERIAL = ("M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8")


@dataclass(frozen=True, slots=True)
class Teknis:
    """A teknis competency of the demo dictionary and who needs it.

    A position gets a line when its name contains one of `names`, or when it sits (below JPT level)
    in the subtree of one of `units`.
    """

    code: str
    name: str
    description: str
    levels: tuple[str, str, str, str, str]
    names: tuple[str, ...]
    units: tuple[str, ...]


TEKNIS: tuple[Teknis, ...] = (
    Teknis(
        "T.PBJ",
        "Pengadaan Barang/Jasa Pemerintah",
        "Kemampuan merencanakan, melaksanakan dan mengendalikan pengadaan barang/jasa pemerintah sesuai "
        "ketentuan, secara efektif, efisien, transparan dan akuntabel.",
        (
            "Memahami prinsip, etika dan alur dasar pengadaan barang/jasa pemerintah.",
            "Mampu menyusun dokumen persiapan pengadaan (spesifikasi, HPS, rancangan kontrak) dengan arahan.",
            "Mampu melaksanakan pemilihan penyedia dan mengelola kontrak secara mandiri sesuai ketentuan.",
            "Mampu menyusun strategi pengadaan, menangani sanggah dan permasalahan kontrak yang kompleks.",
            "Mampu merumuskan kebijakan pengadaan daerah dan membina pelaku pengadaan di tingkat provinsi.",
        ),
        ("Pengadaan Barang/Jasa", "Pengelola Pengadaan"),
        ("BIRO_PBJ",),
    ),
    Teknis(
        "T.AUD",
        "Audit Intern Pemerintah",
        "Kemampuan melaksanakan pengawasan intern (audit, reviu, evaluasi, pemantauan) atas penyelenggaraan "
        "pemerintahan daerah berdasarkan standar audit intern pemerintah.",
        (
            "Memahami standar dan kode etik audit intern pemerintah serta jenis-jenis pengawasan.",
            "Mampu melaksanakan prosedur audit dan menyusun kertas kerja audit di bawah supervisi.",
            "Mampu memimpin tim audit, menyimpulkan temuan dan menyusun rekomendasi yang dapat ditindaklanjuti.",
            "Mampu merencanakan pengawasan berbasis risiko dan mengendalikan mutu hasil audit.",
            "Mampu mengembangkan kebijakan dan metodologi pengawasan intern serta menilai maturitas SPIP daerah.",
        ),
        ("Auditor", "Pengawas Penyelenggaraan Urusan Pemerintahan"),
        ("INSPEKTORAT",),
    ),
    Teknis(
        "T.SDM",
        "Manajemen SDM Aparatur",
        "Kemampuan mengelola sumber daya manusia aparatur: perencanaan kebutuhan, pengembangan kompetensi, "
        "penilaian kinerja dan karier ASN berdasarkan sistem merit.",
        (
            "Memahami siklus manajemen ASN dan prinsip sistem merit.",
            "Mampu mengolah data kepegawaian dan menyusun dokumen administrasi pengembangan kompetensi.",
            "Mampu menganalisis kebutuhan pengembangan kompetensi dan merancang program pembelajaran.",
            "Mampu mengevaluasi program pengembangan SDM dan memetakan talenta instansi.",
            "Mampu merumuskan kebijakan manajemen talenta dan pengembangan SDM aparatur tingkat provinsi.",
        ),
        ("Sumber Daya Manusia", "Widyaiswara", "Pengembang Teknologi Pembelajaran"),
        ("BKD", "BPSDM"),
    ),
    Teknis(
        "T.TIK",
        "Tata Kelola Teknologi Informasi dan Komunikasi",
        "Kemampuan merencanakan, membangun, mengoperasikan dan mengamankan layanan TIK pemerintah "
        "sesuai arsitektur SPBE.",
        (
            "Memahami konsep dasar SPBE, infrastruktur TIK dan keamanan informasi.",
            "Mampu mengoperasikan dan memelihara aplikasi serta infrastruktur TIK sesuai prosedur.",
            "Mampu merancang dan mengembangkan layanan TIK serta mengelola data instansi.",
            "Mampu menyusun arsitektur dan peta rencana SPBE serta mengelola risiko keamanan informasi.",
            "Mampu merumuskan kebijakan tata kelola TIK dan memimpin transformasi digital pemerintah daerah.",
        ),
        ("Pranata Komputer", "Sistem dan Teknologi Informasi", "Pengolah Data"),
        ("DISKOMINFO",),
    ),
    Teknis(
        "T.KEU",
        "Pengelolaan Keuangan Daerah",
        "Kemampuan merencanakan, menatausahakan, melaporkan dan mempertanggungjawabkan keuangan dan "
        "barang milik daerah sesuai standar akuntansi pemerintahan.",
        (
            "Memahami siklus pengelolaan keuangan daerah dan standar akuntansi pemerintahan.",
            "Mampu menatausahakan penerimaan, belanja dan barang milik daerah sesuai prosedur.",
            "Mampu menyusun anggaran dan laporan keuangan perangkat daerah secara mandiri.",
            "Mampu menganalisis kinerja keuangan daerah dan menyusun rekomendasi perbaikan.",
            "Mampu merumuskan kebijakan pengelolaan keuangan daerah dan membina pengelola keuangan.",
        ),
        ("Keuangan",),
        ("BPKAD", "BAPENDA"),
    ),
)

# The required teknis level of a position, by its kind (and jenjang for fungsional).
TEKNIS_LEVEL = {
    "jpt_utama": 4,
    "jpt_madya": 4,
    "jpt_pratama": 4,
    "administrator": 3,
    "pengawas": 3,
    "pelaksana": 2,
    "ahli_utama": 5,
    "ahli_madya": 4,
    "ahli_muda": 3,
    "ahli_pertama": 2,
    "penyelia": 3,
    "mahir": 2,
    "terampil": 2,
    "pemula": 1,
}
_JPT = frozenset({"jpt_utama", "jpt_madya", "jpt_pratama"})

# Which competencies a catalogue course develops: the first title keyword that matches, else by `jenis`.
COURSE_BY_TITLE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Kepemimpinan Nasional Tingkat II", ("M1", "M4", "M7", "M8")),
    ("Kepemimpinan Administrator", ("M2", "M3", "M4", "M7")),
    ("Kepemimpinan Pengawas", ("M2", "M3", "M5", "M6")),
    ("Kepemimpinan Tingkat II", ("M1", "M7", "M8")),
    ("Kepemimpinan Tingkat III", ("M3", "M4", "M8")),
    ("Kepemimpinan Tingkat IV", ("M2", "M5", "M6")),
    ("Pranata Komputer", ("T.TIK",)),
    ("Auditor", ("T.AUD",)),
    ("PPUPD", ("T.AUD",)),
    ("Pengadaan Barang", ("T.PBJ",)),
    ("Reviu Laporan Keuangan", ("T.AUD", "T.KEU")),
    ("Barang Milik Daerah", ("T.KEU",)),
    ("Audit", ("T.AUD",)),
    ("SPIP", ("T.AUD",)),
    ("Pengawasan", ("T.AUD",)),
    ("Kertas Kerja Audit", ("T.AUD",)),
    ("Widyaiswara", ("T.SDM", "M6")),
    ("Jabatan Fungsional", ("M6", "T.SDM")),
    ("Satpol PP", ("M5", "SK1")),
    ("Polhut", ("M5",)),
    ("Medik Veteriner", ("M5",)),
    ("Manajemen Energi", ("M7",)),
    ("Magang", ("M2", "M6")),
    ("Webinar", ("M6",)),
    ("Anggota DPRD", ("M5", "SK1")),
)
COURSE_BY_JENIS = {
    "Manajerial": ("M4", "M8"),
    "Pelatihan Dasar": ("M1", "M2", "SK1"),
    "Orientasi": ("M1", "M6"),
    "Sosial Kultural": ("SK1",),
    "Sosiokultural": ("SK1",),
    "Pelatihan Sosial Kultural": ("SK1",),
    "Fungsional": ("M6",),
    "Teknis": ("M6",),
}
FALLBACK = ("M6",)

# Who rates: the first assessment of an ASN is a full one, later ones any method.
FIRST_METHODS = (("assessment_center", 3), ("uji_kompetensi", 2))
LATER_METHODS = (("assessment_center", 2), ("uji_kompetensi", 3), ("atasan", 4), ("self", 2))
# Levels: a person's offset from the standard ~ N(SHIFT_MEAN, SHIFT_SD), each competency varies by
# SPREAD_SD around it, each rating by NOISE_SD, and people grow by GROWTH levels per later assessment.
SHIFT_MEAN, SHIFT_SD, SPREAD_SD, NOISE_SD, GROWTH = -0.45, 0.55, 0.5, 0.35, 0.1
ASSESSOR = {
    "assessment_center": "UPTD Penilaian Kompetensi Pegawai BKD Provinsi Kalimantan Timur",
    "uji_kompetensi": "Tim Uji Kompetensi BPSDM Provinsi Kalimantan Timur",
    "atasan": "Atasan langsung",
    "self": None,
}


@dataclass(slots=True)
class CompetencySummary:
    teknis_added: int = 0
    standard_lines: int = 0
    assessments: int = 0
    assessment_results: int = 0
    courses: int = 0


async def load_competencies(
    session: AsyncSession, rng: random.Random, *, assessments_per_asn: int, today: date
) -> CompetencySummary:
    """Teknis dictionary, standards, assessments, courses, then a full rebuild of the gap figures."""
    summary = CompetencySummary()
    summary.teknis_added = await _add_teknis(session)
    summary.standard_lines = await _default_standards(session) + await _teknis_standards(session)
    if assessments_per_asn > 0:
        summary.assessments, summary.assessment_results = await _assessments(
            session, rng, assessments_per_asn, today
        )
    summary.courses = await _courses(session, rng, today)
    await standings.refresh(session, None)
    return summary


# -- dictionary and standards ---------------------------------------------------------------------


async def _add_teknis(session: AsyncSession) -> int:
    """Add the demo's teknis competencies the dictionary lacks (one added by hand is left alone)."""
    codes = [t.code for t in TEKNIS]
    existing = set(
        (await session.execute(select(Competency.code).where(Competency.code.in_(codes)))).scalars()
    )
    now = utcnow()
    rows = [
        {
            "code": t.code,
            "name": t.name,
            "group": "teknis",
            "description": t.description,
            "levels": [{"level": i, "description": d} for i, d in enumerate(t.levels, start=1)],
            "active": True,
            "version": 1,
            "updated_at": now,
        }
        for t in TEKNIS
        if t.code not in existing
    ]
    if rows:
        await session.execute(insert(_COMPETENCIES), rows)
    return len(rows)


async def _default_standards(session: AsyncSession) -> int:
    """positions × active manajerial/sosial kultural competencies × standard_defaults, in one statement."""
    p, c, d, s = Position, Competency, StandardDefault, PositionStandard
    has_line = select(s.position_id).where(s.position_id == p.id, s.competency_code == c.code).exists()
    source = (
        select(p.id, c.code, d.required_level)
        .join(d, and_(d.jenis_jabatan == p.jenis_jabatan, d.jenjang == func.coalesce(p.jenjang, literal(""))))
        .join(c, and_(c.group.in_(("manajerial", "sosial_kultural")), c.active.is_(True)))
        .where(~has_line)
    )
    result = await session.execute(
        insert(_STANDARDS).from_select(["position_id", "competency_code", "required_level"], source)
    )
    return max(0, result.rowcount or 0)  # type: ignore[attr-defined]


def teknis_for(name: str, jenis: str, unit_codes: Sequence[str]) -> list[Teknis]:
    """The demo teknis competencies a position needs, from its name and the units above it."""
    return [
        t
        for t in TEKNIS
        if any(word in name for word in t.names)
        or (jenis not in _JPT and any(u in t.units for u in unit_codes))
    ]


async def _teknis_standards(session: AsyncSession) -> int:
    units = {
        id_: (code, path)
        for id_, code, path in (await session.execute(select(Unit.id, Unit.code, Unit.path))).all()
    }
    existing = set(
        (await session.execute(select(PositionStandard.position_id, PositionStandard.competency_code))).all()
    )
    rows: list[dict[str, Any]] = []
    positions = await session.execute(
        select(
            Position.id, Position.name, Position.jenis_jabatan, Position.jenjang, Position.unit_id
        ).order_by(Position.id)
    )
    for pid, name, jenis, jenjang, unit_id in positions:
        path = units[unit_id][1]
        chain = [units[int(part)][0] for part in path.strip("/").split("/") if part and int(part) in units]
        for t in teknis_for(name, jenis, chain):
            if (pid, t.code) not in existing:
                level = TEKNIS_LEVEL.get(jenjang or jenis, 2)
                rows.append({"position_id": pid, "competency_code": t.code, "required_level": level})
    for chunk in chunked(rows, CHUNK):
        await session.execute(insert(_STANDARDS), chunk)
    return len(rows)


# -- assessments ----------------------------------------------------------------------------------


def _clamp(value: float) -> int:
    return min(5, max(1, round(value)))


def _appointed(nip: str) -> date | None:
    """Year and month of appointment from the NIP (PNS: YYYYMM at 9–14; PPPK: the year at 9–12)."""
    try:
        year = int(nip[8:12])
        month = int(nip[12:14])
    except ValueError:
        return None
    if not 1960 <= year <= 2100:
        return None
    return date(year, month if 1 <= month <= 12 else 1, 1)


def _dates(rng: random.Random, nip: str, count: int, first: date, last: date) -> list[date]:
    """`count` distinct ascending days in [first, last], not before the ASN was appointed if possible."""
    appointed = _appointed(nip)
    low = first
    if appointed is not None and appointed > low and (last - appointed).days >= count * 30:
        low = appointed
    span = (last - low).days + 1
    return [low + timedelta(days=d) for d in sorted(rng.sample(range(span), count))]


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def generate_assessments(
    rng: random.Random,
    people: Sequence[tuple[str, int]],
    standards: dict[int, list[tuple[str, int]]],
    per_asn: int,
    first: date,
    last: date,
    next_id: int,
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(assessment row, its result rows) for every ASN with a position standard, ids from `next_id`."""
    for nip, position_id in people:
        standard = standards.get(position_id)
        if not standard:
            continue
        # A person is generally a little below or above the standard; each competency varies around that.
        shift = rng.gauss(SHIFT_MEAN, SHIFT_SD)
        ability = {code: required + shift + rng.gauss(0, SPREAD_SD) for code, required in standard}
        for k, day in enumerate(_dates(rng, nip, per_asn, first, last)):
            if k == 0:
                method = _weighted(rng, FIRST_METHODS)
                rated = standard
            else:
                method = _weighted(rng, LATER_METHODS)
                rated = rng.sample(standard, rng.randint(max(1, len(standard) // 3), len(standard)))
            bias = 0.3 if method == "self" else 0.0  # people rate themselves a little higher
            assessment = {
                "id": next_id,
                "nip": nip,
                "assessed_on": day,
                "method": method,
                "assessor": ASSESSOR[method],
                "note": None,
                "created_by": nip if method == "self" else "demo-admin",
                "created_at": datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)
                + timedelta(days=rng.randrange(1, 15), minutes=rng.randrange(480)),
            }
            results = [
                {
                    "assessment_id": next_id,
                    "competency_code": code,
                    "level": _clamp(ability[code] + GROWTH * k + bias + rng.gauss(0, NOISE_SD)),
                }
                for code, _ in sorted(rated)
            ]
            next_id += 1
            yield assessment, results


async def _assessments(
    session: AsyncSession, rng: random.Random, per_asn: int, today: date
) -> tuple[int, int]:
    standards: dict[int, list[tuple[str, int]]] = {}
    for position_id, code, required in await session.execute(
        select(
            PositionStandard.position_id, PositionStandard.competency_code, PositionStandard.required_level
        ).order_by(PositionStandard.position_id, PositionStandard.competency_code)
    ):
        standards.setdefault(position_id, []).append((code, required))
    held = await session.execute(
        select(Asn.nip, Asn.position_id).where(Asn.position_id.is_not(None)).order_by(Asn.nip)
    )
    people = [(nip, pid) for nip, pid in held if pid is not None]
    # The last four full years.
    first = date(today.year - 4, 1, 1)
    last = min(date(today.year - 1, 12, 31), today - timedelta(days=1))
    # Ids given here, as for learning records: RETURNING would make SQLite insert row by row.
    next_id = ((await session.execute(select(func.max(Assessment.id)))).scalar() or 0) + 1
    batch: dict[Table, list[dict[str, Any]]] = {_ASSESSMENTS: [], _RESULTS: [], _LEVELS: []}
    counts = [0, 0]
    # An ASN's assessments come together and in date order, so the latest rating of each competency
    # is the last one seen: competency_levels is filled as the ratings are generated.
    current: dict[str, dict[str, Any]] = {}
    nip = None
    for assessment, rows in generate_assessments(rng, people, standards, per_asn, first, last, next_id):
        if assessment["nip"] != nip:
            batch[_LEVELS].extend(current.values())
            current, nip = {}, assessment["nip"]
        batch[_ASSESSMENTS].append(assessment)
        batch[_RESULTS].extend(rows)
        for row in rows:
            current[row["competency_code"]] = {
                "nip": nip,
                "competency_code": row["competency_code"],
                "level": row["level"],
                "assessed_on": assessment["assessed_on"],
                "assessment_id": assessment["id"],
            }
        counts[0] += 1
        counts[1] += len(rows)
        if len(batch[_RESULTS]) >= CHUNK:
            await _flush(session, batch)
    batch[_LEVELS].extend(current.values())
    await _flush(session, batch)
    if counts[0] and is_postgres(session):
        await session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('assessments', 'id'), (SELECT max(id) FROM assessments))"
            )
        )
    return counts[0], counts[1]


async def _flush(session: AsyncSession, batch: dict[Table, list[dict[str, Any]]]) -> None:
    """Write and empty the batch, parents first (the levels refer to the assessments)."""
    for table, rows in batch.items():
        if rows:
            await bulk_insert(session, table, rows)
            rows.clear()


async def bulk_insert(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows: PostgreSQL's COPY (several times faster than INSERT for a million rows),
    elsewhere an executemany. Runs on the session's connection, in its transaction."""
    if not is_postgres(session):
        await session.execute(insert(table), rows)
        return
    columns = [c.name for c in table.columns if c.name in rows[0]]
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
        table.name, records=[tuple(row[c] for c in columns) for row in rows], columns=columns
    )


# -- the catalogue --------------------------------------------------------------------------------


def course_competencies(title: str, jenis: str) -> tuple[str, ...]:
    for keyword, codes in COURSE_BY_TITLE:
        if keyword.lower() in title.lower():
            return codes
    return COURSE_BY_JENIS.get(jenis, FALLBACK)


def catalogue_rows(rng: random.Random, today: date) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    """One course per row of bpsdm-courses.csv, with its competencies; dates this year and next."""
    now = utcnow()
    out: list[tuple[dict[str, Any], tuple[str, ...]]] = []
    for n, row in enumerate(csv.DictReader(io.StringIO(data_file("bpsdm-courses.csv"))), start=1):
        jp = Decimal(row["jp"]) if row["jp"] else None
        days = max(1, min(120, int(jp) // 8)) if jp is not None else rng.randint(1, 10)
        year = today.year + rng.randint(0, 1)
        starts = date(year, 1, 15) + timedelta(days=rng.randrange(300))
        out.append(
            (
                {
                    "code": f"BPSDM-{n:03d}",
                    "title": row["title"],
                    "form_code": row["form_code"],
                    "jp": jp,
                    "organizer": ORGANIZER,
                    "starts_on": starts,
                    "ends_on": starts + timedelta(days=days - 1),
                    "quota": rng.randint(30, 60),
                    "active": True,
                    "version": 1,
                    "updated_at": now,
                },
                course_competencies(row["title"], row["jenis"]),
            )
        )
    return out


async def _courses(session: AsyncSession, rng: random.Random, today: date) -> int:
    planned = catalogue_rows(rng, today)
    codes = [row["code"] for row, _ in planned]
    existing = set((await session.execute(select(Course.code).where(Course.code.in_(codes)))).scalars())
    known = set((await session.execute(select(Competency.code))).scalars())
    new = [(row, comps) for row, comps in planned if row["code"] not in existing]
    if not new:
        return 0
    result = await session.execute(
        insert(_COURSES).returning(_COURSES.c.id, _COURSES.c.code), [row for row, _ in new]
    )
    ids = {code: id_ for id_, code in result.all()}
    links = [
        {"course_id": ids[row["code"]], "competency_code": code}
        for row, comps in new
        for code in comps
        if code in known
    ]
    # Every manajerial competency is developed by at least one course, so no development plan is empty.
    covered = {link["competency_code"] for link in links}
    general = ids[new[0][0]["code"]]
    links.extend(
        {"course_id": general, "competency_code": code}
        for code in MANAJERIAL
        if code in known and code not in covered
    )
    await session.execute(insert(_COURSE_COMPETENCIES), links)
    return len(new)
