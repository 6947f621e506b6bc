"""The outbox: messages queued in the transaction of whatever caused them, so they exist exactly when
that change committed. A rollback leaves nothing queued; a commit leaves the inbox rows and the email
deliveries for the sender (app/notifications/sender.py) to pick up.

Queueing is not audited here: the write that caused the message (a campaign run, a decision) is.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    bindparam,
    cast,
    func,
    insert,
    literal,
    select,
    text,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.auth.models import User
from app.core.db import CHUNK_SIZE, chunked, is_postgres
from app.core.i18n import Language
from app.core.security import Role
from app.core.types import UTCDateTime, utcnow
from app.notifications.models import (
    EMAIL,
    QUEUED,
    Notification,
    NotificationDelivery,
    NotificationPreference,
)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message for one user, in both languages."""

    user_id: int
    kind: str  # what it is about, e.g. a campaign's code ("asn_below_jp_target") or "year_closing"
    dedup_key: str  # unique per user: the same (user_id, dedup_key) is never queued twice
    title_id: str
    body_id: str
    title_en: str
    body_en: str
    link: str | None  # a path of the SPA, e.g. "/asn/jp"
    email: bool  # whether the sender wants it emailed too (the user's preferences still decide)


async def asn_accounts(session: AsyncSession, nip: str) -> list[int]:
    """The active ASN accounts of a person (normally one): whom a message about their own data reaches."""
    stmt = select(User.id).where(User.nip == nip, User.role == Role.asn.value, User.active.is_(true()))
    return list((await session.execute(stmt)).scalars())


async def tell_asn(
    session: AsyncSession,
    nip: str,
    *,
    kind: str,
    dedup_key: str,
    texts: Callable[[Language], tuple[str, str]],
    link: str | None,
    email: bool,
) -> int:
    """Queue a message about a person's own data (a decided claim, plan or nomination) for their active
    ASN accounts; `texts(language)` gives its title and body. Nothing when they have no account."""
    users = await asn_accounts(session, nip)
    if not users:
        return 0
    (title_id, body_id), (title_en, body_en) = texts("id"), texts("en")
    return await queue_many(
        session,
        [
            Outgoing(user_id, kind, dedup_key, title_id, body_id, title_en, body_en, link, email)
            for user_id in users
        ],
    )


async def queue(session: AsyncSession, item: Outgoing) -> bool:
    """Queue one message in the caller's transaction; False when the user already has its dedup_key."""
    return await queue_many(session, [item]) == 1


async def queue_many(session: AsyncSession, items: Sequence[Outgoing]) -> int:
    """Queue messages in the caller's transaction and return how many were new.

    Each becomes an inbox row (already read for a user who turned in-app notifications off) and, where
    `email` is asked for, the user's preferences allow it, the account is active and has an address
    (the preference's, else the ASN profile's), an email delivery. A (user_id, dedup_key) already
    stored, or given twice, is skipped. Set-based: a few statements per 5,000 messages.
    """
    first: dict[tuple[int, str], Outgoing] = {}
    for item in items:
        first.setdefault((item.user_id, item.dedup_key), _fitted(item))
    unique = list(first.values())
    if not unique:
        return 0
    # What the caller added but did not flush yet (a new account) must exist for the foreign keys.
    await session.flush()
    now = utcnow()
    wanted = {(item.user_id, item.dedup_key) for item in unique if item.email}
    new = 0
    for batch in chunked(unique, CHUNK_SIZE):
        if is_postgres(session):
            stored = await _insert_postgres(session, batch, now)
        else:
            stored = await _insert_sqlite(session, batch, now)
        new += len(stored)
        emailed = [row_id for row_id, user_id, key in stored if (user_id, key) in wanted]
        if emailed:
            await session.execute(_deliveries(session, emailed, now))
    return new


_TITLE_MAX = 300


def _fitted(item: Outgoing) -> Outgoing:
    """A title filled from a long template is cut to what the column holds, not refused."""
    if len(item.title_id) <= _TITLE_MAX and len(item.title_en) <= _TITLE_MAX:
        return item
    return replace(item, title_id=_cut(item.title_id), title_en=_cut(item.title_en))


def _cut(title: str) -> str:
    return title if len(title) <= _TITLE_MAX else title[: _TITLE_MAX - 1] + "…"


def last_notified(kind: str) -> Select[int, datetime]:
    """(user_id, last_at): when each user last got a message of `kind`, for a minimum interval."""
    return (
        select(Notification.user_id, func.max(Notification.created_at).label("last_at"))
        .where(Notification.kind == kind)
        .group_by(Notification.user_id)
    )


_COLUMNS = ("user_id", "kind", "dedup_key", "title_id", "body_id", "title_en", "body_en", "link")
_INSERT_POSTGRES = text(
    "INSERT INTO notifications "
    "(user_id, kind, dedup_key, title_id, body_id, title_en, body_en, link, created_at, read_at) "
    "SELECT t.user_id, t.kind, t.dedup_key, t.title_id, t.body_id, t.title_en, t.body_en, t.link, "
    "CAST(:now AS timestamptz), CASE WHEN p.in_app IS FALSE THEN CAST(:now AS timestamptz) END "
    "FROM unnest(CAST(:user_id AS integer[]), CAST(:kind AS text[]), CAST(:dedup_key AS text[]), "
    "CAST(:title_id AS text[]), CAST(:body_id AS text[]), CAST(:title_en AS text[]), "
    "CAST(:body_en AS text[]), CAST(:link AS text[])) WITH ORDINALITY "
    f"AS t({', '.join(_COLUMNS)}, position) "
    "LEFT JOIN notification_preferences p ON p.user_id = t.user_id "
    # Ids in the order given, as SQLite assigns them.
    "ORDER BY t.position "
    "ON CONFLICT (user_id, dedup_key) DO NOTHING "
    "RETURNING id, user_id, dedup_key"
).bindparams(bindparam("now", type_=UTCDateTime()))


async def _insert_postgres(
    session: AsyncSession, items: list[Outgoing], now: datetime
) -> list[tuple[int, int, str]]:
    params: dict[str, Any] = {name: [getattr(item, name) for item in items] for name in _COLUMNS}
    rows = await session.execute(_INSERT_POSTGRES, params | {"now": now})
    return [(row[0], row[1], row[2]) for row in rows]


_INSERT_SQLITE = text(
    f"INSERT OR IGNORE INTO notifications ({', '.join(_COLUMNS)}, created_at, read_at) "
    f"VALUES ({', '.join(':' + c for c in _COLUMNS)}, :created_at, :read_at)"
).bindparams(bindparam("created_at", type_=UTCDateTime()), bindparam("read_at", type_=UTCDateTime()))


async def _insert_sqlite(
    session: AsyncSession, items: list[Outgoing], now: datetime
) -> list[tuple[int, int, str]]:
    users = {item.user_id for item in items}
    quiet = set(
        (
            await session.execute(
                select(NotificationPreference.user_id).where(
                    NotificationPreference.user_id.in_(users), NotificationPreference.in_app.is_(False)
                )
            )
        ).scalars()
    )
    # SQLite has one writer at a time and gives a new row an id above every existing one, so the rows
    # above the highest id before the insert are exactly those this insert added.
    before = (await session.execute(select(func.max(Notification.id)))).scalar_one() or 0
    values = [
        {name: getattr(item, name) for name in _COLUMNS}
        | {"created_at": now, "read_at": now if item.user_id in quiet else None}
        for item in items
    ]
    await session.execute(_INSERT_SQLITE, values)
    rows = await session.execute(
        select(Notification.id, Notification.user_id, Notification.dedup_key)
        .where(Notification.id > before)
        .order_by(Notification.id)
    )
    return [(row[0], row[1], row[2]) for row in rows]


@cache
def _message_domain() -> str:
    # The right-hand side of each Message-ID (RFC 5322 §3.6.4), as Python's email.utils does: this host.
    name = re.sub(r"[^A-Za-z0-9.-]", "", socket.gethostname()).strip(".-")
    return name or "bangkom"


def _message_id(session: AsyncSession) -> ColumnElement[str]:
    """A random Message-ID made in SQL, one per delivery row."""
    if is_postgres(session):
        unique: ColumnElement[str] = func.replace(cast(func.gen_random_uuid(), String), "-", "")
    else:
        unique = func.lower(func.hex(func.randomblob(16)))
    return literal("<") + unique + literal(f"@{_message_domain()}>")


def _deliveries(session: AsyncSession, notification_ids: list[int], now: datetime) -> Any:
    """INSERT … SELECT: an email delivery for each of the notifications whose user takes email and has
    an address (the preference's, else the ASN profile's), active accounts only."""
    n, u, p, a = Notification, User, NotificationPreference, Asn
    address = func.coalesce(func.nullif(p.email_address, ""), func.nullif(a.email, ""))
    rows = (
        select(
            n.id,
            literal(EMAIL),
            address,
            literal(QUEUED),
            literal(0),
            literal(now, UTCDateTime()),
            _message_id(session),
            literal(now, UTCDateTime()),
        )
        .select_from(n)
        .join(u, u.id == n.user_id)
        .outerjoin(p, p.user_id == n.user_id)
        .outerjoin(a, a.nip == u.nip)
        .where(n.id.in_(notification_ids), u.active, func.coalesce(p.email, true()), address.is_not(None))
    )
    d = NotificationDelivery
    return insert(d).from_select(
        [
            d.notification_id,
            d.channel,
            d.address,
            d.status,
            d.attempts,
            d.next_attempt_at,
            d.message_id,
            d.created_at,
        ],
        rows,
    )
