from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import select

from app.accounts import service
from app.accounts.schemas import (
    ClientCreate,
    ClientPage,
    ClientRead,
    ClientUpdate,
    ClientWithSecret,
    PasswordReset,
    ProvisionRequest,
    ProvisionResult,
    UserCreate,
    UserPage,
    UserRead,
    UserRole,
    UserUpdate,
)
from app.auth.dependencies import READERS_ALL, allow
from app.auth.models import IntegrationClient, User
from app.core import downloads
from app.core.concurrency import IfMatchHeader, check_if_match, etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.idempotency import Created, IdempotencyDep
from app.core.pagination import PageDep, paginate
from app.core.params import IdPath, segment_except
from app.core.security import Principal, Role
from app.core.spreadsheets import XLSX_MEDIA_TYPE, Column, Row, Sheet

router = APIRouter(tags=["accounts"])
# `/users/provision` is a sibling of `/users/{user_id}`, not a user id: GET or PATCH on it is a 405.
segment_except("user_id", "provision")

Admin = Annotated[Principal, Depends(allow(Role.bpsdm_admin))]
Reader = Annotated[Principal, Depends(allow(*READERS_ALL))]
AccountReader = Annotated[Principal, Depends(allow(*READERS_ALL, Role.opd_admin))]
AccountAdmin = Annotated[Principal, Depends(allow(Role.bpsdm_admin, Role.opd_admin))]


@router.get("/users", response_model=UserPage)
async def users_list(
    session: SessionDep,
    principal: AccountReader,
    page: PageDep,
    role: UserRole | None = None,
    unit_id: Annotated[
        int | None,
        Query(ge=1, le=2**31 - 1, description="The account's unit (an ASN account's: its profile's unit)"),
    ] = None,
    active: bool | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of the username, NIP or name")] = None,
) -> UserPage:
    """List user accounts (bpsdm_admin, auditor; opd_admin: the ASN accounts of its units).

    Each carries its person's name (the ASN profile's, for ASN accounts). An OPD admin sees the ASN
    accounts whose profile is in its unit or below (an account without a profile: its own unit), the
    accounts whose password it may reset.
    """
    stmt = service.list_users_query(principal, role, unit_id, active, q)
    rows, cursor, total = await paginate(session, stmt, [User.id], page)
    return UserPage(items=[UserRead.model_validate(u) for u in rows], next_cursor=cursor, total=total)


@router.post(
    "/users",
    status_code=201,
    response_model=UserRead,
    responses=problem_responses(409),
)
async def users_create(
    body: UserCreate, session: SessionDep, principal: Admin, idem: IdempotencyDep
) -> Response:
    """Create a user account."""

    async def create() -> Created:
        user = await service.create_user(session, principal, body)
        return Created(
            await service.user_read(session, user), f"/api/v1/users/{user.id}", version=user.version
        )

    return await idem.once(create)


_ONE_TIME_SHEET = Sheet(
    "Akun ASN",
    (
        Column("NIP", width=22),
        Column("Nama", width=32),
        Column("Unit", width=32),
        Column("Nama pengguna", width=22),
        Column("Kata sandi sekali pakai", width=24),
    ),
)


@router.post(
    "/users/provision",
    response_model=ProvisionResult,
    responses={
        200: {
            "content": {XLSX_MEDIA_TYPE: {}},
            "description": "The new accounts with their one-time passwords, shown only in this answer",
        },
        **problem_responses(404, 422),
    },
)
async def users_provision(
    body: ProvisionRequest,
    request: Request,
    session: SessionDep,
    principal: AccountAdmin,
    idem: IdempotencyDep,
    format: Annotated[
        Literal["json", "xlsx"] | None,
        Query(description="xlsx: the list as a workbook (as Accept: the XLSX media type does)"),
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """Create accounts for the ASN of a unit that have none, with one-time passwords shown once.

    bpsdm_admin for any unit, opd_admin for the units it administers. Each account's username is the
    NIP; its holder must change the one-time password at the first login. At most 5,000 accounts per
    request (422 provision_too_many above). The passwords are stored only as hashes: a replay of the
    same Idempotency-Key answers the list without them (reset a password to issue a new one).
    """
    if (replay := await idem.replay()) is not None:
        return replay
    result, redacted = await service.provision_asn_accounts(session, principal, body)
    headers = {"Cache-Control": "no-store"}
    await idem.respond(200, redacted, headers)
    if format == "xlsx" or (format is None and XLSX_MEDIA_TYPE in (accept or "")):
        rows: list[Row] = [
            (i.nip, i.name, i.unit_name, i.username, i.one_time_password or "") for i in result.items
        ]
        export = downloads.Export(
            stem=f"akun-asn-unit-{result.unit_id}", sheets=(_ONE_TIME_SHEET,), detail=0, fixed={0: rows}
        )
        return await downloads.spreadsheet(request, session, export, downloads.ExportFormat.xlsx)
    return JSONResponse(jsonable_encoder(result), headers=headers)


@router.post(
    "/users/{user_id:user_id}/password-reset",
    response_model=PasswordReset,
    responses=problem_responses(404, 422),
)
async def users_password_reset(
    user_id: IdPath, session: SessionDep, principal: AccountAdmin, response: Response
) -> PasswordReset:
    """Give an account a new one-time password (ends its sessions; it must be changed at next login).

    bpsdm_admin for any account but its own; opd_admin for the ASN accounts of its units only.
    """
    user = await service.resettable_user(session, principal, user_id)
    password = await service.reset_password(session, principal, user)
    response.headers["Cache-Control"] = "no-store"
    return PasswordReset(
        user_id=user.id, username=user.username, one_time_password=password, must_change_password=True
    )


@router.get(
    "/users/{user_id:user_id}",
    response_model=UserRead,
    responses=problem_responses(404),
)
async def users_get(user_id: IdPath, session: SessionDep, _: Reader, response: Response) -> UserRead:
    """Get one user account."""
    user = await service.get_user(session, user_id)
    response.headers["ETag"] = etag(user.version)
    return await service.user_read(session, user)


@router.patch(
    "/users/{user_id:user_id}",
    response_model=UserRead,
    responses=problem_responses(404),
)
async def users_update(
    user_id: IdPath,
    body: UserUpdate,
    session: SessionDep,
    principal: Admin,
    response: Response,
    if_match: IfMatchHeader = None,
) -> UserRead:
    """Change a user's role, unit, NIP, password or deactivate it (ends its sessions)."""
    user = await service.get_user(session, user_id)
    check_if_match(if_match, user.version)
    user = await service.update_user(session, principal, user, body)
    response.headers["ETag"] = etag(user.version)
    return await service.user_read(session, user)


@router.get(
    "/clients",
    response_model=ClientPage,
)
async def clients_list(session: SessionDep, _: Reader, page: PageDep) -> ClientPage:
    """List integration clients (bpsdm_admin, auditor); secrets are never shown again."""
    rows, cursor, total = await paginate(session, select(IntegrationClient), [IntegrationClient.id], page)
    return ClientPage(items=[service.client_read(c) for c in rows], next_cursor=cursor, total=total)


@router.post(
    "/clients",
    status_code=201,
    response_model=ClientWithSecret,
)
async def clients_create(
    body: ClientCreate, session: SessionDep, principal: Admin, idem: IdempotencyDep
) -> Response:
    """Create an integration client; the response carries its secret, shown only this once."""

    async def create() -> Created:
        client, secret = await service.create_client(session, principal, body)
        out = ClientWithSecret(**service.client_read(client).model_dump(), client_secret=secret)
        location = f"/api/v1/clients/{client.id}"
        return Created(out, location, version=client.version, headers={"Cache-Control": "no-store"})

    return await idem.once(create)


@router.patch(
    "/clients/{client_pk}",
    response_model=ClientRead,
    responses=problem_responses(404),
)
async def clients_update(
    client_pk: IdPath,
    body: ClientUpdate,
    session: SessionDep,
    principal: Admin,
    response: Response,
    if_match: IfMatchHeader = None,
) -> ClientRead:
    """Rename a client, change its scopes or deactivate it."""
    client = await service.get_client(session, client_pk)
    check_if_match(if_match, client.version)
    client = await service.update_client(session, principal, client, body)
    response.headers["ETag"] = etag(client.version)
    return service.client_read(client)


@router.post(
    "/clients/{client_pk}/secret",
    response_model=ClientWithSecret,
    responses=problem_responses(404),
)
async def clients_rotate_secret(
    client_pk: IdPath, session: SessionDep, principal: Admin, response: Response
) -> ClientWithSecret:
    """Issue a new client secret (the old one stops working); shown only this once."""
    client = await service.get_client(session, client_pk)
    secret = await service.rotate_secret(session, principal, client)
    response.headers["Cache-Control"] = "no-store"
    return ClientWithSecret(**service.client_read(client).model_dump(), client_secret=secret)
