"""SIMPEG's bulk upsert of ASN profiles, set-based.

A batch is a handful of statements whatever its size: the stored rows of the batch's NIPs (locked,
for the before-snapshots), the units and positions it names, then the write, the audit rows and the
placement hook. On PostgreSQL new profiles are COPied straight into `asn` (under a savepoint: if
another transaction created one of them meanwhile, the batch falls back to the upsert), changed ones
go through a COPY into a temporary staging table and one INSERT … ON CONFLICT DO UPDATE; SQLite
uses executemany. The audit rows are chained and inserted at commit (audit.record_many). Every item
is validated like a single `POST /asn` (NIP layout, NIP vs gender/birth date, golongan, unit,
position); an invalid item is reported by index and left out, the valid ones are applied in the
request's transaction.

Merge rule: `nip`, `name`, `employment_type` and `unit_id` are always required. A new NIP creates
the profile (omitted fields take AsnCreate's defaults, gender and birth date come from the NIP).
For an existing profile the fields present in the item are set, an explicit null clears an
optional field, and fields the item leaves out keep their stored values. A profile whose resulting
fields all equal the stored ones is `unchanged`: no write, no version bump, no audit row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any

import asyncpg
from pydantic import ValidationError
from sqlalchemy import ARRAY, Integer, String, Table, bindparam, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn import service as asn_service
from app.asn.schemas import AsnCreate
from app.core import audit
from app.core import changes as change_feed
from app.core.db import Base, is_postgres
from app.core.errors import DomainError, Unprocessable
from app.core.i18n import field_message, msg
from app.core.requestid import current_request_id
from app.core.security import Principal
from app.core.types import UTCDateTime, utcnow
from app.org import service as org_service
from app.org.models import Position, Unit
from app.sync.schemas import MAX_ITEMS

FIELDS = asn_service.PROFILE_FIELDS
_ASN: Table = Base.metadata.tables["asn"]
# Column lengths, so a value the schema allows but the column cannot hold is a row error, not a
# database error that would fail the whole batch.
_LENGTHS = {
    name: int(col.type.length)
    for name, col in _ASN.c.items()
    if name in FIELDS and isinstance(col.type, String) and col.type.length
}
_STAGE = "sync_asn_stage"


class BatchTooLarge(Unprocessable):
    code = "batch_too_large"


class RowInvalid(Unprocessable):
    code = "validation_error"


class DuplicateInBatch(Unprocessable):
    code = "duplicate_in_batch"


@dataclass(slots=True)
class RowError:
    index: int
    nip: str | None
    error: DomainError
    field: str | None = None


@dataclass(slots=True)
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


# (action, nip, before, after) of each written profile, for its audit row.
AuditTrail = list[tuple[str, str, dict[str, Any] | None, dict[str, Any]]]


@dataclass(slots=True)
class _Row:
    index: int
    nip: str
    # The item's profile fields (AsnCreate's defaults for those it left out), gender and birth date
    # as the NIP encodes them, in FIELDS order; `given` names the fields the item sent (and those two).
    values: dict[str, Any]
    given: set[str]
    profile: dict[str, Any] = field(default_factory=dict)


def _given_nip(item: Any) -> str | None:
    nip = item.get("nip") if isinstance(item, dict) else None
    return nip.strip()[:32] if isinstance(nip, str) else None


def _validation_error(index: int, item: Any, exc: ValidationError) -> RowError:
    problems = exc.errors(include_url=False, include_input=False)
    first = ".".join(str(p) for p in problems[0]["loc"]) if problems else None
    # Composed now, in the request's language (pydantic's texts are translated by their error type).
    detail = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'item'}: {field_message(e)}" for e in problems[:5]
    )
    return RowError(index, _given_nip(item), RowInvalid(detail[:1000]), first)


_DERIVED = frozenset({"gender", "birth_date"})
_CHECKED_LENGTHS = tuple(_LENGTHS.items())


def _parse(items: list[Any], outcome: Outcome) -> list[_Row]:
    """Schema, NIP facts and in-batch duplicates, row by row."""
    rows: list[_Row] = []
    seen: set[str] = set()
    validate = AsnCreate.model_validate
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            outcome.errors.append(
                RowError(
                    index, None, RowInvalid(msg("an item must be a JSON object with a profile's fields"))
                )
            )
            continue
        try:
            data = validate(item)
        except ValidationError as exc:
            outcome.errors.append(_validation_error(index, item, exc))
            continue
        nip = data.nip
        if nip in seen:
            outcome.errors.append(
                RowError(
                    index,
                    nip,
                    DuplicateInBatch(
                        msg("NIP {nip} appears earlier in this batch; send it once", nip=nip[:18])
                    ),
                )
            )
            continue
        seen.add(nip)
        try:
            gender, birth_date = asn_service._nip_facts(
                nip, data.employment_type, data.gender, data.birth_date
            )
        except DomainError as exc:
            outcome.errors.append(RowError(index, nip, exc))
            continue
        # A pydantic model keeps its field values in __dict__; model_dump() would cost 15 times more.
        fields = data.__dict__
        values = {f: fields[f] for f in FIELDS}
        values["gender"], values["birth_date"] = gender, birth_date
        for name, limit in _CHECKED_LENGTHS:
            value = values[name]
            if value is not None and len(value) > limit:
                outcome.errors.append(
                    RowError(
                        index,
                        nip,
                        RowInvalid(msg("{field}: at most {limit} characters", field=name, limit=limit)),
                        name,
                    )
                )
                break
        else:
            rows.append(_Row(index, nip, values, data.model_fields_set | _DERIVED))
    return rows


async def _stored(session: AsyncSession, nips: list[str]) -> dict[str, dict[str, Any]]:
    """The batch's existing profiles, locked (PostgreSQL) in NIP order so batches cannot deadlock."""
    columns = [_ASN.c[f] for f in FIELDS]
    if is_postgres(session):
        # One array parameter rather than 5,000 expanded ones (compiling those costs more than the query).
        wanted = _ASN.c.nip == func.any(bindparam("nips", type_=ARRAY(String)))
        stmt = select(*columns).where(wanted).order_by(_ASN.c.nip).with_for_update()
    else:
        stmt = select(*columns).where(_ASN.c.nip.in_(bindparam("nips", expanding=True))).order_by(_ASN.c.nip)
    found = await session.execute(stmt, {"nips": nips})
    return {row[0]: dict(zip(FIELDS, row, strict=True)) for row in found}


async def _existing_ids(session: AsyncSession, table: Table, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    if is_postgres(session):
        stmt = select(table.c.id).where(table.c.id == func.any(bindparam("ids", type_=ARRAY(Integer))))
    else:
        stmt = select(table.c.id).where(table.c.id.in_(bindparam("ids", expanding=True)))
    return set((await session.execute(stmt, {"ids": sorted(ids)})).scalars())


async def sync(session: AsyncSession, principal: Principal, items: list[Any]) -> Outcome:
    """Apply a batch of profiles; each item is created, updated, unchanged or rejected."""
    if len(items) > MAX_ITEMS:
        raise BatchTooLarge(
            msg(
                "Send at most {limit} profiles per request; this batch has {count}",
                limit=MAX_ITEMS,
                count=len(items),
            )
        )
    outcome = Outcome()
    rows = _parse(items, outcome)
    stored = await _stored(session, [r.nip for r in rows]) if rows else {}
    units = await _existing_ids(session, Unit.__table__, {r.values["unit_id"] for r in rows})  # type: ignore[arg-type]
    positions = await _existing_ids(
        session,
        Position.__table__,  # type: ignore[arg-type]
        {p for r in rows if (p := r.values["position_id"]) is not None and "position_id" in r.given},
    )
    creates: list[_Row] = []
    changes: list[_Row] = []
    for row in rows:
        values, before = row.values, stored.get(row.nip)
        if before is None:
            profile, position_given = values, True
        else:
            profile = before | {f: values[f] for f in row.given}
            position_given = "position_id" in row.given
        try:
            asn_service._check_golongan(profile["golongan"], profile["employment_type"])
            if values["unit_id"] not in units:
                raise org_service.UnitReferenceInvalid(
                    msg("{field}: no unit with id {unit_id}", field="unit_id", unit_id=values["unit_id"])
                )
            position_id = values["position_id"]
            if position_given and position_id is not None and position_id not in positions:
                raise org_service.PositionReferenceInvalid(
                    msg("position_id: no position with id {position_id}", position_id=position_id)
                )
        except DomainError as exc:
            outcome.errors.append(RowError(row.index, row.nip, exc))
            continue
        row.profile = profile
        if before is None:
            creates.append(row)
        elif profile != before:
            changes.append(row)
        else:
            outcome.unchanged += 1
    outcome.errors.sort(key=lambda e: e.index)
    if creates or changes:
        await _write(session, principal, outcome, creates, changes, stored)
    return outcome


async def _write(
    session: AsyncSession,
    principal: Principal,
    outcome: Outcome,
    creates: list[_Row],
    changes: list[_Row],
    stored: dict[str, dict[str, Any]],
) -> None:
    now = utcnow()
    postgresql = is_postgres(session)
    profiles = {r.nip: r.profile for r in (*creates, *changes)}
    if postgresql:
        written = await _write_postgres(session, creates, changes, now)
    else:
        written = await _write_sqlite(session, creates, changes, now)
    created: list[asn_service.NewAsn] = []
    moved: list[str] = []
    facts: list[str] = []
    trail: AuditTrail = []
    for nip, inserted in written:
        after = profiles[nip]
        if inserted:
            outcome.created += 1
            created.append(asn_service.NewAsn(nip, after["position_id"], after["unit_id"], after["active"]))
            trail.append(("create", nip, None, after))
            continue
        outcome.updated += 1
        before = stored.get(nip)
        if before is None or any(before[f] != after[f] for f in asn_service.PLACEMENT_FIELDS):
            moved.append(nip)
        if before is None or any(before[f] != after[f] for f in asn_service.FACT_FIELDS):
            facts.append(nip)
        trail.append(("update", nip, before, after))
    # Rows another transaction changed to the same values in the meantime were not written.
    outcome.unchanged += len(profiles) - len(written)
    if trail:
        _audit(session, principal, now, trail)
    change_feed.note_many(session, "asn", (nip for nip, _ in written))
    await asn_service.placement_changed(session, moved, created)
    await asn_service.profile_changed(session, [*facts, *(c.nip for c in created)])


async def _write_postgres(
    session: AsyncSession, creates: list[_Row], changes: list[_Row], now: datetime
) -> list[tuple[str, bool]]:
    """(nip, inserted) of every row written; unchanged rows (by the database's comparison) are left out."""
    upsert = changes
    written: list[tuple[str, bool]] = []
    if creates:
        if await _copy_new(session, [r.profile for r in creates], now):
            written = [(r.nip, True) for r in creates]
        else:
            upsert = [*creates, *changes]
    if upsert:
        written += await _upsert_postgres(session, [r.profile for r in upsert], now)
    return written


_COLUMNS = ", ".join(FIELDS)
_UPDATABLE = [f for f in FIELDS if f != "nip"]
_UPSERT = text(
    f"INSERT INTO asn ({_COLUMNS}, version, created_at, updated_at) "
    f"SELECT {_COLUMNS}, 1, :now, :now FROM {_STAGE} ORDER BY nip "
    "ON CONFLICT (nip) DO UPDATE SET "
    + ", ".join(f"{f} = excluded.{f}" for f in _UPDATABLE)
    + ", version = asn.version + 1, updated_at = excluded.updated_at "
    f"WHERE ({', '.join(f'asn.{f}' for f in _UPDATABLE)}) "
    f"IS DISTINCT FROM ({', '.join(f'excluded.{f}' for f in _UPDATABLE)}) "
    "RETURNING nip, (xmax = 0) AS inserted"
).bindparams(bindparam("now", type_=UTCDateTime()))
# The staging table lives as long as the pooled connection; ON COMMIT DELETE ROWS empties it.
_CREATE_STAGE = text(
    f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} ("
    "nip varchar(18) NOT NULL, name varchar(200) NOT NULL, gender varchar(6) NOT NULL, "
    "birth_date date NOT NULL, employment_type varchar(4) NOT NULL, golongan varchar(6), "
    "position_id integer, unit_id integer NOT NULL, email varchar(254), phone varchar(20), "
    "education_level varchar(4), active boolean NOT NULL) ON COMMIT DELETE ROWS"
)
_ROW = itemgetter(*FIELDS)
_NEW_COLUMNS = [*FIELDS, "version", "created_at", "updated_at"]


async def _copy_new(session: AsyncSession, profiles: list[dict[str, Any]], now: datetime) -> bool:
    """COPY new profiles into asn; False (nothing written) if one of their NIPs exists by now.

    `_stored` saw none of these NIPs, but it cannot lock rows that do not exist yet: a concurrent
    request may create one before this COPY, which then fails on the primary key. The savepoint keeps
    the transaction usable for the upsert that handles such rows.
    """
    records = [(*_ROW(p), 1, now, now) for p in profiles]
    try:
        async with session.begin_nested():
            await (await _driver(session)).copy_records_to_table("asn", records=records, columns=_NEW_COLUMNS)
    except asyncpg.UniqueViolationError:
        return False
    return True


async def _upsert_postgres(
    session: AsyncSession, profiles: list[dict[str, Any]], now: datetime
) -> list[tuple[str, bool]]:
    await session.execute(_CREATE_STAGE)
    await session.execute(text(f"TRUNCATE {_STAGE}"))
    await (await _driver(session)).copy_records_to_table(
        _STAGE, records=[_ROW(p) for p in profiles], columns=list(FIELDS)
    )
    result = await session.execute(_UPSERT, {"now": now})
    return [(nip, bool(inserted)) for nip, inserted in result]


def _audit(session: AsyncSession, principal: Principal, now: datetime, trail: AuditTrail) -> None:
    """The batch's audit rows, chained and inserted in one statement at commit (audit.record_many).

    The profiles go in as they are: their only non-JSON value, the birth date, is written as ISO 8601,
    as audit.jsonable writes it.
    """
    actor, role, request_id = principal.actor, principal.role.value, current_request_id()
    audit.record_many(
        session,
        [
            (now, actor, role, action, "asn", nip, before, after, request_id)
            for action, nip, before, after in trail
        ],
    )


async def _driver(session: AsyncSession) -> Any:
    """The asyncpg connection under the session's (already begun) transaction."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def _write_sqlite(
    session: AsyncSession, creates: list[_Row], changes: list[_Row], now: datetime
) -> list[tuple[str, bool]]:
    if creates:
        await session.execute(
            insert(_ASN),
            [r.profile | {"version": 1, "created_at": now, "updated_at": now} for r in creates],
        )
    if changes:
        stmt = (
            update(_ASN)
            .where(_ASN.c.nip == bindparam("b_nip"))
            .values(
                {f: bindparam(f"b_{f}") for f in _UPDATABLE}
                | {"version": _ASN.c.version + 1, "updated_at": bindparam("b_now", type_=UTCDateTime())}
            )
        )
        await session.execute(
            stmt, [{f"b_{f}": r.profile[f] for f in FIELDS} | {"b_now": now} for r in changes]
        )
    return [(r.nip, True) for r in creates] + [(r.nip, False) for r in changes]
