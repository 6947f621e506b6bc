"""SIMPEG's bulk upsert of ASN profiles, set-based.

A batch is a handful of statements whatever its size: the stored rows of the batch's NIPs (locked,
for the before-snapshots), the units and positions it names, then the write (PostgreSQL: COPY into a
temporary staging table and one INSERT … ON CONFLICT DO UPDATE; SQLite: two executemany), the
audit rows in one executemany and the placement hook. Every item is validated like a single
`POST /asn` (NIP layout, NIP vs gender/birth date, golongan, unit, position); an invalid item is
reported by index and left out, the valid ones are applied in the request's transaction.

Merge rule: `nip`, `name`, `employment_type` and `unit_id` are always required. A new NIP creates
the profile (omitted fields take AsnCreate's defaults, gender and birth date come from the NIP).
For an existing profile the fields present in the item are set, an explicit null clears an
optional field, and fields the item leaves out keep their stored values. A profile whose resulting
fields all equal the stored ones is `unchanged`: no write, no version bump, no audit row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import orjson
from pydantic import ValidationError
from sqlalchemy import ARRAY, String, Table, bindparam, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn import service as asn_service
from app.asn.schemas import AsnCreate, Gender
from app.core import changes as change_feed
from app.core.db import Base
from app.core.errors import DomainError, Unprocessable
from app.core.requestid import current_request_id
from app.core.security import Principal
from app.core.types import UTCDateTime, utcnow
from app.org import service as org_service
from app.org.models import Position, Unit
from app.sync.schemas import MAX_ITEMS

FIELDS = asn_service.PROFILE_FIELDS
_ASN: Table = Base.metadata.tables["asn"]
_AUDIT: Table = Base.metadata.tables["audit_log"]
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


@dataclass(slots=True)
class _Row:
    index: int
    data: AsnCreate
    given: frozenset[str]
    profile: dict[str, Any] = field(default_factory=dict)


def _given_nip(item: Any) -> str | None:
    nip = item.get("nip") if isinstance(item, dict) else None
    return nip.strip()[:32] if isinstance(nip, str) else None


def _validation_error(index: int, item: Any, exc: ValidationError) -> RowError:
    problems = exc.errors(include_url=False, include_input=False)
    first = ".".join(str(p) for p in problems[0]["loc"]) if problems else None
    detail = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'item'}: {e['msg']}" for e in problems[:5])
    return RowError(index, _given_nip(item), RowInvalid(detail[:1000]), first)


def _parse(items: list[Any], outcome: Outcome) -> list[_Row]:
    """Schema, NIP facts and in-batch duplicates, row by row."""
    rows: list[_Row] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            outcome.errors.append(
                RowError(index, None, RowInvalid("an item must be a JSON object with a profile's fields"))
            )
            continue
        try:
            data = AsnCreate.model_validate(item)
        except ValidationError as exc:
            outcome.errors.append(_validation_error(index, item, exc))
            continue
        if data.nip in seen:
            outcome.errors.append(
                RowError(
                    index,
                    data.nip,
                    DuplicateInBatch(f"NIP {data.nip[:18]} appears earlier in this batch; send it once"),
                )
            )
            continue
        seen.add(data.nip)
        try:
            gender, birth_date = asn_service._nip_facts(
                data.nip, data.employment_type, data.gender, data.birth_date
            )
        except DomainError as exc:
            outcome.errors.append(RowError(index, data.nip, exc))
            continue
        too_long = next(
            (
                (name, limit)
                for name, limit in _LENGTHS.items()
                if isinstance(value := getattr(data, name), str) and len(value) > limit
            ),
            None,
        )
        if too_long is not None:
            name, limit = too_long
            outcome.errors.append(
                RowError(index, data.nip, RowInvalid(f"{name}: at most {limit} characters"), name)
            )
            continue
        data.gender, data.birth_date = cast(Gender, gender), birth_date  # as derived from the NIP
        rows.append(_Row(index, data, frozenset(data.model_fields_set) | {"gender", "birth_date"}))
    return rows


async def _stored(session: AsyncSession, nips: list[str]) -> dict[str, dict[str, Any]]:
    """The batch's existing profiles, locked (PostgreSQL) in NIP order so batches cannot deadlock."""
    columns = [_ASN.c[f] for f in FIELDS]
    if _is_postgres(session):
        # One array parameter rather than 5,000 expanded ones (compiling those costs more than the query).
        wanted = _ASN.c.nip == func.any(bindparam("nips", type_=ARRAY(String)))
        stmt = select(*columns).where(wanted).order_by(_ASN.c.nip).with_for_update()
    else:
        stmt = select(*columns).where(_ASN.c.nip.in_(bindparam("nips", expanding=True))).order_by(_ASN.c.nip)
    found = await session.execute(stmt, {"nips": nips})
    return {row.nip: dict(row._mapping) for row in found}


async def _existing_ids(session: AsyncSession, table: Table, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    stmt = select(table.c.id).where(table.c.id.in_(bindparam("ids", expanding=True)))
    return set((await session.execute(stmt, {"ids": sorted(ids)})).scalars())


async def sync(session: AsyncSession, principal: Principal, items: list[Any]) -> Outcome:
    """Apply a batch of profiles; each item is created, updated, unchanged or rejected."""
    if len(items) > MAX_ITEMS:
        raise BatchTooLarge(f"Send at most {MAX_ITEMS} profiles per request; this batch has {len(items)}")
    outcome = Outcome()
    rows = _parse(items, outcome)
    stored = await _stored(session, [r.data.nip for r in rows]) if rows else {}
    units = await _existing_ids(session, Unit.__table__, {r.data.unit_id for r in rows})  # type: ignore[arg-type]
    positions = await _existing_ids(
        session,
        Position.__table__,  # type: ignore[arg-type]
        {r.data.position_id for r in rows if "position_id" in r.given and r.data.position_id is not None},
    )
    creates: list[_Row] = []
    changes: list[_Row] = []
    for row in rows:
        data, before = row.data, stored.get(row.data.nip)
        given = row.given if before is not None else frozenset(FIELDS)
        profile = dict(before) if before is not None else {}
        profile.update({f: getattr(data, f) for f in FIELDS if f in given})
        try:
            asn_service._check_golongan(profile["golongan"], profile["employment_type"])
            if data.unit_id not in units:
                raise org_service.UnitReferenceInvalid(f"unit_id: no unit with id {data.unit_id}")
            if "position_id" in given and data.position_id is not None and data.position_id not in positions:
                raise org_service.PositionReferenceInvalid(
                    f"position_id: no position with id {data.position_id}"
                )
        except DomainError as exc:
            outcome.errors.append(RowError(row.index, data.nip, exc))
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
    profiles = {r.data.nip: r.profile for r in (*creates, *changes)}
    if _is_postgres(session):
        written = await _upsert_postgres(session, list(profiles.values()), now)
    else:
        written = await _write_sqlite(session, creates, changes, now)
    actor, role, request_id = principal.actor, principal.role.value, current_request_id()
    entries: list[dict[str, Any]] = []
    moved: list[str] = []
    for nip, inserted in written:
        after = profiles[nip]
        before = None if inserted else stored.get(nip)
        if inserted:
            outcome.created += 1
        else:
            outcome.updated += 1
        if before is None or any(before[f] != after[f] for f in asn_service.PLACEMENT_FIELDS):
            moved.append(nip)
        entries.append(
            {
                "at": now,
                "actor": actor,
                "role": role,
                "action": "create" if inserted else "update",
                "entity": "asn",
                "key": nip,
                "before": _snapshot(before) if before is not None else None,
                "after": _snapshot(after),
                "request_id": request_id,
            }
        )
    # Rows another transaction changed to the same values in the meantime were not written.
    outcome.unchanged += len(profiles) - len(written)
    if entries and _is_postgres(session):
        await _copy_audit(session, entries)
    elif entries:
        await session.execute(insert(_AUDIT), entries)
    change_feed.note_many(session, "asn", (nip for nip, _ in written))
    await asn_service.placement_changed(session, moved)


def _snapshot(profile: dict[str, Any]) -> dict[str, Any]:
    """audit.snapshot of a profile dict; birth_date is its only non-JSON value."""
    return profile | {"birth_date": profile["birth_date"].isoformat()}


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


async def _upsert_postgres(
    session: AsyncSession, profiles: list[dict[str, Any]], now: datetime
) -> list[tuple[str, bool]]:
    await session.execute(_CREATE_STAGE)
    await session.execute(text(f"TRUNCATE {_STAGE}"))
    await (await _driver(session)).copy_records_to_table(
        _STAGE, records=[tuple(p[f] for f in FIELDS) for p in profiles], columns=list(FIELDS)
    )
    result = await session.execute(_UPSERT, {"now": now})
    return [(nip, bool(inserted)) for nip, inserted in result]


_AUDIT_COLUMNS = ("at", "actor", "role", "action", "entity", "key", "before", "after", "request_id")


async def _copy_audit(session: AsyncSession, entries: list[dict[str, Any]]) -> None:
    """The batch's audit rows in one COPY (an executemany of 5,000 JSONB rows costs ten times more)."""
    records = [
        tuple(
            orjson.dumps(e[c]).decode() if c in ("before", "after") and e[c] is not None else e[c]
            for c in _AUDIT_COLUMNS
        )
        for e in entries
    ]
    await (await _driver(session)).copy_records_to_table(
        "audit_log", records=records, columns=list(_AUDIT_COLUMNS)
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
    return [(r.data.nip, True) for r in creates] + [(r.data.nip, False) for r in changes]


def _is_postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"
