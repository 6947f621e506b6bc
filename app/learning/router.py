from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.core.concurrency import etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.idempotency import Created, IdempotencyDep
from app.core.pagination import PageDep, paginate
from app.learning import service
from app.learning.dependencies import (
    AsnForReading,
    AsnForWriting,
    DecidableRecord,
    LearningWriter,
    ReadableRecord,
    Verifier,
    WritableRecord,
)
from app.learning.flooding import ClaimQuota
from app.learning.models import LearningRecord
from app.learning.schemas import (
    Decision,
    RecordCreate,
    RecordDetail,
    RecordPage,
    RecordRead,
    Status,
    VoidRequest,
)

router = APIRouter(tags=["learning"])


@router.post(
    "/asn/{nip}/learning-records",
    status_code=201,
    response_model=RecordRead,
    responses={
        200: {"description": "The same (source, external_id) was recorded before", "model": RecordRead},
        **problem_responses(404, 409, 429),
    },
)
async def learning_records_create(
    asn: AsnForWriting,
    body: RecordCreate,
    session: SessionDep,
    principal: LearningWriter,
    idem: IdempotencyDep,
    _quota: ClaimQuota,
) -> Response:
    """Record learning: an ASN's own entry is a pending claim, an admin's or a system's is verified."""

    async def create() -> Created:
        record, created = await service.create(session, principal, asn, body)
        location = f"/api/v1/learning-records/{record.id}"
        status_code = 201 if created else 200
        return Created(service.to_read(record), location, version=record.version, status_code=status_code)

    return await idem.once(create)


@router.get(
    "/asn/{nip}/learning-records",
    response_model=RecordPage,
    responses=problem_responses(404),
)
async def learning_records_list(
    asn: AsnForReading,
    session: SessionDep,
    page: PageDep,
    year: Annotated[int | None, Query(ge=1950, le=2100)] = None,
    status: Status | None = None,
) -> RecordPage:
    """An ASN's learning records, newest first."""
    rows, cursor, total = await paginate(
        session, service.list_query(asn.nip, year, status), [LearningRecord.id], page, descending=True
    )
    return RecordPage(items=[service.to_read(r) for r in rows], next_cursor=cursor, total=total)


@router.get(
    "/learning-records/{record_id}",
    response_model=RecordDetail,
    responses=problem_responses(404),
)
async def learning_records_get(
    record: ReadableRecord, session: SessionDep, response: Response
) -> RecordDetail:
    """One learning record with its history of transitions."""
    response.headers["ETag"] = etag(record.version)
    return await service.detail(session, record)


@router.post(
    "/learning-records/{record_id}/verification",
    response_model=RecordRead,
    responses=problem_responses(404, 409),
)
async def learning_records_verify(
    record: DecidableRecord, body: Decision, session: SessionDep, principal: Verifier
) -> RecordRead:
    """Approve or reject a pending claim (OPD or BPSDM admin reaching the ASN; never one's own)."""
    return service.to_read(await service.decide(session, principal, record, body.decision, body.note))


@router.post(
    "/learning-records/{record_id}/void",
    response_model=RecordRead,
    responses=problem_responses(404, 409),
)
async def learning_records_void(
    record: WritableRecord, body: VoidRequest, session: SessionDep, principal: LearningWriter
) -> RecordRead:
    """Void a record with a reason (records are never edited or deleted)."""
    return service.to_read(await service.void(session, principal, record, body.reason))
