"""User accounts and integration clients, administered by BPSDM."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import anyio
from sqlalchemy import ColumnElement, Select, and_, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Bundle

from app.accounts.schemas import (
    PROVISION_CAP,
    ClientCreate,
    ClientRead,
    ClientUpdate,
    ProvisionedAccount,
    ProvisionRequest,
    ProvisionResult,
    ProvisionSkipped,
    UserCreate,
    UserRead,
    UserUpdate,
)
from app.accounts.validation import validate_user_fields
from app.asn.models import Asn
from app.auth import access
from app.auth import service as auth_service
from app.auth.models import IntegrationClient, LoginThrottle, RefreshToken, User
from app.core import audit
from app.core.errors import NotFound, Unprocessable, refuse_nulls
from app.core.i18n import msg
from app.core.locks import advisory_xact_lock
from app.core.requestid import current_request_id
from app.core.security import (
    Principal,
    Role,
    hash_one_time_password,
    hash_password,
    new_one_time_password,
    new_secret,
)
from app.core.types import utcnow
from app.org import service as org_service
from app.org.models import Unit

USER_FIELDS = ("username", "role", "unit_id", "nip", "active")


class UserNotFound(NotFound):
    code = "user_not_found"


class ClientNotFound(NotFound):
    code = "client_not_found"


def _profile_join() -> ColumnElement[bool]:
    # An ASN account's person is its ASN profile; other accounts have none (even with a NIP set).
    return and_(Asn.nip == User.nip, User.role == Role.asn.value)


def _account_unit() -> ColumnElement[int | None]:
    # As for a password reset: the profile's unit decides (it moves with a transfer), an account
    # without one its own unit.
    return func.coalesce(Asn.unit_id, User.unit_id)


def list_users_query(
    principal: Principal, role: str | None, unit_id: int | None, active: bool | None, q: str | None
) -> Select[Any]:
    """Accounts with their person's name in one query (a join, not a look-up per row). An OPD admin
    sees only the ASN accounts of its units."""
    row: Bundle[Any] = Bundle(
        "user",
        User.id,
        User.username,
        User.role,
        User.unit_id,
        User.nip,
        User.active,
        User.created_at,
        Asn.name.label("name"),
    )
    stmt = select(row).select_from(User).outerjoin(Asn, _profile_join())
    scope = org_service.unit_scope_condition(principal, _account_unit())
    if scope is not None:
        stmt = stmt.where(User.role == Role.asn.value, scope)
    if role:
        stmt = stmt.where(User.role == role)
    if unit_id is not None:
        stmt = stmt.where(_account_unit() == unit_id)
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    if q and (term := q.strip().lower()):
        stmt = stmt.where(
            or_(
                func.lower(User.username).contains(term, autoescape=True),
                User.nip.contains(term, autoescape=True),
                func.lower(Asn.name).contains(term, autoescape=True),
            )
        )
    return stmt


async def user_read(session: AsyncSession, user: User) -> UserRead:
    """One account as the API shows it, with its person's name."""
    name = None
    if user.role == Role.asn.value and user.nip is not None:
        name = (await session.execute(select(Asn.name).where(Asn.nip == user.nip))).scalar()
    return UserRead.model_validate(user).model_copy(update={"name": name})


async def get_user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise UserNotFound(msg("No user with id {user_id}", user_id=user_id))
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
    # unit_id and nip may be cleared (null); a role and the active flag always have a value.
    refuse_nulls(changes, ("role", "active"))
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
        raise ClientNotFound(msg("No integration client with id {client_id}", client_id=client_pk))
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


# -- ASN accounts in bulk, one-time passwords --------------------------------------------------------

# Accounts hashed and written per batch: the hashing runs in a worker thread, off the event loop.
PROVISION_BATCH = 250


class ProvisionTooMany(Unprocessable):
    code = "provision_too_many"


class CannotResetOwnPassword(Unprocessable):
    code = "cannot_reset_own_password"


@dataclass(frozen=True, slots=True)
class _Candidate:
    nip: str
    name: str
    unit_id: int
    unit_name: str


async def provision_asn_accounts(
    session: AsyncSession, principal: Principal, data: ProvisionRequest
) -> tuple[ProvisionResult, ProvisionResult]:
    """Creates an `asn` account (username = NIP, one-time password, must change it) for every active ASN
    of the unit (and its sub-units) that has none. Answers (the result, the same without passwords)."""
    unit = await org_service.unit_in_reach(session, principal, data.unit_id)
    # One provisioning at a time: two runs over one unit would both find the same ASN without an account.
    await advisory_xact_lock(session, "accounts:provision")
    units = (
        org_service.subtree_ids(unit.id)
        if data.include_sub_units
        else select(Unit.id).where(Unit.id == unit.id)
    )
    has_account = exists().where(or_(User.nip == Asn.nip, User.username == Asn.nip))
    stmt = (
        select(Asn.nip, Asn.name, Asn.unit_id, Unit.name, has_account)
        .join(Unit, Unit.id == Asn.unit_id)
        .where(Asn.active.is_(True), Asn.unit_id.in_(units))
        .order_by(Unit.name, Asn.name, Asn.nip)
    )
    if data.nips is not None:
        stmt = stmt.where(Asn.nip.in_(set(data.nips)))
    rows = (await session.execute(stmt)).all()
    candidates = [_Candidate(r[0], r[1], r[2], r[3]) for r in rows if not r[4]]
    if len(candidates) > PROVISION_CAP:
        raise ProvisionTooMany(
            msg(
                "{count} ASN have no account; one request creates at most {cap}. "
                "Provision the sub-units one by one (include_sub_units false) or pass `nips` in parts",
                count=len(candidates),
                cap=PROVISION_CAP,
            ),
            count=len(candidates),
            cap=PROVISION_CAP,
        )
    skipped: list[ProvisionSkipped] = []
    if data.nips is not None:
        found = {r[0]: bool(r[4]) for r in rows}
        for nip in dict.fromkeys(data.nips):
            if nip not in found:
                skipped.append(ProvisionSkipped(nip=nip, reason="not_found"))
            elif found[nip]:
                skipped.append(ProvisionSkipped(nip=nip, reason="has_account"))
    items: list[ProvisionedAccount] = []
    actor, role, request_id, now = principal.actor, principal.role.value, current_request_id(), utcnow()
    for start in range(0, len(candidates), PROVISION_BATCH):
        batch = candidates[start : start + PROVISION_BATCH]
        passwords = [new_one_time_password() for _ in batch]
        hashes = await anyio.to_thread.run_sync(_hash_all, passwords)
        users = [
            User(
                username=c.nip,
                password_hash=h,
                role=Role.asn.value,
                unit_id=c.unit_id,
                nip=c.nip,
                active=True,
                must_change_password=True,
                created_at=now,
            )
            for c, h in zip(batch, hashes, strict=True)
        ]
        session.add_all(users)
        await session.flush()
        audit.record_many(
            session,
            [
                (
                    now,
                    actor,
                    role,
                    "provision",
                    "user",
                    u.username,
                    None,
                    {
                        "username": u.username,
                        "role": u.role,
                        "unit_id": u.unit_id,
                        "nip": u.nip,
                        "active": True,
                        "must_change_password": True,
                    },
                    request_id,
                )
                for u in users
            ],
        )
        items.extend(
            ProvisionedAccount(
                user_id=u.id,
                nip=c.nip,
                name=c.name,
                unit_id=c.unit_id,
                unit_name=c.unit_name,
                username=u.username,
                one_time_password=p,
            )
            for u, c, p in zip(users, batch, passwords, strict=True)
        )
    result = ProvisionResult(
        unit_id=unit.id,
        include_sub_units=data.include_sub_units,
        created=len(items),
        items=items,
        skipped=skipped,
    )
    redacted = result.model_copy(
        update={"items": [i.model_copy(update={"one_time_password": None}) for i in items]}
    )
    return result, redacted


def _hash_all(passwords: list[str]) -> list[str]:
    return [hash_one_time_password(p) for p in passwords]


async def resettable_user(session: AsyncSession, principal: Principal, user_id: int) -> User:
    """The account whose password the caller may reset: BPSDM any other account, an OPD admin the ASN
    accounts of its units. Any other account is "not found", as it would be to a stranger."""
    user = await get_user(session, user_id)
    if principal.role is Role.bpsdm_admin:
        if user.id == principal.user_id:
            raise CannotResetOwnPassword("Change your own password with POST /api/v1/auth/password")
        return user
    if user.role != Role.asn.value:
        raise UserNotFound(msg("No user with id {user_id}", user_id=user_id))
    # The profile's unit decides (it moves with a transfer); an account without one, its own unit.
    unit_id = user.unit_id
    if user.nip is not None:
        unit_id = (await session.execute(select(Asn.unit_id).where(Asn.nip == user.nip))).scalar() or unit_id
    if unit_id is None or not await org_service.unit_in_scope(session, principal, unit_id):
        raise UserNotFound(msg("No user with id {user_id}", user_id=user_id))
    return user


async def reset_password(session: AsyncSession, principal: Principal, user: User) -> str:
    """A new one-time password for the account: it must be changed at the next login, and every
    session of the account ends now."""
    password = new_one_time_password()
    user.password_hash = await anyio.to_thread.run_sync(hash_one_time_password, password)
    user.must_change_password = True
    await auth_service.end_sessions(session, user)
    # The person asked for help; a lockout from their failed attempts would stop the new password too.
    await session.execute(delete(LoginThrottle).where(LoginThrottle.username == user.username))
    await session.flush()
    audit.record(
        session, principal, "reset_password", "user", user.username, after={"must_change_password": True}
    )
    return password
