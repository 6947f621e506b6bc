from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from app.asn import service
from app.asn.models import Asn
from app.auth.dependencies import ANY_USER, allow
from app.core.db import SessionDep
from app.core.security import Principal, Role

NipPath = Annotated[
    str, Path(min_length=1, max_length=32, description="18-digit NIP", examples=["198503142010012003"])
]

AsnReader = Annotated[Principal, Depends(allow(*ANY_USER, scope="asn:read"))]
AsnWriter = Annotated[
    Principal, Depends(allow(Role.asn, Role.opd_admin, Role.bpsdm_admin, scope="asn:write"))
]
AsnCreator = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, scope="asn:write"))]


async def readable_asn(nip: NipPath, session: SessionDep, principal: AsnReader) -> Asn:
    """The ASN named in the path, if the caller may read it (404 otherwise, never 403)."""
    return await service.get_in_scope(session, principal, nip)


async def writable_asn(nip: NipPath, session: SessionDep, principal: AsnWriter) -> Asn:
    return await service.get_in_scope(session, principal, nip)


ReadableAsn = Annotated[Asn, Depends(readable_asn)]
WritableAsn = Annotated[Asn, Depends(writable_asn)]
