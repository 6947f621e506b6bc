"""The reports as spreadsheets: what each export holds, and how it is fetched (app.core.downloads
writes and sends it).

An export is a few sheets. Small ones (unit summaries, the gap report, the budget check) are
computed before the response starts, so scope and validation errors are still problem+json.
The large one (one row per ASN, or per pending claim) is read in keyset batches of BATCH rows,
never through a server-side cursor (PostgreSQL reads run in autocommit here).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn import service as asn_service
from app.asn.models import Asn
from app.budgets import service as budgets_service
from app.competencies.reports import service as competency_reports
from app.core.downloads import Batches, Export, SessionSource
from app.core.errors import Unprocessable
from app.core.fastread import FastReader
from app.core.i18n import msg
from app.core.security import Principal
from app.core.spreadsheets import Column, Kind, Row, Sheet
from app.core.types import round_jp
from app.exports import pdf
from app.learning.models import VERIFIED, JpYearTotal, LearningRecord
from app.learning.reports import service as learning_reports
from app.org import service as org_service
from app.org.models import Position, Unit
from app.reference import codes
from app.rules import service as rules_service

BATCH = 5_000
ZERO_JP = round_jp(Decimal(0))
PPPK = "pppk"


def slug(text: str) -> str:
    """A file-name-safe form of a unit code: "DINAS_KOMINFO" → "dinas-kominfo"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "unit"


def _stem(base: str, root: Unit | None, *suffix: object) -> str:
    parts = [base] + ([slug(root.code)] if root is not None else []) + [str(s) for s in suffix]
    return "-".join(parts)


def _keyset(stmt: Callable[[Any], Any], key: Callable[[Any], Any]) -> Batches:
    """Batches of `stmt(after)` (ordered by the key, at most BATCH rows), each in a session of its own."""

    async def batches(open_session: SessionSource) -> AsyncIterator[Sequence[Any]]:
        after = None
        while True:
            async with open_session() as session:
                rows = (await session.execute(stmt(after))).all()
            if rows:
                yield rows
            if len(rows) < BATCH:
                return
            after = key(rows[-1])

    return batches


# -- JP compliance --------------------------------------------------------------------------------------

JP_SHEET = Sheet(
    "Kepatuhan JP",
    (
        Column("NIP", Kind.text, 21),
        Column("Nama", Kind.text, 34),
        Column("Unit Kerja", Kind.text, 40),
        Column("Jenis ASN", Kind.text, 10),
        Column("Golongan", Kind.text, 10),
        Column("JP Terverifikasi", Kind.jp, 14),
        Column("Target JP", Kind.jp, 11),
        Column("Batas JP", Kind.jp, 10),
        Column("Kekurangan JP", Kind.jp, 14),
        Column("Status", Kind.text, 16),
    ),
)
JP_UNITS_SHEET = Sheet(
    "Ringkasan Unit",
    (
        Column("Kode Unit", Kind.text, 18),
        Column("Unit Kerja", Kind.text, 44),
        Column("Jumlah PNS/CPNS", Kind.integer, 15),
        Column("Memenuhi", Kind.integer, 11),
        Column("Belum Memenuhi", Kind.integer, 15),
        Column("Persentase Memenuhi (%)", Kind.pct2, 14),
        Column("Total JP", Kind.jp, 13),
        Column("Rata-rata JP", Kind.jp, 12),
    ),
)
JP_PPPK_SHEET = Sheet(
    "Ringkasan PPPK",
    (
        Column("Batas JP", Kind.jp, 10),
        Column("Jumlah PPPK", Kind.integer, 12),
        Column("Melebihi Batas", Kind.integer, 14),
        Column("Total JP", Kind.jp, 13),
        Column("Rata-rata JP", Kind.jp, 12),
    ),
)
MEETS, BELOW = "Memenuhi", "Belum memenuhi"
OVER_CAP, WITHIN_CAP = "Melebihi batas", "Dalam batas"


def _asn_page(year: int, root: Unit | None) -> Callable[[str | None], Any]:
    def page(after: str | None) -> Any:
        stmt = (
            select(Asn.nip, Asn.name, Unit.name, Asn.employment_type, Asn.golongan, JpYearTotal.jp)
            .join(Unit, Unit.id == Asn.unit_id)
            .outerjoin(JpYearTotal, and_(JpYearTotal.nip == Asn.nip, JpYearTotal.year == year))
            .where(Asn.active.is_(True))
            .order_by(Asn.nip)
            .limit(BATCH)
        )
        if root is not None:
            stmt = stmt.where(Unit.path.like(root.path + "%"))
        if after is not None:
            stmt = stmt.where(Asn.nip > after)
        return stmt

    return page


def _asn_row(target: Decimal, cap: Decimal) -> Callable[[Any], Row]:
    def row(r: Any) -> Row:
        nip, name, unit, employment_type, golongan, jp = r
        jp = ZERO_JP if jp is None else round_jp(Decimal(jp))
        if employment_type == PPPK:
            status = OVER_CAP if jp > cap else WITHIN_CAP
            return (nip, name, unit, "PPPK", golongan, jp, None, cap, None, status)
        shortfall = target - jp if jp < target else ZERO_JP
        status = MEETS if jp >= target else BELOW
        return (nip, name, unit, employment_type.upper(), golongan, jp, target, None, shortfall, status)

    return row


async def jp_compliance(
    session: AsyncSession, principal: Principal, year: int, unit_id: int | None
) -> Export:
    root = await org_service.unit_in_reach(session, principal, unit_id)
    report = await learning_reports.jp_compliance(session, principal, year, unit_id)
    rules = await rules_service.rules_for_year(session, year)
    target, cap = round_jp(rules.pns_min_jp), round_jp(rules.pppk_max_jp)

    units: list[Row] = [
        (u.code, u.name, u.headcount, u.compliant, u.non_compliant, u.compliance_pct, u.total_jp, u.mean_jp)
        for u in report.units
    ]
    if root is not None and report.direct is not None:
        d = report.direct
        units.append(
            (
                root.code,
                f"{root.name} (langsung)",
                d.headcount,
                d.compliant,
                d.non_compliant,
                d.compliance_pct,
                d.total_jp,
                d.mean_jp,
            )
        )
    units.append(
        (
            None,
            "Jumlah",
            report.headcount,
            report.compliant,
            report.non_compliant,
            report.compliance_pct,
            report.total_jp,
            report.mean_jp,
        )
    )
    p = report.pppk
    return Export(
        stem=_stem(f"kepatuhan-jp-{year}", root),
        sheets=(JP_SHEET, JP_UNITS_SHEET, JP_PPPK_SHEET),
        detail=0,
        fixed={1: units, 2: [(p.cap_jp, p.headcount, p.over_cap, p.total_jp, p.mean_jp)]},
        batches=_keyset(_asn_page(year, root), lambda r: r[0]),
        to_row=_asn_row(target, cap),
    )


# -- the verification queue -----------------------------------------------------------------------------

QUEUE_SHEET = Sheet(
    "Antrean Verifikasi",
    (
        Column("ID Klaim", Kind.integer, 10),
        Column("NIP", Kind.text, 21),
        Column("Nama", Kind.text, 30),
        Column("Unit Kerja", Kind.text, 36),
        Column("Judul Kegiatan", Kind.text, 48),
        Column("Kode Bentuk", Kind.text, 8),
        Column("Bentuk Pengembangan", Kind.text, 26),
        Column("Penyelenggara", Kind.text, 30),
        Column("Tanggal Mulai", Kind.date, 13),
        Column("Tanggal Selesai", Kind.date, 13),
        Column("JP", Kind.jp, 9),
        Column("Sumber", Kind.text, 12),
        Column("Diajukan Oleh", Kind.text, 20),
        Column("Diajukan Pada (UTC)", Kind.timestamp, 20),
    ),
)


def _form_names() -> dict[str, str]:
    return {item["code"]: item["name"] for item in codes.items("learning_forms")}


def _queue_page(principal: Principal, root: Unit | None) -> Callable[[tuple[Any, int] | None], Any]:
    # The queue's own order (GET /verification-queue): oldest submission first, the id breaking ties.
    def page(after: tuple[Any, int] | None) -> Any:
        r = LearningRecord
        stmt = (
            learning_reports.queue_query(principal, root)
            .with_only_columns(
                r.id,
                r.nip,
                Asn.name,
                Unit.name,
                r.title,
                r.form_code,
                r.organizer,
                r.start_date,
                r.end_date,
                r.jp,
                r.source,
                r.created_by,
                r.created_at,
            )
            .join_from(r, Asn, Asn.nip == r.nip)
            .join(Unit, Unit.id == Asn.unit_id)
            .order_by(r.created_at, r.id)
            .limit(BATCH)
        )
        if after is not None:
            at, last_id = after
            stmt = stmt.where(or_(r.created_at > at, and_(r.created_at == at, r.id > last_id)))
        return stmt

    return page


def _queue_row(forms: dict[str, str]) -> Callable[[Any], Row]:
    def row(r: Any) -> Row:
        id_, nip, name, unit, title, form, organizer, start, end, jp, source, by, at = r
        jp = round_jp(Decimal(jp))
        return (id_, nip, name, unit, title, form, forms.get(form), organizer, start, end, jp, source, by, at)

    return row


async def verification_queue(session: AsyncSession, principal: Principal, unit_id: int | None) -> Export:
    root = await org_service.unit_in_reach(session, principal, unit_id)
    return Export(
        stem=_stem("antrean-verifikasi", root, date.today().isoformat()),
        sheets=(QUEUE_SHEET,),
        detail=0,
        batches=_keyset(_queue_page(principal, root), lambda r: (r[-1], r[0])),
        to_row=_queue_row(_form_names()),
    )


# -- competency gaps ------------------------------------------------------------------------------------

GROUPS = {"manajerial": "Manajerial", "sosial_kultural": "Sosial Kultural", "teknis": "Teknis"}
GAPS_SHEET = Sheet(
    "Kesenjangan Kompetensi",
    (
        Column("Kode", Kind.text, 8),
        Column("Kompetensi", Kind.text, 36),
        Column("Kelompok", Kind.text, 16),
        Column("Dipersyaratkan", Kind.integer, 15),
        Column("Dinilai", Kind.integer, 10),
        Column("Belum Dinilai", Kind.integer, 13),
        Column("Di Bawah Standar", Kind.integer, 16),
        Column("Rata-rata Kesenjangan", Kind.jp, 14),
        Column("Persentase Di Bawah Standar (%)", Kind.pct2, 16),
    ),
)


async def competency_gaps(session: AsyncSession, principal: Principal, unit_id: int | None) -> Export:
    root = await org_service.unit_in_reach(session, principal, unit_id)
    report = await competency_reports.gap_report(session, principal, unit_id)
    gaps: list[Row] = [
        (
            i.competency_code,
            i.name,
            GROUPS.get(i.group, i.group),
            i.required,
            i.assessed,
            i.missing,
            i.with_gap,
            i.mean_gap,
            i.with_gap_pct,
        )
        for i in report.items
    ]
    matrix = await competency_reports.gap_matrix(session, principal, unit_id)
    matrix_sheet = Sheet(
        "Matriks Kesenjangan",
        (
            Column("Kode Unit", Kind.text, 18),
            Column("Unit Kerja", Kind.text, 44),
            *(Column(c.code, Kind.jp, 9) for c in matrix.competencies),
        ),
    )
    cells: list[Row] = [(row.code, row.name, *(c.mean_gap for c in row.cells)) for row in matrix.rows]
    if root is not None and matrix.direct is not None:
        cells.append((root.code, f"{root.name} (langsung)", *(c.mean_gap for c in matrix.direct.cells)))
    return Export(
        stem=_stem("kesenjangan-kompetensi", root),
        sheets=(GAPS_SHEET, matrix_sheet),
        detail=0,
        fixed={0: gaps, 1: cells},
    )


# -- budget compliance ----------------------------------------------------------------------------------

JURISDICTIONS = {"provinsi": "Provinsi", "kabupaten_kota": "Kabupaten/Kota"}
BUDGET_SHEET = Sheet(
    "Kepatuhan Anggaran",
    (
        Column("Tahun", Kind.integer, 8),
        Column("Jenis Daerah", Kind.text, 15),
        Column("Total Belanja Daerah (Rp)", Kind.idr, 22),
        Column("Ambang Minimum (%)", Kind.pct4, 12),
        Column("Anggaran Minimum (Rp)", Kind.idr, 20),
        Column("Pagu Bangkom (Rp)", Kind.idr, 20),
        Column("Realisasi Bangkom (Rp)", Kind.idr, 20),
        Column("Pagu thd Belanja (%)", Kind.pct4, 12),
        Column("Realisasi thd Belanja (%)", Kind.pct4, 12),
        Column("Status", Kind.text, 16),
        Column("Kekurangan (Rp)", Kind.idr, 20),
        Column("Tingkat Realisasi (%)", Kind.pct4, 12),
        Column("JP Terverifikasi", Kind.jp, 14),
        Column("Biaya per JP (Rp)", Kind.idr, 16),
    ),
)
BUDGET_UNITS_SHEET = Sheet(
    "Anggaran Unit",
    (
        Column("Kode Unit", Kind.text, 18),
        Column("Unit Kerja", Kind.text, 44),
        Column("Pagu (Rp)", Kind.idr, 20),
        Column("Realisasi (Rp)", Kind.idr, 20),
        Column("Melebihi Pagu", Kind.text, 10),
        Column("Tingkat Realisasi (%)", Kind.pct4, 12),
        Column("Jumlah ASN", Kind.integer, 11),
        Column("JP Terverifikasi", Kind.jp, 14),
        Column("Biaya per JP (Rp)", Kind.idr, 16),
        Column("Biaya per ASN (Rp)", Kind.idr, 16),
    ),
)


async def budget_compliance(session: AsyncSession, year: int) -> Export:
    c = await budgets_service.compliance(session, year)
    summary: Row = (
        c.year,
        JURISDICTIONS.get(c.jurisdiction, c.jurisdiction),
        c.total_belanja_daerah_idr,
        c.threshold_pct,
        c.required_min_idr,
        c.bangkom_pagu_idr,
        c.bangkom_realisasi_idr,
        c.pagu_pct,
        c.realisasi_pct,
        MEETS if c.compliant else BELOW,
        c.shortfall_idr,
        c.realisation_rate_pct,
        c.verified_jp,
        c.cost_per_jp_idr,
    )
    units: list[Row] = [
        (
            u.code,
            u.name,
            u.pagu_idr,
            u.realisasi_idr,
            "Ya" if u.over_pagu else "Tidak",
            u.realisation_rate_pct,
            u.headcount,
            u.verified_jp,
            u.cost_per_jp_idr,
            u.cost_per_asn_idr,
        )
        for u in c.units
    ]
    return Export(
        stem=f"kepatuhan-anggaran-{year}",
        sheets=(BUDGET_SHEET, BUDGET_UNITS_SHEET),
        detail=1,
        fixed={0: [summary], 1: units},
    )


# -- printable recaps (PDF) -----------------------------------------------------------------------------

# A year's verified records of one ASN fit on a few pages; past this many the recap would be a
# ledger dump nobody signs, and the document is built in memory, so it is refused instead.
MAX_RECAP_RECORDS = 1_000


class RecapTooLarge(Unprocessable):
    code = "recap_too_large"


async def asn_recap(
    session: AsyncSession, reader: FastReader, principal: Principal, nip: str, year: int
) -> pdf.AsnRecap:
    """One ASN's verified JP of the year, record by record, with the figures of GET /asn/{nip}/jp-summary."""
    asn = await asn_service.get_in_scope(session, principal, nip)
    summary = await learning_reports.jp_summary(reader, principal, nip, year)
    unit = await session.get(Unit, asn.unit_id)
    position = None if asn.position_id is None else await session.get(Position, asn.position_id)
    r = LearningRecord
    rows = (
        await session.execute(
            select(r.start_date, r.end_date, r.title, r.form_code, r.organizer, r.jp)
            .where(r.nip == nip, r.year == year, r.status == VERIFIED)
            .order_by(r.start_date, r.end_date, r.id)
            .limit(MAX_RECAP_RECORDS + 1)
        )
    ).all()
    if len(rows) > MAX_RECAP_RECORDS:
        raise RecapTooLarge(
            msg(
                "More than {limit} verified records in {year}; use the spreadsheet exports instead",
                limit=MAX_RECAP_RECORDS,
                year=year,
            )
        )
    forms = _form_names()

    def form(code: str) -> str:
        return forms.get(code, code)

    return pdf.AsnRecap(
        year=year,
        nip=asn.nip,
        name=asn.name,
        unit=unit.name if unit is not None else "-",
        position=None if position is None else position.name,
        golongan=asn.golongan,
        employment_type=asn.employment_type,
        records=[
            pdf.RecapRecord(start, end, title, form(code), organizer, round_jp(Decimal(jp)))
            for start, end, title, code, organizer, jp in rows
        ],
        forms=[pdf.FormSubtotal(form(f.form_code), f.records, f.recorded_jp, f.jp) for f in summary.by_form],
        verified_jp=summary.verified_jp,
        pending_jp=summary.pending_jp,
        target_jp=summary.target_jp,
        cap_jp=summary.cap_jp,
        compliant=summary.compliant,
        over_cap=summary.over_cap,
    )


async def compliance_recap(
    session: AsyncSession, principal: Principal, year: int, unit_id: int | None
) -> tuple[str, pdf.ComplianceRecap]:
    """The figures of GET /reports/jp-compliance for one unit (or all in reach), and the file's stem.

    Bounded by the number of sub-units, never by the number of ASN, whatever the unit's size.
    """
    root = await org_service.unit_in_reach(session, principal, unit_id)
    report = await learning_reports.jp_compliance(session, principal, year, unit_id)

    def line(name: str, f: Any, code: str | None = None) -> pdf.UnitLine:
        return pdf.UnitLine(
            code, name, f.headcount, f.compliant, f.non_compliant, f.compliance_pct, f.total_jp, f.mean_jp
        )

    units = [line(u.name, u, u.code) for u in report.units]
    if root is not None and report.direct is not None:
        units.append(line(f"{root.name} (langsung)", report.direct, root.code))
    p = report.pppk
    recap = pdf.ComplianceRecap(
        year=year,
        unit=None if root is None else root.name,
        target_jp=report.target_jp,
        total=line("Jumlah", report),
        units=units,
        pppk_cap_jp=p.cap_jp,
        pppk_headcount=p.headcount,
        pppk_over_cap=p.over_cap,
        pppk_total_jp=p.total_jp,
        pppk_mean_jp=p.mean_jp,
    )
    return _stem(f"rekap-kepatuhan-jp-{year}", root), recap
