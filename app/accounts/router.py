from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from sqlalchemy import select

from app.accounts import service
from app.accounts.schemas import (
    ClientCreate,
    ClientPage,
    ClientRead,
    ClientUpdate,
    ClientWithSecret,
    UserCreate,
    UserPage,
    UserRead,
    UserRole,
    UserUpdate,
)
from app.auth.dependencies import READERS_ALL, allow
from app.auth.models import IntegrationClient, User
from app.core.concurrency import IfMatchHeader, check_if_match, etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.idempotency import IdempotencyDep
from app.core.pagination import PageDep, paginate
from app.core.security import Principal, Role

router = APIRouter(tags=["accounts"])

Admin = Annotated[Principal, Depends(allow(Role.bpsdm_admin))]
Reader = Annotated[Principal, Depends(allow(*READERS_ALL))]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ClientPk = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get(
    "/users", operation_id="users_list", response_model=UserPage, responses=problem_responses(401, 403, 422)
)
async def users_list(
    session: SessionDep,
    _: Reader,
    page: PageDep,
    role: UserRole | None = None,
    unit_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    active: bool | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> UserPage:
    """List user accounts (bpsdm_admin, auditor)."""
    rows, cursor, total = await paginate(
        session, service.list_users_query(role, unit_id, active, q), [User.id], page
    )
    return UserPage(items=[UserRead.model_validate(u) for u in rows], next_cursor=cursor, total=total)


@router.post(
    "/users",
    operation_id="users_create",
    status_code=201,
    response_model=UserRead,
    responses=problem_responses(401, 403, 409, 422),
)
async def users_create(
    body: UserCreate, session: SessionDep, principal: Admin, idem: IdempotencyDep
) -> Response:
    """Create a user account."""
    if (replay := await idem.replay()) is not None:
        return replay
    user = await service.create_user(session, principal, body)
    return await idem.respond(
        201,
        UserRead.model_validate(user),
        {"Location": f"/api/v1/users/{user.id}", "ETag": etag(user.version)},
    )


@router.get(
    "/users/{user_id}",
    operation_id="users_get",
    response_model=UserRead,
    responses=problem_responses(401, 403, 404, 422),
)
async def users_get(user_id: UserId, session: SessionDep, _: Reader, response: Response) -> UserRead:
    """Get one user account."""
    user = await service.get_user(session, user_id)
    response.headers["ETag"] = etag(user.version)
    return UserRead.model_validate(user)


@router.patch(
    "/users/{user_id}",
    operation_id="users_update",
    response_model=UserRead,
    responses=problem_responses(401, 403, 404, 412, 422, 428),
)
async def users_update(
    user_id: UserId,
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
    return UserRead.model_validate(user)


@router.get(
    "/clients",
    operation_id="clients_list",
    response_model=ClientPage,
    responses=problem_responses(401, 403, 422),
)
async def clients_list(session: SessionDep, _: Reader, page: PageDep) -> ClientPage:
    """List integration clients (bpsdm_admin, auditor); secrets are never shown again."""
    rows, cursor, total = await paginate(session, select(IntegrationClient), [IntegrationClient.id], page)
    return ClientPage(items=[service.client_read(c) for c in rows], next_cursor=cursor, total=total)


@router.post(
    "/clients",
    operation_id="clients_create",
    status_code=201,
    response_model=ClientWithSecret,
    responses=problem_responses(401, 403, 422),
)
async def clients_create(
    body: ClientCreate, session: SessionDep, principal: Admin, idem: IdempotencyDep
) -> Response:
    """Create an integration client; the response carries its secret, shown only this once."""
    if (replay := await idem.replay()) is not None:
        return replay
    client, secret = await service.create_client(session, principal, body)
    out = ClientWithSecret(**service.client_read(client).model_dump(), client_secret=secret)
    return await idem.respond(
        201,
        out,
        {
            "Location": f"/api/v1/clients/{client.id}",
            "ETag": etag(client.version),
            "Cache-Control": "no-store",
        },
    )


@router.patch(
    "/clients/{client_pk}",
    operation_id="clients_update",
    response_model=ClientRead,
    responses=problem_responses(401, 403, 404, 412, 422, 428),
)
async def clients_update(
    client_pk: ClientPk,
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
    operation_id="clients_rotate_secret",
    response_model=ClientWithSecret,
    responses=problem_responses(401, 403, 404),
)
async def clients_rotate_secret(
    client_pk: ClientPk, session: SessionDep, principal: Admin, response: Response
) -> ClientWithSecret:
    """Issue a new client secret (the old one stops working); shown only this once."""
    client = await service.get_client(session, client_pk)
    secret = await service.rotate_secret(session, principal, client)
    response.headers["Cache-Control"] = "no-store"
    return ClientWithSecret(**service.client_read(client).model_dump(), client_secret=secret)
