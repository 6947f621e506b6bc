"""The talent map as a spreadsheet: Peta Talenta (counts per box per unit) and Daftar Talenta (one row
per active ASN in reach, with the inputs and the box), written by app.core.downloads."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.downloads import Export, SessionSource
from app.core.security import Principal
from app.core.spreadsheets import Column, Kind, Row, Sheet
from app.org import service as org_service
from app.rules import service as rules_service
from app.talent.box import service

BATCH = 5_000
KINERJA = {"di_bawah": "Di bawah ekspektasi", "sesuai": "Sesuai ekspektasi", "di_atas": "Di atas ekspektasi"}
POTENSIAL = {"rendah": "Rendah", "menengah": "Menengah", "tinggi": "Tinggi"}
PREDIKAT = {
    "sangat_baik": "Sangat Baik",
    "baik": "Baik",
    "butuh_perbaikan": "Butuh Perbaikan",
    "kurang": "Kurang",
    "sangat_kurang": "Sangat Kurang",
}

MAP_SHEET = Sheet(
    "Peta Talenta",
    (
        Column("Kode Unit", Kind.text, 18),
        Column("Unit Kerja", Kind.text, 44),
        Column("Jumlah ASN", Kind.integer, 11),
        Column("Terpetakan", Kind.integer, 11),
        *(Column(f"Kotak {box}", Kind.integer, 9) for box in range(1, 10)),
    ),
)
PEOPLE_SHEET = Sheet(
    "Daftar Talenta",
    (
        Column("NIP", Kind.text, 21),
        Column("Nama", Kind.text, 34),
        Column("Unit Kerja", Kind.text, 40),
        Column("Predikat SKP", Kind.text, 16),
        Column("Kinerja", Kind.text, 20),
        Column("JPM", Kind.pct2, 8),
        Column("Skor Penilaian Potensi", Kind.pct2, 12),
        Column("Skor Potensial", Kind.pct2, 10),
        Column("Potensial", Kind.text, 11),
        Column("Kotak", Kind.integer, 7),
        Column("Label Kotak", Kind.text, 44),
        Column("Kelompok Rencana Suksesi", Kind.text, 12),
        Column("Data Belum Ada", Kind.text, 30),
    ),
)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "unit"


async def talent_map(session: AsyncSession, principal: Principal, year: int, unit_id: int | None) -> Export:
    root = await org_service.unit_in_reach(session, principal, unit_id)
    report = await service.talent_map(session, principal, year, unit_id)
    rules = (await rules_service.rules_for_year(session, year)).talent_rules
    labels = service.labels_of(rules)
    pool = set(rules.pool_boxes)

    def counts(boxes: Sequence[Any]) -> list[int]:
        by_box = {b.box: b.count for b in boxes}
        return [by_box.get(box, 0) for box in range(1, 10)]

    units: list[Row] = [(u.code, u.name, u.headcount, u.assessed, *counts(u.boxes)) for u in report.units]
    if root is not None and report.direct is not None:
        d = report.direct
        units.append((root.code, f"{root.name} (langsung)", d.headcount, d.assessed, *counts(d.boxes)))
    units.append((None, "Jumlah", report.headcount, report.assessed, *counts(report.boxes)))

    def page(after: str | None) -> Any:
        stmt = service.people_query(principal, root, year, None)
        if after is not None:
            stmt = stmt.where(Asn.nip > after)
        return stmt.order_by(Asn.nip).limit(BATCH)

    async def batches(open_session: SessionSource) -> AsyncIterator[Sequence[Any]]:
        after = None
        while True:
            async with open_session() as s:
                rows = (await s.execute(page(after))).all()
            if rows:
                yield rows
            if len(rows) < BATCH:
                return
            after = rows[-1].nip

    def to_row(r: Any) -> Row:
        placed = r.predikat is not None
        missing = (
            ["SKP"]
            if not placed
            else [
                name
                for name, value in (("JPM", r.jpm), ("Penilaian potensi", r.potential_score))
                if value is None
            ]
        )
        return (
            r.nip,
            r.name,
            r.unit,
            PREDIKAT.get(r.predikat) if placed else None,
            KINERJA.get(r.kinerja) if placed else None,
            service.from_hundredths(r.jpm),
            service.from_hundredths(r.potential_score),
            service.from_hundredths(r.potensial_score),
            POTENSIAL.get(r.potensial) if r.potensial else None,
            r.box,
            labels.get(r.box) if r.box is not None else None,
            ("Ya" if r.box in pool else "Tidak") if r.box is not None else None,
            ", ".join(missing) or None,
        )

    stem = "-".join(["peta-talenta", *([slug(root.code)] if root is not None else []), str(year)])
    return Export(
        stem=stem,
        sheets=(MAP_SHEET, PEOPLE_SHEET),
        detail=1,
        fixed={0: units},
        batches=batches,
        to_row=to_row,
    )
