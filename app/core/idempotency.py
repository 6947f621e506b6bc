"""Idempotency-Key handling for creates: a retry returns the first response."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Integer, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.core.audit import BigId
from app.core.db import Base, SessionDep
from app.core.errors import Conflict, Unprocessable
from app.core.types import JsonColumn, UTCDateTime, utcnow

KEY_LIFETIME = timedelta(hours=24)


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


class IdempotencyKeyInProgress(Conflict):
    code = "idempotency_key_in_progress"


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
                raise IdempotencyKeyInProgress(
                    "Another request with this Idempotency-Key is being processed; retry shortly"
                ) from exc
        return JSONResponse(content, status_code=status_code, headers=headers)


IdempotencyDep = Annotated[Idempotency, Depends()]
