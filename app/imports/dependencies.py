"""Who may upload which import, and who may follow, retry or download jobs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Path, Request

from app.auth.dependencies import allow, authorize, oauth2_scheme, principal_from_token
from app.core.openapi import answers
from app.core.params import IdPath
from app.core.security import Principal, Role

# An integration client that may upload an import may follow its own jobs.
IMPORT_SCOPES = frozenset({"asn:write", "learning:write", "talent:write"})


def _users_or_importing_clients(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """Users with one of `roles`, and clients holding a scope that lets them upload imports."""
    allowed = frozenset(roles)

    @answers(401, 403)
    async def check(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal:
        principal = await principal_from_token(request, token)
        if principal.is_client and principal.scopes & IMPORT_SCOPES:
            return principal
        return authorize(principal, allowed, None)

    # Read by the role-matrix tests and the pre-body auth check, as allow() declares it.
    access: Any = check
    access.access = (allowed, None)
    return check


AsnImporter = Annotated[Principal, Depends(allow(Role.bpsdm_admin, scope="asn:write"))]
RecordImporter = Annotated[
    Principal, Depends(allow(Role.bpsdm_admin, Role.opd_admin, scope="learning:write"))
]
# An assessment centre's sheet records competency and potential assessments: talent records.
ResultsImporter = Annotated[Principal, Depends(allow(Role.bpsdm_admin, Role.opd_admin, scope="talent:write"))]
# SKP results are talent records too: whoever may PUT an ASN's performance may import them.
PerformanceImporter = ResultsImporter
JobReader = Annotated[
    Principal, Depends(_users_or_importing_clients(Role.bpsdm_admin, Role.auditor, Role.opd_admin))
]
JobRetrier = Annotated[Principal, Depends(_users_or_importing_clients(Role.bpsdm_admin, Role.opd_admin))]
JobId = Annotated[IdPath, Path(description="Import job id")]
