"""Data completeness as a spreadsheet: the units with each indicator's share (the report's rows and the
total), and the people missing something with what to do, read in keyset batches of NIPs."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.completeness import service
from app.completeness.figures import rules_of
from app.completeness.gaps import gaps_statement
from app.completeness.indicators import ACTION_LABELS, LABELS, Day, actions_for
from app.completeness.schemas import CompletenessFigures
from app.core import downloads
from app.core.downloads import Export, ExportFormat, SessionSource
from app.core.errors import problem_responses
from app.core.i18n import localise
from app.core.report_cache import ReportCache
from app.core.security import Principal
from app.core.spreadsheets import XLSX_MEDIA_TYPE, Column, Kind, Row, Sheet
from app.org import service as org_service
from app.org.models import Unit
from app.rules.completeness import INDICATOR_CODES

BATCH = 5_000
BINARY = {"schema": {"type": "string", "format": "binary"}}
FormatQuery = Annotated[
    ExportFormat,
    Query(alias="format", description="`xlsx` (default): both sheets; `csv`: Data Belum Lengkap"),
]
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Sheets Kelengkapan Unit (the report's units and the total) and Data Belum Lengkap "
        "(each active ASN missing an item); the XLSX also as application/octet-stream when Accept asks "
        "only for that",
        "headers": {
            "Content-Disposition": {
                "description": 'attachment; filename="kelengkapan-data-….xlsx" (or ….csv)',
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

# Short Indonesian headers, one per indicator, in checklist order.
HEADERS = {
    "contact": "Kontak",
    "education": "Pendidikan",
    "position_standard": "Standar Jabatan",
    "competency_assessment": "Penilaian Kompetensi",
    "potential_assessment": "Penilaian Potensi",
    "performance_last_year": "SKP Tahun Lalu",
    "jp_this_year": "JP Tahun Ini",
    "queue_within_sla": "Klaim Tepat Waktu",
}

UNITS_SHEET = Sheet(
    "Kelengkapan Unit",
    (
        Column("Kode Unit", Kind.text, 18),
        Column("Unit Kerja", Kind.text, 44),
        Column("Jumlah ASN", Kind.integer, 11),
        Column("Skor", Kind.pct2, 9),
        *(Column(f"{HEADERS[code]} (%)", Kind.pct2, 14) for code in INDICATOR_CODES),
        Column("Klaim Menunggu", Kind.integer, 10),
        Column("Melewati Batas", Kind.integer, 10),
        Column("Tertua (hari)", Kind.integer, 10),
    ),
)
PEOPLE_SHEET = Sheet(
    "Data Belum Lengkap",
    (
        Column("NIP", Kind.text, 21),
        Column("Nama", Kind.text, 34),
        Column("Unit Kerja", Kind.text, 40),
        *(Column(HEADERS[code], Kind.text, 12) for code in INDICATOR_CODES),
        Column("Yang Belum Lengkap", Kind.text, 50),
        Column("Tindakan", Kind.text, 60),
    ),
)


def _stem(day: date, root: Unit | None) -> str:
    unit = (
        ""
        if root is None
        else "-" + (re.sub(r"[^a-z0-9]+", "-", root.code.lower()).strip("-")[:40] or "unit")
    )
    return f"kelengkapan-data-{day.isoformat()}{unit}"


def _summary(code: str | None, name: str, figures: CompletenessFigures) -> Row:
    return (
        code,
        name,
        figures.headcount,
        figures.score,
        *(i.pct for i in figures.indicators),
        figures.queue.pending,
        figures.queue.over_sla,
        figures.queue.oldest_days,
    )


def _batches(day: Day, root: Unit | None) -> downloads.Batches:
    """The people missing something, BATCH active ASN at a time by NIP, each batch's facts gathered for
    its own NIPs only."""
    in_scope = select(Asn.nip).where(Asn.active.is_(True)).order_by(Asn.nip).limit(BATCH)
    if root is not None:
        in_scope = in_scope.where(Asn.unit_id.in_(org_service.subtree_ids(root.id)))

    async def batches(open_session: SessionSource) -> AsyncIterator[Sequence[Any]]:
        after = None
        while True:
            async with open_session() as session:
                nips = list(
                    (
                        await session.execute(in_scope if after is None else in_scope.where(Asn.nip > after))
                    ).scalars()
                )
                rows = (
                    (await session.execute(gaps_statement(day, nips, None).order_by(Asn.nip))).all()
                    if nips
                    else []
                )
            if rows:
                yield rows
            if len(nips) < BATCH:
                return
            after = nips[-1]

    return batches


def _row() -> Callable[[Any], Row]:
    labels = {code: localise(LABELS[code], "id") for code in INDICATOR_CODES}
    actions = {code: localise(label, "id") for code, label in ACTION_LABELS.items()}

    def row(r: Any) -> Row:
        missing = [code for code in INDICATOR_CODES if not r._mapping[code]]
        return (
            r.nip,
            r.name,
            r.unit_name,
            *("Ada" if r._mapping[code] else "Belum" for code in INDICATOR_CODES),
            "; ".join(labels[code] for code in missing),
            "; ".join(actions[a] for a in actions_for(missing, r.position_id is not None)),
        )

    return row


async def completeness_export(
    session: AsyncSession, principal: Principal, unit_id: int | None, cache: ReportCache | None
) -> Export:
    report = await service.report(session, principal, unit_id, None, cache)
    root = None if report.unit_id is None else await org_service.get_unit(session, report.unit_id)
    units: list[Row] = [_summary(u.code, u.name, u) for u in report.units]
    units.append(_summary(None if root is None else root.code, "Jumlah", report))
    day = Day.of(report.as_of, await rules_of(session, report.as_of))
    return Export(
        stem=_stem(report.as_of, root),
        sheets=(UNITS_SHEET, PEOPLE_SHEET),
        detail=1,
        fixed={0: units},
        batches=_batches(day, root),
        to_row=_row(),
    )
