"""ASN profile rows, applied chunk by chunk through the SIMPEG sync (same validation and merge rules).

A NIP appears once per file: a later row with the same NIP is rejected (`duplicate_in_file`) rather
than silently overriding the earlier one, whichever chunk each falls in.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.i18n import msg
from app.core.security import Principal
from app.imports.layouts import SourceRow
from app.imports.lines import Applied, ReportLine
from app.imports.models import ERROR
from app.sync import service as sync_service

VALIDATION_ERROR = "validation_error"
DUPLICATE_IN_FILE = "duplicate_in_file"


def _name(row: SourceRow) -> str | None:
    name = row.values.get("name")
    return str(name)[:200] if name is not None else None


def _nip(row: SourceRow) -> str | None:
    nip = row.values.get("nip")
    return str(nip)[:32] if nip is not None else None


def first_rows(rows: list[SourceRow], seen: dict[str, int]) -> None:
    """Remember the first row of each NIP (for rows a resumed job already applied)."""
    for row in rows:
        nip = _nip(row)
        if nip and row.error is None:
            seen.setdefault(nip, row.number)


async def apply(
    session: AsyncSession, principal: Principal, rows: list[SourceRow], seen: dict[str, int]
) -> Applied:
    applied = Applied()
    items: list[dict[str, Any]] = []
    sent: list[SourceRow] = []
    for row in rows:
        nip = _nip(row)
        if row.error is not None:
            applied.lines.append(
                ReportLine(row.number, ERROR, nip, _name(row), VALIDATION_ERROR, row.error_field, row.error)
            )
            continue
        if nip and nip in seen:
            applied.lines.append(
                ReportLine(
                    row.number,
                    ERROR,
                    nip,
                    _name(row),
                    DUPLICATE_IN_FILE,
                    "nip",
                    msg(
                        "NIP {nip} is already in row {row} of this file; give each NIP once",
                        nip=nip,
                        row=seen[nip],
                    ),
                )
            )
            continue
        if nip:
            seen[nip] = row.number
        items.append(row.values)
        sent.append(row)
    if items:
        outcome = await sync_service.sync(session, principal, items)
        applied.created, applied.updated, applied.unchanged = (
            outcome.created,
            outcome.updated,
            outcome.unchanged,
        )
        for error in outcome.errors:
            row = sent[error.index]
            applied.lines.append(
                ReportLine(
                    row.number,
                    ERROR,
                    error.nip or _nip(row),
                    _name(row),
                    error.error.code,
                    error.field,
                    error.error.detail,
                )
            )
    applied.lines.sort(key=lambda line: line.row)
    return applied
