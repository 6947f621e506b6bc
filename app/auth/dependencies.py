"""Who is calling, and may they call this route at all (object scope lives with each domain)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from app.auth.access import AccessState
from app.core.config import Settings
from app.core.errors import Forbidden, Unauthorized
from app.core.i18n import msg
from app.core.openapi import answers
from app.core.security import Principal, Role, TokenInvalid, VerifiedTokens, decode_access_token

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
        "talent:read": "Read SKP results and potential assessments",
        "talent:write": "Write SKP results and potential assessments",
    },
)


class InsufficientRights(Forbidden):
    code = "forbidden"


class PasswordChangeRequired(Forbidden):
    code = "password_change_required"


@answers(401)
async def get_principal(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal:
    return await principal_from_token(request, token)


@answers(401)
async def get_principal_before_password_change(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    """The caller, even one who must still replace a one-time password: for the few routes such a
    caller needs (who am I, change my password, log out)."""
    return await principal_from_token(request, token, password_change_pending=True)


async def principal_from_token(
    request: Request, token: str | None, *, password_change_pending: bool = False
) -> Principal:
    """The token's principal. A user who logged in with a one-time password gets 403
    password_change_required here, the one place every authenticated route passes, unless the
    route admits such a caller (`password_change_pending`)."""
    if not token:
        raise Unauthorized("Send a bearer access token from /api/v1/auth/token")
    state = request.app.state
    now = time.time()
    cache: VerifiedTokens = state.verified_tokens
    principal = cache.get(token, now)
    if principal is None:
        settings: Settings = state.settings
        try:
            principal, expires_at = decode_access_token(settings, token, state.secret_key)
        except TokenInvalid as exc:
            raise Unauthorized("The access token is invalid or expired; log in again") from exc
        cache.put(token, principal, expires_at)
    principal = await still_current(request, principal, now)
    if principal.must_change_password and not password_change_pending:
        raise PasswordChangeRequired(
            "Change the one-time password first (POST /api/v1/auth/password); nothing else is open until then"
        )
    return principal


async def still_current(request: Request, principal: Principal, now: float | None = None) -> Principal:
    """The principal, unless its account was deactivated or changed, or its login revoked, since."""
    if not await is_current(request, principal, now):
        raise Unauthorized("This access token was revoked or the account changed; log in again")
    request.state.principal = principal
    return principal


async def is_current(request: Request, principal: Principal, now: float | None = None) -> bool:
    access: AccessState = request.app.state.access
    allowed = access.verdict(principal, time.time() if now is None else now)
    if allowed is None:
        allowed = await access.read_verdict(request.app.state.db.fast, principal)
    return allowed


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def authorize(principal: Principal, roles: frozenset[Role], scope: str | None) -> Principal:
    """Users need one of `roles`; integration clients need `scope`."""
    if principal.is_client:
        if scope is not None and scope in principal.scopes:
            return principal
        need = msg("the scope {scope}", scope=scope) if scope else msg("a user login")
        raise InsufficientRights(msg("This client lacks {need} for this operation", need=need))
    if principal.role in roles:
        return principal
    raise InsufficientRights("Your role may not perform this operation")


def allow(
    *roles: Role,
    scope: str | None = None,
    authenticate: Callable[..., Awaitable[Principal]] = get_principal,
) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting users with one of `roles` and clients holding `scope`.

    `authenticate` finds the caller: bearer tokens by default (the xAPI resource also takes Basic).
    """
    allowed = frozenset(roles)

    # async: a plain def dependency would run in the thread pool, a costly hop on every request.
    @answers(401, 403)
    async def check_bearer(
        request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
    ) -> Principal:
        # The bearer token is read in place rather than through get_principal: one dependency less
        # on every request of the busiest routes.
        return authorize(await principal_from_token(request, token), allowed, scope)

    @answers(401, 403)
    async def check_other(principal: Principal = Depends(authenticate)) -> Principal:
        return authorize(principal, allowed, scope)

    check: Any = check_bearer if authenticate is get_principal else check_other

    check.access = (allowed, scope)  # read by auth_problem_before_body and the role-matrix tests
    return check  # type: ignore[no-any-return]


def _route_access(dependant: Any) -> tuple[frozenset[Role], str | None] | None:
    for dep in dependant.dependencies:
        access = getattr(dep.call, "access", None)
        if access is not None:
            return access  # type: ignore[no-any-return]
        found = _route_access(dep)
        if found is not None:
            return found
    return None


async def auth_problem_before_body(request: Request) -> Exception | None:
    """The 401/403 a request would get, for errors FastAPI raises before dependencies run.

    FastAPI decodes a JSON body before it solves dependencies, so malformed JSON would otherwise
    answer 422 to a caller who is not even authenticated (and so reveal the route's shape).
    """
    dependant = getattr(request.scope.get("route"), "dependant", None)
    access = _route_access(dependant) if dependant is not None else None
    pending = dependant is not None and _uses(dependant, get_principal_before_password_change)
    if access is None and not pending:
        return None
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    try:
        principal = await principal_from_token(
            request, token.strip() if scheme.lower() == "bearer" else None, password_change_pending=pending
        )
        if access is not None:
            authorize(principal, *access)
    except (Unauthorized, Forbidden) as exc:
        return exc
    return None


def _uses(dependant: Any, call: Any) -> bool:
    return any(dep.call is call or _uses(dep, call) for dep in dependant.dependencies)


ANY_USER = (Role.asn, Role.opd_admin, Role.bpsdm_admin, Role.auditor)
READERS_ALL = (Role.bpsdm_admin, Role.auditor)
