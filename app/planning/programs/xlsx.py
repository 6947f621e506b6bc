"""The development programmes as the spreadsheet BPSDM submits for APBD planning: one sheet of lines
with Indonesian headers and a totals row, and a summary sheet against the pagu and the mandatory
spending. Money is whole rupiah, written as integers."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Query
from sqlalchemy.ext.asyncio import AsyncSession

from app.budgets import money
from app.core import downloads
from app.core.downloads import Export, ExportFormat
from app.core.errors import problem_responses
from app.core.security import Principal
from app.core.spreadsheets import XLSX_MEDIA_TYPE, Column, Kind, Row, Sheet
from app.org import service as org_service
from app.org.models import Unit
from app.planning.programs import service

BINARY = {"schema": {"type": "string", "format": "binary"}}
FormatQuery = Annotated[
    ExportFormat,
    Query(alias="format", description="`xlsx` (default): both sheets; `csv`: Program Pengembangan"),
]
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Sheets Program Pengembangan (every line of the units' programmes and a Jumlah row) "
        "and Ringkasan (the total against the pagu and the mandatory spending); the XLSX also as "
        "application/octet-stream when Accept asks only for that",
        "headers": {
            "Content-Disposition": {
                "description": 'attachment; filename="program-pengembangan-….xlsx" (or ….csv)',
                "schema": {"type": "string"},
            }
        },
        "content": {
            XLSX_MEDIA_TYPE: BINARY,
            "text/csv": {"schema": {"type": "string"}},
            downloads.BYTES_MEDIA_TYPE: BINARY,
        },
    },
    **problem_responses(404),
}

SOURCES = {"idp": "IDP", "gap": "Kesenjangan kompetensi", "mandatory": "Wajib"}
YES_NO = {True: "Ya", False: "Tidak"}

LINES_SHEET = Sheet(
    "Program Pengembangan",
    (
        Column("No", Kind.integer, 6),
        Column("Unit Kerja", Kind.text, 40),
        Column("Kegiatan/Pelatihan", Kind.text, 48),
        Column("Kode", Kind.text, 16),
        Column("Kompetensi", Kind.text, 18),
        Column("Jumlah Angkatan", Kind.integer, 11),
        Column("Jumlah Peserta", Kind.integer, 11),
        Column("JP", Kind.jp, 9),
        Column("Biaya (Rp)", Kind.idr, 20),
        Column("Sumber Kebutuhan", Kind.text, 24),
    ),
)
SUMMARY_SHEET = Sheet(
    "Ringkasan",
    (
        Column("Tahun", Kind.integer, 8),
        Column("Cakupan", Kind.text, 40),
        Column("Jumlah Unit", Kind.integer, 10),
        Column("Total Biaya (Rp)", Kind.idr, 22),
        Column("Pagu Bangkom (Rp)", Kind.idr, 22),
        Column("Dalam Pagu", Kind.text, 10),
        Column("Total Belanja Daerah (Rp)", Kind.idr, 24),
        Column("Ambang Batas (%)", Kind.pct4, 12),
        Column("Batas Minimum (Rp)", Kind.idr, 22),
        Column("Memenuhi", Kind.text, 10),
        Column("Kekurangan (Rp)", Kind.idr, 20),
        Column("Persentase Program (%)", Kind.pct4, 14),
    ),
)


def _stem(year: int, root: Unit | None) -> str:
    unit = (
        ""
        if root is None
        else "-" + (re.sub(r"[^a-z0-9]+", "-", root.code.lower()).strip("-")[:40] or "unit")
    )
    return f"program-pengembangan-{year}{unit}"


def _lines(found: service.Programmes) -> list[Row]:
    rows: list[Row] = []
    for entry in found.units:
        for line in entry.lines:
            rows.append(
                (
                    len(rows) + 1,
                    entry.unit.name,
                    line.title,
                    found.course_codes.get(line.course_id) if line.course_id is not None else None,
                    ", ".join(line.competency_codes or []) or None,
                    line.sessions,
                    line.participants,
                    line.jp,
                    line.cost_idr,
                    SOURCES.get(line.source, line.source),
                )
            )
    sums = found.totals
    sessions = sum(line.sessions for entry in found.units for line in entry.lines)
    rows.append((None, "Jumlah", None, None, None, sessions, sums.participants, None, sums.cost_idr, None))
    return rows


async def _summary(
    session: AsyncSession, year: int, root: Unit | None, found: service.Programmes
) -> list[Row]:
    total = found.totals.cost_idr
    pagu = found.pagu_idr
    basis = await service.compliance_basis(session, year)
    row: list[Any] = [
        year,
        "Provinsi (semua unit)" if root is None else root.name,
        len(found.units),
        total,
        pagu,
        None if pagu is None else YES_NO[total <= pagu],
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    if basis is not None:
        row[6:9] = [basis.total_belanja_daerah_idr, basis.threshold_pct, basis.required_min_idr]
        # The floor binds the jurisdiction's whole programme: one unit's part is not held against it.
        if root is None:
            meets, shortfall = service.compliant(total, basis)
            row[9:12] = [
                YES_NO[meets],
                shortfall,
                money.percent(total, basis.total_belanja_daerah_idr),
            ]
    return [tuple(row)]


async def programmes_export(
    session: AsyncSession, principal: Principal, year: int, unit_id: int | None
) -> Export:
    root = await org_service.unit_in_reach(session, principal, unit_id)
    found = await service.programmes(session, year, root)
    return Export(
        stem=_stem(year, root),
        sheets=(LINES_SHEET, SUMMARY_SHEET),
        detail=0,
        fixed={0: _lines(found), 1: await _summary(session, year, root, found)},
    )
