from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.asn import service
from app.asn.dependencies import AsnCreator, AsnReader, AsnWriter, NipPath, WritableAsn
from app.asn.models import Asn
from app.asn.schemas import AsnCreate, AsnPage, AsnRead, AsnUpdate, EmploymentType
from app.core.concurrency import IfMatchHeader, check_if_match, etag
from app.core.db import FastReaderDep, SessionDep
from app.core.errors import problem_responses
from app.core.idempotency import Created, IdempotencyDep
from app.core.pagination import PageDep, paginate

router = APIRouter(prefix="/asn", tags=["asn"])


@router.get("", response_model=AsnPage)
async def asn_list(
    session: SessionDep,
    principal: AsnReader,
    page: PageDep,
    unit_id: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="This unit and its descendants")
    ] = None,
    q: Annotated[str | None, Query(max_length=100, description="NIP prefix or part of the name")] = None,
    employment_type: EmploymentType | None = None,
    active: bool | None = None,
) -> AsnPage:
    """List the ASN profiles in the caller's scope."""
    stmt = service.list_query(principal, unit_id=unit_id, q=q, employment_type=employment_type, active=active)
    rows, cursor, total = await paginate(session, stmt, [Asn.nip], page)
    return AsnPage(items=[AsnRead.model_validate(a) for a in rows], next_cursor=cursor, total=total)


@router.post(
    "",
    status_code=201,
    response_model=AsnRead,
    responses=problem_responses(409),
)
async def asn_create(
    body: AsnCreate, session: SessionDep, principal: AsnCreator, idem: IdempotencyDep
) -> Response:
    """Create an ASN profile (birth date and gender derived from the NIP)."""

    async def create() -> Created:
        asn = await service.create(session, principal, body)
        return Created(AsnRead.model_validate(asn), f"/api/v1/asn/{asn.nip}", version=asn.version)

    return await idem.once(create)


@router.get("/{nip}", response_model=AsnRead, responses=problem_responses(404))
async def asn_get(nip: NipPath, principal: AsnReader, reader: FastReaderDep) -> Response:
    """Get one ASN profile."""
    row = await service.read_profile(reader, principal, nip)
    body = AsnRead.model_validate(row).model_dump_json()
    return Response(body, media_type="application/json", headers={"ETag": etag(row["version"])})


@router.patch(
    "/{nip}",
    response_model=AsnRead,
    responses=problem_responses(404, 409),
)
async def asn_update(
    asn: WritableAsn,
    body: AsnUpdate,
    session: SessionDep,
    principal: AsnWriter,
    response: Response,
    if_match: IfMatchHeader = None,
) -> AsnRead:
    """Update an ASN profile (an ASN may change only its contact and education fields)."""
    check_if_match(if_match, asn.version)
    asn = await service.update(session, principal, asn, body)
    response.headers["ETag"] = etag(asn.version)
    return AsnRead.model_validate(asn)
