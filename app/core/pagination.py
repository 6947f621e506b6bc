"""Keyset pagination with opaque cursors and a `total`."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.types import TypeDecorator

from app.core.errors import Unprocessable

T = TypeVar("T")


class InvalidCursor(Unprocessable):
    code = "invalid_cursor"


MAX_LIMIT = 500
DEFAULT_LIMIT = 50
CURSOR_PATTERN = r"^[A-Za-z0-9_-]*$"


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None
    total: int


@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int
    cursor: str | None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (max 500)")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        # The pattern is what encode_cursor writes (unpadded URL-safe base64), documented so that tools
        # reading the schema send cursor-shaped values; decode_cursor judges, so any other value is
        # still a 422 `invalid_cursor`.
        Query(
            max_length=512,
            json_schema_extra={"pattern": CURSOR_PATTERN},
            description="Opaque cursor from `next_cursor`",
        ),
    ] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageDep = Annotated[PageParams, Depends(page_params)]


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor("The cursor is not valid; use next_cursor as given") from exc
    if not isinstance(values, list) or len(values) != arity:
        raise InvalidCursor("The cursor is not valid; use next_cursor as given")
    if not all(_plausible(v) for v in values):
        raise InvalidCursor("The cursor is not valid; use next_cursor as given")
    return values


# Every key column is at most a signed 64-bit integer; a larger number in a forged cursor would
# overflow the driver (SQLite raises OverflowError) instead of simply matching nothing.
_INT64 = 2**63


def _plausible(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -_INT64 <= value < _INT64
    return isinstance(value, str) and len(value) <= 256


def _typed(key: InstrumentedAttribute[Any], value: Any) -> Any:
    """A cursor value back as the key column's type (dates travel as ISO text; asyncpg wants dates)."""
    column_type = key.type
    if isinstance(column_type, TypeDecorator):
        # A decorated type (UTCDateTime) names its Python type through the type it wraps.
        column_type = column_type.impl_instance
    try:
        kind = column_type.python_type
    except NotImplementedError:
        return value
    if kind in (date, datetime):
        try:
            parsed = kind.fromisoformat(str(value))
        except ValueError as exc:
            raise InvalidCursor("The cursor is not valid; use next_cursor as given") from exc
        # Timestamps are written with their offset; a naive one was not written by encode_cursor.
        if isinstance(parsed, datetime) and parsed.tzinfo is None:
            raise InvalidCursor("The cursor is not valid; use next_cursor as given")
        return parsed
    # A value of another type than its column would be compared across types: PostgreSQL refuses
    # `character varying > bigint` (a 500 before), SQLite silently orders by type.
    if (kind is int and not isinstance(value, int)) or (kind is str and not isinstance(value, str)):
        raise InvalidCursor("The cursor is not valid; use next_cursor as given")
    return value


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    keys: Sequence[InstrumentedAttribute[Any]],
    params: PageParams,
    *,
    descending: bool = False,
) -> tuple[list[Any], str | None, int]:
    """Rows of `stmt` after the cursor, ordered by `keys` (which must be unique together)."""
    total = (
        await session.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))
    ).scalar_one()
    page = stmt
    if params.cursor:
        after = [_typed(k, v) for k, v in zip(keys, decode_cursor(params.cursor, len(keys)), strict=True)]
        key_expr = keys[0] if len(keys) == 1 else tuple_(*keys)
        # Each value bound as its key column's type: a timestamp key (UTCDateTime) must be bound as
        # that column's type, not as whatever type the bare Python value suggests.
        value: Any = (
            after[0]
            if len(keys) == 1
            else tuple_(*(literal(v, k.type) for k, v in zip(keys, after, strict=True)))
        )
        page = page.where(key_expr < value if descending else key_expr > value)
    order = [k.desc() if descending else k.asc() for k in keys]
    rows = list((await session.execute(page.order_by(*order).limit(params.limit + 1))).scalars().all())
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, k.key) for k in keys])
    return rows, next_cursor, total
