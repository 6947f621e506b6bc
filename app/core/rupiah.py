"""Whole rupiah as the API takes them: one definition for every `_idr` field (docs/api.md,
Conventions: money is integer rupiah, JSON integers only)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StrictInt

# Budget totals reach 10^16 rupiah (app/budgets/money.py works them out exactly).
MAX_IDR = 10**16
# Past 2^53 a float no longer holds every whole number: `9007199254740993.0` arrives as ...992.
_EXACT_FLOAT = 2**53


def whole_number(value: Any) -> Any:
    """A JSON number with no fraction is an integer to JSON Schema (`1.0`, `1e3`), so to the API too,
    as far as a float holds it exactly; 1.5, "1" and true stay refused (money is never a fraction or
    a string)."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= _EXACT_FLOAT:
        return int(value)
    return value


_RUPIAH = (
    "Whole rupiah: a JSON integer (a number without fraction such as 1.0 counts; above 2^53 write the "
    "digits, as a float cannot hold every whole number there)"
)
# Bounds first, so the schema states them; the float check runs before them.
Rupiah = Annotated[
    StrictInt,
    Field(ge=0, le=MAX_IDR, description=_RUPIAH, examples=[73746000000]),
    BeforeValidator(whole_number),
]
PositiveRupiah = Annotated[
    StrictInt,
    Field(gt=0, le=MAX_IDR, description=_RUPIAH, examples=[21690000000000]),
    BeforeValidator(whole_number),
]
