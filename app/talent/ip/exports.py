"""The IP ASN report as a spreadsheet: one row per active PNS/CPNS (read in keyset batches, each batch's
points computed in SQL for its NIPs only) and the per-unit summary of GET /reports/ip-asn."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Annotated, Any

from fastapi import Query, Request, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core import downloads
from app.core.downloads import Export, ExportFormat, SessionSource
from app.core.errors import problem_responses
from app.core.security import Principal
from app.core.spreadsheets import XLSX_MEDIA_TYPE, Column, Kind, Row, Sheet
from app.org import service as org_service
from app.org.models import Position, Unit
from app.rules.talent import IpAsnRules
from app.talent.ip import points as ip_points
from app.talent.ip import service

BATCH = 5_000
BINARY = {"schema": {"type": "string", "format": "binary"}}
FormatQuery = Annotated[
    ExportFormat,
    Query(
        alias="format",
        description="`xlsx` (default): typed cells and the unit summary; `csv`: the per-ASN table",
    ),
]
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Sheets IP ASN (one row per active PNS/CPNS) and Ringkasan Unit; the XLSX also as "
        "application/octet-stream when Accept asks only for that",
        "headers": {
            "Content-Disposition": {
                "description": 'attachment; filename="….xlsx" (or ….csv)',
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

DETAIL_SHEET = Sheet(
    "IP ASN",
    (
        Column("NIP", Kind.text, 21),
        Column("Nama", Kind.text, 34),
        Column("Unit Kerja", Kind.text, 40),
        Column("Jenis ASN", Kind.text, 10),
        Column("Pendidikan", Kind.text, 11),
        Column("Jenis Jabatan", Kind.text, 16),
        Column("Kualifikasi", Kind.integer, 11),
        Column("Kompetensi", Kind.integer, 11),
        Column("Kinerja", Kind.integer, 9),
        Column("Disiplin", Kind.integer, 9),
        Column("Nilai IP ASN", Kind.integer, 11),
        Column("Kategori", Kind.text, 15),
    ),
)


def _units_sheet(rules: IpAsnRules) -> Sheet:
    return Sheet(
        "Ringkasan Unit",
        (
            Column("Kode Unit", Kind.text, 18),
            Column("Unit Kerja", Kind.text, 44),
            Column("Jumlah PNS", Kind.integer, 11),
            Column("Rata-rata IP ASN", Kind.jp, 14),
            *(Column(band.label, Kind.integer, 14) for band in rules.categories),
        ),
    )


def _stem(year: int, root: Unit | None) -> str:
    unit = (
        ""
        if root is None
        else "-" + (re.sub(r"[^a-z0-9]+", "-", root.code.lower()).strip("-")[:40] or "unit")
    )
    return f"ip-asn-{year}{unit}"


def _page(rules: IpAsnRules, year: int, root: Unit | None) -> Callable[[str | None], Any]:
    def page(after: str | None) -> Any:
        nips = select(Asn.nip).where(Asn.active.is_(True), Asn.employment_type != ip_points.PPPK)
        if root is not None:
            nips = nips.where(Asn.unit_id.in_(org_service.subtree_ids(root.id)))
        if after is not None:
            nips = nips.where(Asn.nip > after)
        nips = nips.order_by(Asn.nip).limit(BATCH)
        points = ip_points.points_statement(rules, year, nips=nips).subquery("points")
        return (
            select(
                points.c.nip,
                Asn.name,
                Unit.name,
                Asn.employment_type,
                Asn.education_level,
                Position.jenis_jabatan,
                points.c.kualifikasi,
                points.c.kompetensi,
                points.c.kinerja,
                points.c.disiplin,
                points.c.total,
                points.c.category,
            )
            .join(Asn, Asn.nip == points.c.nip)
            .join(Unit, Unit.id == Asn.unit_id)
            .outerjoin(Position, Position.id == Asn.position_id)
            .order_by(points.c.nip)
        )

    return page


def _batches(page: Callable[[str | None], Any]) -> downloads.Batches:
    async def batches(open_session: SessionSource) -> AsyncIterator[Sequence[Any]]:
        after = None
        while True:
            async with open_session() as session:
                rows = (await session.execute(page(after))).all()
            if rows:
                yield rows
            if len(rows) < BATCH:
                return
            after = rows[-1][0]

    return batches


def _row(rules: IpAsnRules) -> Callable[[Any], Row]:
    labels = [band.label for band in rules.categories]

    def row(r: Any) -> Row:
        nip, name, unit, employment_type, education, jenis, kual, komp, kin, dis, total, category = r
        return (
            nip,
            name,
            unit,
            employment_type.upper(),
            education,
            jenis,
            kual,
            komp,
            kin,
            dis,
            total,
            labels[category],
        )

    return row


async def ip_asn_export(
    session: AsyncSession, principal: Principal, year: int, unit_id: int | None
) -> Export:
    root = await org_service.unit_in_reach(session, principal, unit_id)
    rules = await ip_points.year_rules(session, year)
    report = await service.report(session, principal, year, unit_id)

    def summary(code: str | None, name: str, figures: Any) -> Row:
        return (code, name, figures.headcount, figures.mean, *(c.count for c in figures.categories))

    units: list[Row] = [summary(u.code, u.name, u) for u in report.units]
    if root is not None and report.direct is not None:
        units.append(summary(root.code, f"{root.name} (langsung)", report.direct))
    units.append(summary(None, "Jumlah", report))
    return Export(
        stem=_stem(year, root),
        sheets=(DETAIL_SHEET, _units_sheet(rules)),
        detail=0,
        fixed={1: units},
        batches=_batches(_page(rules, year, root)),
        to_row=_row(rules),
    )


async def send(request: Request, session: AsyncSession, export: Export, fmt: ExportFormat) -> Response:
    """downloads.spreadsheet, with the XLSX sent as application/octet-stream to a caller whose Accept
    asks for that and not for XLSX (a generated client; see downloads.served_type)."""
    response = await downloads.spreadsheet(request, session, export, fmt)
    if fmt is ExportFormat.xlsx:
        served = downloads.served_type(XLSX_MEDIA_TYPE, request.headers.get("accept"))
        if served != XLSX_MEDIA_TYPE:
            response.headers["content-type"] = served
    return response
