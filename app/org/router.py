from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from app.auth.dependencies import ANY_USER, allow
from app.core.concurrency import IfMatchHeader, check_if_match, etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.idempotency import IdempotencyDep
from app.core.pagination import PageDep, paginate
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
UnitId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PositionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Search = Annotated[
    str | None, Query(max_length=100, description="Case-insensitive substring of name or code")
]


@router.get(
    "/units", operation_id="units_list", response_model=UnitPage, responses=problem_responses(401, 403, 422)
)
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
    operation_id="units_create",
    status_code=201,
    response_model=UnitRead,
    responses=problem_responses(401, 403, 409, 422),
)
async def units_create(
    body: UnitCreate, session: SessionDep, principal: Editor, idem: IdempotencyDep
) -> Response:
    """Create a unit."""
    if (replay := await idem.replay()) is not None:
        return replay
    unit = await service.create_unit(session, principal, body)
    return await idem.respond(
        201,
        UnitRead.model_validate(unit),
        {"Location": f"/api/v1/units/{unit.id}", "ETag": etag(unit.version)},
    )


@router.get(
    "/units/{unit_id}",
    operation_id="units_get",
    response_model=UnitRead,
    responses=problem_responses(401, 403, 404, 422),
)
async def units_get(unit_id: UnitId, session: SessionDep, _: Reader, response: Response) -> UnitRead:
    """Get one unit."""
    unit = await service.get_unit(session, unit_id)
    response.headers["ETag"] = etag(unit.version)
    return UnitRead.model_validate(unit)


@router.patch(
    "/units/{unit_id}",
    operation_id="units_update",
    response_model=UnitRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def units_update(
    unit_id: UnitId,
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
    operation_id="positions_list",
    response_model=PositionPage,
    responses=problem_responses(401, 403, 422),
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
    operation_id="positions_create",
    status_code=201,
    response_model=PositionRead,
    responses=problem_responses(401, 403, 409, 422),
)
async def positions_create(
    body: PositionCreate, session: SessionDep, principal: Editor, idem: IdempotencyDep
) -> Response:
    """Create a position."""
    if (replay := await idem.replay()) is not None:
        return replay
    position = await service.create_position(session, principal, body)
    return await idem.respond(
        201,
        PositionRead.model_validate(position),
        {"Location": f"/api/v1/positions/{position.id}", "ETag": etag(position.version)},
    )


@router.get(
    "/positions/{position_id}",
    operation_id="positions_get",
    response_model=PositionRead,
    responses=problem_responses(401, 403, 404, 422),
)
async def positions_get(
    position_id: PositionId, session: SessionDep, _: Reader, response: Response
) -> PositionRead:
    """Get one position."""
    position = await service.get_position(session, position_id)
    response.headers["ETag"] = etag(position.version)
    return PositionRead.model_validate(position)


@router.patch(
    "/positions/{position_id}",
    operation_id="positions_update",
    response_model=PositionRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def positions_update(
    position_id: PositionId,
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
