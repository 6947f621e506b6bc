"""Idempotency-Key handling for creates: a retry returns the first response."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Integer, String, UniqueConstraint, delete, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.core.audit import BigId
from app.core.db import Base, SessionDep
from app.core.errors import Conflict, Unprocessable
from app.core.types import JsonColumn, UTCDateTime, utcnow

KEY_LIFETIME = timedelta(hours=24)
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: lock_timeout expired


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("principal", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    principal: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(300))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[Any] = mapped_column(JsonColumn)
    headers: Mapped[dict[str, str]] = mapped_column(JsonColumn)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyKeyReused(Unprocessable):
    code = "idempotency_key_reused"


class IdempotencyKeyInUse(Conflict):
    code = "idempotency_key_in_use"

    def __init__(self) -> None:
        super().__init__(
            "Another request with this Idempotency-Key is still being processed; retry after a moment "
            "to receive its response",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


# How long a retry waits for the original request holding its key before being told to come back.
# Long enough for an ordinary create to finish (so parallel retries simply get the replay), short
# enough not to pin a connection on a slow one.
WAIT_FOR_ORIGINAL = "5s"
RETRY_AFTER_SECONDS = 1


IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Retrying with the same key and body returns the first response",
        examples=["3f2b6c1e-6a0b-4c55-9a7e-2f1d8f0c9b11"],
    ),
]


class Idempotency:
    def __init__(self, session: SessionDep, request: Request, key: IdempotencyKeyHeader = None) -> None:
        self.session = session
        self.request = request
        self.key = key
        self._hash = ""

    def _principal(self) -> str:
        principal = getattr(self.request.state, "principal", None)
        return principal.subject if principal is not None else "anonymous"

    async def replay(self) -> JSONResponse | None:
        """The stored response for this key, or None to go ahead (422 if the body differs)."""
        if self.key is None:
            return None
        body = await self.request.body()
        self._hash = hashlib.sha256(
            self.request.method.encode() + b" " + self.request.url.path.encode() + b"\n" + body
        ).hexdigest()
        await self._hold_key()
        found = (
            await self.session.execute(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.principal == self._principal(), IdempotencyRecord.key == self.key
                )
            )
        ).scalar_one_or_none()
        if found is None:
            return None
        if found.created_at < utcnow() - KEY_LIFETIME:
            await self.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == found.id))
            return None
        if found.request_hash != self._hash:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used with a different request; use a new key"
            )
        headers = dict(found.headers)
        headers["Idempotent-Replayed"] = "true"
        return JSONResponse(found.body, status_code=found.status_code, headers=headers)

    async def _hold_key(self) -> None:
        """Serialise requests carrying the same key until the first one's transaction ends.

        Without it, parallel retries all find no stored response and all run the create (the
        first wins, the others meet its row as a `possible_duplicate`). Held, a retry waits for the
        original to commit and then replays its stored response, as the IETF Idempotency-Key draft
        describes; if the original takes too long, the retry is told to come back (409 with
        Retry-After). SQLite needs nothing: a write transaction starts with BEGIN IMMEDIATE, which
        already serialises writers before this point.
        """
        if self.session.get_bind().dialect.name != "postgresql":
            return
        lock_key = f"idempotency:{self._principal()}:{self.key}"
        previous = (
            await self.session.execute(
                text("SELECT current_setting('lock_timeout'), set_config('lock_timeout', :wait, true)"),
                {"wait": WAIT_FOR_ORIGINAL},
            )
        ).scalar_one()
        try:
            # A savepoint keeps the transaction usable when the wait times out.
            async with self.session.begin_nested():
                await self.session.execute(
                    text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": lock_key}
                )
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
                raise IdempotencyKeyInUse() from exc
            raise
        finally:
            await self.session.execute(
                text("SELECT set_config('lock_timeout', :previous, true)"), {"previous": previous}
            )

    async def respond(self, status_code: int, body: BaseModel | Any, headers: dict[str, str]) -> JSONResponse:
        content = jsonable_encoder(body)
        if self.key is not None:
            self.session.add(
                IdempotencyRecord(
                    principal=self._principal(),
                    key=self.key,
                    method=self.request.method,
                    path=self.request.url.path,
                    request_hash=self._hash,
                    status_code=status_code,
                    body=content,
                    headers=headers,
                    created_at=utcnow(),
                )
            )
            try:
                await self.session.flush()
            except IntegrityError as exc:
                raise IdempotencyKeyInUse() from exc
        return JSONResponse(content, status_code=status_code, headers=headers)


IdempotencyDep = Annotated[Idempotency, Depends()]
