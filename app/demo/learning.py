"""Demo learning records: a few years of JP for every demo ASN, from every kind of source.

About twenty records per ASN (so 60,000 ASN give about 1.2 million), mostly short activities
(webinars, e-learning, bimtek) and a few long classical trainings, in the states a real ledger
holds: verified from SIMPEG/LMS, self-entered claims approved, rejected, still pending, or voided.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, func, insert, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.db import Base, is_postgres
from app.learning import totals
from app.learning.jp import record_jp
from app.learning.models import LearningRecord
from app.learning.service import certificate_key, title_key
from app.reference.codes import data_file
from app.rules import service as rules_service
from app.rules.schemas import RuleSetBody

CHUNK = 5_000
_RECORDS: Table = Base.metadata.tables["learning_records"]
_EVENTS: Table = Base.metadata.tables["learning_events"]
_TOTALS: Table = Base.metadata.tables["jp_totals"]

# (title, form code, jp range) for everyday learning; the catalogue's long trainings are added rarely.
SHORT_ACTIVITIES: tuple[tuple[str, str, tuple[int, int]], ...] = (
    ("Webinar ASN Belajar: {topic}", "9", (2, 4)),
    ("Seminar {topic}", "9", (4, 8)),
    ("E-Learning {topic}", "16", (2, 12)),
    ("Bimbingan Teknis {topic}", "8", (16, 40)),
    ("Workshop {topic}", "4", (8, 24)),
    ("Sosialisasi {topic}", "7", (2, 6)),
    ("Coaching {topic}", "14", (2, 4)),
    ("Mentoring {topic}", "15", (2, 4)),
    ("Belajar Mandiri {topic}", "22", (1, 6)),
    ("Komunitas Belajar {topic}", "23", (2, 4)),
)
TOPICS = (
    "Penyusunan Anggaran Berbasis Kinerja",
    "Manajemen Risiko Sektor Publik",
    "SPBE dan Keamanan Informasi",
    "Pelayanan Publik Prima",
    "Penyusunan SKP dan Manajemen Kinerja",
    "Pengelolaan Arsip Dinamis",
    "Analisis Kebijakan Publik",
    "Pengadaan Barang/Jasa Pemerintah",
    "Literasi Data untuk ASN",
    "Penulisan Naskah Dinas",
    "Integritas dan Antikorupsi",
    "Moderasi Beragama",
    "Wawasan Kebangsaan dan Bela Negara",
    "Pengelolaan Keuangan Daerah",
    "Digitalisasi Layanan Perizinan",
    "Kesehatan dan Keselamatan Kerja",
    "Perencanaan Pembangunan Daerah",
    "Pengelolaan Barang Milik Daerah",
    "Penanganan Pengaduan Masyarakat",
    "Kepemimpinan Pancasila",
)
ORGANIZERS = (
    "BPSDM Provinsi Kalimantan Timur",
    "LAN RI",
    "BPKP Perwakilan Kalimantan Timur",
    "Kementerian Dalam Negeri",
    "Diskominfo Provinsi Kalimantan Timur",
    "Pusdiklat Kemendagri Regional Bukittinggi",
)


def _catalogue() -> list[tuple[str, str, int]]:
    rows = csv.DictReader(io.StringIO(data_file("bpsdm-courses.csv")))
    return [(r["title"], r["form_code"], int(r["jp"])) for r in rows if r["jp"] and int(r["jp"]) <= 200]


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC) + timedelta(minutes=rng.randrange(600))


def _records_for(
    rng: random.Random,
    nip: str,
    count: int,
    years: tuple[int, ...],
    today: date,
    catalogue: list[tuple[str, str, int]],
    rules: dict[int, RuleSetBody],
) -> Iterator[dict[str, Any]]:
    used: set[tuple[str, date]] = set()
    for n in range(count):
        if rng.random() < 0.04 and catalogue:
            title, form, jp_int = rng.choice(catalogue)
            jp = Decimal(jp_int)
            span = max(1, jp_int // 8)
        else:
            pattern, form, (low, high) = rng.choice(SHORT_ACTIVITIES)
            title = pattern.format(topic=rng.choice(TOPICS))
            jp = Decimal(rng.randint(low * 4, high * 4)) / 4
            span = 1 if jp <= 8 else int(jp // 8)
        year = rng.choice(years)
        last = min(today - timedelta(days=1), date(year, 12, 31))
        end = date(year, 1, 1) + timedelta(days=rng.randrange(max(1, (last - date(year, 1, 1)).days + 1)))
        start = max(date(year, 1, 1), end - timedelta(days=span - 1))
        if (title, end) in used:
            continue
        used.add((title, end))
        roll = rng.random()
        if roll < 0.55:
            source, status = rng.choice(("simpeg", "xapi", "admin")), "verified"
        elif roll < 0.86:
            source, status = "self", "verified"
        elif roll < 0.93:
            source, status = "self", "pending"
        elif roll < 0.97:
            source, status = "self", "rejected"
        else:
            source, status = "self", "voided"
        # Entered a few days after the activity ended, but never after today (nor decided after it).
        cap = datetime(today.year, today.month, today.day, tzinfo=UTC)
        created = min(_moment(end + timedelta(days=rng.randrange(1, 20)), rng), cap)
        yield {
            "nip": nip,
            "title": title,
            "title_key": title_key(title),
            "form_code": form,
            "organizer": rng.choice(ORGANIZERS),
            "start_date": start,
            "end_date": end,
            "year": end.year,
            "jp_claimed": jp,
            "duration_minutes": None,
            # Counted as every real path counts it: by the year's form rules (a day of seminar is 4 JP).
            "jp": record_jp(
                rules[end.year], form_code=form, jp=jp, duration_minutes=None, start_date=start, end_date=end
            ),
            "competency_codes": [],
            "certificate_number": (
                number := f"{form}/{end.year}/{nip[-6:]}{n:03d}" if rng.random() < 0.4 else None
            ),
            "certificate_key": certificate_key(number),
            "cost_idr": rng.choice((None, 0, 150_000, 750_000, 2_500_000)),
            "source": source,
            "external_id": f"{source}-{nip}-{n}" if source in ("simpeg", "xapi") else None,
            "status": status,
            "created_by": {"simpeg": "client:simpeg", "xapi": "client:lms", "admin": "demo-admin"}.get(
                source, nip
            ),
            "created_at": created,
            "decided_by": "demo-admin" if status in ("verified", "rejected") else None,
            "decided_at": created
            if source != "self"
            else (min(created + timedelta(days=3), cap) if status in ("verified", "rejected") else None),
            "decision_note": "Sertifikat tidak sesuai" if status == "rejected" else None,
            "voided_by": nip if status == "voided" else None,
            "voided_at": min(created + timedelta(days=1), cap) if status == "voided" else None,
            "void_reason": "Dibatalkan oleh ASN: tercatat ganda" if status == "voided" else None,
            "version": 1,
        }


def _events(record_id: int, row: dict[str, Any]) -> list[dict[str, Any]]:
    actor = row["created_by"]
    role = "asn" if row["source"] == "self" else ("client" if actor.startswith("client:") else "opd_admin")
    first = "pending" if row["source"] == "self" else "verified"
    events = [
        {
            "record_id": record_id,
            "at": row["created_at"],
            "actor": actor,
            "role": role,
            "action": "created",
            "from_status": None,
            "to_status": first,
            "note": None,
        }
    ]
    if row["source"] == "self" and row["status"] in ("verified", "rejected"):
        action = "approved" if row["status"] == "verified" else "rejected"
        events.append(
            {
                "record_id": record_id,
                "at": row["decided_at"],
                "actor": "demo-admin",
                "role": "opd_admin",
                "action": action,
                "from_status": "pending",
                "to_status": row["status"],
                "note": row["decision_note"],
            }
        )
    if row["status"] == "voided":
        events.append(
            {
                "record_id": record_id,
                "at": row["voided_at"],
                "actor": row["voided_by"],
                "role": "asn",
                "action": "voided",
                "from_status": "pending",
                "to_status": "voided",
                "note": row["void_reason"],
            }
        )
    return events


async def load_learning(session: AsyncSession, rng: random.Random, *, per_asn: int, today: date) -> int:
    """Insert about `per_asn` records for every ASN, their history, and the verified totals."""
    if per_asn <= 0:
        return 0
    nips = list((await session.execute(select(Asn.nip).order_by(Asn.nip))).scalars())
    years = tuple(y for y in (today.year - 2, today.year - 1, today.year) if date(y, 1, 2) <= today)
    catalogue = _catalogue()
    rules = {year: await rules_service.rules_for_year(session, year) for year in years}
    # Ids are given here rather than returned by the database: RETURNING makes SQLite insert row by
    # row, and the demo loads into an empty ledger inside one transaction.
    next_id = ((await session.execute(select(func.max(LearningRecord.id)))).scalar() or 0) + 1
    total = 0
    batch: list[dict[str, Any]] = []
    for nip in nips:
        count = max(0, round(rng.gauss(per_asn, per_asn / 4)))
        for row in _records_for(rng, nip, count, years, today, catalogue, rules):
            row["id"] = next_id
            next_id += 1
            batch.append(row)
        if len(batch) >= CHUNK:
            total += await _flush(session, batch)
            batch = []
    if batch:
        total += await _flush(session, batch)
    if is_postgres(session):
        await session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('learning_records', 'id'), (SELECT max(id) FROM learning_records))"
            )
        )
    # Verified totals straight from the ledger, as the transitions would have kept them.
    await session.execute(
        insert(_TOTALS).from_select(
            ["nip", "year", "form_code", "jp", "records"],
            select(
                LearningRecord.nip,
                LearningRecord.year,
                LearningRecord.form_code,
                func.sum(LearningRecord.jp),
                func.count(),
            )
            .where(LearningRecord.status == literal("verified"))
            .group_by(LearningRecord.nip, LearningRecord.year, LearningRecord.form_code),
        )
    )
    await totals.recompute_years(session, 1900, None)
    return total


async def _flush(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    await session.execute(insert(_RECORDS), rows)
    events = [e for row in rows for e in _events(row["id"], row)]
    await session.execute(insert(_EVENTS), events)
    return len(rows)
