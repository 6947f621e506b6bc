"""The xAPI statements resource, so stock LMS/LRS clients can use base URL /api/v1/xapi/."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import time
import uuid
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security.http import HTTPAuthorizationCredentials, HTTPBase

from app.auth.dependencies import allow, get_principal, is_current, oauth2_scheme
from app.auth.service import AuthService, InvalidClient, principal_for_client
from app.core.db import SessionDep
from app.core.errors import BadRequest, DomainError, Unauthorized, problem_responses
from app.core.i18n import code_title, localise, msg
from app.core.idempotency import IdempotencyDep
from app.core.security import Principal, VerifiedTokens
from app.learning.xapi import service as xapi
from app.learning.xapi.schemas import (
    STATEMENT_EXAMPLE,
    STATEMENT_SCHEMA,
    About,
    RejectedStatement,
    StatementsResult,
)

XAPI_VERSION = "1.0.3"
VERSION_HEADER = "X-Experience-API-Version"
VERSION_HEADERS = {VERSION_HEADER: XAPI_VERSION}
_SUPPORTED_VERSION = re.compile(r"1\.0(\.\d{1,3})?")
# Verifying a client secret (Argon2) costs ~50 ms; LRS clients send Basic credentials on every call.
BASIC_CACHE_SECONDS = 300

router = APIRouter(prefix="/xapi", tags=["xapi"])


class XapiUnauthorized(Unauthorized):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers = {"WWW-Authenticate": 'Basic realm="bangkom xAPI", Bearer'} | VERSION_HEADERS


class XapiVersionRequired(BadRequest):
    code = "xapi_version_required"


class XapiVersionUnsupported(BadRequest):
    code = "xapi_version_unsupported"


class InvalidJson(BadRequest):
    code = "invalid_json"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


def _basic_cache(request: Request) -> VerifiedTokens:
    cache: VerifiedTokens = request.app.state.xapi_basic_credentials  # made by create_app()
    return cache


async def _basic_principal(request: Request, session: SessionDep, credentials: str) -> Principal:
    """An integration client by `client_id:client_secret`; a verified header is trusted for a few minutes."""
    cache = _basic_cache(request)
    key = hashlib.sha256(credentials.encode()).hexdigest()
    principal = cache.get(key)
    # A client changed since (new scopes, a new secret, deactivated) is authenticated afresh.
    if principal is not None and await is_current(request, principal):
        return principal
    try:
        client_id, sep, secret = base64.b64decode(credentials.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise XapiUnauthorized("Malformed Basic credentials") from exc
    if not sep or not client_id or len(client_id) > 100:
        raise XapiUnauthorized("Malformed Basic credentials; send client_id:client_secret")
    service = AuthService(session, request.app.state.settings, request.app.state.db.write_sessions)
    try:
        client = await service.authenticate_client(client_id, secret)
    except InvalidClient as exc:
        raise XapiUnauthorized("The client id or secret is wrong, or the client is disabled") from exc
    principal = principal_for_client(client)
    cache.put(key, principal, time.time() + BASIC_CACHE_SECONDS)
    return principal


basic_scheme = HTTPBase(
    scheme="basic",
    scheme_name="HTTPBasic",
    description="An integration client's client_id and client_secret, as LRS clients send them",
    auto_error=False,
)


async def xapi_principal(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    authorization: Annotated[HTTPAuthorizationCredentials | None, Depends(basic_scheme)],
) -> Principal:
    """The caller by bearer token or, as LRS clients send it, HTTP Basic with client credentials."""
    if authorization is not None and authorization.scheme.lower() == "basic":
        principal = await _basic_principal(request, session, authorization.credentials)
        request.state.principal = principal
        return principal
    if not token:
        raise XapiUnauthorized(
            "Send HTTP Basic client_id:client_secret of an integration client, or a bearer access token"
        )
    return await get_principal(request, token)


StatementWriter = Annotated[Principal, Depends(allow(scope="learning:write", authenticate=xapi_principal))]
VersionHeader = Annotated[
    str | None, Header(alias=VERSION_HEADER, description="Required by xAPI; 1.0.x", examples=["1.0.3"])
]


def _check_version(version: str | None) -> None:
    if version is None:
        raise XapiVersionRequired(
            msg("Send the header {header}: {version}", header=VERSION_HEADER, version=XAPI_VERSION),
            headers=dict(VERSION_HEADERS),
        )
    if not _SUPPORTED_VERSION.fullmatch(version.strip()):
        raise XapiVersionUnsupported(
            msg(
                "xAPI version {version!r} is not supported; this resource speaks {supported}",
                version=version[:20],
                supported=XAPI_VERSION,
            ),
            headers=dict(VERSION_HEADERS),
        )


async def _json_body(request: Request) -> Any:
    content_type = request.headers.get("content-type", "application/json").lower()
    if not content_type.startswith("application/json"):
        raise UnsupportedMediaType(
            "Send statements as application/json (attachments are not accepted)",
            headers=dict(VERSION_HEADERS),
        )
    try:
        return orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise InvalidJson("The request body is not valid JSON", headers=dict(VERSION_HEADERS)) from exc


def _same_id(value: Any, statement_id: uuid.UUID) -> bool:
    try:
        return isinstance(value, str) and uuid.UUID(value) == statement_id
    except ValueError:
        return False


def _rejected(item: xapi.Rejection) -> RejectedStatement:
    return RejectedStatement(
        index=item.index,
        id=item.id,
        code=item.error.code,
        # Read by the LMS's operators: in the caller's language, like a problem document.
        detail=localise(item.error.detail)
        if item.error.has_detail
        else code_title(item.error.code, item.error.detail),
        duplicate_of=item.error.extra.get("duplicate_of"),
    )


def _body_schema(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema, "example": STATEMENT_EXAMPLE}},
        }
    }


@router.post(
    "/statements",
    response_model=StatementsResult,
    responses=problem_responses(400, 413, 415),
    openapi_extra=_body_schema(
        {
            "oneOf": [
                STATEMENT_SCHEMA,
                {"type": "array", "items": STATEMENT_SCHEMA, "maxItems": xapi.MAX_STATEMENTS},
            ]
        }
    ),
)
async def xapi_statements_post(
    request: Request,
    session: SessionDep,
    principal: StatementWriter,
    idem: IdempotencyDep,
    version: VersionHeader = None,
) -> Response:
    """Store xAPI statements: completed/attended become verified learning records.

    One statement or an array of up to 1000. Each statement is applied or rejected on its own:
    `ids` lists the accepted ones in request order, `rejected` says why the others were not
    (unknown_nip, unsupported_verb, missing_jp, invalid_statement, statement_conflict, possible_duplicate,
    …). A statement id already received is idempotent; reusing it for other content is a conflict.
    """
    _check_version(version)
    if (replay := await idem.replay()) is not None:
        return replay
    body = await _json_body(request)
    statements = body if isinstance(body, list) else [body]
    outcome = await xapi.intake(session, principal, statements)
    result = StatementsResult(ids=outcome.ids, rejected=[_rejected(r) for r in outcome.rejected])
    response: JSONResponse = await idem.respond(200, result, dict(VERSION_HEADERS))
    return response


@router.put(
    "/statements",
    status_code=204,
    response_class=Response,
    responses=problem_responses(400, 409, 413, 415),
    openapi_extra=_body_schema(STATEMENT_SCHEMA),
)
async def xapi_statement_put(
    request: Request,
    session: SessionDep,
    principal: StatementWriter,
    statement_id: Annotated[uuid.UUID, Query(alias="statementId", description="The statement's id")],
    version: VersionHeader = None,
) -> Response:
    """Store one xAPI statement under its id (the same id again: 204 if identical, 409 if not).

    A statement that cannot become a learning record is refused with the problem that says why.
    """
    _check_version(version)
    statement = await _json_body(request)
    if not isinstance(statement, dict):
        raise xapi.InvalidStatement("PUT takes one statement object", headers=dict(VERSION_HEADERS))
    if "id" in statement and not _same_id(statement["id"], statement_id):
        raise xapi.InvalidStatement(
            "The statement's id differs from the statementId parameter", headers=dict(VERSION_HEADERS)
        )
    outcome = await xapi.intake(session, principal, [statement | {"id": str(statement_id)}])
    if outcome.rejected:
        error = outcome.rejected[0].error
        error.headers = error.headers | VERSION_HEADERS
        raise error
    return Response(status_code=204, headers=VERSION_HEADERS)


@router.get("/about", response_model=About)
async def xapi_about(response: Response) -> About:
    """The xAPI versions this resource speaks (no authentication, as LRS clients expect)."""
    response.headers[VERSION_HEADER] = XAPI_VERSION
    return About(version=[XAPI_VERSION])
