"""Who may read, edit and decide development plans, and the ASN a plan belongs to (404 outside scope)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from app.asn import service as asn_service
from app.asn.dependencies import NipPath
from app.asn.models import Asn
from app.auth.dependencies import ANY_USER, allow
from app.core.db import SessionDep
from app.core.security import Principal, Role

# Integration clients read plans as they read the ledger the plans are measured against.
PlanReader = Annotated[Principal, Depends(allow(*ANY_USER, scope="learning:read"))]
# The ASN drafts their own plan; an admin reaching the ASN may do it on their behalf.
PlanWriter = Annotated[Principal, Depends(allow(Role.asn, Role.opd_admin, Role.bpsdm_admin))]
# The approver stands for the ASN's superior (atasan).
PlanApprover = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin))]
PlanLister = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor))]

Year = Annotated[int, Path(ge=2000, le=2100, description="The year the plan is for", examples=[2027])]


async def asn_for_reading(nip: NipPath, session: SessionDep, principal: PlanReader) -> Asn:
    return await asn_service.get_in_scope(session, principal, nip)


async def asn_for_writing(nip: NipPath, session: SessionDep, principal: PlanWriter) -> Asn:
    return await asn_service.get_in_scope(session, principal, nip)


async def asn_for_deciding(nip: NipPath, session: SessionDep, principal: PlanApprover) -> Asn:
    return await asn_service.get_in_scope(session, principal, nip)


ReadableAsn = Annotated[Asn, Depends(asn_for_reading)]
WritableAsn = Annotated[Asn, Depends(asn_for_writing)]
DecidableAsn = Annotated[Asn, Depends(asn_for_deciding)]
