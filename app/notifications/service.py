"""Each user's inbox and preferences, and the delivery log for BPSDM and the auditor."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.auth.models import User
from app.core.audit import record, snapshot
from app.core.concurrency import check_if_match
from app.core.errors import NotFound
from app.core.i18n import Language, current_language, msg
from app.core.pagination import PageParams, paginate
from app.core.security import Principal
from app.core.types import utcnow
from app.notifications.models import Notification, NotificationDelivery, NotificationPreference
from app.notifications.schemas import (
    DeliveryPage,
    DeliveryRead,
    DeliveryStatus,
    NotificationPage,
    NotificationRead,
    PreferencesBody,
    PreferencesRead,
    ReadAllResult,
)

ENTITY = "notification"
PREFERENCES_ENTITY = "notification_preferences"
_PREFERENCE_FIELDS = ("in_app", "email", "email_address", "language")


class NotificationNotFound(NotFound):
    code = "notification_not_found"


def _user_id(principal: Principal) -> int:
    # The routes admit user logins only (no client scope opens them), and every user has an id.
    assert principal.user_id is not None
    return principal.user_id


def to_read(row: Notification, language: Language | None = None) -> NotificationRead:
    english = (language or current_language()) == "en"
    return NotificationRead(
        id=row.id,
        kind=row.kind,
        title=row.title_en if english else row.title_id,
        body=row.body_en if english else row.body_id,
        link=row.link,
        created_at=row.created_at,
        read_at=row.read_at,
    )


async def unread_count(session: AsyncSession, user_id: int) -> int:
    stmt = select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    return int((await session.execute(stmt)).scalar_one())


async def inbox(
    session: AsyncSession, principal: Principal, unread: bool | None, page: PageParams
) -> NotificationPage:
    user_id = _user_id(principal)
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread is not None:
        stmt = stmt.where(Notification.read_at.is_(None) if unread else Notification.read_at.is_not(None))
    rows, cursor, total = await paginate(session, stmt, [Notification.id], page, descending=True)
    return NotificationPage(
        items=[to_read(row) for row in rows],
        next_cursor=cursor,
        total=total,
        unread_count=await unread_count(session, user_id),
    )


async def mark_read(session: AsyncSession, principal: Principal, notification_id: int) -> NotificationRead:
    """Idempotent: marking a read notification again changes nothing and adds no audit row."""
    user_id = _user_id(principal)
    mine = (Notification.id == notification_id, Notification.user_id == user_id)
    changed = await session.execute(
        update(Notification).where(*mine, Notification.read_at.is_(None)).values(read_at=utcnow())
    )
    row = (
        await session.execute(select(Notification).where(*mine).execution_options(populate_existing=True))
    ).scalar_one_or_none()
    if row is None:
        raise NotificationNotFound(msg("No notification {id} in your inbox", id=notification_id))
    if _rowcount(changed):
        record(session, principal, "read", ENTITY, row.id)
    return to_read(row)


async def mark_all_read(session: AsyncSession, principal: Principal) -> ReadAllResult:
    user_id = _user_id(principal)
    changed = await session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    marked = _rowcount(changed)
    if marked:
        record(session, principal, "read_all", ENTITY, f"user/{user_id}", after={"count": marked})
    return ReadAllResult(marked=marked, unread_count=await unread_count(session, user_id))


def _rowcount(result: Any) -> int:
    return int(result.rowcount or 0)


# -- preferences --------------------------------------------------------------------------------------


async def _profile_email(session: AsyncSession, user_id: int) -> str | None:
    stmt = select(Asn.email).join(User, User.nip == Asn.nip).where(User.id == user_id)
    return (await session.execute(stmt)).scalar_one_or_none()


def _preferences_read(row: NotificationPreference | None, profile_email: str | None) -> PreferencesRead:
    if row is None:
        return PreferencesRead(
            in_app=True, email=True, email_address=None, language="id", delivery_address=profile_email
        )
    return PreferencesRead(
        in_app=row.in_app,
        email=row.email,
        email_address=row.email_address,
        language="en" if row.language == "en" else "id",
        delivery_address=row.email_address or profile_email,
    )


async def preferences(session: AsyncSession, principal: Principal) -> tuple[PreferencesRead, int]:
    """The caller's preferences and their version (0: never saved, the defaults)."""
    user_id = _user_id(principal)
    row = await session.get(NotificationPreference, user_id)
    read = _preferences_read(row, await _profile_email(session, user_id))
    return read, row.version if row is not None else 0


async def replace_preferences(
    session: AsyncSession, principal: Principal, body: PreferencesBody, if_match: str | None
) -> tuple[PreferencesRead, int]:
    user_id = _user_id(principal)
    row = await session.get(NotificationPreference, user_id, with_for_update=True)
    check_if_match(if_match, row.version if row is not None else 0)
    before = snapshot(row, _PREFERENCE_FIELDS) if row is not None else None
    if row is None:
        row = NotificationPreference(user_id=user_id)
        session.add(row)
    row.in_app, row.email = body.in_app, body.email
    row.email_address, row.language = body.email_address, body.language
    await session.flush()
    after = snapshot(row, _PREFERENCE_FIELDS)
    if after != before:
        record(
            session, principal, "update" if before else "create", PREFERENCES_ENTITY, user_id, before, after
        )
    return _preferences_read(row, await _profile_email(session, user_id)), row.version


# -- the delivery log ---------------------------------------------------------------------------------


async def deliveries(
    session: AsyncSession, status: DeliveryStatus | None, kind: str | None, page: PageParams
) -> DeliveryPage:
    stmt = select(NotificationDelivery)
    if status is not None:
        stmt = stmt.where(NotificationDelivery.status == status.value)
    if kind is not None:
        stmt = stmt.join(Notification, Notification.id == NotificationDelivery.notification_id).where(
            Notification.kind == kind
        )
    rows, cursor, total = await paginate(session, stmt, [NotificationDelivery.id], page, descending=True)
    about = {
        n_id: (user_id, username, n_kind)
        for n_id, user_id, username, n_kind in (
            await session.execute(
                select(Notification.id, Notification.user_id, User.username, Notification.kind)
                .join(User, User.id == Notification.user_id)
                .where(Notification.id.in_({row.notification_id for row in rows}))
            )
        ).all()
    }
    items = []
    for row in rows:
        user_id, username, n_kind = about[row.notification_id]
        items.append(
            DeliveryRead(
                id=row.id,
                notification_id=row.notification_id,
                user_id=user_id,
                username=username,
                kind=n_kind,
                channel=row.channel,
                address=row.address,
                status=DeliveryStatus(row.status),
                attempts=row.attempts,
                next_attempt_at=row.next_attempt_at,
                last_error=row.last_error,
                message_id=row.message_id,
                created_at=row.created_at,
                sent_at=row.sent_at,
            )
        )
    return DeliveryPage(items=items, next_cursor=cursor, total=total)
