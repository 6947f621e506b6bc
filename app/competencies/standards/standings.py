"""Keeping competency_standings and competency_unit_totals in step with their sources.

Every change that can move an ASN's gap figures calls `refresh(session, who)` in its own transaction:
a new assessment (that ASN), a changed position standard (the ASN holding that position), a profile
whose position, unit or active flag changed (that ASN), a bulk load (everyone). `refresh` subtracts
what the selected ASN contributed to the unit totals, rebuilds their standings from the sources and
adds the new contributions, all set-based, so one ASN costs a handful of rows and the whole province a
few statements. A newly created ASN has nothing to subtract or replace (no ratings, no standings), so
`add_new` only inserts its standings from the position standards and adds them to the totals: on
PostgreSQL one statement for a whole SIMPEG batch.

Writers are serialised by one transaction-level advisory lock on PostgreSQL (SQLite has a single
writer already): a refresh reads the old contributions before it replaces them, and two refreshes of
the same ASN interleaving would count it twice. Changes to gaps are rare next to reads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    any_,
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn import service as asn_service
from app.asn.models import Asn
from app.competencies.models import (
    CompetencyLevel,
    CompetencyStanding,
    CompetencyUnitTotal,
    PositionStandard,
)
from app.core.db import chunked, is_postgres, upsert_insert
from app.core.hooks import Hooks
from app.core.locks import advisory_xact_lock

# Who to refresh: a SELECT of NIPs, the NIPs themselves, or None for every ASN.
Who = Select[Any] | Sequence[str] | None

_LOCK_KEY = "competency_standings"

# Each runs as `hook(session, nips)` (None: every ASN) after `refresh` rebuilt those standings, in the
# same transaction, so figures built on the JPM (the 9-box) follow without this domain importing them.
StandingsChangedHook = Callable[[AsyncSession, "Sequence[str] | None"], Awaitable[None]]
after_refresh: Hooks[StandingsChangedHook] = Hooks()


def nips(values: Sequence[str]) -> Select[Any]:
    """A `who` for a known list of NIPs."""
    return select(Asn.nip).where(Asn.nip.in_(list(values)))


def holders_of(position_ids: Select[Any] | Sequence[int]) -> Select[Any]:
    """A `who` for the ASN holding the given positions."""
    ids = position_ids if isinstance(position_ids, Select) else list(position_ids)
    return select(Asn.nip).where(Asn.position_id.in_(ids))


NipFilter = Callable[[Any], ColumnElement[bool]]


def _among(values: list[str], postgresql: bool) -> NipFilter:
    """`nip IN (…)` for a chunk; on PostgreSQL one array parameter (`= ANY`) instead of thousands."""
    if postgresql:
        return lambda column: column == any_(bindparam("nips", values, type_=ARRAY(String)))
    return lambda column: column.in_(values)


def _contributions(who: Who, among: NipFilter | None = None) -> Any:
    """What the selected ASN's standings add to each (unit, competency) total (active ASN only)."""
    s = CompetencyStanding
    stmt: Any = (
        select(
            s.unit_id,
            s.competency_code,
            func.count().label("required"),
            func.count(s.actual_level).label("assessed"),
            func.sum(case((s.actual_level < s.required_level, 1), else_=0)).label("with_gap"),
            func.coalesce(func.sum(s.actual_level - s.required_level), 0).label("gap_sum"),
            func.sum(
                case((s.actual_level < s.required_level, s.required_level - s.actual_level), else_=0)
            ).label("shortfall_sum"),
        )
        .where(s.active.is_(True))
        .group_by(s.unit_id, s.competency_code)
    )
    if among is not None:
        stmt = stmt.where(among(s.nip))
    elif who is not None:
        stmt = stmt.where(s.nip.in_(who))
    return stmt


def _new_standings(who: Who, among: NipFilter | None = None) -> Any:
    stmt: Any = (
        select(
            Asn.nip,
            PositionStandard.competency_code,
            Asn.unit_id,
            Asn.active,
            PositionStandard.required_level,
            CompetencyLevel.level,
        )
        .join(PositionStandard, PositionStandard.position_id == Asn.position_id)
        .outerjoin(
            CompetencyLevel,
            and_(
                CompetencyLevel.nip == Asn.nip,
                CompetencyLevel.competency_code == PositionStandard.competency_code,
            ),
        )
    )
    if among is not None:
        stmt = stmt.where(among(Asn.nip))
    elif who is not None:
        stmt = stmt.where(Asn.nip.in_(who))
    return stmt


_COLUMNS = ["nip", "competency_code", "unit_id", "active", "required_level", "actual_level"]
_FIGURES = ("required", "assessed", "with_gap", "gap_sum", "shortfall_sum")


async def refresh(session: AsyncSession, who: Who) -> None:
    """Rebuild the standings of the ASN selected by `who` (None: all) and move their unit totals."""
    await advisory_xact_lock(session, _LOCK_KEY)
    await session.flush()  # pending ORM changes (a new assessment, a moved ASN) must be visible to SQL
    if who is None:
        await session.execute(delete(CompetencyStanding))
        await session.execute(insert(CompetencyStanding).from_select(_COLUMNS, _new_standings(None)))
        await session.execute(delete(CompetencyUnitTotal))
        await session.execute(
            insert(CompetencyUnitTotal).from_select(
                ["unit_id", "competency_code", *_FIGURES], _contributions(None)
            )
        )
        for hook in after_refresh:
            await hook(session, None)
        return
    if isinstance(who, Select):
        # The selection is materialised once: it may depend on rows this function rewrites.
        selected = [row[0] for row in (await session.execute(who)).all()]
    else:
        selected = list(who)
    if not selected:
        return
    deltas: dict[tuple[int, str], list[int]] = {}
    postgresql = is_postgres(session)
    for chunk in chunked(selected):
        among = _among(chunk, postgresql)
        for row in (await session.execute(_contributions(None, among))).all():
            figures = deltas.setdefault((row.unit_id, row.competency_code), [0] * len(_FIGURES))
            for i, name in enumerate(_FIGURES):
                figures[i] -= int(getattr(row, name))
        await session.execute(delete(CompetencyStanding).where(among(CompetencyStanding.nip)))
        await session.execute(insert(CompetencyStanding).from_select(_COLUMNS, _new_standings(None, among)))
        for row in (await session.execute(_contributions(None, among))).all():
            figures = deltas.setdefault((row.unit_id, row.competency_code), [0] * len(_FIGURES))
            for i, name in enumerate(_FIGURES):
                figures[i] += int(getattr(row, name))
    await _apply(session, {k: v for k, v in deltas.items() if any(v)})
    for hook in after_refresh:
        await hook(session, selected)


async def _apply(session: AsyncSession, deltas: dict[tuple[int, str], list[int]]) -> None:
    if not deltas:
        return
    stmt = upsert_insert(session)(CompetencyUnitTotal)
    t = CompetencyUnitTotal
    stmt = stmt.on_conflict_do_update(
        index_elements=[t.unit_id, t.competency_code],
        set_={name: getattr(t, name) + getattr(stmt.excluded, name) for name in _FIGURES},
    )
    rows = [
        {"unit_id": unit_id, "competency_code": code, **dict(zip(_FIGURES, figures, strict=True))}
        for (unit_id, code), figures in sorted(deltas.items())
    ]
    await session.execute(stmt, rows)
    # A (unit, competency) nobody is counted in any more goes, as a full rebuild would leave it out.
    emptied = sorted({unit_id for (unit_id, _), figures in deltas.items() if figures[0] < 0})
    if emptied:
        await session.execute(delete(t).where(t.unit_id.in_(emptied), t.required == 0))


# New ASN on PostgreSQL: their standings straight from the position standards (nothing to delete, no
# ratings to join), and the unit totals raised by what was inserted, in one statement.
_ADD_NEW_PG = text(
    """
    WITH placed AS (
        INSERT INTO competency_standings
            (nip, competency_code, unit_id, active, required_level, actual_level)
        SELECT n.nip, ps.competency_code, n.unit_id, n.active, ps.required_level, NULL
        FROM unnest(CAST(:nips AS varchar[]), CAST(:positions AS integer[]),
                    CAST(:units AS integer[]), CAST(:actives AS boolean[]))
             AS n(nip, position_id, unit_id, active)
        JOIN position_standards ps ON ps.position_id = n.position_id
        RETURNING unit_id, competency_code, active
    )
    INSERT INTO competency_unit_totals AS t
        (unit_id, competency_code, required, assessed, with_gap, gap_sum, shortfall_sum)
    SELECT unit_id, competency_code, count(*), 0, 0, 0, 0
    FROM placed WHERE active
    GROUP BY unit_id, competency_code
    ORDER BY unit_id, competency_code
    ON CONFLICT (unit_id, competency_code) DO UPDATE SET required = t.required + excluded.required
    """
)


async def add_new(session: AsyncSession, created: Sequence[asn_service.NewAsn]) -> None:
    """Standings and unit totals for ASN created in this transaction (see `NewAsn`)."""
    placed = [a for a in created if a.position_id is not None]
    if not placed:
        return  # without a position there is no standard, so nothing to count
    await advisory_xact_lock(session, _LOCK_KEY)
    await session.flush()
    if is_postgres(session):
        for chunk in chunked(placed, 20_000):
            await session.execute(
                _ADD_NEW_PG,
                {
                    "nips": [a.nip for a in chunk],
                    "positions": [a.position_id for a in chunk],
                    "units": [a.unit_id for a in chunk],
                    "actives": [a.active for a in chunk],
                },
            )
        return
    # SQLite: the same two steps with the rows read back from asn (the outer join to ratings finds none).
    deltas: dict[tuple[int, str], list[int]] = {}
    for nips_chunk in chunked([a.nip for a in placed]):
        among = _among(nips_chunk, False)
        await session.execute(insert(CompetencyStanding).from_select(_COLUMNS, _new_standings(None, among)))
        for row in (await session.execute(_contributions(None, among))).all():
            figures = deltas.setdefault((row.unit_id, row.competency_code), [0] * len(_FIGURES))
            for i, name in enumerate(_FIGURES):
                figures[i] += int(getattr(row, name))
    await _apply(session, deltas)


async def follow_placements(
    session: AsyncSession, moved: Sequence[str], created: Sequence[asn_service.NewAsn]
) -> None:
    """Standings and unit totals of ASN just created or moved (position, unit or active flag)."""
    if created:
        await add_new(session, created)
    if moved:
        await refresh(session, moved)
