"""The files of imports: a job's report (XLSX or CSV, Indonesian headers) and the templates.

A template holds the header row and one example row that imports as it is (the example ASN is
placed in a unit the caller reaches; the example learning record is for that example ASN), and,
as XLSX, a second sheet "Petunjuk" explaining every column and the code lists.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.downloads import Export, SessionSource
from app.core.i18n import Language, current_language
from app.core.security import Principal
from app.core.spreadsheets import NUMBER_FORMATS, Column, CsvWriter, Kind, Row, Sheet
from app.imports import assessment_results, performance
from app.imports.layouts import LAYOUTS, Layout
from app.imports.lines import answered
from app.imports.models import (
    ASN,
    ASSESSMENT_RESULTS,
    ATTENDANCE,
    BELOW_THRESHOLD,
    ERROR,
    MATCHED,
    NEEDS_REVIEW,
    PERFORMANCE,
    UNMATCHED,
    ImportJob,
    ImportRow,
)
from app.org import service as org_service
from app.org.models import Position, Unit
from app.reference import codes

BATCH = 5_000
OUTCOMES = {
    ERROR: "Gagal",
    MATCHED: "Cocok",
    UNMATCHED: "Tidak cocok",
    BELOW_THRESHOLD: "Di bawah ambang",
    NEEDS_REVIEW: "Perlu ditinjau",
}
REPORT_COLUMNS = (
    Column("Baris", Kind.integer, 8),
    Column("NIP", Kind.text, 21),
    Column("Nama", Kind.text, 30),
    Column("Hasil", Kind.text, 14),
    Column("Kode", Kind.text, 20),
    Column("Kolom", Kind.text, 18),
    Column("Keterangan", Kind.text, 70),
)
# Attendance reports list every participant with what the meeting report said about them.
ATTENDANCE_COLUMNS = (
    Column("Email", Kind.text, 30),
    Column("Menit Hadir", Kind.integer, 12),
    Column("Kehadiran", Kind.text, 11),
    Column("JP", Kind.jp, 8),
    Column("ID Catatan", Kind.integer, 11),
)
ATTENDANCE_DATA = ("email", "minutes", "share", "jp", "record_id")


# -- the report ------------------------------------------------------------------------------------


def _report_row(attendance: bool, language: Language) -> Any:
    def row(r: ImportRow) -> Row:
        detail = answered(r.message, r.detail, language)
        out: list[Any] = [r.row, r.nip, r.name, OUTCOMES.get(r.outcome, r.outcome), r.code, r.field, detail]
        if attendance:
            data = r.data or {}
            out += [
                _cell(data.get(key), column.kind)
                for key, column in zip(ATTENDANCE_DATA, ATTENDANCE_COLUMNS, strict=True)
            ]
        return out

    return row


def _cell(value: Any, kind: Kind) -> Any:
    if value is None:
        return None
    if kind is Kind.integer:
        return (
            int(value) if isinstance(value, int | float | str) and str(value).lstrip("-").isdigit() else None
        )
    if kind is Kind.jp:
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return None
    return str(value)


def report(job: ImportJob, language: Language | None = None) -> Export:
    """The job's report; its Keterangan (the lines' details) in `language`, the request's by default
    (taken now: a CSV is written after the route has returned)."""
    language = language or current_language()
    attendance = job.kind == ATTENDANCE
    columns = REPORT_COLUMNS + (ATTENDANCE_COLUMNS if attendance else ())
    job_id = job.id

    async def batches(open_session: SessionSource) -> AsyncIterator[Sequence[Any]]:
        after: tuple[int, int] | None = None
        while True:
            stmt = select(ImportRow).where(ImportRow.job_id == job_id).order_by(ImportRow.row, ImportRow.id)
            if after is not None:
                stmt = stmt.where(tuple_(ImportRow.row, ImportRow.id) > tuple_(*after))
            async with open_session() as session:
                rows = list((await session.execute(stmt.limit(BATCH))).scalars())
            if rows:
                yield rows
            if len(rows) < BATCH:
                return
            after = (rows[-1].row, rows[-1].id)

    return Export(
        stem=f"laporan-impor-{job_id}",
        sheets=(Sheet("Laporan Impor", columns),),
        detail=0,
        batches=batches,
        to_row=_report_row(attendance, language),
    )


# -- templates -------------------------------------------------------------------------------------


async def example(session: AsyncSession, principal: Principal, layout: Layout) -> list[Any]:
    """The layout's example row, with a unit (and position) the caller reaches for an ASN."""
    values = {c.field: c.example for c in layout.columns}
    if layout.kind == ASN:
        stmt = select(Unit.id).order_by(Unit.id).limit(1)
        condition = org_service.unit_scope_condition(principal, Unit.id)
        if condition is not None:
            stmt = stmt.where(condition)
        unit_id = (await session.execute(stmt)).scalar_one_or_none()
        if unit_id is not None:
            values["unit_id"] = unit_id
            values["position_id"] = (
                await session.execute(
                    select(Position.id).where(Position.unit_id == unit_id).order_by(Position.id).limit(1)
                )
            ).scalar_one_or_none()
    return [values[c.field] for c in layout.columns]


def template_csv(layout: Layout, row: list[Any]) -> bytes:
    writer = CsvWriter(Sheet("Data", tuple(Column(c.header, c.kind) for c in layout.columns)))
    return writer.header() + writer.rows([row])


def _guide_rows(layout: Layout) -> list[list[str]]:
    rows = [
        [
            c.header,
            c.field,
            "Ya" if c.required else ("Salah satu" if _in_group(layout, c.field) else "Tidak"),
            c.description,
        ]
        for c in layout.columns
    ]
    rows.append([])
    rows.append(["Catatan", "", "", "Baris 2 lembar Data adalah contoh: hapus atau ganti sebelum mengimpor."])
    if layout.kind == PERFORMANCE:  # a row replaces the year's result, as PUT does
        rows.append(["", "", "", "Kolom yang tidak dikenal diabaikan."])
    else:
        rows.append(
            ["", "", "", "Sel kosong berarti kolom itu tidak diubah; kolom yang tidak dikenal diabaikan."]
        )
    rows.append(
        ["", "", "", "Tanggal: YYYY-MM-DD, DD/MM/YYYY atau sel tanggal Excel. Desimal: koma atau titik."]
    )
    if layout.kind in (ASSESSMENT_RESULTS, PERFORMANCE):
        note, pair_lists = (
            (assessment_results.GUIDE_NOTE, assessment_results.GUIDE_LISTS)
            if layout.kind == ASSESSMENT_RESULTS
            else (performance.GUIDE_NOTE, performance.GUIDE_LISTS)
        )
        rows.append(["", "", "", note])
        for field, pairs in pair_lists:
            rows.append([])
            rows.append([f"Daftar kode {field}", "", "", ""])
            rows += [["", code, "", name] for code, name in pairs]
        return rows
    if layout.kind == ASN:
        lists = [
            ("employment_type", codes.items("employment_types")),
            ("golongan", codes.items("golongan")),
            ("education_level", codes.items("education_levels")),
        ]
    else:
        lists = [("form_code", codes.items("learning_forms"))]
    for field, items in lists:
        rows.append([])
        rows.append([f"Daftar kode {field}", "", "", ""])
        rows += [["", str(item["code"]), "", str(item["name"])] for item in items]
    return rows


def _in_group(layout: Layout, field: str) -> bool:
    return any(field in group for group in layout.one_of)


def template_xlsx(layout: Layout, row: list[Any]) -> bytes:
    """Built with openpyxl's full workbook (a two-row file): columns get their number format for the
    rows people type in later, so 18-digit NIPs stay text."""
    workbook = Workbook()
    data = workbook.active
    assert data is not None
    data.title = "Data"
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    data.append([c.header for c in layout.columns])
    data.append(row)
    for index, column in enumerate(layout.columns, start=1):
        letter = get_column_letter(index)
        dimension = data.column_dimensions[letter]
        dimension.width = column.width
        dimension.number_format = NUMBER_FORMATS[column.kind]
        head = data.cell(1, index)
        head.font, head.fill = header_font, header_fill
        head.alignment = Alignment(vertical="center", wrap_text=True)
        data.cell(2, index).number_format = NUMBER_FORMATS[column.kind]
    data.freeze_panes = "A2"
    guide = workbook.create_sheet("Petunjuk")
    guide.append(["Kolom", "Nama Field API", "Wajib", "Keterangan"])
    for cell in guide[1]:
        cell.font, cell.fill = header_font, header_fill
    for line in _guide_rows(layout):
        guide.append(line)
    for letter, width in zip("ABCD", (22, 20, 10, 90), strict=True):
        guide.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_stem(kind: str) -> str:
    return f"templat-impor-{kind.replace('_', '-')}"


def layout_for(kind: str) -> Layout:
    return LAYOUTS[kind]
