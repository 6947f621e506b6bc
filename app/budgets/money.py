"""Exact rupiah arithmetic: integers and fractions only, never floats.

Totals reach 10^16 rupiah; a float has 53 bits (about 9 × 10^15) and would already misplace the
last rupiah, so every ratio here is worked out on integers and rounded explicitly.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

PCT_PLACES = 4


def ceil_div(numerator: int, denominator: int) -> int:
    """⌈numerator / denominator⌉ for a positive denominator."""
    return -(-numerator // denominator)


def div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-up to an integer (both non-negative, denominator > 0)."""
    return (2 * numerator + denominator) // (2 * denominator)


def required_minimum(total_idr: int, threshold_pct: Decimal) -> int:
    """⌈total × threshold_pct / 100⌉ exactly: the floor the mandatory spending sets, in whole rupiah."""
    share = Fraction(threshold_pct)  # a Decimal converts exactly
    return ceil_div(total_idr * share.numerator, share.denominator * 100)


def percent(part: int | Decimal, whole: int, places: int = PCT_PLACES) -> Decimal | None:
    """part / whole × 100 rounded half-up to `places` decimals; None when whole is 0."""
    if whole == 0:
        return None
    ratio = Fraction(part) * 100 * 10**places / whole
    return Decimal(div_half_up(ratio.numerator, ratio.denominator)).scaleb(-places)


def per_unit_idr(amount_idr: int, units: int | Decimal) -> int | None:
    """amount / units rounded half-up to whole rupiah (cost per JP, per ASN); None when units is 0."""
    if units == 0:
        return None
    ratio = Fraction(amount_idr) / Fraction(units)
    return div_half_up(ratio.numerator, ratio.denominator)
