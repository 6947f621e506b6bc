"""e-Kinerja's / SIMPEG's bulk upsert of SKP results, keyed by NIP and year.

Each item is validated on its own (shape, a year that has begun, an ASN on record, its (nip, year)
once in the batch); an invalid item is reported by index and left out, the valid ones are written
together by the talent service (`upsert_performances`), audited and noted in the change feed.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.asn.service import AsnNotFound
from app.core.db import chunked
from app.core.errors import DomainError
from app.core.i18n import msg
from app.core.security import Principal
from app.core.types import latest_indonesian_date
from app.sync.schemas import MAX_ITEMS, SyncPerformanceItem
from app.sync.service import BatchTooLarge, DuplicateInBatch, Outcome, RowError, RowInvalid, _validation_error
from app.talent import service as talent


async def sync(session: AsyncSession, principal: Principal, items: list[Any]) -> Outcome:
    """Apply a batch of SKP results; each item is created, updated, unchanged or rejected."""
    if len(items) > MAX_ITEMS:
        raise BatchTooLarge(
            msg(
                "Send at most {limit} SKP results per request; this batch has {count}",
                limit=MAX_ITEMS,
                count=len(items),
            )
        )
    outcome = Outcome()
    today = latest_indonesian_date()
    parsed: list[tuple[int, SyncPerformanceItem]] = []
    seen: set[tuple[str, int]] = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            outcome.errors.append(
                RowError(
                    index, None, RowInvalid(msg("an item must be a JSON object with an SKP result's fields"))
                )
            )
            continue
        try:
            data = SyncPerformanceItem.model_validate(item)
        except ValidationError as exc:
            outcome.errors.append(_validation_error(index, item, exc))
            continue
        try:
            talent.check_year(data.year, today)
        except DomainError as exc:
            outcome.errors.append(RowError(index, data.nip, exc))
            continue
        if (data.nip, data.year) in seen:
            outcome.errors.append(
                RowError(
                    index,
                    data.nip,
                    DuplicateInBatch(
                        msg(
                            "The SKP result of NIP {nip} for {year} appears earlier in this batch; send it once",
                            nip=data.nip,
                            year=data.year,
                        )
                    ),
                )
            )
            continue
        seen.add((data.nip, data.year))
        parsed.append((index, data))
    known: set[str] = set()
    for part in chunked(sorted({d.nip for _, d in parsed})):
        known.update((await session.execute(select(Asn.nip).where(Asn.nip.in_(part)))).scalars())
    rows: list[talent.PerformanceRow] = []
    for index, data in parsed:
        if data.nip not in known:
            outcome.errors.append(
                RowError(index, data.nip, AsnNotFound(msg("No ASN with NIP {nip}", nip=data.nip)))
            )
            continue
        rows.append(talent.PerformanceRow(data.nip, data.year, data.predikat, data.score))
    outcome.errors.sort(key=lambda e: e.index)
    results = await talent.upsert_performances(session, principal, rows, talent.source_of(principal, "sync"))
    for result in results:
        if result == "created":
            outcome.created += 1
        elif result == "updated":
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    return outcome
