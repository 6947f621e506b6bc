from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.auth.dependencies import ANY_USER, allow
from app.core.concurrency import IfMatchHeader, check_if_match, etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.idempotency import Created, IdempotencyDep
from app.core.pagination import PageDep, paginate
from app.core.params import IdPath
from app.core.security import Principal, Role
from app.org import service
from app.org.models import Position, Unit
from app.org.schemas import (
    PositionCreate,
    PositionPage,
    PositionRead,
    PositionUpdate,
    UnitCreate,
    UnitPage,
    UnitRead,
    UnitUpdate,
)

router = APIRouter(tags=["organisation"])

Reader = Annotated[Principal, Depends(allow(*ANY_USER, scope="reference:read"))]
Editor = Annotated[Principal, Depends(allow(Role.bpsdm_admin))]
Search = Annotated[
    str | None, Query(max_length=100, description="Case-insensitive substring of name or code")
]


@router.get("/units", response_model=UnitPage)
async def units_list(
    session: SessionDep,
    _: Reader,
    page: PageDep,
    parent_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    under: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="Only this unit and its descendants")
    ] = None,
    kind: Annotated[str | None, Query(max_length=30)] = None,
    q: Search = None,
) -> UnitPage:
    """List units (perangkat daerah and sub-units)."""
    rows, cursor, total = await paginate(
        session, service.list_units_query(parent_id, kind, q, under), [Unit.id], page
    )
    return UnitPage(items=[UnitRead.model_validate(u) for u in rows], next_cursor=cursor, total=total)


@router.post(
    "/units",
    status_code=201,
    response_model=UnitRead,
    responses=problem_responses(409),
)
async def units_create(
    body: UnitCreate, session: SessionDep, principal: Editor, idem: IdempotencyDep
) -> Response:
    """Create a unit."""

    async def create() -> Created:
        unit = await service.create_unit(session, principal, body)
        return Created(UnitRead.model_validate(unit), f"/api/v1/units/{unit.id}", version=unit.version)

    return await idem.once(create)


@router.get(
    "/units/{unit_id}",
    response_model=UnitRead,
    responses=problem_responses(404),
)
async def units_get(unit_id: IdPath, session: SessionDep, _: Reader, response: Response) -> UnitRead:
    """Get one unit."""
    unit = await service.get_unit(session, unit_id)
    response.headers["ETag"] = etag(unit.version)
    return UnitRead.model_validate(unit)


@router.patch(
    "/units/{unit_id}",
    response_model=UnitRead,
    responses=problem_responses(404, 409),
)
async def units_update(
    unit_id: IdPath,
    body: UnitUpdate,
    session: SessionDep,
    principal: Editor,
    response: Response,
    if_match: IfMatchHeader = None,
) -> UnitRead:
    """Rename, recode or move a unit (moving carries its descendants along)."""
    unit = await service.get_unit(session, unit_id)
    check_if_match(if_match, unit.version)
    unit = await service.update_unit(session, principal, unit, body)
    response.headers["ETag"] = etag(unit.version)
    return UnitRead.model_validate(unit)


@router.get(
    "/positions",
    response_model=PositionPage,
)
async def positions_list(
    session: SessionDep,
    _: Reader,
    page: PageDep,
    unit_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    jenis_jabatan: Annotated[str | None, Query(max_length=20)] = None,
    q: Search = None,
) -> PositionPage:
    """List positions (jabatan)."""
    rows, cursor, total = await paginate(
        session, service.list_positions_query(unit_id, jenis_jabatan, q), [Position.id], page
    )
    return PositionPage(items=[PositionRead.model_validate(p) for p in rows], next_cursor=cursor, total=total)


@router.post(
    "/positions",
    status_code=201,
    response_model=PositionRead,
    responses=problem_responses(409),
)
async def positions_create(
    body: PositionCreate, session: SessionDep, principal: Editor, idem: IdempotencyDep
) -> Response:
    """Create a position."""

    async def create() -> Created:
        position = await service.create_position(session, principal, body)
        location = f"/api/v1/positions/{position.id}"
        return Created(PositionRead.model_validate(position), location, version=position.version)

    return await idem.once(create)


@router.get(
    "/positions/{position_id}",
    response_model=PositionRead,
    responses=problem_responses(404),
)
async def positions_get(
    position_id: IdPath, session: SessionDep, _: Reader, response: Response
) -> PositionRead:
    """Get one position."""
    position = await service.get_position(session, position_id)
    response.headers["ETag"] = etag(position.version)
    return PositionRead.model_validate(position)


@router.patch(
    "/positions/{position_id}",
    response_model=PositionRead,
    responses=problem_responses(404, 409),
)
async def positions_update(
    position_id: IdPath,
    body: PositionUpdate,
    session: SessionDep,
    principal: Editor,
    response: Response,
    if_match: IfMatchHeader = None,
) -> PositionRead:
    """Update a position."""
    position = await service.get_position(session, position_id)
    check_if_match(if_match, position.version)
    position = await service.update_position(session, principal, position, body)
    response.headers["ETag"] = etag(position.version)
    return PositionRead.model_validate(position)
