"""Whether a signed access token still grants access: its subject is active at the token's
generation and its login (refresh-token family) has not been revoked.

A JWT stays valid until it expires, so these facts live in the database: `token_generation` on
users and integration clients (raised when an account is deactivated or its rights change) and
`revoked_at` on the login's refresh tokens. Each worker keeps what it last read per subject and login
for `access_recheck_seconds`, so a busy token costs one dict lookup per request and one small query
per few seconds; the worker that makes a change forgets the subject at once, the others within that
time.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from typing import Any

from sqlalchemy import Select, bindparam, case, event, exists, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import IntegrationClient, RefreshToken, User
from app.core.fastread import FastReader
from app.core.security import Principal, Role

# Stored instead of a generation: a deactivated account or a revoked login, which no token survives;
# and no account row at all, where nothing has been revoked.
ENDED = -1
UNRECORDED = -2
CLIENT_PREFIX = "client:"

# (subject, login family). Users' real tokens always name their family and clients' never do, so a
# client and a user of the same subject string (possible only through the CLI) never share a key.
Key = tuple[str, str | None]


def _user_state() -> Select[Any]:
    return select(case((User.active, User.token_generation), else_=literal(ENDED)).label("generation")).where(
        User.username == bindparam("subject")
    )


def _user_login_state() -> Select[Any]:
    generation = _user_state().scalar_subquery().label("generation")
    revoked = exists().where(
        RefreshToken.family_id == bindparam("family"), RefreshToken.revoked_at.is_not(None)
    )
    return select(generation, revoked.label("revoked"))


def _client_state() -> Select[Any]:
    return select(
        case((IntegrationClient.active, IntegrationClient.token_generation), else_=literal(ENDED)).label(
            "generation"
        )
    ).where(IntegrationClient.client_id == bindparam("subject"))


class AccessState:
    """What this worker last read about each token subject and login, trusted for `ttl` seconds:
    the subject's current generation, ENDED or UNRECORDED."""

    def __init__(self, ttl: float, max_entries: int = 50_000) -> None:
        self.ttl = ttl
        self._items: dict[Key, tuple[int, float]] = {}
        self._max = max_entries
        self._loading: dict[Key, asyncio.Future[int]] = {}
        # Bumped by forget(): a read that started before a change must not store what it saw.
        self._epoch = 0
        _every_state.add(self)

    def verdict(self, principal: Principal, now: float) -> bool | None:
        """Whether the token still grants access, from a fresh entry; None when it must be read."""
        item = self._items.get((principal.subject, principal.family))
        if item is None or item[1] <= now:
            return None
        return item[0] == UNRECORDED or (item[0] >= 0 and item[0] == principal.generation)

    async def read_verdict(self, reader: FastReader, principal: Principal) -> bool:
        """verdict() from the database; concurrent requests for one subject share one read."""
        key: Key = (principal.subject, principal.family)
        pending = self._loading.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._read(reader, key, principal.role is Role.client))
            self._loading[key] = pending
            pending.add_done_callback(lambda done: self._loaded(key, done))
        # Shielded: one caller giving up (a client disconnecting) must not cancel the others' read.
        generation = await asyncio.shield(pending)
        return generation == UNRECORDED or (generation >= 0 and generation == principal.generation)

    async def _read(self, reader: FastReader, key: Key, is_client: bool) -> int:
        subject, family = key
        epoch = self._epoch
        if is_client:
            row = await reader.fetch_one(
                "auth.client_state", _client_state, {"subject": subject.removeprefix(CLIENT_PREFIX)}
            )
        elif family is None:
            row = await reader.fetch_one("auth.user_state", _user_state, {"subject": subject})
        else:
            row = await reader.fetch_one(
                "auth.user_login_state", _user_login_state, {"subject": subject, "family": family}
            )
        generation: int | None = None if row is None else row["generation"]
        if generation is None:  # no account row (the scalar subquery of a login read gives NULL)
            generation = UNRECORDED
        if row is not None and row.get("revoked"):
            generation = ENDED
        if epoch == self._epoch:
            if len(self._items) >= self._max and key not in self._items:
                self._items.pop(next(iter(self._items)))  # the oldest entry
            self._items.pop(key, None)  # re-inserted last, so the oldest stays first
            self._items[key] = (generation, time.time() + self.ttl)
        return generation

    def _loaded(self, key: Key, done: asyncio.Future[int]) -> None:
        if self._loading.get(key) is done:
            del self._loading[key]
        if not done.cancelled():
            done.exception()  # retrieved here, so a failure nobody awaited is not logged as lost

    def forget(self, *, subject: str | None = None, family: str | None = None) -> None:
        self._epoch += 1
        for keys in (self._items, self._loading):
            for key in [k for k in keys if k[0] == subject or (family is not None and k[1] == family)]:
                del keys[key]


# Every AccessState of this process (one per app), so a change forgets the subject in each.
_every_state: weakref.WeakSet[AccessState] = weakref.WeakSet()


def forget(*, subject: str | None = None, family: str | None = None) -> None:
    """Drop what this process knows about a subject or a login, after a change was committed."""
    for state in list(_every_state):
        state.forget(subject=subject, family=family)


def forget_after_commit(
    session: AsyncSession, *, subject: str | None = None, family: str | None = None
) -> None:
    """forget() once the session's transaction commits.

    Forgetting before the commit would let a request in between read the old state again and keep it
    for another `ttl` seconds.
    """

    def committed(_session: Any) -> None:
        forget(subject=subject, family=family)

    event.listen(session.sync_session, "after_commit", committed, once=True)


def client_subject(client_id: str) -> str:
    return f"{CLIENT_PREFIX}{client_id}"
