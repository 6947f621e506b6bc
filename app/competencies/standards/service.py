"""The competency dictionary, default levels and position standards (SKJ, PermenPAN-RB 38/2017).

A position's standard has no row of its own, so its ETag is a hash of its lines: any change to the
lines (through this API, the bulk apply or the default on creation) changes the tag.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, delete, func, insert, literal, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.models import Competency, PositionStandard, StandardDefault
from app.competencies.standards import lookup, standings
from app.competencies.standards.lookup import dictionary_order, require_codes
from app.competencies.standards.schemas import (
    BulkApply,
    BulkResult,
    CompetencyCreate,
    CompetencyRead,
    CompetencyUpdate,
    PositionStandardRead,
    StandardDefaults,
    StandardItem,
    StandardLine,
)
from app.competencies.standards.schemas import StandardDefault as StandardDefaultItem
from app.core import audit
from app.core.audit import AuditEntry
from app.core.db import chunked
from app.core.errors import (
    Conflict,
    PreconditionFailed,
    PreconditionRequired,
    Unprocessable,
    refuse_nulls,
)
from app.core.i18n import msg
from app.core.locks import advisory_xact_lock
from app.core.pagination import InvalidCursor, PageParams, decode_cursor, encode_cursor
from app.core.security import Principal
from app.org import service as org_service
from app.org.models import Position
from app.reference import codes

SHIPPED_GROUPS = ("manajerial", "sosial_kultural")
COMPETENCY_FIELDS = ("code", "name", "group", "description", "levels", "active")
_GROUP_RANK = {"manajerial": 0, "sosial_kultural": 1, "teknis": 2}


class CompetencyExists(Conflict):
    code = "competency_exists"


class GroupNotCreatable(Unprocessable):
    code = "competency_group_not_creatable"


class DuplicateDefault(Unprocessable):
    code = "duplicate_default"


class InvalidCode(Unprocessable):
    code = "invalid_code"


class ItemsNotAllowed(Unprocessable):
    code = "items_not_allowed"


class ItemsRequired(Unprocessable):
    code = "items_required"


# -- ETags without a version column ---------------------------------------------------------------


def content_tag(prefix: str, parts: Iterable[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:20]
    return f'"{prefix}-{digest}"'


def check_tag(if_match: str | None, current: str) -> None:
    """Like concurrency.check_if_match, for tags derived from content."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired("Send If-Match with the ETag from your last read to replace this resource")
    tags = [t.strip() for t in if_match.split(",")]
    if "*" in tags or current in tags:
        return
    raise PreconditionFailed(
        msg(
            "The resource has changed since you read it (current ETag {current}); read it again and retry",
            current=current,
        )
    )


# -- the dictionary -------------------------------------------------------------------------------


def _rank() -> Any:
    return case(_GROUP_RANK, value=Competency.group, else_=3)


def list_query(group: str | None, q: str | None, active: bool | None) -> Select[Any]:
    stmt = select(Competency)
    if group is not None:
        stmt = stmt.where(Competency.group == group)
    if active is not None:
        stmt = stmt.where(Competency.active.is_(active))
    if q:
        needle = q.strip().lower()
        stmt = stmt.where(
            or_(
                func.lower(Competency.code).contains(needle, autoescape=True),
                func.lower(Competency.name).contains(needle, autoescape=True),
            )
        )
    return stmt


async def page(
    session: AsyncSession, stmt: Select[Any], params: PageParams
) -> tuple[list[Competency], str | None, int]:
    """Keyset pages ordered manajerial, sosial kultural, teknis, then by code within a group."""
    total = (
        await session.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))
    ).scalar_one()
    rank = _rank()
    if params.cursor:
        after_rank, after_code = decode_cursor(params.cursor, 2)
        if not isinstance(after_rank, int) or not isinstance(after_code, str):
            raise InvalidCursor("The cursor is not valid; use next_cursor as given")
        stmt = stmt.where(or_(rank > after_rank, (rank == after_rank) & (Competency.code > after_code)))
    rows = list(
        (await session.execute(stmt.order_by(rank, Competency.code).limit(params.limit + 1))).scalars()
    )
    cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        last = rows[-1]
        cursor = encode_cursor([_GROUP_RANK.get(last.group, 3), last.code])
    return rows, cursor, total


def to_read(competency: Competency) -> CompetencyRead:
    return CompetencyRead.model_validate(competency)


async def create(session: AsyncSession, principal: Principal, data: CompetencyCreate) -> Competency:
    if data.group != "teknis":
        raise GroupNotCreatable(
            "Manajerial and sosial kultural competencies ship with the system (PermenPAN-RB 38/2017); "
            "only teknis competencies can be added"
        )
    if await session.get(Competency, data.code) is not None:
        raise CompetencyExists(msg("A competency with code {code} exists", code=data.code))
    competency = Competency(
        code=data.code,
        name=data.name,
        group=data.group,
        description=data.description,
        levels=[item.model_dump() for item in data.levels],
        active=True,
    )
    session.add(competency)
    try:
        await session.flush()
    except IntegrityError as exc:  # created by a concurrent request since the check above
        raise CompetencyExists(msg("A competency with code {code} exists", code=data.code)) from exc
    audit.record(
        session,
        principal,
        "create",
        "competency",
        competency.code,
        after=audit.snapshot(competency, COMPETENCY_FIELDS),
    )
    return competency


async def update(
    session: AsyncSession, principal: Principal, competency: Competency, data: CompetencyUpdate
) -> Competency:
    changes = data.model_dump(exclude_unset=True)
    refuse_nulls(changes, ("name", "levels", "active"))
    before = audit.snapshot(competency, COMPETENCY_FIELDS)
    for field, value in changes.items():
        setattr(competency, field, value)
    if audit.snapshot(competency, COMPETENCY_FIELDS) == before:
        return competency
    await session.flush()
    audit.record(
        session,
        principal,
        "update",
        "competency",
        competency.code,
        before=before,
        after=audit.snapshot(competency, COMPETENCY_FIELDS),
    )
    return competency


# -- default levels -------------------------------------------------------------------------------


def _order_of(kind: str) -> dict[str, int]:
    return {item["code"]: i for i, item in enumerate(codes.items(kind))}


async def get_defaults(session: AsyncSession) -> list[StandardDefaultItem]:
    # Columns, not entities: put_defaults rewrites the table with Core statements.
    rows = (
        await session.execute(
            select(StandardDefault.jenis_jabatan, StandardDefault.jenjang, StandardDefault.required_level)
        )
    ).all()
    kinds, jenjang = _order_of("jenis_jabatan"), _order_of("jenjang")
    ordered = sorted(rows, key=lambda r: (kinds.get(r[0], 99), jenjang.get(r[1], -1)))
    return [
        StandardDefaultItem(jenis_jabatan=kind, jenjang=grade or None, required_level=level)
        for kind, grade, level in ordered
    ]


def defaults_tag(items: Sequence[StandardDefaultItem]) -> str:
    return content_tag("d", (f"{i.jenis_jabatan}/{i.jenjang or ''}={i.required_level}" for i in items))


def _check_kind(jenis_jabatan: str, jenjang: str | None, where: str, *, jenjang_required: bool) -> None:
    if jenis_jabatan not in codes.codes("jenis_jabatan"):
        raise InvalidCode(
            msg(
                "{where}jenis_jabatan {jenis_jabatan!r} is not known; see /api/v1/reference/jenis_jabatan",
                where=where,
                jenis_jabatan=jenis_jabatan,
            )
        )
    if jenis_jabatan == "fungsional":
        if jenjang is None and jenjang_required:
            raise InvalidCode(
                msg("{where}jenjang is required for fungsional; see /api/v1/reference/jenjang", where=where)
            )
        if jenjang is not None and jenjang not in codes.codes("jenjang"):
            raise InvalidCode(
                msg(
                    "{where}jenjang {jenjang!r} is not known; see /api/v1/reference/jenjang",
                    where=where,
                    jenjang=jenjang,
                )
            )
    elif jenjang is not None:
        raise InvalidCode(msg("{where}jenjang applies only to fungsional; leave it null", where=where))


async def put_defaults(
    session: AsyncSession, principal: Principal, body: StandardDefaults, if_match: str | None
) -> list[StandardDefaultItem]:
    """Replace the whole table (it always exists, so If-Match is required)."""
    await advisory_xact_lock(session, "standard_defaults")
    current = await get_defaults(session)
    check_tag(if_match, defaults_tag(current))
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(body.items):
        _check_kind(item.jenis_jabatan, item.jenjang, f"items[{i}].", jenjang_required=True)
        key = (item.jenis_jabatan, item.jenjang or "")
        if key in seen:
            raise DuplicateDefault(
                msg(
                    "items[{index}]: {kind} is given more than once",
                    index=i,
                    kind=" ".join(filter(None, (item.jenis_jabatan, item.jenjang))),
                )
            )
        seen.add(key)
    await session.execute(delete(StandardDefault))
    if body.items:
        await session.execute(
            insert(StandardDefault),
            [
                {
                    "jenis_jabatan": i.jenis_jabatan,
                    "jenjang": i.jenjang or "",
                    "required_level": i.required_level,
                }
                for i in body.items
            ],
        )
    after = await get_defaults(session)
    if defaults_tag(after) != defaults_tag(current):
        audit.record(
            session,
            principal,
            "update",
            "standard_defaults",
            "all",
            before={"items": [i.model_dump() for i in current]},
            after={"items": [i.model_dump() for i in after]},
        )
    return after


# -- position standards ---------------------------------------------------------------------------


def _line_order(line: StandardLine) -> tuple[int, int, str]:
    return dictionary_order(line.competency_code, line.group)


async def standard_lines(session: AsyncSession, position_id: int) -> list[StandardLine]:
    rows = await session.execute(
        select(
            PositionStandard.competency_code,
            Competency.name,
            Competency.group,
            PositionStandard.required_level,
        )
        .join(Competency, Competency.code == PositionStandard.competency_code)
        .where(PositionStandard.position_id == position_id)
    )
    lines = [StandardLine(competency_code=c, name=n, group=g, required_level=lvl) for c, n, g, lvl in rows]
    return sorted(lines, key=_line_order)


def standard_tag(lines: Iterable[StandardLine | StandardItem]) -> str:
    return content_tag("s", (f"{line.competency_code}={line.required_level}" for line in lines))


async def _last_change(session: AsyncSession, position_id: int, has_lines: bool) -> datetime | None:
    """When the standard last changed: its own audit rows, else (a default standard) the position's creation."""
    key = str(position_id)
    condition = and_(AuditEntry.entity == "position_standard", AuditEntry.key == key)
    if has_lines:
        created = and_(AuditEntry.entity == "position", AuditEntry.key == key, AuditEntry.action == "create")
        condition = or_(condition, created)
    found: datetime | None = (
        await session.execute(select(func.max(AuditEntry.at)).where(condition))
    ).scalar_one_or_none()
    return found


async def read_standard(session: AsyncSession, position_id: int) -> tuple[PositionStandardRead, str]:
    """The standard and its ETag; 404 `position_not_found` for an unknown position."""
    await org_service.get_position(session, position_id)
    lines = await standard_lines(session, position_id)
    updated_at = await _last_change(session, position_id, bool(lines))
    read = PositionStandardRead(position_id=position_id, items=lines, updated_at=updated_at)
    return read, standard_tag(lines)


def _unique(items: Sequence[StandardItem], where: str = "items") -> dict[str, int]:
    wanted: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.competency_code in wanted:
            raise lookup.DuplicateCompetency(
                msg(
                    "{where}[{index}]: competency {code} is listed more than once",
                    where=where,
                    index=i,
                    code=item.competency_code,
                )
            )
        wanted[item.competency_code] = item.required_level
    return wanted


def _lines_snapshot(levels: dict[str, int]) -> dict[str, Any]:
    return {"items": [{"competency_code": c, "required_level": lvl} for c, lvl in sorted(levels.items())]}


async def put_standard(
    session: AsyncSession,
    principal: Principal,
    position_id: int,
    items: Sequence[StandardItem],
    if_match: str | None,
) -> tuple[PositionStandardRead, str, bool]:
    """Replace a position's standard; If-Match is needed only when it has one. Returns (read, tag, created)."""
    # The position row serialises writers of its standard, so two PUTs with one ETag cannot both win.
    locked = await session.execute(select(Position.id).where(Position.id == position_id).with_for_update())
    if locked.first() is None:
        raise org_service.PositionNotFound(msg("No position with id {position_id}", position_id=position_id))
    current_lines = await standard_lines(session, position_id)
    current = {line.competency_code: line.required_level for line in current_lines}
    if current or if_match is not None:
        check_tag(if_match, standard_tag(current_lines))
    wanted = _unique(items)
    # Retired competencies take no new standards, but a line a position already has may stay.
    await require_codes(session, [c for c in wanted if c not in current], active_only=True)
    changed_at: datetime | None = None
    if wanted != current:
        await session.execute(delete(PositionStandard).where(PositionStandard.position_id == position_id))
        if wanted:
            await session.execute(
                insert(PositionStandard),
                [
                    {"position_id": position_id, "competency_code": c, "required_level": lvl}
                    for c, lvl in wanted.items()
                ],
            )
        changed_at = audit.record(
            session,
            principal,
            "create" if not current else "update",
            "position_standard",
            position_id,
            before=_lines_snapshot(current) if current else None,
            after=_lines_snapshot(wanted),
        ).at
        await standings.refresh(session, standings.holders_of([position_id]))
    read, tag = await read_standard(session, position_id)
    if changed_at is not None:
        # The audit row (where updated_at is read from) is only inserted at commit, when it is chained.
        read = read.model_copy(update={"updated_at": changed_at})
    return read, tag, not current and bool(wanted)


def _defaults_source(position_ids: Select[Any]) -> Select[int, str, int]:
    """(position_id, competency_code, required_level) of the default standard of the given positions."""
    return (
        select(Position.id, Competency.code, StandardDefault.required_level)
        .join(
            StandardDefault,
            (StandardDefault.jenis_jabatan == Position.jenis_jabatan)
            & (StandardDefault.jenjang == func.coalesce(Position.jenjang, "")),
        )
        .join(Competency, true())
        .where(
            Position.id.in_(position_ids),
            Competency.group.in_(SHIPPED_GROUPS),
            Competency.active.is_(True),
        )
    )


async def default_standard(
    session: AsyncSession, actor: Principal | str, position: Position
) -> dict[str, Any] | None:
    """A new position gets every active manajerial/sosial kultural competency at its kind's default level.

    The lines go into the position's own creation audit row (as `standard`), not a row of their own.
    """
    source = _defaults_source(select(literal(position.id)))
    await session.execute(
        insert(PositionStandard).from_select(["position_id", "competency_code", "required_level"], source)
    )
    rows = await session.execute(
        select(PositionStandard.competency_code, PositionStandard.required_level).where(
            PositionStandard.position_id == position.id
        )
    )
    levels = {code: level for code, level in rows}
    # A new position has no holders yet, so no standings to refresh.
    return {"standard": _lines_snapshot(levels)["items"]} if levels else None


# -- bulk apply -----------------------------------------------------------------------------------


def _matching(body: BulkApply) -> Select[Any]:
    stmt = select(Position.id).where(Position.jenis_jabatan == body.jenis_jabatan)
    if body.jenjang is not None:
        stmt = stmt.where(Position.jenjang == body.jenjang)
    if body.unit_id is not None:
        stmt = stmt.where(Position.unit_id.in_(org_service.subtree_ids(body.unit_id)))
    if body.mode == "defaults":
        has_default = select(StandardDefault.jenis_jabatan).where(
            StandardDefault.jenis_jabatan == Position.jenis_jabatan,
            StandardDefault.jenjang == func.coalesce(Position.jenjang, ""),
        )
        stmt = stmt.where(has_default.exists())
    return stmt


async def _standards_of(session: AsyncSession, position_ids: Select[Any]) -> dict[int, dict[str, int]]:
    rows = await session.execute(
        select(
            PositionStandard.position_id, PositionStandard.competency_code, PositionStandard.required_level
        ).where(PositionStandard.position_id.in_(position_ids))
    )
    out: dict[int, dict[str, int]] = {}
    for position_id, code, level in rows:
        out.setdefault(position_id, {})[code] = level
    return out


async def bulk_apply(session: AsyncSession, principal: Principal, body: BulkApply) -> BulkResult:
    """Apply a standard to every matching position in a few set-based statements.

    One audit row per position whose standard changed (entity position_standard, before/after lines).
    """
    _check_kind(body.jenis_jabatan, body.jenjang, "", jenjang_required=False)
    if body.unit_id is not None:
        await org_service.require_unit(session, body.unit_id)
    if body.mode == "defaults":
        if body.items:
            raise ItemsNotAllowed("mode defaults takes its levels from standard-defaults; send no items")
        wanted: dict[str, int] = {}
    else:
        if not body.items:
            raise ItemsRequired(msg("mode {mode} needs at least one item", mode=body.mode))
        wanted = _unique(body.items)
        await require_codes(session, wanted, active_only=True)

    matching = _matching(body)
    # Lock the matching positions: single PUTs of their standards wait for this apply to finish.
    # In id order, so two applies over overlapping sets queue instead of deadlocking.
    locked = await session.execute(
        select(Position.id).where(Position.id.in_(matching)).order_by(Position.id).with_for_update()
    )
    positions = len(locked.all())
    before = await _standards_of(session, matching)
    columns = ["position_id", "competency_code", "required_level"]
    if body.mode == "defaults":
        shipped = select(Competency.code).where(Competency.group.in_(SHIPPED_GROUPS))
        await session.execute(
            delete(PositionStandard).where(
                PositionStandard.position_id.in_(matching), PositionStandard.competency_code.in_(shipped)
            )
        )
        await session.execute(insert(PositionStandard).from_select(columns, _defaults_source(matching)))
    else:
        target = delete(PositionStandard).where(PositionStandard.position_id.in_(matching))
        if body.mode == "merge":
            target = target.where(PositionStandard.competency_code.in_(list(wanted)))
        await session.execute(target)
        level = case(wanted, value=Competency.code)
        source = (
            select(Position.id, Competency.code, level)
            .join(Competency, true())
            .where(Position.id.in_(matching), Competency.code.in_(list(wanted)))
        )
        await session.execute(insert(PositionStandard).from_select(columns, source))
    after = await _standards_of(session, matching)

    changed = sorted(pid for pid in before.keys() | after.keys() if before.get(pid, {}) != after.get(pid, {}))
    for pid in changed:
        old, new = before.get(pid, {}), after.get(pid, {})
        audit.record(
            session,
            principal,
            "create" if not old else "update",
            "position_standard",
            pid,
            before=_lines_snapshot(old) if old else None,
            after=_lines_snapshot(new),
        )
    affected = 0
    for chunk in chunked(changed):
        affected += (
            await session.execute(select(func.count()).select_from(Asn).where(Asn.position_id.in_(chunk)))
        ).scalar_one()
        await standings.refresh(session, standings.holders_of(chunk))
    return BulkResult(positions=positions, positions_changed=len(changed), asn_affected=affected)
