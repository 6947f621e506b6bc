"""Who may touch talent records, and the ASN named in the path within the caller's scope (404 otherwise).

Performance is the ASN's own SKP result: an ASN reads their own (never writes). Potential assessments
and sanctions are confidential (docs/domain.md, Talent 9-box): no ASN reads them, not even their own;
sanctions are for people only (BPSDM, the auditor, OPD admins in scope), no client scope opens them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from app.asn import service as asn_service
from app.asn.dependencies import NipPath
from app.asn.models import Asn
from app.auth.dependencies import ANY_USER, allow
from app.core.db import SessionDep
from app.core.security import Principal, Role

PerformanceReader = Annotated[Principal, Depends(allow(*ANY_USER, scope="talent:read"))]
TalentWriter = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, scope="talent:write"))]
PotentialReader = Annotated[
    Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor, scope="talent:read"))
]
# Who may ever see a disciplinary sanction (never an ASN, not even their own; no client scope).
SANCTION_READERS = (Role.opd_admin, Role.bpsdm_admin, Role.auditor)
SanctionReader = Annotated[Principal, Depends(allow(*SANCTION_READERS))]
SanctionWriter = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin))]


async def asn_for_performance_reading(nip: NipPath, session: SessionDep, principal: PerformanceReader) -> Asn:
    return await asn_service.get_in_scope(session, principal, nip)


async def asn_for_talent_writing(nip: NipPath, session: SessionDep, principal: TalentWriter) -> Asn:
    return await asn_service.get_in_scope(session, principal, nip)


async def asn_for_potential_reading(nip: NipPath, session: SessionDep, principal: PotentialReader) -> Asn:
    return await asn_service.get_in_scope(session, principal, nip)


async def asn_for_sanction_reading(nip: NipPath, session: SessionDep, principal: SanctionReader) -> Asn:
    return await asn_service.get_in_scope(session, principal, nip)


async def asn_for_sanction_writing(nip: NipPath, session: SessionDep, principal: SanctionWriter) -> Asn:
    return await asn_service.get_in_scope(session, principal, nip)


PerformanceAsn = Annotated[Asn, Depends(asn_for_performance_reading)]
TalentWritableAsn = Annotated[Asn, Depends(asn_for_talent_writing)]
PotentialAsn = Annotated[Asn, Depends(asn_for_potential_reading)]
SanctionAsn = Annotated[Asn, Depends(asn_for_sanction_reading)]
SanctionWritableAsn = Annotated[Asn, Depends(asn_for_sanction_writing)]
