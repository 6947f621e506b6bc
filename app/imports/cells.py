"""Spreadsheet cells as API field values: text, whole numbers, decimals, dates, yes/no, code lists.

CSV cells arrive as text, XLSX cells typed (numbers, dates, booleans). Both are read the way an
Indonesian office writes them: dates day first (`01/03/2026`) or ISO, decimal commas (`4,5`),
thousands dots in rupiah (`18.500.000`), `Ya`/`Tidak`, `L`/`P`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from app.core.i18n import msg
from app.core.types import round2


class CellError(ValueError):
    """A cell whose value cannot be the field's type; the message says what to write instead."""


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    out = str(value).strip()
    # Excel users type a leading apostrophe to keep digits as text; it is not part of the value.
    return out[1:] if out.startswith("'") else out


_SCIENTIFIC = re.compile(r"^\d([.,]\d+)?[eE]\+?\d+$")


def nip(value: Any) -> str:
    if isinstance(value, float):
        raise CellError(
            "the NIP was stored as a number and lost its last digits; format the NIP column as Text"
        )
    out = text(value).replace(" ", "")
    if _SCIENTIFIC.match(out):
        raise CellError(
            msg(
                "the NIP {nip} is in scientific notation (a number column); format the NIP column as Text",
                nip=out,
            )
        )
    return out


def code(value: Any) -> str:
    """A code as text; XLSX stores "1" typed into a cell as the number 1."""
    return text(value)


def lower(value: Any) -> str:
    return text(value).lower()


def upper(value: Any) -> str:
    return text(value).upper()


_GOLONGAN = re.compile(r"^([IVX]+)\s*/\s*([a-e])$", re.IGNORECASE)


def golongan(value: Any) -> str:
    """`III/A` and `iii/a` are III/a; PPPK golongan (roman numerals alone) are upper case."""
    out = text(value)
    found = _GOLONGAN.match(out)
    if found:
        return f"{found.group(1).upper()}/{found.group(2).lower()}"
    return out.upper() if re.fullmatch(r"[ivxIVX]+", out) else out


def integer(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("expected a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(msg("expected a whole number, not {value}", value=value))
    out = text(value).replace(" ", "")
    if re.fullmatch(r"[+-]?\d+", out):
        return int(out)
    if re.fullmatch(r"\d+[.,]0+", out):
        return int(re.split(r"[.,]", out)[0])
    raise CellError(msg("expected a whole number, not {value!r}", value=out[:40]))


def rupiah(value: Any) -> int:
    """Whole rupiah; `Rp 18.500.000`, `18,500,000` and `18500000` are the same amount."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return integer(value)
    out = re.sub(r"^rp\.?", "", text(value).strip(), flags=re.IGNORECASE).replace(" ", "")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", out):
        return int(re.sub(r"[.,]", "", out))
    try:
        return integer(out)
    except CellError as exc:
        raise CellError(
            msg("expected an amount in whole rupiah, not {value!r}", value=text(value)[:40])
        ) from exc


def decimal(value: Any) -> Decimal:
    """A decimal number; a comma is the decimal separator (`4,5`), as is a point (`4.5`)."""
    if isinstance(value, bool):
        raise CellError("expected a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # A computed cell (=100/45) shows 2.22 but holds 2.2222…: take what the sheet shows.
        return round2(Decimal(repr(value)))
    out = text(value).replace(" ", "")
    # Both separators (1.141,5): Indonesian thousands dots and a decimal comma.
    out = out.replace(".", "").replace(",", ".") if "," in out and "." in out else out.replace(",", ".")
    try:
        number = Decimal(out)
    except InvalidOperation as exc:
        raise CellError(
            msg("expected a number such as 4,5 or 4.5, not {value!r}", value=text(value)[:40])
        ) from exc
    if not number.is_finite():
        raise CellError("expected a finite number")
    return number


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


def day(value: Any) -> date:
    """A calendar date: a real XLSX date, ISO `2026-03-01`, or day first `01/03/2026`."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    out = text(value)
    try:
        if found := _ISO.match(out):
            return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
        if found := _DAY_FIRST.match(out):
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
    except ValueError as exc:
        raise CellError(msg("{value!r} is not a real date", value=out[:40])) from exc
    raise CellError(msg("expected a date as YYYY-MM-DD or DD/MM/YYYY, not {value!r}", value=out[:40]))


_TRUE = frozenset({"ya", "y", "yes", "true", "benar", "1", "aktif"})
_FALSE = frozenset({"tidak", "no", "n", "false", "salah", "0", "nonaktif", "non aktif", "tidak aktif"})


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    out = " ".join(text(value).lower().replace("-", " ").split())
    if out in _TRUE:
        return True
    if out in _FALSE:
        return False
    raise CellError(msg("expected Ya or Tidak, not {value!r}", value=text(value)[:40]))


_MALE = frozenset({"l", "laki laki", "laki", "pria", "male", "m"})
_FEMALE = frozenset({"p", "perempuan", "wanita", "female", "f"})


def gender(value: Any) -> str:
    out = " ".join(text(value).lower().replace("-", " ").split())
    if out in _MALE:
        return "male"
    if out in _FEMALE:
        return "female"
    raise CellError(msg("expected L (laki-laki) or P (perempuan), not {value!r}", value=text(value)[:40]))


def codes(value: Any) -> list[str]:
    """A list of codes in one cell, separated by commas, semicolons, bars or line breaks."""
    return [part for part in (p.strip() for p in re.split(r"[,;|\n]", text(value))) if part]


def score(value: Any) -> Decimal:
    """A score from 0 to 100 with at most 2 decimals (an SKP score, a potential score)."""
    out = decimal(value)
    if not Decimal(0) <= out <= Decimal(100) or out != round2(out):
        raise CellError(
            msg(
                "expected a score from 0 to 100 with at most 2 decimals, not {value}",
                value=text(value)[:40],
            )
        )
    return out
