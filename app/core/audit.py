"""The append-only audit trail: one row for every write."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from app.core import changes
from app.core.db import Base
from app.core.requestid import current_request_id
from app.core.security import Principal
from app.core.types import JsonColumn, UTCDateTime, utcnow

# BigInteger ids autoincrement on PostgreSQL; SQLite only autoincrements INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity_key", "entity", "key"),
        Index("ix_audit_log_actor", "actor"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(80))
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn, nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: jsonable(getattr(obj, f)) for f in fields}


def record(
    session: AsyncSession,
    actor: Principal | str,
    action: str,
    entity: str,
    key: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Adds an audit row to the caller's transaction, so it commits or rolls back with the write."""
    if isinstance(actor, Principal):
        actor_name, role = actor.actor, actor.role.value
    else:
        actor_name, role = actor, "system"
    entry = AuditEntry(
        actor=actor_name,
        role=role,
        action=action,
        entity=entity,
        key=str(key),
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        request_id=current_request_id(),
        at=utcnow(),
    )
    session.add(entry)
    if entity in changes.FEED_ENTITIES:
        changes.note(session, entity, key, "void" if action == "void" else "upsert")
    return entry
