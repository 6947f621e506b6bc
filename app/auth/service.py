"""Logins, token issuance, refresh rotation with reuse detection, and login throttling."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import access
from app.auth.models import IntegrationClient, LoginThrottle, RefreshToken, User
from app.core import audit
from app.core.config import Settings
from app.core.errors import DomainError, TooManyRequests
from app.core.i18n import msg
from app.core.security import (
    SCOPES,
    Principal,
    Role,
    TokenInvalid,
    create_access_token,
    decode_access_token,
    hash_password,
    hash_secret,
    new_secret,
    verify_password,
)
from app.core.types import utcnow

# users.username and login_throttle.username are String(100).
MAX_USERNAME = 100


class OAuthError(DomainError):
    """RFC 6749 §5.2 errors, rendered as problem+json with the OAuth2 `error` member."""

    status = 400
    code = "invalid_request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail, error=self.code, error_description=detail, **extra)


class InvalidRequest(OAuthError):
    code = "invalid_request"


class InvalidGrant(OAuthError):
    code = "invalid_grant"


class InvalidScope(OAuthError):
    code = "invalid_scope"


class UnsupportedGrantType(OAuthError):
    code = "unsupported_grant_type"


class InvalidClient(OAuthError):
    status = 401
    code = "invalid_client"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers = {"WWW-Authenticate": 'Basic realm="bangkom"'}


class LoginThrottled(TooManyRequests):
    code = "login_throttled"


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    expires_in: int
    refresh_token: str | None
    scope: str | None
    must_change_password: bool | None = None  # users only


def principal_for_user(user: User, family: str | None = None) -> Principal:
    return Principal(
        subject=user.username,
        role=Role(user.role),
        user_id=user.id,
        unit_id=user.unit_id,
        nip=user.nip,
        generation=user.token_generation,
        family=family,
        must_change_password=user.must_change_password,
    )


def principal_for_client(client: IntegrationClient, scopes: frozenset[str] | None = None) -> Principal:
    return Principal(
        subject=access.client_subject(client.client_id),
        role=Role.client,
        scopes=frozenset(client.scopes.split()) if scopes is None else scopes,
        generation=client.token_generation,
    )


class AuthService:
    def __init__(
        self,
        session: AsyncSession,
        settings: Settings,
        security_sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        self.session = session
        self.settings = settings
        # Throttle counters and family revocations must survive the failed request's rollback,
        # so they are written in their own short transactions.
        self.security_sessions = security_sessions

    async def _end_failed_request_transaction(self) -> None:
        # The request is failing anyway. Ending its transaction first releases SQLite's write lock
        # (taken by BEGIN IMMEDIATE), which the security session would otherwise wait on until
        # busy_timeout, and keeps the security write from nesting inside a transaction that rolls back.
        await self.session.rollback()

    # -- password grant -------------------------------------------------------------------------

    async def password_grant(self, username: str, password: str) -> IssuedTokens:
        name = username.strip().lower()
        if len(name) > MAX_USERNAME:  # no account can have it, and it would not fit the throttle table
            verify_password(password, None)
            raise InvalidGrant("The username or password is wrong")
        attempt = await self._count_attempt(name)
        user = (await self.session.execute(select(User).where(User.username == name))).scalar_one_or_none()
        ok = verify_password(password, user.password_hash if user else None)
        if not ok or user is None or not user.active:
            if attempt >= self.settings.login_max_failures:
                await self._end_failed_request_transaction()
                await self._lock(name)
            raise InvalidGrant("The username or password is wrong")
        await self.session.execute(delete(LoginThrottle).where(LoginThrottle.username == name))
        family = uuid.uuid4().hex
        audit.record(self.session, principal_for_user(user, family), "login", "user", user.username)
        return await self._issue_for_user(user, family_id=family)

    async def _count_attempt(self, name: str) -> int:
        """Counts this login attempt before its password is checked; 429 past the limit.

        Counting only failures let parallel guesses all pass the check before the first failure was
        written. The count is committed at once, so every worker sees it; a success clears it.
        """
        now = utcnow()
        window_open = LoginThrottle.window_start >= now - timedelta(
            seconds=self.settings.login_window_seconds
        )
        count = (
            update(LoginThrottle)
            .where(
                LoginThrottle.username == name,
                or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now),
            )
            .values(
                failures=case((window_open, LoginThrottle.failures + 1), else_=1),
                window_start=case((window_open, LoginThrottle.window_start), else_=now),
                locked_until=None,
            )
            .returning(LoginThrottle.failures)
        )
        counted: int | None = None
        async with self.security_sessions() as s, s.begin():
            while counted is None:
                counted = (await s.execute(count)).scalar_one_or_none()
                if counted is not None:
                    break
                locked_until = (
                    await s.execute(select(LoginThrottle.locked_until).where(LoginThrottle.username == name))
                ).scalar_one_or_none()
                if locked_until is not None and locked_until > now:  # the count skipped a locked row
                    raise self._throttled(locked_until, now)
                if locked_until is not None:  # unlocked by another attempt meanwhile: count again
                    continue
                try:
                    async with s.begin_nested():
                        s.add(LoginThrottle(username=name, failures=1, window_start=now))
                    counted = 1
                except IntegrityError:  # a concurrent attempt created the row first: count on it
                    pass
        if counted > self.settings.login_max_failures:
            raise self._throttled(await self._lock(name), now)
        return counted

    async def _lock(self, name: str) -> datetime:
        """Locks the username out (once per lockout: the first to lock it writes the audit row)."""
        now = utcnow()
        until = now + timedelta(seconds=self.settings.login_lockout_seconds)
        async with self.security_sessions() as s, s.begin():
            locked = await s.execute(
                update(LoginThrottle)
                .where(
                    LoginThrottle.username == name,
                    or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now),
                )
                .values(locked_until=until, failures=0, window_start=now)
            )
            if locked.rowcount == 1:  # type: ignore[attr-defined]
                audit.record(s, f"login:{name[:100]}", "login_locked", "user", name[:80])
                return until
            current = (
                await s.execute(select(LoginThrottle.locked_until).where(LoginThrottle.username == name))
            ).scalar_one_or_none()
        return current or until

    @staticmethod
    def _throttled(locked_until: datetime, now: datetime) -> LoginThrottled:
        wait = max(1, math.ceil((locked_until - now).total_seconds()))
        return LoginThrottled(
            msg("Too many failed logins for this username; try again in {wait} seconds", wait=wait),
            headers={"Retry-After": str(wait)},
        )

    # -- refresh grant --------------------------------------------------------------------------

    async def refresh_grant(self, refresh_token: str) -> IssuedTokens:
        digest = hash_secret(refresh_token)
        row = (
            await self.session.execute(select(RefreshToken).where(RefreshToken.token_hash == digest))
        ).scalar_one_or_none()
        now = utcnow()
        if row is None or row.expires_at <= now:
            raise InvalidGrant("The refresh token is unknown or expired; log in again")
        if row.used_at is not None or row.revoked_at is not None:
            await self._revoke_family(row.family_id, reason="refresh_token_reused")
            raise InvalidGrant(
                "This refresh token was already used; every session from that login is revoked"
            )
        claimed = await self.session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.id == row.id, RefreshToken.used_at.is_(None), RefreshToken.revoked_at.is_(None)
            )
            .values(used_at=now)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            await self._revoke_family(row.family_id, reason="refresh_token_reused")
            raise InvalidGrant(
                "This refresh token was already used; every session from that login is revoked"
            )
        user = await self.session.get(User, row.user_id)
        if user is None or not user.active:
            raise InvalidGrant("The account is no longer active")
        return await self._issue_for_user(user, family_id=row.family_id)

    async def _revoke_family(self, family_id: str, reason: str) -> None:
        await self._end_failed_request_transaction()
        async with self.security_sessions() as s, s.begin():
            await s.execute(
                update(RefreshToken)
                .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
            audit.record(s, "system", reason, "refresh_token_family", family_id)
        access.forget(family=family_id)

    async def revoke(self, caller: Principal, token: str, token_type_hint: str | None) -> None:
        """RFC 7009: end the login a refresh or access token belongs to.

        A token that is unknown, expired, malformed or not the caller's own is left alone without
        saying so (the answer is the same 200), so the endpoint reveals nothing about other tokens.
        """
        lookups = [self._revoke_refresh_token, self._revoke_access_token]
        if token_type_hint == "access_token":
            lookups.reverse()
        for lookup in lookups:
            if await lookup(caller, token):
                return

    async def _revoke_refresh_token(self, caller: Principal, token: str) -> bool:
        row = (
            await self.session.execute(
                select(RefreshToken).where(RefreshToken.token_hash == hash_secret(token))
            )
        ).scalar_one_or_none()
        if row is None:
            return False
        if not caller.is_client and row.user_id == caller.user_id:
            await self._end_login(caller, row.family_id)
        return True

    async def _revoke_access_token(self, caller: Principal, token: str) -> bool:
        try:
            holder, _expires_at = decode_access_token(
                self.settings, token, self.settings.effective_secret_key()
            )
        except TokenInvalid:
            return False  # malformed or expired: it grants nothing already
        if holder.subject != caller.subject or holder.is_client != caller.is_client:
            return True
        if holder.family is not None:
            await self._end_login(caller, holder.family)
        elif holder.is_client:
            client_id = holder.subject.removeprefix(access.CLIENT_PREFIX)
            # A client's tokens all come from the same grant (its credentials); RFC 7009 §2.1 lets
            # revoking one revoke those too, and there is no finer handle on a single one.
            await self.session.execute(
                update(IntegrationClient)
                .where(IntegrationClient.client_id == client_id)
                # The version too, so an administrator's concurrent change of the client (which
                # would write back the generation it read) fails with 412 instead of undoing this.
                .values(
                    token_generation=IntegrationClient.token_generation + 1,
                    version=IntegrationClient.version + 1,
                )
            )
            audit.record(self.session, caller, "revoke_tokens", "integration_client", client_id)
            access.forget_after_commit(self.session, subject=holder.subject)
        return True

    async def _end_login(self, caller: Principal, family_id: str) -> None:
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        audit.record(self.session, caller, "logout", "refresh_token_family", family_id)
        access.forget_after_commit(self.session, family=family_id)

    async def _issue_for_user(self, user: User, family_id: str) -> IssuedTokens:
        access_token, expires_in = create_access_token(self.settings, principal_for_user(user, family_id))
        refresh = new_secret()
        self.session.add(
            RefreshToken(
                token_hash=hash_secret(refresh),
                family_id=family_id,
                user_id=user.id,
                issued_at=utcnow(),
                expires_at=utcnow() + timedelta(days=self.settings.refresh_token_days),
            )
        )
        await self.session.flush()
        return IssuedTokens(access_token, expires_in, refresh, None, user.must_change_password)

    # -- change my password ---------------------------------------------------------------------

    async def change_password(self, caller: Principal, current: str, new: str) -> IssuedTokens:
        """Sets the caller's own password and ends every login of the account, this one included;
        answers with the tokens of a new login, so the SPA carries on without asking again."""
        # Counted like a login: a stolen access token must not become a way to guess the password.
        # Counted before this request's transaction reads anything, as a login is: the count commits
        # in a transaction of its own, which must not wait on (or share) the request's.
        attempt = await self._count_attempt(caller.subject)
        user = None if caller.user_id is None else await self.session.get(User, caller.user_id)
        if user is None or not user.active or user.username != caller.subject:
            raise InvalidGrant("The account is no longer active")
        if not verify_password(current, user.password_hash):
            if attempt >= self.settings.login_max_failures:
                await self._end_failed_request_transaction()  # expires `user`: lock by the token's name
                await self._lock(caller.subject)
            raise CurrentPasswordWrong("The current password is wrong")
        check_password_policy(new, user)
        if verify_password(new, user.password_hash):
            raise PasswordUnchanged("The new password must differ from the current one")
        await self.session.execute(delete(LoginThrottle).where(LoginThrottle.username == user.username))
        user.password_hash = hash_password(new)
        was_forced = user.must_change_password
        user.must_change_password = False
        await end_sessions(self.session, user)
        await self.session.flush()
        audit.record(
            self.session,
            caller,
            "change_password",
            "user",
            user.username,
            after={"must_change_password": False, "was_one_time": was_forced},
        )
        family = uuid.uuid4().hex
        return await self._issue_for_user(user, family_id=family)

    # -- client credentials ---------------------------------------------------------------------

    async def client_credentials_grant(
        self, client_id: str, client_secret: str, scope: str | None
    ) -> IssuedTokens:
        client = await self.authenticate_client(client_id, client_secret)
        granted = frozenset(client.scopes.split())
        requested = frozenset(scope.split()) if scope and scope.strip() else granted
        if not requested <= granted:
            raise InvalidScope(
                msg("This client may not request: {scopes}", scopes=" ".join(sorted(requested - granted)))
            )
        token, expires_in = create_access_token(self.settings, principal_for_client(client, requested))
        return IssuedTokens(token, expires_in, None, " ".join(sorted(requested)))

    async def authenticate_client(self, client_id: str, client_secret: str) -> IntegrationClient:
        client = (
            await self.session.execute(
                select(IntegrationClient).where(IntegrationClient.client_id == client_id)
            )
        ).scalar_one_or_none()
        ok = verify_password(client_secret, client.secret_hash if client else None)
        if client is None or not ok or not client.active:
            raise InvalidClient("Client authentication failed")
        return client


# -- passwords -----------------------------------------------------------------------------------

MIN_OWN_PASSWORD_LENGTH = 10


class CurrentPasswordWrong(DomainError):
    status = 422
    code = "current_password_wrong"


class PasswordTooShort(DomainError):
    status = 422
    code = "password_too_short"


class PasswordIsUsername(DomainError):
    status = 422
    code = "password_is_username"


class PasswordUnchanged(DomainError):
    status = 422
    code = "password_unchanged"


def check_password_policy(password: str, user: User) -> None:
    """What a password a user chooses must satisfy (one-time passwords are generated instead)."""
    if len(password) < MIN_OWN_PASSWORD_LENGTH:
        raise PasswordTooShort(
            msg("The new password must have at least {length} characters", length=MIN_OWN_PASSWORD_LENGTH)
        )
    lowered = password.lower()
    if any(name and name.lower() in lowered for name in (user.username, user.nip)):
        raise PasswordIsUsername("The new password must not contain the username or the NIP")


async def end_sessions(session: AsyncSession, user: User) -> None:
    """Ends every login of the user: refresh tokens revoked, access tokens outdated by the generation."""
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    user.token_generation += 1
    access.forget_after_commit(session, subject=user.username)


# -- administration (CLI and admin API) ----------------------------------------------------------


class UsernameTaken(DomainError):
    status = 409
    code = "username_taken"


class InvalidScopes(DomainError):
    status = 422
    code = "invalid_scopes"


async def create_user(
    session: AsyncSession,
    actor: Principal | str,
    *,
    username: str,
    password: str,
    role: Role,
    unit_id: int | None = None,
    nip: str | None = None,
) -> User:
    name = username.strip().lower()
    if (await session.execute(select(User.id).where(User.username == name))).first() is not None:
        raise UsernameTaken(msg("The username {name} is taken", name=name))
    user = User(
        username=name,
        password_hash=hash_password(password),
        role=role.value,
        unit_id=unit_id,
        nip=nip,
        active=True,
    )
    session.add(user)
    await session.flush()
    audit.record(
        session,
        actor,
        "create",
        "user",
        user.username,
        after={"username": name, "role": role.value, "unit_id": unit_id, "nip": nip, "active": True},
    )
    return user


async def create_client(
    session: AsyncSession, actor: Principal | str, *, name: str, scopes: list[str]
) -> tuple[IntegrationClient, str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InvalidScopes(
            msg(
                "Unknown or missing scopes: {unknown}; allowed: {allowed}",
                unknown=" ".join(unknown) or msg("(none)"),
                allowed=" ".join(SCOPES),
            )
        )
    secret = new_secret()
    client = IntegrationClient(
        client_id=f"bk_{new_secret(9)}",
        secret_hash=hash_password(secret),
        name=name,
        scopes=" ".join(sorted(set(scopes))),
        active=True,
    )
    session.add(client)
    await session.flush()
    audit.record(
        session,
        actor,
        "create",
        "integration_client",
        client.client_id,
        after={"name": name, "scopes": client.scopes},
    )
    return client, secret
