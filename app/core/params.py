"""Parameter types: query dates that accept only what their OpenAPI `format` says, row ids in paths,
and path segments that leave a literal sibling route alone.

Pydantic reads a bare number as a Unix time (`?until=0.5`, `"start_date": 0`), which `format: date`
and `date-time` strings do not allow; a client sending one has a bug worth a 422, not a silent 1970.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field
from starlette.convertors import StringConvertor, register_url_convertor

from app.core.i18n import msg
from app.core.text import strip_format

_NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def _iso_text(value: Any) -> Any:
    # A JSON number in a body, or a numeric string in a query (bool is an int, and no date either).
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        raise ValueError("expected an ISO 8601 date or time, not a number")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_text)]
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_iso_text)]

# Every `year` filter reads from 1950 on (a record counts in its end date's year); a date written
# before that was stored and then found by no filter, so writes have the same floor.
EARLIEST_YEAR = 1950
EARLIEST_DATE = date(EARLIEST_YEAR, 1, 1)


def before_floor(value: date) -> str | None:
    """Why `value` is refused as a dated fact, or None when a year filter can reach it."""
    if value < EARLIEST_DATE:
        return msg(
            "{date} is before {earliest}: Bangkom records dates from {year} on, as far back as its "
            "year filters reach",
            date=value.isoformat(),
            earliest=EARLIEST_DATE.isoformat(),
            year=EARLIEST_YEAR,
        )
    return None


def _floored(value: date) -> date:
    if (problem := before_floor(value)) is not None:
        raise ValueError(problem)
    return value


# A date a record is filed under: ISO text, on or after EARLIEST_DATE.
FlooredDate = Annotated[
    date,
    BeforeValidator(_iso_text),
    AfterValidator(_floored),
    Field(description=f"A date on or after {EARLIEST_DATE.isoformat()}"),
]


# A row id in a path, within its key column's range (Integer, or BigId for the ledgers), so an id no
# row can have is refused with a 422 before it reaches a query. A route adds its own description:
# `Annotated[IdPath, Path(description="Course id")]`.
IdPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
BigIdPath = Annotated[int, Path(ge=1, le=2**62)]


def segment_except(name: str, *reserved: str) -> str:
    """Register a path convertor for one segment that is not one of `reserved`, and return its name.

    `/imports/{job_id}` also matches `/imports/asn`, so GET /imports/asn reached imports_get (a 422)
    instead of answering 405 (only POST lives there). `{job_id:<name>}` leaves the literal siblings
    to their own routes; any other segment still reaches the route and its validation (a 422 for
    `abc`), and the OpenAPI path stays `/imports/{job_id}`.
    """
    regex = "(?!(?:" + "|".join(re.escape(word) for word in reserved) + ")$)[^/]+"
    register_url_convertor(name, type(f"Segment_{name}", (StringConvertor,), {"regex": regex})())
    return name


def trimmed(min_length: int = 0) -> AfterValidator:
    """Text trimmed of surrounding spaces after its length and pattern were checked on what was sent,
    as the OpenAPI document says: StringConstraints(strip_whitespace=True, max_length=…) trims first,
    so 201 characters with a leading space passed a documented maxLength of 200. The trimmed text
    must still have `min_length` characters.

    Format characters (zero-width space, bidi controls, soft hyphen…) go too: invisible, they made
    `CERT/2025/001` and `CERT/2025/001\u200b` two certificates and a name unfindable by search."""

    def trim(value: str) -> str:
        value = strip_format(value).strip()
        if len(value) < min_length:
            raise ValueError(
                msg(
                    "String should have at least {min_length} characters besides spaces and invisible "
                    "characters",
                    min_length=min_length,
                )
            )
        return value

    return AfterValidator(trim)


Trimmed = trimmed(1)
