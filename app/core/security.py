"""Password hashing, JWT access tokens and the authenticated principal."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from jose import JWTError, jwt

from app.core.config import Settings

# Pinned: tokens signed with anything else (including "none" or RS*/ES*) are rejected.
JWT_ALGORITHM = "HS256"
# A bearer token larger than this is refused before any parsing.
MAX_TOKEN_LENGTH = 4096

_hasher = PasswordHasher()
# One-time passwords are random (ONE_TIME_PASSWORD_LENGTH characters of a 48-letter alphabet, about
# 78 bits), so a brute force fails without Argon2's full cost; the lighter parameters let one request
# provision thousands of accounts. verify_password reads the parameters from each hash.
_one_time_hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
# No 0/O, 1/I/l, 5/S, 2/Z, 8/B: the list is read off paper and typed by hand.
ONE_TIME_ALPHABET = "ACDEFGHJKMNPQRTUVWXYabcdefghjkmnpqrstuvwxyz34679"
ONE_TIME_PASSWORD_LENGTH = 14
# Verifying against a dummy hash when the user does not exist keeps timing uniform.
_DUMMY_HASH = _hasher.hash("bangkom-dummy-password")


class Role(StrEnum):
    asn = "asn"
    opd_admin = "opd_admin"
    bpsdm_admin = "bpsdm_admin"
    auditor = "auditor"
    client = "client"


USER_ROLES = (Role.asn, Role.opd_admin, Role.bpsdm_admin, Role.auditor)

SCOPES = (
    "asn:read",
    "asn:write",
    "learning:read",
    "learning:write",
    "budget:read",
    "budget:write",
    "reference:read",
    "talent:read",
    "talent:write",
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def new_one_time_password() -> str:
    """A random password to hand out once; its holder must change it at first login."""
    raw = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_PASSWORD_LENGTH))
    return f"{raw[:7]}-{raw[7:]}"  # two halves, easier to read aloud and to type


def hash_one_time_password(password: str) -> str:
    return _one_time_hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def hash_secret(value: str) -> str:
    """Fast hash for high-entropy random secrets (refresh tokens), where Argon2 adds nothing."""
    return hashlib.sha256(value.encode()).hexdigest()


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a user (with a role) or an integration client (with scopes)."""

    subject: str
    role: Role
    user_id: int | None = None
    unit_id: int | None = None
    nip: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    # The subject's token generation when the token was issued; raising it ends every earlier token.
    generation: int = 0
    # The login (refresh-token family) a user's token was issued for; revoking it ends the token.
    family: str | None = None
    # The user logged in with a one-time password: only changing it is allowed (auth dependency).
    # Every change of the flag raises the generation, so a token's copy is never stale.
    must_change_password: bool = False

    @property
    def is_client(self) -> bool:
        return self.role is Role.client

    @property
    def actor(self) -> str:
        return self.subject


class TokenInvalid(Exception):
    pass


def create_access_token(settings: Settings, principal: Principal) -> tuple[str, int]:
    now = datetime.now(UTC)
    ttl = timedelta(minutes=settings.access_token_minutes)
    claims: dict[str, Any] = {
        "sub": principal.subject,
        "role": principal.role.value,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "jti": uuid.uuid4().hex,
        "gen": principal.generation,
    }
    if principal.family is not None:
        claims["fam"] = principal.family
    if principal.user_id is not None:
        claims["uid"] = principal.user_id
    if principal.unit_id is not None:
        claims["unit_id"] = principal.unit_id
    if principal.nip is not None:
        claims["nip"] = principal.nip
    if principal.must_change_password:
        claims["mcp"] = True
    if principal.scopes:
        claims["scope"] = " ".join(sorted(principal.scopes))
    token = jwt.encode(claims, settings.effective_secret_key(), algorithm=JWT_ALGORITHM)
    return token, int(ttl.total_seconds())


def decode_access_token(settings: Settings, token: str, secret_key: str) -> tuple[Principal, float]:
    """The token's principal and its expiry (epoch seconds); TokenInvalid for anything wrong."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenInvalid("token too large")
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != JWT_ALGORITHM:
            raise TokenInvalid("unexpected algorithm")
        claims = jwt.decode(
            token,
            secret_key,
            algorithms=[JWT_ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            # python-jose skips the audience check when the claim is absent, so require it.
            options={
                "require_aud": True,
                "require_exp": True,
                "require_iat": True,
                "require_sub": True,
                "require_jti": True,
            },
        )
        role = Role(claims["role"])
    except (JWTError, KeyError, ValueError, TypeError) as exc:
        raise TokenInvalid(str(exc)) from exc
    unit_id = claims.get("unit_id")
    user_id = claims.get("uid")
    generation = claims.get("gen")
    family = claims.get("fam")
    if (
        (unit_id is not None and not isinstance(unit_id, int))
        or (user_id is not None and not isinstance(user_id, int))
        or (family is not None and not isinstance(family, str))
    ):
        raise TokenInvalid("malformed claims")
    # A token from before generations existed cannot be checked against a deactivation or a logout;
    # refusing it costs its holder one refresh (or login), once.
    if not isinstance(generation, int) or isinstance(generation, bool):
        raise TokenInvalid("no token generation")
    scope = claims.get("scope", "")
    exp = claims["exp"]
    if not isinstance(exp, int | float):
        raise TokenInvalid("malformed claims")
    return Principal(
        subject=str(claims["sub"]),
        role=role,
        user_id=user_id,
        unit_id=unit_id,
        nip=claims.get("nip"),
        scopes=frozenset(scope.split()) if isinstance(scope, str) else frozenset(),
        generation=generation,
        family=family,
        must_change_password=claims.get("mcp") is True,
    ), float(exp)


class VerifiedTokens:
    """Access tokens already verified by this worker, until they expire.

    Verifying a JWT costs more than the rest of a cached profile read; a token string that verified
    once is the same token on the next request, so only its expiry needs checking again.
    """

    def __init__(self, max_entries: int = 20_000) -> None:
        self._items: dict[str, tuple[Principal, float]] = {}
        self._max = max_entries

    def get(self, token: str, now: float | None = None) -> Principal | None:
        item = self._items.get(token)
        if item is None:
            return None
        if item[1] <= (time.time() if now is None else now):
            self._items.pop(token, None)
            return None
        return item[0]

    def put(self, token: str, principal: Principal, expires_at: float) -> None:
        if len(self._items) >= self._max:
            self._items.pop(next(iter(self._items)))  # the oldest entry
        self._items[token] = (principal, expires_at)
