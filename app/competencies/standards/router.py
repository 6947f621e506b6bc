"""The competency dictionary, default levels and position standards (SKJ)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from app.auth.dependencies import ANY_USER, allow
from app.competencies.standards import service
from app.competencies.standards.lookup import get_competency
from app.competencies.standards.schemas import (
    BulkApply,
    BulkResult,
    CompetencyCreate,
    CompetencyPage,
    CompetencyRead,
    CompetencyUpdate,
    Group,
    PositionStandardRead,
    StandardDefaults,
    StandardPut,
)
from app.core.concurrency import IfMatchHeader, check_if_match, etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.idempotency import Created, IdempotencyDep
from app.core.pagination import PageDep
from app.core.params import IdPath, segment_except
from app.core.security import Principal, Role

router = APIRouter(tags=["competencies"])


# PATCH /competencies/standard-defaults is a 405, not an update of a competency of that code.
segment_except("competency_code", "standard-defaults")

Reader = Annotated[Principal, Depends(allow(*ANY_USER, scope="reference:read"))]
Editor = Annotated[Principal, Depends(allow(Role.bpsdm_admin))]
CompetencyCode = Annotated[str, Path(min_length=1, max_length=20, examples=["M1"])]


@router.get(
    "/competencies",
    response_model=CompetencyPage,
)
async def competencies_list(
    session: SessionDep,
    _: Reader,
    page: PageDep,
    group: Group | None = None,
    q: Annotated[
        str | None, Query(max_length=100, description="Case-insensitive substring of code or name")
    ] = None,
    active: Annotated[bool | None, Query(description="true: only offered ones; false: retired")] = None,
) -> CompetencyPage:
    """The competency dictionary: manajerial M1–M8, sosial kultural SK1, then teknis by code."""
    rows, cursor, total = await service.page(session, service.list_query(group, q, active), page)
    return CompetencyPage(items=[service.to_read(c) for c in rows], next_cursor=cursor, total=total)


@router.post(
    "/competencies",
    status_code=201,
    response_model=CompetencyRead,
    responses=problem_responses(409),
)
async def competencies_create(
    body: CompetencyCreate, session: SessionDep, principal: Editor, idem: IdempotencyDep
) -> Response:
    """Add a teknis competency with its five level descriptions."""

    async def create() -> Created:
        competency = await service.create(session, principal, body)
        location = f"/api/v1/competencies/{competency.code}"
        return Created(service.to_read(competency), location, version=competency.version)

    return await idem.once(create)


# Declared before /competencies/{code}, which would otherwise take "standard-defaults" as a code.
@router.get(
    "/competencies/standard-defaults",
    response_model=StandardDefaults,
)
async def standard_defaults_get(session: SessionDep, _: Reader, response: Response) -> StandardDefaults:
    """The manajerial/sosial kultural level a new position gets, per jenis jabatan and jenjang."""
    items = await service.get_defaults(session)
    response.headers["ETag"] = service.defaults_tag(items)
    return StandardDefaults(items=items)


@router.put(
    "/competencies/standard-defaults",
    response_model=StandardDefaults,
)
async def standard_defaults_put(
    body: StandardDefaults,
    session: SessionDep,
    principal: Editor,
    response: Response,
    if_match: IfMatchHeader = None,
) -> StandardDefaults:
    """Replace the default levels (the whole table; If-Match required). Existing standards are untouched."""
    items = await service.put_defaults(session, principal, body, if_match)
    response.headers["ETag"] = service.defaults_tag(items)
    return StandardDefaults(items=items)


@router.get(
    "/competencies/{code:competency_code}",
    response_model=CompetencyRead,
    responses=problem_responses(404),
)
async def competencies_get(
    code: CompetencyCode, session: SessionDep, _: Reader, response: Response
) -> CompetencyRead:
    """One competency with its level descriptions."""
    competency = await get_competency(session, code)
    response.headers["ETag"] = etag(competency.version)
    return service.to_read(competency)


@router.patch(
    "/competencies/{code:competency_code}",
    response_model=CompetencyRead,
    responses=problem_responses(404),
)
async def competencies_update(
    code: CompetencyCode,
    body: CompetencyUpdate,
    session: SessionDep,
    principal: Editor,
    response: Response,
    if_match: IfMatchHeader = None,
) -> CompetencyRead:
    """Edit a competency's name, descriptions or levels, or retire it (`active: false`)."""
    competency = await get_competency(session, code)
    check_if_match(if_match, competency.version)
    competency = await service.update(session, principal, competency, body)
    response.headers["ETag"] = etag(competency.version)
    return service.to_read(competency)


@router.get(
    "/positions/{position_id}/standards",
    response_model=PositionStandardRead,
    responses=problem_responses(404),
)
async def position_standards_get(
    position_id: IdPath, session: SessionDep, _: Reader, response: Response
) -> PositionStandardRead:
    """A position's competency standard (SKJ); the ETag is derived from its lines."""
    read, tag = await service.read_standard(session, position_id)
    response.headers["ETag"] = tag
    return read


@router.put(
    "/positions/{position_id}/standards",
    response_model=PositionStandardRead,
    responses={
        201: {
            "description": "The position had no standard; this one was created",
            "model": PositionStandardRead,
        },
        **problem_responses(404),
    },
)
async def position_standards_put(
    position_id: IdPath,
    body: StandardPut,
    session: SessionDep,
    principal: Editor,
    response: Response,
    if_match: IfMatchHeader = None,
) -> PositionStandardRead:
    """Replace a position's standard (If-Match needed when it already has one)."""
    read, tag, created = await service.put_standard(session, principal, position_id, body.items, if_match)
    response.status_code = 201 if created else 200
    response.headers["ETag"] = tag
    return read


@router.post(
    "/position-standards/bulk",
    response_model=BulkResult,
)
async def position_standards_bulk(body: BulkApply, session: SessionDep, principal: Editor) -> BulkResult:
    """Apply a standard to every position of a jenis jabatan (and jenjang, unit subtree) at once."""
    return await service.bulk_apply(session, principal, body)
