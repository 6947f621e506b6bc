"""Notifications over HTTP: every user's own inbox and preferences; the delivery log for BPSDM and
the auditor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from app.auth.dependencies import ANY_USER, READERS_ALL, allow
from app.core.concurrency import IfMatchHeader, etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import PageDep
from app.core.security import Principal
from app.notifications import service
from app.notifications.schemas import (
    DeliveryPage,
    DeliveryStatus,
    NotificationPage,
    NotificationRead,
    PreferencesBody,
    PreferencesRead,
    ReadAllResult,
)

router = APIRouter(tags=["notifications"])

# Every role reads its own; no client scope opens an inbox (a client is nobody's reader).
Reader = Annotated[Principal, Depends(allow(*ANY_USER))]
LogReader = Annotated[Principal, Depends(allow(*READERS_ALL))]
NotificationId = Annotated[int, Path(ge=1, le=2**63 - 1, description="A notification of the caller's")]


@router.get("/me/notifications", response_model=NotificationPage)
async def me_notifications_list(
    session: SessionDep,
    principal: Reader,
    page: PageDep,
    unread: Annotated[
        bool | None, Query(description="true: only unread; false: only read; omitted: all")
    ] = None,
) -> NotificationPage:
    """My notifications, newest first, in my language, with the unread count.

    `title` and `body` follow Accept-Language (Indonesian unless `en` is asked for). `unread_count`
    counts every unread notification of the caller whatever the filter, for the header's badge.
    """
    return await service.inbox(session, principal, unread, page)


@router.post(
    "/me/notifications/read-all",
    response_model=ReadAllResult,
)
async def me_notifications_read_all(session: SessionDep, principal: Reader) -> ReadAllResult:
    """Mark all my notifications read."""
    return await service.mark_all_read(session, principal)


@router.post(
    "/me/notifications/{notification_id}/read",
    response_model=NotificationRead,
    responses=problem_responses(404),
)
async def me_notifications_read(
    notification_id: NotificationId, session: SessionDep, principal: Reader
) -> NotificationRead:
    """Mark one of my notifications read (again: no change).

    Someone else's notification is 404 `notification_not_found`, as one that does not exist.
    """
    return await service.mark_read(session, principal, notification_id)


@router.get("/me/notification-preferences", response_model=PreferencesRead)
async def me_notification_preferences_get(
    session: SessionDep, principal: Reader, response: Response
) -> PreferencesRead:
    """My notification preferences: in-app, email, the address and language of emails.

    A user who never saved any has the defaults (both channels on, the ASN profile's address,
    Indonesian) and the ETag `"0"`.
    """
    read, version = await service.preferences(session, principal)
    response.headers["ETag"] = etag(version)
    return read


@router.put(
    "/me/notification-preferences",
    response_model=PreferencesRead,
    responses=problem_responses(422),
)
async def me_notification_preferences_put(
    body: PreferencesBody,
    session: SessionDep,
    principal: Reader,
    response: Response,
    if_match: IfMatchHeader = None,
) -> PreferencesRead:
    """Replace my notification preferences (If-Match: the ETag of my last read).

    `in_app: false` keeps the inbox as the record but stores new notifications already read, so no
    badge counts them; `email: false` queues no email for me. The address, when given, replaces the
    ASN profile's for notification email.
    """
    read, version = await service.replace_preferences(session, principal, body, if_match)
    response.headers["ETag"] = etag(version)
    return read


@router.get("/notifications/deliveries", response_model=DeliveryPage)
async def notification_deliveries_list(
    session: SessionDep,
    principal: LogReader,
    page: PageDep,
    status: DeliveryStatus | None = None,
    kind: Annotated[
        str | None, Query(min_length=1, max_length=60, description="Only notifications of this kind")
    ] = None,
) -> DeliveryPage:
    """The email delivery log, newest first: address, status, attempts, next attempt and last error."""
    return await service.deliveries(session, status, kind, page)
