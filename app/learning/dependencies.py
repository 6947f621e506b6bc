"""Who may touch learning records, and loading a record within the caller's scope (404 otherwise)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path
from sqlalchemy import select

from app.asn import service as asn_service
from app.asn.dependencies import NipPath
from app.asn.models import Asn
from app.auth.dependencies import ANY_USER, allow
from app.core.db import SessionDep
from app.core.errors import NotFound
from app.core.i18n import msg
from app.core.params import BigIdPath
from app.core.security import Principal, Role
from app.learning.models import LearningRecord

LearningReader = Annotated[Principal, Depends(allow(*ANY_USER, scope="learning:read"))]
LearningWriter = Annotated[
    Principal, Depends(allow(Role.asn, Role.opd_admin, Role.bpsdm_admin, scope="learning:write"))
]
Verifier = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin))]

RecordId = Annotated[BigIdPath, Path(description="Learning record id")]


class RecordNotFound(NotFound):
    code = "learning_record_not_found"


async def record_in_scope(session: SessionDep, principal: Principal, record_id: int) -> LearningRecord:
    stmt = select(LearningRecord).where(LearningRecord.id == record_id)
    condition = asn_service.scope_condition(principal)
    if condition is not None:
        stmt = stmt.where(LearningRecord.nip.in_(select(Asn.nip).where(condition)))
    record = (await session.execute(stmt)).scalar_one_or_none()
    if record is None:
        raise RecordNotFound(msg("No learning record {id} in your scope", id=record_id))
    return record


async def readable_record(
    record_id: RecordId, session: SessionDep, principal: LearningReader
) -> LearningRecord:
    return await record_in_scope(session, principal, record_id)


async def writable_record(
    record_id: RecordId, session: SessionDep, principal: LearningWriter
) -> LearningRecord:
    return await record_in_scope(session, principal, record_id)


async def decidable_record(record_id: RecordId, session: SessionDep, principal: Verifier) -> LearningRecord:
    return await record_in_scope(session, principal, record_id)


async def asn_for_reading(nip: NipPath, session: SessionDep, principal: LearningReader) -> Asn:
    return await asn_service.get_in_scope(session, principal, nip)


async def asn_for_writing(nip: NipPath, session: SessionDep, principal: LearningWriter) -> Asn:
    return await asn_service.get_in_scope(session, principal, nip)


ReadableRecord = Annotated[LearningRecord, Depends(readable_record)]
WritableRecord = Annotated[LearningRecord, Depends(writable_record)]
DecidableRecord = Annotated[LearningRecord, Depends(decidable_record)]
AsnForReading = Annotated[Asn, Depends(asn_for_reading)]
AsnForWriting = Annotated[Asn, Depends(asn_for_writing)]
