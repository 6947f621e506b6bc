"""Wire shapes of the inbox, the preferences and the delivery log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from app.asn.schemas import Email
from app.core.pagination import Page

EmailLanguage = Literal["id", "en"]

NOTIFICATION_EXAMPLE: dict[str, Any] = {
    "id": 812,
    "kind": "asn_below_jp_target",
    "title": "JP Anda tahun ini masih kurang 8 JP",
    "body": "Sampai Juli Anda mencatat 12 dari 20 JP. Pelatihan yang disarankan: Literasi Digital (8 JP).",
    "link": "/asn/jp",
    "created_at": "2026-07-01T01:00:00Z",
    "read_at": None,
}


class NotificationRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [NOTIFICATION_EXAMPLE]})

    id: int
    kind: str = Field(description="What it is about: a reminder campaign's code, `year_closing`, …")
    title: str = Field(description="In the reader's language (Accept-Language)")
    body: str = Field(description="In the reader's language (Accept-Language)")
    link: str | None = Field(description="The SPA page it is about, e.g. `/asn/jp`")
    created_at: datetime
    read_at: datetime | None = Field(description="When it was marked read; null while unread")


class NotificationPage(Page[NotificationRead]):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"items": [NOTIFICATION_EXAMPLE], "next_cursor": None, "total": 1, "unread_count": 1}
            ]
        }
    )

    unread_count: int = Field(description="The caller's unread notifications, whatever the filter")


class ReadAllResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"marked": 3, "unread_count": 0}]})

    marked: int = Field(description="How many were unread and are now read")
    unread_count: int


PREFERENCES_EXAMPLE: dict[str, Any] = {
    "in_app": True,
    "email": True,
    "email_address": None,
    "language": "id",
}


class PreferencesBody(BaseModel):
    """The whole set of choices (PUT replaces them)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [PREFERENCES_EXAMPLE]})

    in_app: StrictBool = Field(
        description="false: notifications still land in the inbox, but already read (no unread badge)"
    )
    email: StrictBool = Field(description="Whether notifications that are emailed reach you by email")
    email_address: Email | None = Field(
        default=None,
        description="Where email goes instead of the ASN profile's address (admins: the only one)",
    )
    language: EmailLanguage = Field(default="id", description="The language of the emails")


class PreferencesRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [PREFERENCES_EXAMPLE | {"delivery_address": "siti.rahmawati@kaltimprov.go.id"}]
        }
    )

    in_app: bool
    email: bool
    email_address: str | None
    language: EmailLanguage
    delivery_address: str | None = Field(
        description="Where email goes now: `email_address`, else the ASN profile's; null: no email can be sent"
    )


class DeliveryStatus(StrEnum):
    queued = "queued"
    sending = "sending"
    sent = "sent"
    failed = "failed"


DELIVERY_EXAMPLE: dict[str, Any] = {
    "id": 4031,
    "notification_id": 812,
    "user_id": 57,
    "username": "198503142010012003",
    "kind": "asn_below_jp_target",
    "channel": "email",
    "address": "siti.rahmawati@kaltimprov.go.id",
    "status": "queued",
    "attempts": 2,
    "next_attempt_at": "2026-07-01T01:03:00Z",
    "last_error": "ConnectionRefusedError: [Errno 111] Connection refused",
    "message_id": "<3f0c9a4e1b2d4c6f8a9e0b1c2d3e4f5a@bangkom-app-1>",
    "created_at": "2026-07-01T01:00:00Z",
    "sent_at": None,
}


class DeliveryRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [DELIVERY_EXAMPLE]})

    id: int
    notification_id: int
    user_id: int
    username: str
    kind: str
    channel: str
    address: str
    status: DeliveryStatus
    attempts: int = Field(description="Attempts made so far (a claim by a sender counts as one)")
    next_attempt_at: datetime = Field(description="Queued: not tried again before this")
    last_error: str | None = Field(description="What the last failed attempt met")
    message_id: str = Field(description="The Message-ID every attempt carries")
    created_at: datetime
    sent_at: datetime | None


class DeliveryPage(Page[DeliveryRead]):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [DELIVERY_EXAMPLE], "next_cursor": None, "total": 1}]}
    )
