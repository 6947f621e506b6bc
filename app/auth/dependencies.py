"""Who is calling, and may they call this route at all (object scope lives with each domain)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from app.core.config import Settings
from app.core.errors import Forbidden, Unauthorized
from app.core.security import Principal, Role, TokenInvalid, decode_access_token

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token",
    auto_error=False,
    scopes={
        "asn:read": "Read ASN profiles",
        "asn:write": "Create and update ASN profiles",
        "learning:read": "Read learning records and JP",
        "learning:write": "Write learning records",
        "budget:read": "Read budgets",
        "budget:write": "Write budgets",
        "reference:read": "Read reference data, units and positions",
    },
)


class InsufficientRights(Forbidden):
    code = "forbidden"


async def get_principal(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal:
    if not token:
        raise Unauthorized("Send a bearer access token from /api/v1/auth/token")
    settings: Settings = request.app.state.settings
    try:
        principal = decode_access_token(settings, token, request.app.state.secret_key)
    except TokenInvalid as exc:
        raise Unauthorized("The access token is invalid or expired; log in again") from exc
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def allow(*roles: Role, scope: str | None = None) -> Callable[..., Principal]:
    """A dependency admitting users with one of `roles` and clients holding `scope`."""
    allowed = frozenset(roles)

    def check(principal: CurrentPrincipal) -> Principal:
        if principal.is_client:
            if scope is not None and scope in principal.scopes:
                return principal
            need = f"the scope {scope}" if scope else "a user login"
            raise InsufficientRights(f"This client lacks {need} for this operation")
        if principal.role in allowed:
            return principal
        raise InsufficientRights("Your role may not perform this operation")

    return check


ANY_USER = (Role.asn, Role.opd_admin, Role.bpsdm_admin, Role.auditor)
ADMINS = (Role.opd_admin, Role.bpsdm_admin)
READERS_ALL = (Role.bpsdm_admin, Role.auditor)
