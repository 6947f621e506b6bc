"""SKP result sheets: each row is one ASN's yearly SKP result (predikat, optional score), written in
batches through the talent service (`upsert_performances`), as e-Kinerja's sync writes them.

Columns: nip, year, predikat, score (the API's names or the template's headers NIP, Tahun, Predikat,
Nilai SKP; layouts.PERFORMANCE_LAYOUT). The predikat is a code (`sangat_baik`) or its Indonesian words
(`Sangat Baik`), in any case.

A row replaces the year's result as `PUT /asn/{nip}/performance/{year}` does (an empty score means a
result without a score); a row equal to the stored result is unchanged, so uploading a sheet again
changes nothing. The 9-box placements and IP ASN scores follow once per chunk, not once per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn import service as asn_service
from app.asn.models import Asn
from app.core.db import chunked
from app.core.errors import DomainError
from app.core.i18n import msg
from app.core.security import Principal
from app.core.types import latest_indonesian_date
from app.imports.layouts import PERFORMANCE_LAYOUT, PREDIKAT_NAMES, SourceRow
from app.imports.lines import Applied, ReportLine, reason_of
from app.imports.models import ERROR
from app.talent import service as talent_service

VALIDATION_ERROR = "validation_error"
DUPLICATE_IN_FILE = "duplicate_in_file"
REQUIRED = ("nip", "year", "predikat")

GUIDE_LISTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("predikat", tuple(PREDIKAT_NAMES.items())),
)
GUIDE_NOTE = (
    "Satu baris per pegawai per tahun. Baris mengganti hasil SKP tahun itu seluruhnya (Nilai SKP kosong: "
    "hasil disimpan tanpa nilai). Mengunggah berkas yang sama lagi tidak mengubah apa pun."
)


@dataclass(slots=True)
class _Candidate:
    row: SourceRow
    nip: str
    year: int


@dataclass(slots=True)
class _Chunk:
    applied: Applied = field(default_factory=Applied)
    names: dict[str, str] = field(default_factory=dict)

    def reject(self, row: SourceRow, nip: str | None, code: str, detail: str, at: str | None = None) -> None:
        given = row.values.get("name")
        name = self.names.get(nip) if nip else None
        name = name or (str(given)[:200] if given is not None else None)
        self.applied.lines.append(
            ReportLine(row.number, ERROR, nip[:32] if nip else None, name, code, at, detail)
        )


def _parse(chunk: _Chunk, rows: list[SourceRow], seen: dict[Any, int], today: date) -> list[_Candidate]:
    out: list[_Candidate] = []
    for row in rows:
        values = row.values
        nip = values.get("nip")
        if row.error is not None:
            chunk.reject(row, nip, VALIDATION_ERROR, row.error, row.error_field)
            continue
        missing = next((f for f in REQUIRED if values.get(f) is None), None)
        if missing is not None:
            header = PERFORMANCE_LAYOUT.column(missing).header
            chunk.reject(
                row,
                nip,
                VALIDATION_ERROR,
                msg("{field} ({header}): required", field=missing, header=header),
                missing,
            )
            continue
        nip, year = str(nip), int(values["year"])
        try:
            talent_service.check_year(year, today)
        except DomainError as exc:
            chunk.reject(row, nip, exc.code, reason_of(exc), "year")
            continue
        key = (nip, year)
        earlier = seen.get(key)
        if earlier is not None:
            chunk.reject(
                row,
                nip,
                DUPLICATE_IN_FILE,
                msg(
                    "Row {row} of this file already gives the SKP result of {year} for NIP {nip}; give it once",
                    row=earlier,
                    year=year,
                    nip=nip,
                ),
            )
            continue
        seen[key] = row.number
        out.append(_Candidate(row, nip, year))
    return out


def first_rows(rows: list[SourceRow], seen: dict[Any, int]) -> None:
    """Remember the (NIP, year) of rows a resumed job already applied."""
    for c in _parse(_Chunk(), rows, {}, latest_indonesian_date()):
        seen.setdefault((c.nip, c.year), c.row.number)


async def _people(session: AsyncSession, principal: Principal, nips: list[str]) -> dict[str, str]:
    """NIP → name of the chunk's ASN that the caller reaches."""
    found: dict[str, str] = {}
    condition = asn_service.scope_condition(principal)
    for part in chunked(sorted(set(nips))):
        stmt = select(Asn.nip, Asn.name).where(Asn.nip.in_(part))
        if condition is not None:
            stmt = stmt.where(condition)
        found.update({nip: name for nip, name in await session.execute(stmt)})
    return found


async def apply(
    session: AsyncSession, principal: Principal, rows: list[SourceRow], seen: dict[Any, int]
) -> Applied:
    """Write a chunk's valid rows in one batch; each is created, updated, unchanged or rejected."""
    nips = [str(n) for n in (row.values.get("nip") for row in rows) if n]
    chunk = _Chunk(names=await _people(session, principal, nips))
    kept: list[_Candidate] = []
    for c in _parse(chunk, rows, seen, latest_indonesian_date()):
        if c.nip in chunk.names:
            kept.append(c)
        else:
            chunk.reject(
                c.row,
                c.nip,
                asn_service.AsnNotFound.code,
                msg("No ASN with NIP {nip} in your scope", nip=c.nip[:18]),
            )
    batch = [
        talent_service.PerformanceRow(c.nip, c.year, c.row.values["predikat"], c.row.values.get("score"))
        for c in kept
    ]
    outcomes = await talent_service.upsert_performances(
        session, principal, batch, talent_service.source_of(principal, "import")
    )
    for outcome in outcomes:
        if outcome == "created":
            chunk.applied.created += 1
        elif outcome == "updated":
            chunk.applied.updated += 1
        else:
            chunk.applied.unchanged += 1
    chunk.applied.lines.sort(key=lambda line: line.row)
    return chunk.applied
