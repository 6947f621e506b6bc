"""NIP (PNS/CPNS, Perka BKN 22/2007) and NI PPPK validation, with the facts a NIP encodes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core.i18n import msg

GENDER_BY_DIGIT = {"1": "male", "2": "female"}
# Nobody is appointed before 15 (docs/domain.md, NIP); nobody alive and serving was born before this.
MIN_APPOINTMENT_AGE = 15
OLDEST_BIRTH_YEAR = 1920


@dataclass(frozen=True, slots=True)
class NipFacts:
    birth_date: date
    gender: str
    appointed_year: int
    appointed_month: int | None


class NipInvalid(ValueError):
    """The NIP does not follow the layout for the employment type; the message says why."""


def _birth_date(nip: str) -> date:
    try:
        born = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError as exc:
        raise NipInvalid(
            msg("digits 1-8 ({digits}) are not a real birth date YYYYMMDD", digits=nip[0:8])
        ) from exc
    if born.year < OLDEST_BIRTH_YEAR:
        raise NipInvalid(
            msg("birth year {year} is before {oldest}", year=born.year, oldest=OLDEST_BIRTH_YEAR)
        )
    return born


def _gender(nip: str) -> str:
    digit = nip[14]
    if digit not in GENDER_BY_DIGIT:
        raise NipInvalid(msg("digit 15 is the gender digit and must be 1 or 2, not {digit}", digit=digit))
    return GENDER_BY_DIGIT[digit]


def _check_appointment_year(year: int, born: date, today: date) -> None:
    if year < born.year + MIN_APPOINTMENT_AGE:
        raise NipInvalid(
            msg(
                "appointment year {year} is less than {age} years after the birth year {birth_year}",
                year=year,
                age=MIN_APPOINTMENT_AGE,
                birth_year=born.year,
            )
        )
    if year > today.year + 1:
        raise NipInvalid(msg("appointment year {year} is in the future", year=year))


def parse_nip(nip: str, employment_type: str, today: date | None = None) -> NipFacts:
    """Validate `nip` for `employment_type` (pns, cpns or pppk) and return what it encodes."""
    today = today or date.today()
    if len(nip) != 18 or not nip.isascii() or not nip.isdigit():
        raise NipInvalid("a NIP is exactly 18 digits")
    born = _birth_date(nip)
    if born > today:
        raise NipInvalid(msg("birth date {born} is in the future", born=born.isoformat()))
    gender = _gender(nip)
    if employment_type == "pppk":
        # NI PPPK: birth date, year of first appointment, a 2-digit code, gender, sequence. Sources
        # disagree on the tail, so only the birth date, the year and the gender digit are checked.
        year = int(nip[8:12])
        _check_appointment_year(year, born, today)
        return NipFacts(born, gender, year, None)
    year, month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= month <= 12:
        raise NipInvalid(
            msg("digits 13-14 are the TMT month and must be 01-12, not {month}", month=nip[12:14])
        )
    _check_appointment_year(year, born, today)
    if (year, month) > (today.year + 1, today.month):
        raise NipInvalid(msg("TMT {year}-{month:02d} is in the future", year=year, month=month))
    if nip[15:18] == "000":
        raise NipInvalid("digits 16-18 are the sequence number and start at 001")
    return NipFacts(born, gender, year, month)
