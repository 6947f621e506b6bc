from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response

from app.auth.dependencies import (
    get_principal_before_password_change,
    oauth2_scheme,
    principal_from_token,
)
from app.auth.schemas import Me, PasswordChange, TokenResponse
from app.auth.service import (
    AuthService,
    InvalidClient,
    InvalidRequest,
    UnsupportedGrantType,
    principal_for_client,
)
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.i18n import msg
from app.core.openapi import answers
from app.core.security import Principal

router = APIRouter(prefix="/auth", tags=["auth"])


async def auth_service(request: Request, session: SessionDep) -> AuthService:
    return AuthService(session, request.app.state.settings, request.app.state.db.write_sessions)


AuthServiceDep = Annotated[AuthService, Depends(auth_service)]


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidClient("Malformed Basic credentials") from exc
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise InvalidClient("Malformed Basic credentials")
    return client_id, secret


FormStr = Annotated[str | None, Form(max_length=4096)]


@router.post(
    "/token",
    response_model=TokenResponse,
    response_model_exclude_none=True,
    responses=problem_responses(400, 401, 429),
)
async def auth_token(
    request: Request,
    response: Response,
    service: AuthServiceDep,
    grant_type: Annotated[
        str | None, Form(description="password, refresh_token or client_credentials")
    ] = None,
    username: FormStr = None,
    password: FormStr = None,
    refresh_token: FormStr = None,
    client_id: FormStr = None,
    client_secret: FormStr = None,
    scope: FormStr = None,
) -> TokenResponse:
    """Issue tokens (OAuth2 password, refresh_token and client_credentials grants)."""
    response.headers["Cache-Control"] = "no-store"
    if grant_type == "password":
        if not username or password is None:
            raise InvalidRequest("username and password are required for grant_type=password")
        issued = await service.password_grant(username, password)
    elif grant_type == "refresh_token":
        if not refresh_token:
            raise InvalidRequest("refresh_token is required for grant_type=refresh_token")
        issued = await service.refresh_grant(refresh_token)
    elif grant_type == "client_credentials":
        creds = _basic_credentials(request) or (client_id, client_secret)
        if not creds[0] or creds[1] is None:
            raise InvalidClient("Send client_id and client_secret (form fields or HTTP Basic)")
        issued = await service.client_credentials_grant(creds[0], creds[1], scope)
    elif grant_type is None:
        raise InvalidRequest("grant_type is required (form-encoded body)")
    else:
        raise UnsupportedGrantType(
            msg("grant_type {grant_type!r} is not supported", grant_type=grant_type[:40])
        )
    return TokenResponse(
        access_token=issued.access_token,
        expires_in=issued.expires_in,
        refresh_token=issued.refresh_token,
        scope=issued.scope,
        must_change_password=issued.must_change_password,
    )


@answers(401)
async def revoking_caller(
    request: Request,
    service: AuthServiceDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    client_id: FormStr = None,
    client_secret: FormStr = None,
) -> Principal:
    """Who asks to revoke (RFC 7009 §2.1): an integration client by its credentials (HTTP Basic or
    form fields), or, as the SPA does, a user by a bearer access token."""
    basic = _basic_credentials(request)
    if basic is not None or client_id is not None:
        creds = basic or (client_id, client_secret)
        if not creds[0] or creds[1] is None:
            raise InvalidClient("Send client_id and client_secret (form fields or HTTP Basic)")
        return principal_for_client(await service.authenticate_client(creds[0], creds[1]))
    return await principal_from_token(request, token, password_change_pending=True)


@router.post(
    "/revoke",
    response_class=Response,
    responses={
        200: {"description": "Revoked, or nothing to revoke (the same answer for either)"},
        **problem_responses(400),
    },
)
async def auth_revoke(
    caller: Annotated[Principal, Depends(revoking_caller)],
    service: AuthServiceDep,
    token: Annotated[
        str | None, Form(max_length=4096, description="A refresh token or access token of the caller")
    ] = None,
    token_type_hint: Annotated[
        str | None, Form(max_length=40, description="refresh_token or access_token: where to look first")
    ] = None,
) -> Response:
    """Log out (RFC 7009): revoke a token and every token of the same login.

    Revoking a user's refresh or access token ends that login: its refresh tokens and its access
    tokens stop working. An integration client revoking one of its access tokens ends all of them.
    A token that is unknown, expired or someone else's changes nothing, and gets the same 200.
    Integration clients authenticate with HTTP Basic `client_id:client_secret` or the `client_id` and
    `client_secret` form fields; users with their bearer access token.
    """
    if not token:
        raise InvalidRequest("token is required (form-encoded body)")
    await service.revoke(caller, token, token_type_hint)
    return Response(status_code=200, headers={"Cache-Control": "no-store"})


# Open to a caller who must still replace a one-time password, as are /auth/password and /auth/revoke.
PendingPrincipal = Annotated[Principal, Depends(get_principal_before_password_change)]


@router.get("/me", response_model=Me)
async def auth_me(principal: PendingPrincipal) -> Me:
    """The caller's identity, role, unit and scopes."""
    return Me(
        username=principal.subject,
        role=principal.role.value,
        nip=principal.nip,
        unit_id=principal.unit_id,
        scopes=sorted(principal.scopes),
        must_change_password=principal.must_change_password,
    )


@router.post(
    "/password",
    response_model=TokenResponse,
    response_model_exclude_none=True,
    responses=problem_responses(400, 403, 422, 429),
)
async def auth_password(
    body: PasswordChange, principal: PendingPrincipal, service: AuthServiceDep, response: Response
) -> TokenResponse:
    """Change my password; ends every login of the account and answers with a new login's tokens.

    The new password needs at least 10 characters, must not contain the username or NIP and must differ
    from the current one. Clears the forced change after a one-time password. Every earlier access and
    refresh token of the account stops working (other devices must log in again); the tokens in the
    answer replace the caller's, so the SPA carries on without asking for the password again.
    """
    response.headers["Cache-Control"] = "no-store"
    if principal.is_client:
        raise InvalidRequest("Integration clients have no password to change")
    issued = await service.change_password(principal, body.current_password, body.new_password)
    return TokenResponse(
        access_token=issued.access_token,
        expires_in=issued.expires_in,
        refresh_token=issued.refresh_token,
        must_change_password=issued.must_change_password,
    )
