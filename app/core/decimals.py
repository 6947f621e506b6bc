"""Decimal inputs whose JSON Schema says exactly what the parser takes.

Pydantic documents a constrained Decimal as a bounded number *or any string*, and leaves its
decimal places out; the parser then refuses most of those strings and any number with a third
decimal, and takes strings the schema never hinted at (`" 5 "`, `"+5"`, `"1_000"`, `"5e0"`,
Arabic-Indic digits). `PlainDecimal()`, written after a Decimal's `Field(...)`, aligns the two:

- a JSON number within the bounds with at most `decimal_places` decimals (`multipleOf: 0.01`);
- or a string of plain digits (`"12.5"`, what a form field holds) that satisfies the same bounds
  and places, spelled out as a `pattern`; the parser refuses every other string.

    Jp = Annotated[Decimal, Field(gt=0, le=2000, decimal_places=2), PlainDecimal()]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

# The field error's type; app/core/locale/validation.json words its message in both languages.
DECIMAL_PARSING = "decimal_parsing"


class TitledByDirection(BaseModel):
    """A model read and written both, with a PlainDecimal: it takes a number or digits and is
    written as a number, so FastAPI documents it twice, as `X-Input` and `X-Output`, both titled
    `X`; client generators name a class after a title, and two of one title clash and drop both.
    Each direction has its own title, `XInput` and `XOutput`."""

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = super().__get_pydantic_json_schema__(core_schema, handler)
        direction = "Input" if handler.mode == "validation" else "Output"
        handler.resolve_ref_schema(schema)["title"] = cls.__name__ + direction
        return schema


class PlainDecimal:
    """Marks a constrained Decimal: lower bound 0 (`ge`/`gt`), an integer upper bound (`le`),
    `decimal_places`; see the module's docstring."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        schema = handler(source)
        if schema.get("type") != "decimal":
            raise TypeError(f"PlainDecimal marks a Decimal, not {schema.get('type')}")
        pattern = re.compile(decimal_pattern(schema))
        example = _example(schema)

        def plain_digits(value: Any) -> Any:
            if isinstance(value, str) and not pattern.fullmatch(value):
                raise PydanticCustomError(
                    DECIMAL_PARSING,
                    "Input should be a number, or a string of plain digits within the bounds such as "
                    "{example}",
                    {"example": example},
                )
            return value

        return core_schema.no_info_before_validator_function(plain_digits, schema)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        rendered = handler(schema)
        if handler.mode != "validation":
            return rendered
        decimal: Mapping[str, Any] = schema["schema"] if schema["type"] == "function-before" else schema
        places = decimal["decimal_places"]
        number: dict[str, Any] = {"type": "number"}
        for key, name in (("ge", "minimum"), ("gt", "exclusiveMinimum"), ("le", "maximum")):
            if key in decimal:
                number[name] = _json_number(decimal[key])
        number["multipleOf"] = float(Decimal(1).scaleb(-places))
        string = {"type": "string", "pattern": decimal_pattern(decimal)}
        return {key: value for key, value in rendered.items() if key != "anyOf"} | {"anyOf": [number, string]}


def _json_number(value: Any) -> int | float:
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _example(schema: Mapping[str, Any]) -> str:
    return "12.5" if Decimal(str(schema["le"])) >= Decimal("12.5") else "1"


def decimal_pattern(schema: Mapping[str, Any]) -> str:
    """A regular expression (ECMA 262 and Python alike) for the plain-digit strings that satisfy the
    schema's bounds and places: no sign, exponent, spaces or leading zeros, at most `places`
    decimals. Only the bounds Bangkom uses are supported: 0 below, a whole number above."""
    places = schema.get("decimal_places")
    lower_inclusive = "ge" in schema
    lower = Decimal(str(schema["ge"] if lower_inclusive else schema.get("gt", "nan")))
    upper = Decimal(str(schema.get("le", "nan")))
    if (
        places is None
        or places < 1
        or lower != 0
        or not upper.is_finite()
        or upper != upper.to_integral_value()
        or upper < 1
        or {"lt", "multiple_of"} & schema.keys()
    ):
        raise TypeError("PlainDecimal needs decimal_places, ge=0 or gt=0, and a whole le of at least 1")
    max_digits = schema.get("max_digits")
    if max_digits is not None and max_digits < len(str(int(upper))) + places:
        # The digit limit would refuse values the bounds and places allow; no schema would say so.
        raise TypeError(f"max_digits={max_digits} is stricter than le={upper} with {places} places")
    top = int(upper)
    fraction = f"(?:\\.{_digits(1, places)})?"
    alternatives = [f"{top}(?:\\.{_digits(1, places, '0')})?"]
    if lower_inclusive:
        alternatives.append(f"{_integers(0, top - 1)}{fraction}")
    else:
        if top > 1:
            alternatives.append(f"{_integers(1, top - 1)}{fraction}")
        # 0.01 … 0.99: some decimal other than zero.
        nonzero = "|".join("0" * zeros + "[1-9]" + _digits(0, places - 1 - zeros) for zeros in range(places))
        alternatives.append(f"0\\.(?:{nonzero})")
    return f"^(?:{'|'.join(alternatives)})$"


def _integers(low: int, high: int) -> str:
    """A regular expression for the whole numbers low..high written without leading zeros."""
    parts: list[str] = []
    for length in range(len(str(low)), len(str(high)) + 1):
        start = max(low, 10 ** (length - 1) if length > 1 else 0)
        end = min(high, 10**length - 1)
        if start <= end:
            parts.extend(_same_length(str(start), str(end)))
    return f"(?:{'|'.join(parts)})"


def _same_length(start: str, end: str) -> list[str]:
    if start == end:
        return [start]
    if len(start) == 1:
        return [f"[{start}-{end}]"]
    if start[0] == end[0]:
        return [start[0] + rest for rest in _same_length(start[1:], end[1:])]
    width = len(start) - 1
    parts: list[str] = []
    first, last = int(start[0]), int(end[0])
    if start[1:] != "0" * width:
        parts.extend(start[0] + rest for rest in _same_length(start[1:], "9" * width))
        first += 1
    tail: list[str] = []
    if end[1:] != "9" * width:
        tail = [end[0] + rest for rest in _same_length("0" * width, end[1:])]
        last -= 1
    if first <= last:
        digit = str(first) if first == last else f"[{first}-{last}]"
        parts.append(digit + _digits(width, width))
    return parts + tail


def _digits(least: int, most: int, digit: str = "[0-9]") -> str:
    """`least` to `most` digits, written plainly."""
    if most == 0:
        return ""
    if least == most:
        return digit if most == 1 else f"{digit}{{{most}}}"
    return f"{digit}{{{least},{most}}}"
