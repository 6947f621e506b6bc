from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response

from app.auth.dependencies import CurrentPrincipal
from app.auth.schemas import Me, TokenResponse
from app.auth.service import AuthService, InvalidClient, InvalidRequest, UnsupportedGrantType
from app.core.db import SessionDep
from app.core.errors import problem_responses

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
    operation_id="auth_token",
    response_model=TokenResponse,
    response_model_exclude_none=True,
    responses=problem_responses(400, 401, 422, 429),
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
        raise UnsupportedGrantType(f"grant_type {grant_type[:40]!r} is not supported")
    return TokenResponse(
        access_token=issued.access_token,
        expires_in=issued.expires_in,
        refresh_token=issued.refresh_token,
        scope=issued.scope,
    )


@router.post(
    "/revoke",
    operation_id="auth_revoke",
    status_code=204,
    responses=problem_responses(401, 422),
)
async def auth_revoke(
    principal: CurrentPrincipal,
    service: AuthServiceDep,
    # min_length: FastAPI reads an empty form field as a missing one.
    token: Annotated[str, Form(min_length=1, max_length=4096, description="The refresh token to revoke")],
) -> Response:
    """Log out: revoke a refresh token and every token rotated from the same login."""
    await service.revoke(principal, token)
    return Response(status_code=204)


@router.get("/me", operation_id="auth_me", response_model=Me, responses=problem_responses(401))
async def auth_me(principal: CurrentPrincipal) -> Me:
    """The caller's identity, role, unit and scopes."""
    return Me(
        username=principal.subject,
        role=principal.role.value,
        nip=principal.nip,
        unit_id=principal.unit_id,
        scopes=sorted(principal.scopes),
    )
