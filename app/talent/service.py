"""Talent records: rules for writing them, and the reads the 9-box, the IP ASN and imports build on.

Writing: `put_performance` (one ASN's year, created or replaced with If-Match), `upsert_performances`
(a batch from sync or an import), `create_potential_assessment`, `create_disciplinary_record`. Every
write is audited; performance changes reach the change feed (the audit row notes them).

Reading, for one ASN or many (`nips`: a list, a subquery of NIPs, or None for every ASN):
`performance_for` / `performances_for` (a year's SKP result), `latest_performances` (the most recent
year up to one), `latest_potential` / `latest_potentials` (the latest assessment on or before a date),
`sanctions_in_force` / `sanctions_in_force_for` (sanctions in force on a date) and `heaviest`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Select, Table, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import audit
from app.core import changes as change_feed
from app.core.concurrency import check_if_match
from app.core.db import CHUNK_SIZE, chunked
from app.core.errors import NotFound, Unprocessable
from app.core.i18n import msg
from app.core.locks import advisory_xact_lock
from app.core.pagination import PageParams, paginate
from app.core.requestid import current_request_id
from app.core.security import Principal
from app.core.types import latest_indonesian_date, round2, utcnow
from app.talent.box import placements
from app.talent.ip import scores as ip_scores
from app.talent.models import SANCTION_LEVELS, DisciplinaryRecord, Performance, PotentialAssessment
from app.talent.schemas import (
    AspectRead,
    DisciplinaryRecordCreate,
    DisciplinaryRecordRead,
    PerformanceBody,
    PerformanceRead,
    PotentialAssessmentCreate,
    PotentialAssessmentRead,
)

PERFORMANCE_FIELDS = ("predikat", "score", "source")
POTENTIAL_FIELDS = ("nip", "assessed_on", "method", "assessor", "score", "category", "aspects")
SANCTION_FIELDS = ("nip", "level", "decided_on", "ends_on", "reference")
# Lists, a subquery of NIPs, or None for every ASN.
Nips = Collection[str] | Select[Any] | None
Outcome = Literal["created", "updated", "unchanged"]


class PerformanceNotFound(NotFound):
    code = "performance_not_found"


class InvalidPerformanceYear(Unprocessable):
    code = "invalid_performance_year"


class InvalidPotentialDate(Unprocessable):
    code = "invalid_assessment_date"


class DuplicateAspect(Unprocessable):
    code = "duplicate_aspect"


class InvalidSanctionDates(Unprocessable):
    code = "invalid_sanction_dates"


def source_of(principal: Principal, default: str) -> str:
    """A client's writes carry its id as their source; a person's carry `default` ("manual", "sync")."""
    return principal.subject.removeprefix("client:") if principal.is_client else default


# -- performance ----------------------------------------------------------------------------------------


def check_year(year: int, today: date | None = None) -> None:
    """An SKP result is recorded for a year that has begun, never a later one."""
    current = (today or latest_indonesian_date()).year
    if year > current:
        raise InvalidPerformanceYear(
            msg(
                "{year} has not begun; record an SKP result for {current} or an earlier year",
                year=year,
                current=current,
            )
        )


def performance_key(nip: str, year: int) -> str:
    """The key of a performance in the audit trail and the change feed."""
    return f"{nip}/{year}"


def performance_read(row: Performance) -> PerformanceRead:
    return PerformanceRead.model_validate(row)


async def _lock_performances(session: AsyncSession, keys: Sequence[str]) -> None:
    # A result is created once: two writers of one (nip, year) queue here rather than collide.
    for part in chunked(sorted(set(keys))):
        await advisory_xact_lock(session, *(f"performance:{k}" for k in part))


async def get_performance(session: AsyncSession, nip: str, year: int) -> Performance:
    row = await performance_for(session, nip, year)
    if row is None:
        raise PerformanceNotFound(
            msg(
                "No SKP result of {year} is recorded for NIP {nip}; PUT /api/v1/asn/{nip}/performance/{year} to record it",
                nip=nip,
                year=year,
            )
        )
    return row


async def put_performance(
    session: AsyncSession,
    principal: Principal,
    nip: str,
    year: int,
    body: PerformanceBody,
    if_match: str | None,
) -> tuple[Performance, bool]:
    """Create the year's result (no If-Match needed) or replace it (If-Match required)."""
    check_year(year)
    key = performance_key(nip, year)
    await _lock_performances(session, [key])
    existing = await session.get(Performance, (nip, year), populate_existing=True)
    source = source_of(principal, "manual")
    score = None if body.score is None else round2(body.score)
    if existing is None:
        row = Performance(
            nip=nip,
            year=year,
            predikat=body.predikat,
            score=score,
            source=source,
            updated_by=principal.actor,
        )
        session.add(row)
        await session.flush()
        audit.record(
            session, principal, "create", "performance", key, after=audit.snapshot(row, PERFORMANCE_FIELDS)
        )
        await placements.refresh(session, [nip], [year])
        await ip_scores.follow_records(session, [nip], year, onwards=False)
        return row, True
    check_if_match(if_match, existing.version)
    if (existing.predikat, existing.score) != (body.predikat, score):
        before = audit.snapshot(existing, PERFORMANCE_FIELDS)
        existing.predikat, existing.score = body.predikat, score
        existing.source, existing.updated_by = source, principal.actor
        await session.flush()
        audit.record(
            session,
            principal,
            "update",
            "performance",
            key,
            before=before,
            after=audit.snapshot(existing, PERFORMANCE_FIELDS),
        )
        await placements.refresh(session, [nip], [year])
        await ip_scores.follow_records(session, [nip], year, onwards=False)
    return existing, False


@dataclass(frozen=True, slots=True)
class PerformanceRow:
    """One result of a batch (sync, import): already validated (the year too), its NIP known to exist."""

    nip: str
    year: int
    predikat: str
    score: Decimal | None


async def upsert_performances(
    session: AsyncSession, principal: Principal, rows: Sequence[PerformanceRow], source: str
) -> list[Outcome]:
    """Create or replace many results at once; what happened to each row, in order.

    A row equal to the stored result (predikat and score) is `unchanged`: no write, no audit row.
    Each (nip, year) must appear at most once.
    """
    if not rows:
        return []
    await _lock_performances(session, [performance_key(r.nip, r.year) for r in rows])
    stored: dict[tuple[str, int], dict[str, Any]] = {}
    table: Table = Performance.__table__  # type: ignore[assignment]
    columns = [table.c.nip, table.c.year, table.c.predikat, table.c.score, table.c.source]
    wanted = {(r.nip, r.year) for r in rows}
    for nips in chunked(sorted({r.nip for r in rows})):
        found = await session.execute(select(*columns).where(table.c.nip.in_(nips)))
        for nip, year, predikat, stored_score, old_source in found:
            if (nip, year) in wanted:
                stored[(nip, year)] = {"predikat": predikat, "score": stored_score, "source": old_source}
    now, actor = utcnow(), principal.actor
    creates: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    trail: list[audit.Row] = []
    outcomes: list[Outcome] = []
    role, request_id = principal.role.value, current_request_id()
    for r in rows:
        before = stored.get((r.nip, r.year))
        score = None if r.score is None else round2(r.score)
        after = {"predikat": r.predikat, "score": score, "source": source}
        key = performance_key(r.nip, r.year)
        if before is None:
            creates.append(
                {
                    "nip": r.nip,
                    "year": r.year,
                    **after,
                    "updated_by": actor,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            trail.append(
                (now, actor, role, "create", "performance", key, None, audit.jsonable(after), request_id)
            )
            outcomes.append("created")
        elif (before["predikat"], before["score"]) != (r.predikat, score):
            changes.append({"b_nip": r.nip, "b_year": r.year, "b_predikat": r.predikat, "b_score": score})
            trail.append(
                (
                    now,
                    actor,
                    role,
                    "update",
                    "performance",
                    key,
                    audit.jsonable(before),
                    audit.jsonable(after),
                    request_id,
                )
            )
            outcomes.append("updated")
        else:
            outcomes.append("unchanged")
    for batch in chunked(creates):
        await session.execute(insert(table), batch)
    if changes:
        stmt = (
            update(table)
            .where(table.c.nip == bindparam("b_nip"), table.c.year == bindparam("b_year"))
            .values(
                predikat=bindparam("b_predikat"),
                score=bindparam("b_score"),
                source=source,
                updated_by=actor,
                version=table.c.version + 1,
                updated_at=now,
            )
        )
        for batch in chunked(changes):
            await session.execute(stmt, batch)
    if trail:
        audit.record_many(session, trail)
        change_feed.note_many(session, "performance", (t[5] for t in trail))
        by_year: dict[int, list[str]] = defaultdict(list)
        for r, outcome in zip(rows, outcomes, strict=True):
            if outcome != "unchanged":
                by_year[r.year].append(r.nip)
        for year, changed in sorted(by_year.items()):
            await placements.refresh(session, changed, [year])
            await ip_scores.follow_records(session, changed, year, onwards=False)
    return outcomes


def _nip_batches(nips: Nips) -> Iterator[Collection[str] | Select[Any] | None]:
    """`nips` in parts a query can bind (a list of 60,000 NIPs would pass PostgreSQL's parameter limit)."""
    if nips is None or isinstance(nips, Select):
        yield nips
        return
    unique = sorted(set(nips))
    for start in range(0, len(unique), CHUNK_SIZE):
        yield unique[start : start + CHUNK_SIZE]


def _within(stmt: Select[Any], column: Any, nips: Collection[str] | Select[Any] | None) -> Select[Any]:
    return stmt if nips is None else stmt.where(column.in_(nips))


async def performance_for(session: AsyncSession, nip: str, year: int) -> Performance | None:
    """The ASN's SKP result of `year`, if one is recorded."""
    found = await session.execute(select(Performance).where(Performance.nip == nip, Performance.year == year))
    return found.scalar_one_or_none()


async def performances_for(session: AsyncSession, year: int, nips: Nips = None) -> dict[str, Performance]:
    """NIP → the SKP result of `year`, for those of `nips` that have one."""
    out: dict[str, Performance] = {}
    for part in _nip_batches(nips):
        stmt = _within(select(Performance).where(Performance.year == year), Performance.nip, part)
        out.update({p.nip: p for p in (await session.execute(stmt)).scalars()})
    return out


async def latest_performances(
    session: AsyncSession, up_to_year: int, nips: Nips = None
) -> dict[str, Performance]:
    """NIP → the most recent SKP result of `up_to_year` or an earlier year."""
    out: dict[str, Performance] = {}
    for part in _nip_batches(nips):
        ranked = _within(
            select(
                Performance.nip,
                Performance.year,
                func.row_number()
                .over(partition_by=Performance.nip, order_by=Performance.year.desc())
                .label("n"),
            ).where(Performance.year <= up_to_year),
            Performance.nip,
            part,
        ).subquery()
        stmt = select(Performance).join(
            ranked,
            and_(ranked.c.nip == Performance.nip, ranked.c.year == Performance.year, ranked.c.n == 1),
        )
        out.update({p.nip: p for p in (await session.execute(stmt)).scalars()})
    return out


# -- potential ------------------------------------------------------------------------------------------


def _check_not_future(value: date, field: str, today: date | None, error: type[Unprocessable]) -> None:
    if value > (today or latest_indonesian_date()):
        raise error(
            msg(
                "{field} {date} is in the future; record it once it took place",
                field=field,
                date=value.isoformat(),
            )
        )


def potential_read(row: PotentialAssessment) -> PotentialAssessmentRead:
    return PotentialAssessmentRead(
        id=row.id,
        nip=row.nip,
        assessed_on=row.assessed_on,
        method=row.method,
        assessor=row.assessor,
        score=row.score,
        category=row.category,
        aspects=[AspectRead(name=a["name"], score=Decimal(str(a["score"]))) for a in row.aspects],
        created_by=row.created_by,
        created_at=row.created_at,
    )


async def create_potential_assessment(
    session: AsyncSession,
    principal: Principal,
    nip: str,
    data: PotentialAssessmentCreate,
    *,
    today: date | None = None,
) -> PotentialAssessment:
    """Record an assessment of potential (history: nothing earlier is changed)."""
    _check_not_future(data.assessed_on, "assessed_on", today, InvalidPotentialDate)
    seen: set[str] = set()
    for aspect in data.aspects:
        if aspect.name.casefold() in seen:
            raise DuplicateAspect(
                msg("The aspect {name} is listed more than once; give each aspect once", name=aspect.name)
            )
        seen.add(aspect.name.casefold())
    row = PotentialAssessment(
        nip=nip,
        assessed_on=data.assessed_on,
        method=data.method,
        assessor=data.assessor,
        score=round2(data.score),
        category=data.category,
        aspects=[{"name": a.name, "score": str(round2(a.score))} for a in data.aspects],
        created_by=principal.actor,
        created_at=utcnow(),
    )
    session.add(row)
    await session.flush()
    audit.record(
        session,
        principal,
        "create",
        "potential_assessment",
        row.id,
        after=audit.snapshot(row, POTENTIAL_FIELDS),
    )
    # It is the latest one of its year and maybe of later years: every year of the ASN is placed again.
    await placements.refresh(session, [nip])
    return row


async def list_potential_assessments(
    session: AsyncSession, nip: str, page: PageParams
) -> tuple[list[PotentialAssessmentRead], str | None, int]:
    """An ASN's potential assessments, newest first (by assessed_on, then the one recorded last)."""
    rows, cursor, total = await paginate(
        session,
        select(PotentialAssessment).where(PotentialAssessment.nip == nip),
        [PotentialAssessment.assessed_on, PotentialAssessment.id],
        page,
        descending=True,
    )
    return [potential_read(r) for r in rows], cursor, total


async def latest_potential(session: AsyncSession, nip: str, on: date) -> PotentialAssessment | None:
    """The ASN's latest potential assessment on or before `on` (same day: the one recorded last)."""
    stmt = (
        select(PotentialAssessment)
        .where(PotentialAssessment.nip == nip, PotentialAssessment.assessed_on <= on)
        .order_by(PotentialAssessment.assessed_on.desc(), PotentialAssessment.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def latest_potentials(
    session: AsyncSession, on: date, nips: Nips = None
) -> dict[str, PotentialAssessment]:
    """NIP → the latest potential assessment on or before `on`, for those of `nips` that have one."""
    out: dict[str, PotentialAssessment] = {}
    for part in _nip_batches(nips):
        ranked = _within(
            select(
                PotentialAssessment.id,
                func.row_number()
                .over(
                    partition_by=PotentialAssessment.nip,
                    order_by=(PotentialAssessment.assessed_on.desc(), PotentialAssessment.id.desc()),
                )
                .label("n"),
            ).where(PotentialAssessment.assessed_on <= on),
            PotentialAssessment.nip,
            part,
        ).subquery()
        stmt = select(PotentialAssessment).join(
            ranked, and_(ranked.c.id == PotentialAssessment.id, ranked.c.n == 1)
        )
        out.update({p.nip: p for p in (await session.execute(stmt)).scalars()})
    return out


# -- discipline -----------------------------------------------------------------------------------------


def sanction_read(row: DisciplinaryRecord) -> DisciplinaryRecordRead:
    return DisciplinaryRecordRead.model_validate(row)


async def create_disciplinary_record(
    session: AsyncSession,
    principal: Principal,
    nip: str,
    data: DisciplinaryRecordCreate,
    *,
    today: date | None = None,
) -> DisciplinaryRecord:
    """Record a sanction (history: nothing earlier is changed)."""
    _check_not_future(data.decided_on, "decided_on", today, InvalidSanctionDates)
    if data.ends_on is not None and data.ends_on < data.decided_on:
        raise InvalidSanctionDates(
            msg(
                "ends_on {ends_on} is before decided_on {decided_on}; a sanction ends on or after its decision",
                ends_on=data.ends_on.isoformat(),
                decided_on=data.decided_on.isoformat(),
            )
        )
    row = DisciplinaryRecord(
        nip=nip,
        level=data.level,
        decided_on=data.decided_on,
        ends_on=data.ends_on,
        reference=data.reference,
        created_by=principal.actor,
        created_at=utcnow(),
    )
    session.add(row)
    await session.flush()
    audit.record(
        session,
        principal,
        "create",
        "disciplinary_record",
        row.id,
        after=audit.snapshot(row, SANCTION_FIELDS),
    )
    # In force at the end of its decision's year and maybe of later ones.
    await ip_scores.follow_records(session, [nip], data.decided_on.year, onwards=True)
    return row


async def list_disciplinary_records(
    session: AsyncSession, nip: str, page: PageParams
) -> tuple[list[DisciplinaryRecordRead], str | None, int]:
    """An ASN's sanctions, newest decision first."""
    rows, cursor, total = await paginate(
        session,
        select(DisciplinaryRecord).where(DisciplinaryRecord.nip == nip),
        [DisciplinaryRecord.decided_on, DisciplinaryRecord.id],
        page,
        descending=True,
    )
    return [sanction_read(r) for r in rows], cursor, total


def _in_force(on: date) -> Any:
    return and_(
        DisciplinaryRecord.decided_on <= on,
        or_(DisciplinaryRecord.ends_on.is_(None), DisciplinaryRecord.ends_on >= on),
    )


async def sanctions_in_force(session: AsyncSession, nip: str, on: date) -> list[DisciplinaryRecord]:
    """The ASN's sanctions in force on `on` (decided on or before it, not ended before it)."""
    stmt = (
        select(DisciplinaryRecord)
        .where(DisciplinaryRecord.nip == nip, _in_force(on))
        .order_by(DisciplinaryRecord.decided_on, DisciplinaryRecord.id)
    )
    return list((await session.execute(stmt)).scalars())


async def sanctions_in_force_for(
    session: AsyncSession, on: date, nips: Nips = None
) -> dict[str, list[DisciplinaryRecord]]:
    """NIP → its sanctions in force on `on`, for those of `nips` that have any."""
    out: dict[str, list[DisciplinaryRecord]] = defaultdict(list)
    for part in _nip_batches(nips):
        stmt = _within(select(DisciplinaryRecord).where(_in_force(on)), DisciplinaryRecord.nip, part)
        for row in (
            await session.execute(stmt.order_by(DisciplinaryRecord.decided_on, DisciplinaryRecord.id))
        ).scalars():
            out[row.nip].append(row)
    return dict(out)


def heaviest(records: Sequence[DisciplinaryRecord]) -> str | None:
    """The heaviest level among `records` (berat > sedang > ringan), None when there are none."""
    levels = {r.level for r in records}
    return next((level for level in reversed(SANCTION_LEVELS) if level in levels), None)
