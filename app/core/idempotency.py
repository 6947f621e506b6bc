"""Idempotency-Key handling for creates: a retry returns the first response."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Integer, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.core.concurrency import etag
from app.core.db import Base, SessionDep
from app.core.errors import Conflict, Unprocessable
from app.core.locks import LockTimeout, advisory_xact_lock
from app.core.openapi import answers
from app.core.types import BigId, JsonColumn, UTCDateTime, utcnow

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


@dataclass(frozen=True, slots=True)
class Created:
    """What a create answers: the new resource, where it lives, and its version (sent as the ETag)
    when it has one."""

    body: Any
    location: str
    version: int | None = field(default=None, kw_only=True)
    status_code: int = field(default=201, kw_only=True)
    headers: Mapping[str, str] = field(default_factory=dict, kw_only=True)

    def response_headers(self) -> dict[str, str]:
        headers = {"Location": self.location}
        if self.version is not None:
            headers["ETag"] = etag(self.version)
        return headers | dict(self.headers)


# 409: a request still running holds the key; 422: the key was used before for another request.
@answers(409, 422)
class Idempotency:
    def __init__(self, session: SessionDep, request: Request, key: IdempotencyKeyHeader = None) -> None:
        self.session = session
        self.request = request
        self.key = key
        self._hash = ""

    def _principal(self) -> str:
        principal = getattr(self.request.state, "principal", None)
        return principal.subject if principal is not None else "anonymous"

    async def replay(self, fingerprint: bytes | None = None) -> JSONResponse | None:
        """The stored response for this key, or None to go ahead (422 if the body differs).

        `fingerprint` stands for the body where its bytes are not the request's identity: a multipart
        body carries a boundary a client picks anew for each retry of the same claim and file.
        """
        if self.key is None:
            return None
        body = fingerprint if fingerprint is not None else await self.request.body()
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
        lock_key = f"idempotency:{self._principal()}:{self.key}"
        try:
            await advisory_xact_lock(self.session, lock_key, bits=64, lock_timeout=WAIT_FOR_ORIGINAL)
        except LockTimeout as exc:
            raise IdempotencyKeyInUse() from exc

    async def once(
        self, create: Callable[[], Awaitable[Created]], *, fingerprint: bytes | None = None
    ) -> JSONResponse:
        """The first response to this key again, or `create` run and its response stored for retries."""
        if (replay := await self.replay(fingerprint)) is not None:
            return replay
        created = await create()
        return await self.respond(created.status_code, created.body, created.response_headers())

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
