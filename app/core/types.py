"""Column and wire types shared by every domain."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import PlainSerializer
from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

JsonColumn = JSON().with_variant(JSONB(), "postgresql")
# BigInteger ids autoincrement on PostgreSQL; SQLite only autoincrements INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")

TWO_PLACES = Decimal("0.01")


def round2(value: Decimal) -> Decimal:
    """Half-up to 2 decimals: JP, percentages and mean gaps as Bangkom reports them."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def round_jp(value: Decimal) -> Decimal:
    """JP as the regulations count it: half-up to 2 decimals."""
    return round2(value)


# Decimals travel as JSON numbers (docs/api.md), never as strings.
JsonDecimal = Annotated[Decimal, PlainSerializer(lambda d: float(d), return_type=float, when_used="json")]


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on both databases (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


# WIT (UTC+9) is Indonesia's easternmost zone: a day that has begun anywhere in the country.
WIT = timezone(timedelta(hours=9))


def latest_indonesian_date() -> date:
    """Today's date in Indonesia's easternmost zone, so nobody's "today" counts as the future."""
    return datetime.now(WIT).date()


def latest_indonesian_time() -> datetime:
    """The time in Indonesia's easternmost zone (WIT), whose date is `latest_indonesian_date()`."""
    return datetime.now(WIT)
