"""The inbox (one row per message and person), email deliveries, and each user's preferences."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigId, UTCDateTime, utcnow

EMAIL = "email"
# A delivery's life: queued (waiting for its next attempt) → sending (claimed by a sender until
# lease_until) → sent, or back to queued after a failure, or failed once the attempts are spent.
QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
STATUSES = (QUEUED, SENDING, SENT, FAILED)


class Notification(Base):
    """A message to one user, as their inbox shows it; the same (user, dedup_key) is stored once."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "dedup_key"),
        # The inbox: a user's messages newest first, and the unread ones (read_at IS NULL) counted.
        Index("ix_notifications_user_id_read_at_id", "user_id", "read_at", "id"),
        # Campaigns ask when each person last got a message of their kind (outbox.last_notified).
        Index("ix_notifications_kind_user_id_created_at", "kind", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(60))
    dedup_key: Mapped[str] = mapped_column(String(200))
    title_id: Mapped[str] = mapped_column(String(300))
    body_id: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(String(300))
    body_en: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class NotificationDelivery(Base):
    """One notification on its way to an email address, with every attempt's outcome."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        # What a sender claims: queued rows whose time has come (and sending rows whose lease ran out).
        Index("ix_notification_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(10), default=EMAIL)
    address: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Chosen when queued and sent with every attempt, so a message sent twice (a sender that died
    # between the server's acceptance and its commit) carries one Message-ID that mail systems dedupe.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class NotificationPreference(Base):
    """A user's choices; a user without a row has the defaults (both channels, the profile's address)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    in_app: Mapped[bool] = mapped_column(Boolean, default=True)
    email: Mapped[bool] = mapped_column(Boolean, default=True)
    # Where email goes instead of the ASN profile's address; the only one an admin account has.
    email_address: Mapped[str | None] = mapped_column(String(254), nullable=True)
    # The language of the emails (the inbox follows the reader's Accept-Language).
    language: Mapped[str] = mapped_column(String(2), default="id")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
