"""SIMPEG integration routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from app.auth.dependencies import allow
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.idempotency import IdempotencyDep
from app.core.security import Principal, Role
from app.sync import service
from app.sync.schemas import SyncAsnBody, SyncError, SyncResult

router = APIRouter(tags=["sync"])

AsnSyncer = Annotated[Principal, Depends(allow(Role.bpsdm_admin, scope="asn:write"))]


def _result(outcome: service.Outcome) -> SyncResult:
    return SyncResult(
        created=outcome.created,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        errors=[
            SyncError(index=e.index, nip=e.nip, code=e.error.code, detail=e.error.detail, field=e.field)
            for e in outcome.errors
        ],
    )


@router.post(
    "/sync/asn",
    operation_id="sync_asn",
    response_model=SyncResult,
    responses=problem_responses(401, 403, 409, 413, 422),
)
async def sync_asn(
    body: SyncAsnBody, session: SessionDep, principal: AsnSyncer, idem: IdempotencyDep
) -> Response:
    """Upsert up to 5,000 ASN profiles from SIMPEG, keyed by NIP.

    Every item is validated like `POST /asn` (invalid_nip, nip_mismatch, invalid_golongan,
    unit_not_found, position_not_found, validation_error) and a NIP sent twice is rejected at its
    later row (duplicate_in_batch); rejected items are listed in `errors` and nothing of them is
    written, the valid ones are applied together. For an existing profile the fields present in an
    item are set and omitted fields keep their stored values; a profile whose fields all equal the
    stored ones counts as `unchanged` (no write, no audit row). More than 5,000 items → 422
    `batch_too_large`. A retry with the same `Idempotency-Key` and body returns the first response.
    """
    if (replay := await idem.replay()) is not None:
        return replay
    outcome = await service.sync(session, principal, body.items)
    return await idem.respond(200, _result(outcome), {})
