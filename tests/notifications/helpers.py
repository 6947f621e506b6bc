"""Messages to queue in the tests, and what the outbox stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.notifications.models import Notification, NotificationDelivery
from app.notifications.outbox import Outgoing


def outgoing(
    user: User, key: str = "k1", *, email: bool = True, kind: str = "test_kind", **changes: Any
) -> Outgoing:
    fields: dict[str, Any] = {
        "user_id": user.id,
        "kind": kind,
        "dedup_key": key,
        "title_id": f"Pengingat {key}",
        "body_id": f"Isi pengingat {key}.",
        "title_en": f"Reminder {key}",
        "body_en": f"Reminder text {key}.",
        "link": "/asn/jp",
        "email": email,
    }
    return Outgoing(**(fields | changes))


async def stored(session: AsyncSession, user: User | None = None) -> list[Notification]:
    stmt = select(Notification).order_by(Notification.id).execution_options(populate_existing=True)
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    return list((await session.execute(stmt)).scalars())


async def deliveries(session: AsyncSession) -> list[NotificationDelivery]:
    stmt = (
        select(NotificationDelivery)
        .order_by(NotificationDelivery.id)
        .execution_options(populate_existing=True)
    )
    return list((await session.execute(stmt)).scalars())
