"""Learning-record rows, checked like `POST /asn/{nip}/learning-records` and created set-based.

A chunk is a handful of queries whatever its size: the ASN in the caller's scope, the per-ASN
locks, rows imported before (idempotent by (nip, source "import", external_id)), competency codes,
the rules of each year, possible duplicates, then one bulk insert (records, events, audit rows,
change feed, JP totals) through the ledger's shared bulk path. Imported records are verified: an
admin or an integration entered them. A row without `external_id` gets one derived from what
identifies the activity (NIP, normalised title, dates, form), so importing a file again creates
nothing new.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn import service as asn_service
from app.asn.models import Asn
from app.competencies.models import Competency
from app.core.i18n import msg
from app.core.security import Principal
from app.core.types import latest_indonesian_date, utcnow
from app.imports.layouts import SourceRow
from app.imports.lines import Applied, ReportLine, field_errors
from app.imports.models import ERROR
from app.learning import service
from app.learning.jp import record_jp
from app.learning.models import LIVE_STATUSES, LearningRecord
from app.learning.schemas import RecordCreate
from app.reference import forms
from app.rules import service as rules_service
from app.rules.schemas import RuleSetBody

SOURCE = "import"
MAX_DETAIL = 2000


def derived_external_id(nip: str, data: RecordCreate) -> str:
    """A stable id for a row that brings none: the same activity of the same ASN, the same id."""
    key = "|".join(
        (
            nip,
            service.title_key(data.title),
            data.start_date.isoformat(),
            data.end_date.isoformat(),
            data.form_code,
        )
    )
    return "row-" + hashlib.sha256(key.encode()).hexdigest()[:40]


@dataclass(slots=True)
class _Candidate:
    row: SourceRow
    nip: str
    data: RecordCreate
    external_id: str
    title_key: str = ""
    certificate: str | None = None
    jp: Decimal = Decimal(0)
    name: str | None = None


@dataclass(slots=True)
class _Chunk:
    applied: Applied = field(default_factory=Applied)
    names: dict[str, str] = field(default_factory=dict)

    def reject(
        self,
        row: SourceRow,
        nip: str | None,
        code: str,
        detail: str,
        at: str | None = None,
        message: dict[str, Any] | None = None,
    ) -> None:
        name = self.names.get(nip) if nip else None
        # A Message is kept whole (it is short); a longer text is cut.
        detail = detail if len(detail) <= MAX_DETAIL else detail[:MAX_DETAIL]
        self.applied.lines.append(ReportLine(row.number, ERROR, nip, name, code, at, detail, message=message))


def _parse(chunk: _Chunk, rows: list[SourceRow], seen: dict[tuple[str, str], int]) -> list[_Candidate]:
    today = latest_indonesian_date()
    out: list[_Candidate] = []
    for row in rows:
        nip = row.values.get("nip")
        if row.error is not None:
            chunk.reject(row, nip, "validation_error", row.error, row.error_field)
            continue
        if not nip:
            chunk.reject(row, None, "validation_error", msg("nip (NIP): required"), "nip")
            continue
        try:
            data = RecordCreate.model_validate({k: v for k, v in row.values.items() if k != "nip"})
        except ValidationError as exc:
            at, detail, message = field_errors(exc)
            chunk.reject(row, nip, "validation_error", detail, at, message)
            continue
        if not forms.is_form_code(data.form_code):
            chunk.reject(
                row,
                nip,
                forms.UnknownFormCode.code,
                forms.unknown_form_detail(data.form_code),
                "form_code",
            )
            continue
        if data.end_date > today:
            chunk.reject(
                row,
                nip,
                service.InvalidRecordDates.code,
                msg(
                    "end_date {date} is in the future; record learning once it ends",
                    date=data.end_date.isoformat(),
                ),
                "end_date",
            )
            continue
        external_id = data.external_id or derived_external_id(nip, data)
        earlier = seen.get((nip, external_id))
        if earlier is not None:
            chunk.reject(
                row,
                nip,
                "duplicate_in_file",
                msg(
                    "Row {row} of this file already records this activity for NIP {nip} "
                    "(external_id {external_id}); give it once",
                    row=earlier,
                    nip=nip,
                    external_id=external_id,
                ),
                "external_id" if data.external_id else None,
            )
            continue
        seen[(nip, external_id)] = row.number
        out.append(
            _Candidate(
                row,
                nip,
                data,
                external_id,
                service.title_key(data.title),
                service.certificate_key(data.certificate_number),
            )
        )
    return out


def first_rows(rows: list[SourceRow], seen: dict[tuple[str, str], int]) -> None:
    """Remember the (NIP, external_id) of rows a resumed job already applied."""
    parsed = _parse(_Chunk(), rows, {})
    for c in parsed:
        seen.setdefault((c.nip, c.external_id), c.row.number)


async def _in_scope(
    session: AsyncSession, principal: Principal, chunk: _Chunk, candidates: list[_Candidate]
) -> list[_Candidate]:
    nips = sorted({c.nip for c in candidates})
    stmt = select(Asn.nip, Asn.name).where(Asn.nip.in_(nips))
    condition = asn_service.scope_condition(principal)
    if condition is not None:
        stmt = stmt.where(condition)
    chunk.names = {nip: name for nip, name in await session.execute(stmt)} if nips else {}
    kept = []
    for c in candidates:
        if c.nip not in chunk.names:
            chunk.reject(
                c.row,
                c.nip,
                asn_service.AsnNotFound.code,
                msg("No ASN with NIP {nip} in your scope", nip=c.nip[:18]),
            )
        elif principal.nip is not None and principal.nip == c.nip:
            chunk.reject(
                c.row,
                c.nip,
                service.SelfApproval.code,
                msg(
                    "Your own learning is a claim another admin verifies; enter it in your own ledger instead"
                ),
                "nip",
            )
        else:
            kept.append(c)
    return kept


async def _skip_replays(
    session: AsyncSession, chunk: _Chunk, candidates: list[_Candidate]
) -> list[_Candidate]:
    """Rows imported before (by this or an earlier job) are the same record: counted unchanged."""
    r = LearningRecord
    found = await service.probe(
        session,
        (r.nip, r.external_id),
        (r.nip, r.source, r.external_id),
        [(c.nip, SOURCE, c.external_id) for c in candidates],
    )
    existing = {(nip, ext) for nip, ext in found}
    fresh = [c for c in candidates if (c.nip, c.external_id) not in existing]
    chunk.applied.unchanged += len(candidates) - len(fresh)
    return fresh


async def _known_competencies(
    session: AsyncSession, candidates: list[_Candidate], chunk: _Chunk
) -> list[_Candidate]:
    wanted = {code for c in candidates for code in c.data.competency_codes}
    known: set[str] = set()
    if wanted:
        known = set(
            (await session.execute(select(Competency.code).where(Competency.code.in_(wanted)))).scalars()
        )
    kept = []
    for c in candidates:
        missing = sorted(set(c.data.competency_codes) - known)
        if missing:
            chunk.reject(
                c.row,
                c.nip,
                "unknown_competency",
                msg(
                    "Unknown competency_codes: {codes}; see /api/v1/competencies",
                    codes=", ".join(m[:20] for m in missing[:20]),
                ),
                "competency_codes",
            )
        else:
            kept.append(c)
    return kept


async def _with_jp(session: AsyncSession, candidates: list[_Candidate], chunk: _Chunk) -> list[_Candidate]:
    rules: dict[int, RuleSetBody] = {}
    kept = []
    for c in candidates:
        year = c.data.end_date.year
        if year not in rules:
            rules[year] = await rules_service.rules_for_year(session, year)
        c.jp = record_jp(
            rules[year],
            form_code=c.data.form_code,
            jp=c.data.jp,
            duration_minutes=c.data.duration_minutes,
            start_date=c.data.start_date,
            end_date=c.data.end_date,
        )
        if c.jp <= 0 or c.jp > service.MAX_RECORD_JP:
            chunk.reject(
                c.row,
                c.nip,
                service.InvalidJp.code,
                msg(
                    "The record works out to {jp} JP; a record holds more than 0 and at most {limit} JP",
                    jp=c.jp,
                    limit=service.MAX_RECORD_JP,
                ),
                "jp",
            )
        else:
            kept.append(c)
    return kept


TitleKey = tuple[str, str, date, date]


async def _skip_duplicates(
    session: AsyncSession, candidates: list[_Candidate], chunk: _Chunk
) -> tuple[list[_Candidate], list[tuple[_Candidate, _Candidate]]]:
    """Another live record of the ASN with the same certificate number, or the same title and dates."""
    r = LearningRecord
    by_title: dict[TitleKey, int] = {}
    for rid, nip, key, start, end in await service.probe(
        session,
        (r.id, r.nip, r.title_key, r.start_date, r.end_date),
        (r.nip, r.title_key, r.start_date, r.end_date),
        list({(c.nip, c.title_key, c.data.start_date, c.data.end_date) for c in candidates}),
        r.status.in_(LIVE_STATUSES),
    ):
        by_title[(nip, key, start, end)] = min(rid, by_title.get((nip, key, start, end), rid))
    by_certificate: dict[tuple[str, str], int] = {}
    for rid, nip, number in await service.probe(
        session,
        (r.id, r.nip, r.certificate_key),
        (r.nip, r.certificate_key),
        list({(c.nip, c.certificate) for c in candidates if c.certificate}),
        r.status.in_(LIVE_STATUSES),
    ):
        by_certificate[(nip, number)] = min(rid, by_certificate.get((nip, number), rid))
    fresh: list[_Candidate] = []
    later: list[tuple[_Candidate, _Candidate]] = []
    first_title: dict[TitleKey, _Candidate] = {}
    first_certificate: dict[tuple[str, str], _Candidate] = {}
    for c in candidates:
        title = (c.nip, c.title_key, c.data.start_date, c.data.end_date)
        certificate = (c.nip, c.certificate) if c.certificate else None
        stored = by_title.get(title) or (by_certificate.get(certificate) if certificate else None)
        if stored is not None:
            chunk.reject(c.row, c.nip, service.PossibleDuplicate.code, _duplicate_detail(stored))
            continue
        original = first_title.get(title) or (first_certificate.get(certificate) if certificate else None)
        if original is not None:
            later.append((c, original))  # rejected once the original has its id
            continue
        first_title[title] = c
        if certificate:
            first_certificate[certificate] = c
        fresh.append(c)
    return fresh, later


def _duplicate_detail(record_id: int) -> str:
    return msg(
        "Learning record {record_id} of this ASN has the same certificate number or the same title "
        "and dates (duplicate_of {record_id})",
        record_id=record_id,
    )


async def apply(
    session: AsyncSession,
    principal: Principal,
    rows: list[SourceRow],
    seen: dict[tuple[str, str], int],
    *,
    job_id: int,
) -> Applied:
    chunk = _Chunk()
    candidates = _parse(chunk, rows, seen)
    if candidates:
        candidates = await _in_scope(session, principal, chunk, candidates)
    if candidates:
        await service.lock_many(session, [c.nip for c in candidates])
        candidates = await _skip_replays(session, chunk, candidates)
    if candidates:
        candidates = await _known_competencies(session, candidates, chunk)
        candidates = await _with_jp(session, candidates, chunk)
    if candidates:
        candidates, later = await _skip_duplicates(session, candidates, chunk)
        records = [
            service.NewRecord(
                nip=c.nip,
                title=c.data.title,
                form_code=c.data.form_code,
                start_date=c.data.start_date,
                end_date=c.data.end_date,
                jp=c.jp,
                external_id=c.external_id,
                organizer=c.data.organizer,
                jp_claimed=c.data.jp,
                duration_minutes=c.data.duration_minutes,
                competency_codes=c.data.competency_codes,
                certificate_number=c.data.certificate_number,
                cost_idr=c.data.cost_idr,
                note=f"Spreadsheet import {job_id}, row {c.row.number}",
                event_data={"import_job": job_id, "row": c.row.number},
            )
            for c in candidates
        ]
        ids = await service.insert_verified(session, principal, SOURCE, records, now=utcnow())
        record_of = {id(c): rid for c, rid in zip(candidates, ids, strict=True)}
        chunk.applied.created += len(ids)
        for duplicate, original in later:
            chunk.reject(
                duplicate.row,
                duplicate.nip,
                service.PossibleDuplicate.code,
                _duplicate_detail(record_of[id(original)]),
            )
    chunk.applied.lines.sort(key=lambda line: line.row)
    return chunk.applied
