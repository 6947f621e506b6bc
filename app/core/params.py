"""Parameter types: query dates that accept only what their OpenAPI `format` says, and path segments
that leave a literal sibling route alone.

Pydantic reads a bare number as a Unix time (`?until=0.5`, `"start_date": 0`), which `format: date`
and `date-time` strings do not allow; a client sending one has a bug worth a 422, not a silent 1970.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator
from starlette.convertors import StringConvertor, register_url_convertor

_NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def _iso_text(value: Any) -> Any:
    # A JSON number in a body, or a numeric string in a query (bool is an int, and no date either).
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        raise ValueError("expected an ISO 8601 date or time, not a number")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_text)]
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_iso_text)]


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
    must still have `min_length` characters."""

    def trim(value: str) -> str:
        value = value.strip()
        if len(value) < min_length:
            raise ValueError(f"String should have at least {min_length} characters besides spaces")
        return value

    return AfterValidator(trim)


Trimmed = trimmed(1)
