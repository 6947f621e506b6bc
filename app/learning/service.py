"""The learning-hour ledger: claims, verification, voiding, duplicates and verified totals."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Table, bindparam, func, insert, or_, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.asn.models import Asn
from app.competencies.standards.lookup import require_codes
from app.core import audit
from app.core import changes as change_feed
from app.core.db import Base, is_postgres
from app.core.errors import Conflict, Forbidden, Unprocessable
from app.core.hooks import Hooks
from app.core.i18n import msg
from app.core.locks import advisory_xact_lock
from app.core.requestid import current_request_id
from app.core.security import Principal, Role
from app.core.text import fold, strip_format
from app.core.types import latest_indonesian_date, utcnow
from app.learning import totals
from app.learning.jp import record_jp
from app.learning.models import (
    LIVE_STATUSES,
    PENDING,
    REJECTED,
    VERIFIED,
    VOIDED,
    LearningEvent,
    LearningRecord,
)
from app.learning.schemas import EvidenceInfo, RecordCreate, RecordDetail, RecordEventRead, RecordRead
from app.reference.forms import check_form_code
from app.rules import service as rules_service

MAX_RECORD_JP = Decimal(2000)  # Latsar CPNS alone is 1,141 JP
AUDIT_FIELDS = (
    "nip",
    "title",
    "form_code",
    "start_date",
    "end_date",
    "year",
    "jp",
    "source",
    "external_id",
    "certificate_number",
    "status",
)

# Each runs as `hook(session, year, today)` before a new claim (a pending record) counting in `year` is
# stored, in its transaction; a hook refuses the claim by raising (a year whose claims have closed).
ClaimHook = Callable[[AsyncSession, int, date], Awaitable[None]]
before_claim: Hooks[ClaimHook] = Hooks()
# Each runs as `hook(session, record)` once a claim is approved or rejected, in its transaction (the
# claimant is told: a message queued with the decision commits or rolls back with it).
DecisionHook = Callable[[AsyncSession, LearningRecord], Awaitable[None]]
after_decision: Hooks[DecisionHook] = Hooks()


class InvalidRecordDates(Unprocessable):
    code = "invalid_dates"


class InvalidJp(Unprocessable):
    code = "invalid_jp"


class PossibleDuplicate(Conflict):
    code = "possible_duplicate"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class SelfApproval(Forbidden):
    code = "self_approval"


# The accents of Latin, Greek and Cyrillic letters (generic combining diacritics). Marks of other
# scripts stay: in a Japanese or Thai title a mark is a different word (か/が, ปา/ป่า).
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def title_key(title: str) -> str:
    """Case, accents, punctuation, spacing, invisible characters and look-alike letters of another
    script do not make a different title; a title in any script keeps its letters."""
    folded = _ACCENTS.sub("", fold(title))
    words = "".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in folded).split()
    return " ".join(words)[:300]


def stored_certificate(number: str | None) -> str | None:
    """How a certificate number is stored and shown: upper case, single spaces, nothing invisible."""
    if not number:
        return None
    return " ".join(strip_format(number).split()).upper() or None


def certificate_key(number: str | None) -> str | None:
    """How certificate numbers are compared: case, spacing, invisible characters and look-alikes
    (Cyrillic А for A, O for 0) do not make a different number."""
    if not number:
        return None
    return "".join(fold(number).split())[:300] or None


def is_own_claim(principal: Principal, nip: str) -> bool:
    """An ASN's entry, or an admin's on its own NIP, is a claim someone else must verify."""
    return principal.role is Role.asn or (principal.nip is not None and principal.nip == nip)


def source_for(principal: Principal, requested: str | None, *, claim: bool = False) -> str:
    if claim or principal.role is Role.asn:
        return "self"  # an own entry is a claim, whatever it says about itself
    if requested:
        return requested
    return "api" if principal.is_client else "admin"


def _lock_key(nip: str) -> str:
    return f"learning:{nip}"


async def _lock_asn(session: AsyncSession, nip: str) -> None:
    """Serialise writers of one ASN's records, so the duplicate check cannot race."""
    await advisory_xact_lock(session, _lock_key(nip))


def _event(
    session: AsyncSession,
    principal: Principal | str,
    record: LearningRecord,
    action: str,
    from_status: str | None,
    note: str | None = None,
) -> None:
    actor, role = (
        (principal.actor, principal.role.value) if isinstance(principal, Principal) else (principal, "system")
    )
    session.add(
        LearningEvent(
            record_id=record.id,
            at=utcnow(),
            actor=actor,
            role=role,
            action=action,
            from_status=from_status,
            to_status=record.status,
            note=note,
        )
    )


async def find_by_external_id(
    session: AsyncSession, nip: str, source: str, external_id: str
) -> LearningRecord | None:
    stmt = select(LearningRecord).where(
        LearningRecord.nip == nip, LearningRecord.source == source, LearningRecord.external_id == external_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def find_duplicate(
    session: AsyncSession, nip: str, key: str, start: date, end: date, certificate: str | None
) -> LearningRecord | None:
    same_title = (
        (LearningRecord.title_key == key)
        & (LearningRecord.start_date == start)
        & (LearningRecord.end_date == end)
    )
    match = or_(same_title, LearningRecord.certificate_key == certificate) if certificate else same_title
    stmt = (
        select(LearningRecord)
        .where(LearningRecord.nip == nip, LearningRecord.status.in_(LIVE_STATUSES), match)
        .order_by(LearningRecord.id)
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def create(
    session: AsyncSession, principal: Principal, asn: Asn, data: RecordCreate, *, today: date | None = None
) -> tuple[LearningRecord, bool]:
    """A new record (pending for an ASN's own claim, verified otherwise); (existing, False) on replay."""
    today = today or latest_indonesian_date()
    check_form_code(data.form_code)
    if data.end_date > today:
        raise InvalidRecordDates(
            msg(
                "end_date {end_date} is in the future; record learning once it ends",
                end_date=data.end_date.isoformat(),
            )
        )
    claim = is_own_claim(principal, asn.nip)
    source = source_for(principal, data.source, claim=claim)
    await _lock_asn(session, asn.nip)
    if data.external_id is not None:
        existing = await find_by_external_id(session, asn.nip, source, data.external_id)
        if existing is not None:
            return existing, False
    if claim:
        for hook in before_claim:
            await hook(session, data.end_date.year, today)
    # Codes must be in the dictionary, so gap-driven plans and reports can rely on them.
    await require_codes(session, data.competency_codes, field="competency_codes")
    rules = await rules_service.rules_for_year(session, data.end_date.year)
    jp = record_jp(
        rules,
        form_code=data.form_code,
        jp=data.jp,
        duration_minutes=data.duration_minutes,
        start_date=data.start_date,
        end_date=data.end_date,
    )
    if jp <= 0 or jp > MAX_RECORD_JP:
        raise InvalidJp(
            msg(
                "The record works out to {jp} JP; a record holds more than 0 and at most {max_jp} JP",
                jp=jp,
                max_jp=MAX_RECORD_JP,
            )
        )
    key = title_key(data.title)
    certificate = certificate_key(data.certificate_number)
    duplicate = await find_duplicate(session, asn.nip, key, data.start_date, data.end_date, certificate)
    if duplicate is not None:
        raise PossibleDuplicate(
            msg(
                "Learning record {id} of this ASN has the same certificate number or the same title and dates",
                id=duplicate.id,
            ),
            duplicate_of=duplicate.id,
        )
    status = PENDING if claim else VERIFIED
    record = LearningRecord(
        nip=asn.nip,
        title=data.title,
        title_key=key,
        form_code=data.form_code,
        organizer=data.organizer,
        start_date=data.start_date,
        end_date=data.end_date,
        year=data.end_date.year,
        jp_claimed=data.jp,
        duration_minutes=data.duration_minutes,
        jp=jp,
        competency_codes=list(dict.fromkeys(data.competency_codes)),
        certificate_number=stored_certificate(data.certificate_number),
        certificate_key=certificate,
        cost_idr=data.cost_idr,
        source=source,
        external_id=data.external_id,
        status=status,
        created_by=principal.actor,
        created_at=utcnow(),
    )
    if status == VERIFIED:
        record.decided_by, record.decided_at = principal.actor, record.created_at
    session.add(record)
    await session.flush()
    _event(session, principal, record, "created", None)
    if status == VERIFIED:
        await totals.add(
            session, nip=record.nip, year=record.year, form_code=record.form_code, jp=jp, records=1
        )
    audit.record(
        session, principal, "create", "learning_record", record.id, after=audit.snapshot(record, AUDIT_FIELDS)
    )
    return record, True


async def decide(
    session: AsyncSession, principal: Principal, record: LearningRecord, decision: str, note: str | None
) -> LearningRecord:
    if record.status != PENDING:
        raise InvalidTransition(
            msg("Only pending claims can be decided; this record is {status}", status=record.status)
        )
    if principal.nip is not None and principal.nip == record.nip:
        raise SelfApproval("You cannot decide your own claim; another admin must verify it")
    before = audit.snapshot(record, AUDIT_FIELDS)
    record.status = VERIFIED if decision == "approve" else REJECTED
    record.decided_by, record.decided_at, record.decision_note = principal.actor, utcnow(), note
    await session.flush()
    _event(session, principal, record, "approved" if decision == "approve" else "rejected", PENDING, note)
    if record.status == VERIFIED:
        await totals.add(
            session, nip=record.nip, year=record.year, form_code=record.form_code, jp=record.jp, records=1
        )
    audit.record(
        session,
        principal,
        decision,
        "learning_record",
        record.id,
        before=before,
        after=audit.snapshot(record, AUDIT_FIELDS),
    )
    for hook in after_decision:
        await hook(session, record)
    return record


async def void(
    session: AsyncSession, principal: Principal | str, record: LearningRecord, reason: str
) -> LearningRecord:
    if record.status not in LIVE_STATUSES:
        raise InvalidTransition(
            msg(
                "Only pending or verified records can be voided; this record is {status}",
                status=record.status,
            )
        )
    if isinstance(principal, Principal) and principal.role is Role.asn and record.status != PENDING:
        raise Forbidden(
            "An ASN may withdraw only its own pending claims; ask your OPD admin to void a verified record"
        )
    before = audit.snapshot(record, AUDIT_FIELDS)
    was = record.status
    record.status = VOIDED
    record.voided_by = principal.actor if isinstance(principal, Principal) else principal
    record.voided_at, record.void_reason = utcnow(), reason
    await session.flush()
    _event(session, principal, record, "voided", was, reason)
    if was == VERIFIED:
        await totals.add(
            session, nip=record.nip, year=record.year, form_code=record.form_code, jp=-record.jp, records=-1
        )
    audit.record(
        session,
        principal,
        "void",
        "learning_record",
        record.id,
        before=before,
        after=audit.snapshot(record, AUDIT_FIELDS),
    )
    return record


# -- bulk: verified records from integrations (xAPI statements, spreadsheet imports) ---------------

_RECORDS: Table = Base.metadata.tables["learning_records"]
_EVENTS: Table = Base.metadata.tables["learning_events"]


async def lock_many(session: AsyncSession, nips: list[str]) -> None:
    """The per-ASN locks `_lock_asn` takes, all at once (in one order, so batches cannot deadlock)."""
    await advisory_xact_lock(session, *(_lock_key(nip) for nip in nips))


async def probe(
    session: AsyncSession,
    columns: tuple[InstrumentedAttribute[Any], ...],
    key: tuple[InstrumentedAttribute[Any], ...],
    keys: list[tuple[Any, ...]],
    *where: ColumnElement[bool],
) -> list[Any]:
    """Learning records whose `key` columns equal one of `keys`: one index probe per key.

    On PostgreSQL the keys travel as one array per column, unnested and joined LATERALly; OFFSET 0
    stops the planner from flattening that into a hash join over the whole ledger, which it picks
    when statistics are stale (right after a bulk load). SQLite: a row-value IN list.
    """
    if not keys:
        return []
    if is_postgres(session):
        names = [f"k{i}" for i in range(len(key))]
        arrays = [
            bindparam(name, [k[i] for k in keys], type_=ARRAY(c.type))
            for i, (name, c) in enumerate(zip(names, key, strict=True))
        ]
        given = func.unnest(*arrays).table_valued(*names).render_derived(name="given")
        match = (
            select(*columns)
            .where(*(c == given.c[name] for name, c in zip(names, key, strict=True)), *where)
            .offset(0)
            .lateral("found")
        )
        return list(await session.execute(select(match).select_from(given).join(match, true())))
    return list(await session.execute(select(*columns).where(tuple_(*key).in_(keys), *where)))


@dataclass(slots=True)
class NewRecord:
    """A verified record an integration creates in bulk, already checked like `create` checks one."""

    nip: str
    title: str
    form_code: str
    start_date: date
    end_date: date
    jp: Decimal
    external_id: str
    organizer: str | None = None
    jp_claimed: Decimal | None = None
    duration_minutes: int | None = None
    competency_codes: list[str] = field(default_factory=list)
    certificate_number: str | None = None
    cost_idr: int | None = None
    note: str | None = None  # on the record's "created" event
    event_data: dict[str, Any] | None = None


async def insert_verified(
    session: AsyncSession, principal: Principal, source: str, records: list[NewRecord], *, now: datetime
) -> list[int]:
    """Insert verified records with their events, audit rows, change-feed entries and JP totals.

    A handful of statements whatever the batch size; returns the new ids in the order of `records`.
    """
    if not records:
        return []
    actor, role = principal.actor, principal.role.value
    rows: list[dict[str, Any]] = [
        {
            "nip": r.nip,
            "title": strip_format(r.title),
            "title_key": title_key(r.title),
            "form_code": r.form_code,
            "organizer": strip_format(r.organizer) if r.organizer else r.organizer,
            "start_date": r.start_date,
            "end_date": r.end_date,
            "year": r.end_date.year,
            "jp_claimed": r.jp_claimed,
            "duration_minutes": r.duration_minutes,
            "jp": r.jp,
            "competency_codes": list(dict.fromkeys(r.competency_codes)),
            "certificate_number": stored_certificate(r.certificate_number),
            "certificate_key": certificate_key(r.certificate_number),
            "cost_idr": r.cost_idr,
            "source": source,
            "external_id": r.external_id,
            "status": VERIFIED,
            "created_by": actor,
            "created_at": now,
            "decided_by": actor,
            "decided_at": now,
            "version": 1,
        }
        for r in records
    ]
    stmt = insert(_RECORDS).returning(_RECORDS.c.id, sort_by_parameter_order=True)
    ids = list((await session.execute(stmt, rows)).scalars())
    request_id = current_request_id()
    events: list[dict[str, Any]] = []
    entries: list[audit.Row] = []
    sums: dict[tuple[str, int, str], list[Decimal]] = defaultdict(list)
    for record_id, r, row in zip(ids, records, rows, strict=True):
        events.append(
            {
                "record_id": record_id,
                "at": now,
                "actor": actor,
                "role": role,
                "action": "created",
                "from_status": None,
                "to_status": VERIFIED,
                "note": r.note,
                "data": r.event_data,
            }
        )
        after = {f: audit.jsonable(row[f]) for f in AUDIT_FIELDS}
        entries.append(
            (now, actor, role, "create", "learning_record", str(record_id), None, after, request_id)
        )
        sums[(r.nip, r.end_date.year, r.form_code)].append(r.jp)
    await session.execute(insert(_EVENTS), events)
    audit.record_many(session, entries)
    change_feed.note_many(session, "learning_record", ids)
    await totals.add_many(session, {key: (sum(jps, Decimal(0)), len(jps)) for key, jps in sums.items()})
    return ids


# -- reading --------------------------------------------------------------------------------------


def to_read(record: LearningRecord) -> RecordRead:
    return RecordRead.model_validate(_fields(record))


def _fields(record: LearningRecord) -> dict[str, Any]:
    evidence = (
        EvidenceInfo(
            content_type=record.evidence_type or "",
            size=record.evidence_size or 0,
            sha256=record.evidence_sha256 or "",
            filename=record.evidence_name,
        )
        if record.evidence_key
        else None
    )
    data = {name: getattr(record, name) for name in RecordRead.model_fields if name != "evidence"}
    return data | {"evidence": evidence}


async def detail(session: AsyncSession, record: LearningRecord) -> RecordDetail:
    events = (
        await session.execute(
            select(LearningEvent).where(LearningEvent.record_id == record.id).order_by(LearningEvent.id)
        )
    ).scalars()
    history = [RecordEventRead.model_validate(e) for e in events]
    return RecordDetail.model_validate(_fields(record) | {"history": history})


def list_query(nip: str, year: int | None, status: str | None) -> Any:
    stmt = select(LearningRecord).where(LearningRecord.nip == nip)
    if year is not None:
        stmt = stmt.where(LearningRecord.year == year)
    if status is not None:
        stmt = stmt.where(LearningRecord.status == status)
    return stmt
