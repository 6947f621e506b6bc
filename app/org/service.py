"""Units (the perangkat daerah tree) and positions; the unit scope every other domain relies on."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, overload

from sqlalchemy import BindParameter, ColumnElement, Integer, Select, bindparam, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import audit
from app.core.errors import Conflict, Forbidden, NotFound, Unprocessable, refuse_nulls
from app.core.hooks import Hooks
from app.core.i18n import msg
from app.core.security import Principal, Role
from app.org.models import Position, Unit
from app.org.schemas import PositionCreate, PositionUpdate, UnitCreate, UnitUpdate
from app.reference import codes

UNIT_FIELDS = ("code", "name", "kind", "parent_id")
POSITION_FIELDS = ("code", "name", "jenis_jabatan", "jenjang", "unit_id")

# Each runs as `hook(session, actor, position)` in the transaction that creates a position (the
# competency domain gives it the default standard for its jenis jabatan and jenjang). A hook may return
# fields to add to the position's creation audit row (one write, one audit row).
PositionCreatedHook = Callable[[AsyncSession, Principal | str, Position], Awaitable[dict[str, Any] | None]]
after_position_created: Hooks[PositionCreatedHook] = Hooks()
# Each runs as `hook(session, position, changed)` in the transaction that changes a position, with the
# names of the fields that changed (the IP ASN counts training by the holder's jenis jabatan).
PositionUpdatedHook = Callable[[AsyncSession, Position, frozenset[str]], Awaitable[None]]
after_position_update: Hooks[PositionUpdatedHook] = Hooks()


class UnitNotFound(NotFound):
    code = "unit_not_found"


class PositionNotFound(NotFound):
    code = "position_not_found"


class NoUnitAssigned(Forbidden):
    code = "no_unit_assigned"


class UnitCodeExists(Conflict):
    code = "unit_code_exists"


class PositionCodeExists(Conflict):
    code = "position_code_exists"


class UnitReferenceInvalid(Unprocessable):
    code = "unit_not_found"


class PositionReferenceInvalid(Unprocessable):
    code = "position_not_found"


class UnitCycle(Unprocessable):
    code = "unit_cycle"


class InvalidCode(Unprocessable):
    code = "invalid_code"


# -- scope ----------------------------------------------------------------------------------------


def sees_everything(principal: Principal) -> bool:
    return principal.role in (Role.bpsdm_admin, Role.auditor, Role.client)


def subtree_ids(unit_id: int | BindParameter[int]) -> Select[int]:
    """Ids of a unit and all its descendants: one indexed prefix match on the materialised path."""
    own_path = select(Unit.path).where(Unit.id == unit_id).scalar_subquery()
    return select(Unit.id).where(Unit.path.like(own_path + literal("%")))


def scoped_unit_ids(principal: Principal) -> Select[int]:
    """The caller's unit and all its descendants (only meaningful for an OPD admin)."""
    return subtree_ids(principal.unit_id or 0)


def subtree_ids_param(name: str) -> Select[int]:
    """subtree_ids with the unit id as a bound parameter, for statements compiled once."""
    return subtree_ids(bindparam(name, type_=Integer))


def unit_scope_condition(principal: Principal, unit_column: Any) -> ColumnElement[bool] | None:
    """A WHERE condition limiting `unit_column` to what the caller reaches; None means no limit."""
    if sees_everything(principal):
        return None
    if principal.role is Role.opd_admin and principal.unit_id is not None:
        condition: ColumnElement[bool] = unit_column.in_(scoped_unit_ids(principal))
        return condition
    return literal(False)


async def unit_in_scope(session: AsyncSession, principal: Principal, unit_id: int) -> bool:
    if sees_everything(principal):
        return True
    if principal.role is not Role.opd_admin or principal.unit_id is None:
        return False
    found = await session.execute(
        select(literal(1)).where(Unit.id == unit_id, Unit.id.in_(scoped_unit_ids(principal)))
    )
    return found.first() is not None


@overload
async def unit_in_reach(session: AsyncSession, principal: Principal, unit_id: int) -> Unit: ...
@overload
async def unit_in_reach(session: AsyncSession, principal: Principal, unit_id: int | None) -> Unit | None: ...
async def unit_in_reach(session: AsyncSession, principal: Principal, unit_id: int | None) -> Unit | None:
    """The unit asked for (404 when unknown or outside the caller's reach); without one, an OPD admin's
    own unit. None means "every unit" (callers who see everything and named no unit).
    """
    if unit_id is None:
        if sees_everything(principal):
            return None
        if principal.unit_id is None:
            raise NoUnitAssigned("Your account is not assigned to a unit; ask BPSDM to assign one")
        unit_id = principal.unit_id
    if not await unit_in_scope(session, principal, unit_id):
        raise UnitNotFound(msg("No unit with id {unit_id} in your scope", unit_id=unit_id))
    return await get_unit(session, unit_id)


# -- units ----------------------------------------------------------------------------------------


def list_units_query(
    parent_id: int | None, kind: str | None, q: str | None, under: int | None
) -> Select[Unit]:
    stmt = select(Unit)
    if parent_id is not None:
        stmt = stmt.where(Unit.parent_id == parent_id)
    if kind:
        stmt = stmt.where(Unit.kind == kind)
    if q:
        needle = q.strip().lower()
        stmt = stmt.where(
            func.lower(Unit.name).contains(needle, autoescape=True)
            | func.lower(Unit.code).contains(needle, autoescape=True)
        )
    if under is not None:
        stmt = stmt.where(Unit.id.in_(subtree_ids(under)))
    return stmt


async def get_unit(session: AsyncSession, unit_id: int) -> Unit:
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise UnitNotFound(msg("No unit with id {unit_id}", unit_id=unit_id))
    return unit


async def require_unit(session: AsyncSession, unit_id: int, field: str = "unit_id") -> Unit:
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise UnitReferenceInvalid(msg("{field}: no unit with id {unit_id}", field=field, unit_id=unit_id))
    return unit


def _check_kind(kind: str) -> None:
    if kind not in codes.codes("unit_kinds"):
        raise InvalidCode(
            msg("kind {kind!r} is not a unit kind; see /api/v1/reference/unit_kinds", kind=kind)
        )


async def _code_taken(
    session: AsyncSession, model: type[Unit] | type[Position], code: str, exclude_id: int | None = None
) -> bool:
    stmt = select(model.id).where(func.lower(model.code) == code.lower())
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    return (await session.execute(stmt)).first() is not None


async def create_unit(session: AsyncSession, principal: Principal, data: UnitCreate) -> Unit:
    _check_kind(data.kind)
    if await _code_taken(session, Unit, data.code):
        raise UnitCodeExists(msg("A unit with code {code} exists", code=data.code))
    parent = await require_unit(session, data.parent_id, "parent_id") if data.parent_id is not None else None
    unit = Unit(code=data.code, name=data.name, kind=data.kind, parent_id=data.parent_id, path="/")
    session.add(unit)
    await session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    await session.flush()
    audit.record(session, principal, "create", "unit", unit.id, after=audit.snapshot(unit, UNIT_FIELDS))
    return unit


async def update_unit(session: AsyncSession, principal: Principal, unit: Unit, data: UnitUpdate) -> Unit:
    changes = data.model_dump(exclude_unset=True)
    refuse_nulls(changes, ("code", "name", "kind"))
    before = audit.snapshot(unit, UNIT_FIELDS)
    if "kind" in changes:
        _check_kind(changes["kind"])
    if "code" in changes and await _code_taken(session, Unit, changes["code"], exclude_id=unit.id):
        raise UnitCodeExists(msg("A unit with code {code} exists", code=changes["code"]))
    if "parent_id" in changes and changes["parent_id"] != unit.parent_id:
        await _move_unit(session, unit, changes.pop("parent_id"))
    changes.pop("parent_id", None)
    for field, value in changes.items():
        setattr(unit, field, value)
    await session.flush()
    after = audit.snapshot(unit, UNIT_FIELDS)
    if after != before:
        audit.record(session, principal, "update", "unit", unit.id, before=before, after=after)
    return unit


async def _move_unit(session: AsyncSession, unit: Unit, new_parent_id: int | None) -> None:
    old_path = unit.path
    if new_parent_id is None:
        new_prefix = "/"
    else:
        parent = await require_unit(session, new_parent_id, "parent_id")
        if parent.path.startswith(old_path):
            raise UnitCycle("A unit cannot be moved under itself or one of its descendants")
        new_prefix = parent.path
    new_path = f"{new_prefix}{unit.id}/"
    # Rewrite the whole subtree's paths in one statement; descendants keep their relative place.
    await session.execute(
        update(Unit)
        .where(Unit.path.like(old_path + "%"), Unit.id != unit.id)
        .values(path=literal(new_path) + func.substr(Unit.path, len(old_path) + 1), version=Unit.version + 1)
        .execution_options(synchronize_session=False)
    )
    unit.parent_id = new_parent_id
    unit.path = new_path


# -- positions ------------------------------------------------------------------------------------


def list_positions_query(unit_id: int | None, jenis_jabatan: str | None, q: str | None) -> Select[Position]:
    stmt = select(Position)
    if unit_id is not None:
        stmt = stmt.where(Position.unit_id == unit_id)
    if jenis_jabatan:
        stmt = stmt.where(Position.jenis_jabatan == jenis_jabatan)
    if q:
        needle = q.strip().lower()
        stmt = stmt.where(
            func.lower(Position.name).contains(needle, autoescape=True)
            | func.lower(Position.code).contains(needle, autoescape=True)
        )
    return stmt


async def get_position(session: AsyncSession, position_id: int) -> Position:
    position = await session.get(Position, position_id)
    if position is None:
        raise PositionNotFound(msg("No position with id {position_id}", position_id=position_id))
    return position


async def require_position(session: AsyncSession, position_id: int) -> Position:
    position = await session.get(Position, position_id)
    if position is None:
        raise PositionReferenceInvalid(
            msg("position_id: no position with id {position_id}", position_id=position_id)
        )
    return position


def _check_jenjang(jenis_jabatan: str, jenjang: str | None) -> None:
    if jenis_jabatan == "fungsional":
        if jenjang is None:
            raise InvalidCode("jenjang is required for a fungsional position; see /api/v1/reference/jenjang")
        if jenjang not in codes.codes("jenjang"):
            raise InvalidCode(
                msg("jenjang {jenjang!r} is not known; see /api/v1/reference/jenjang", jenjang=jenjang)
            )
    elif jenjang is not None:
        raise InvalidCode("jenjang applies only to fungsional positions; leave it null")


async def create_position(session: AsyncSession, principal: Principal, data: PositionCreate) -> Position:
    _check_jenjang(data.jenis_jabatan, data.jenjang)
    await require_unit(session, data.unit_id)
    if await _code_taken(session, Position, data.code):
        raise PositionCodeExists(msg("A position with code {code} exists", code=data.code))
    position = Position(**data.model_dump())
    session.add(position)
    await session.flush()
    after = audit.snapshot(position, POSITION_FIELDS)
    for hook in after_position_created:
        after |= await hook(session, principal, position) or {}
    audit.record(session, principal, "create", "position", position.id, after=after)
    return position


async def update_position(
    session: AsyncSession, principal: Principal, position: Position, data: PositionUpdate
) -> Position:
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    refuse_nulls(changes, ("code", "name", "jenis_jabatan", "unit_id"))
    before = audit.snapshot(position, POSITION_FIELDS)
    _check_jenjang(
        changes.get("jenis_jabatan", position.jenis_jabatan), changes.get("jenjang", position.jenjang)
    )
    if "unit_id" in changes:
        await require_unit(session, changes["unit_id"])
    if "code" in changes and await _code_taken(session, Position, changes["code"], exclude_id=position.id):
        raise PositionCodeExists(msg("A position with code {code} exists", code=changes["code"]))
    for field, value in changes.items():
        setattr(position, field, value)
    await session.flush()
    after = audit.snapshot(position, POSITION_FIELDS)
    if after != before:
        audit.record(session, principal, "update", "position", position.id, before=before, after=after)
        changed = frozenset(f for f in POSITION_FIELDS if before.get(f) != after.get(f))
        for hook in after_position_update:
            await hook(session, position, changed)
    return position
