"""User accounts and integration clients, administered by BPSDM."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.schemas import ClientCreate, ClientRead, ClientUpdate, UserCreate, UserUpdate
from app.accounts.validation import validate_user_fields
from app.auth import access
from app.auth import service as auth_service
from app.auth.models import IntegrationClient, RefreshToken, User
from app.core import audit
from app.core.errors import NotFound
from app.core.security import Principal, Role, hash_password, new_secret
from app.core.types import utcnow

USER_FIELDS = ("username", "role", "unit_id", "nip", "active")


class UserNotFound(NotFound):
    code = "user_not_found"


class ClientNotFound(NotFound):
    code = "client_not_found"


def list_users_query(
    role: str | None, unit_id: int | None, active: bool | None, q: str | None
) -> Select[User]:
    stmt = select(User)
    if role:
        stmt = stmt.where(User.role == role)
    if unit_id is not None:
        stmt = stmt.where(User.unit_id == unit_id)
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    if q:
        stmt = stmt.where(func.lower(User.username).contains(q.strip().lower(), autoescape=True))
    return stmt


async def get_user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise UserNotFound(f"No user with id {user_id}")
    return user


async def create_user(session: AsyncSession, principal: Principal, data: UserCreate) -> User:
    role = Role(data.role)
    await validate_user_fields(session, role, data.unit_id, data.nip, data.password)
    return await auth_service.create_user(
        session,
        principal,
        username=data.username,
        password=data.password,
        role=role,
        unit_id=data.unit_id,
        nip=data.nip,
    )


async def _end_sessions(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


async def update_user(session: AsyncSession, principal: Principal, user: User, data: UserUpdate) -> User:
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    password = changes.pop("password", None)
    role = Role(changes.get("role", user.role))
    unit_id = changes.get("unit_id", user.unit_id)
    nip = changes.get("nip", user.nip)
    await validate_user_fields(session, role, unit_id, nip, password or "x" * 8)
    before = audit.snapshot(user, USER_FIELDS)
    for field, value in changes.items():
        setattr(user, field, value)
    if password is not None:
        user.password_hash = hash_password(password)
    rights = ("role", "unit_id", "nip")
    if password is not None or changes.get("active") is False or any(f in changes for f in rights):
        # New rights or a new password: tokens issued before no longer work, access tokens included
        # (their claims carry the old role, unit and NIP).
        await _end_sessions(session, user.id)
        user.token_generation += 1
        access.forget_after_commit(session, subject=user.username)
    await session.flush()
    after = audit.snapshot(user, USER_FIELDS) | ({"password_changed": True} if password is not None else {})
    audit.record(session, principal, "update", "user", user.username, before=before, after=after)
    return user


def client_read(client: IntegrationClient) -> ClientRead:
    return ClientRead(
        id=client.id,
        client_id=client.client_id,
        name=client.name,
        scopes=client.scopes.split(),
        active=client.active,
        created_at=client.created_at,
    )


async def get_client(session: AsyncSession, client_pk: int) -> IntegrationClient:
    client = await session.get(IntegrationClient, client_pk)
    if client is None:
        raise ClientNotFound(f"No integration client with id {client_pk}")
    return client


async def create_client(
    session: AsyncSession, principal: Principal, data: ClientCreate
) -> tuple[IntegrationClient, str]:
    return await auth_service.create_client(session, principal, name=data.name, scopes=list(data.scopes))


async def update_client(
    session: AsyncSession, principal: Principal, client: IntegrationClient, data: ClientUpdate
) -> IntegrationClient:
    changes = data.model_dump(exclude_unset=True)
    before = {"name": client.name, "scopes": client.scopes, "active": client.active}
    if changes.get("name") is not None:
        client.name = changes["name"]
    if changes.get("scopes") is not None:
        client.scopes = " ".join(sorted(set(changes["scopes"])))
    if changes.get("active") is not None:
        client.active = changes["active"]
    if client.scopes != before["scopes"] or (before["active"] and not client.active):
        # Its access tokens carry the old scopes, or it may no longer call at all.
        _end_client_tokens(session, client)
    await session.flush()
    after = {"name": client.name, "scopes": client.scopes, "active": client.active}
    audit.record(
        session, principal, "update", "integration_client", client.client_id, before=before, after=after
    )
    return client


def _end_client_tokens(session: AsyncSession, client: IntegrationClient) -> None:
    client.token_generation += 1
    access.forget_after_commit(session, subject=access.client_subject(client.client_id))


async def rotate_secret(session: AsyncSession, principal: Principal, client: IntegrationClient) -> str:
    secret = new_secret()
    client.secret_hash = hash_password(secret)
    # A secret is rotated when it may have leaked: tokens obtained with it end too.
    _end_client_tokens(session, client)
    await session.flush()
    audit.record(session, principal, "rotate_secret", "integration_client", client.client_id)
    return secret
