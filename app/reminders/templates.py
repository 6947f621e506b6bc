"""Campaign messages: plain text with `{placeholders}`, checked when stored and filled per recipient.

Each audience offers its own placeholders (PLACEHOLDERS); a stored template names no other, so filling
one never fails. Values are filled in the message's language: numbers as Indonesian (1.234,5) or English
(1,234.5) writes them, dates with the month's name, course lists joined with "; ".
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final

from app.core.errors import Unprocessable
from app.core.i18n import Language, msg

ASN_BELOW_JP_TARGET = "asn_below_jp_target"
OPD_QUEUE_OVERDUE = "opd_queue_overdue"
OPD_COMPLETENESS_BELOW = "opd_completeness_below"
ACCOUNT_INVITATION = "account_invitation"
YEAR_CLOSING = "year_closing"
AUDIENCES: Final = (
    ASN_BELOW_JP_TARGET,
    OPD_QUEUE_OVERDUE,
    OPD_COMPLETENESS_BELOW,
    ACCOUNT_INVITATION,
    YEAR_CLOSING,
)

# Every message may name its reader, the year and where to log in.
COMMON: Final = ("name", "username", "year", "login_url")
PLACEHOLDERS: Final[dict[str, tuple[str, ...]]] = {
    ASN_BELOW_JP_TARGET: (*COMMON, "nip", "unit", "target_jp", "verified_jp", "remaining_jp", "courses"),
    OPD_QUEUE_OVERDUE: (*COMMON, "unit", "overdue", "oldest_days", "sla_days"),
    OPD_COMPLETENESS_BELOW: (*COMMON, "unit", "score", "previous_score", "threshold"),
    ACCOUNT_INVITATION: (*COMMON, "nip", "unit"),
    YEAR_CLOSING: (*COMMON, "unit", "close_date", "days_left", "pending"),
}

# A campaign without a title of its own gets its audience's.
TITLES: Final[dict[str, dict[Language, str]]] = {
    ASN_BELOW_JP_TARGET: {
        "id": "JP Anda tahun {year} belum mencapai target",
        "en": "Your {year} JP is below target",
    },
    OPD_QUEUE_OVERDUE: {
        "id": "Klaim menunggu verifikasi melewati batas waktu",
        "en": "Claims waiting for verification are overdue",
    },
    OPD_COMPLETENESS_BELOW: {"id": "Kelengkapan data {unit}", "en": "Data completeness of {unit}"},
    ACCOUNT_INVITATION: {"id": "Akun Bangkom Anda sudah siap", "en": "Your Bangkom account is ready"},
    YEAR_CLOSING: {"id": "Klaim tahun {year} segera ditutup", "en": "Claims for {year} close soon"},
}

_MONTHS: Final[dict[Language, tuple[str, ...]]] = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
_INDONESIAN_SEPARATORS = str.maketrans(",.", ".,")


class InvalidTemplate(Unprocessable):
    code = "invalid_template"


class UnknownPlaceholder(Unprocessable):
    code = "unknown_placeholder"


def names(template: str) -> list[str]:
    """The placeholders a template fills, in order; ValueError for one written other than `{name}`."""
    found = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(name)
        found.append(name)
    return found


def check(template: str, audience: str, *, campaign: str, field: str) -> None:
    """422 when a template is malformed or names a placeholder its audience does not fill."""
    allowed = PLACEHOLDERS[audience]
    try:
        used = names(template)
    except ValueError as exc:
        raise InvalidTemplate(
            msg(
                "{field} of campaign {campaign} is not a valid template: write placeholders as {{name}} "
                "and a literal brace as {{{{ or }}}}",
                field=field,
                campaign=campaign,
            ),
            campaign=campaign,
            field=field,
        ) from exc
    unknown = [name for name in dict.fromkeys(used) if name not in allowed]
    if unknown:
        raise UnknownPlaceholder(
            msg(
                "{field} of campaign {campaign} uses {{{placeholder}}}, which audience {audience} does not "
                "fill; allowed: {allowed}",
                field=field,
                campaign=campaign,
                placeholder=unknown[0],
                audience=audience,
                allowed=", ".join(allowed),
            ),
            campaign=campaign,
            field=field,
            placeholder=unknown[0],
        )


@lru_cache(maxsize=4096)
def number(value: int | Decimal, language: Language) -> str:
    """1,234.5 in English, 1.234,5 in Indonesian; at most 2 decimals, none when whole."""
    if isinstance(value, Decimal):
        written = f"{value.quantize(Decimal('0.01')):,.2f}".rstrip("0").rstrip(".")
    else:
        written = f"{value:,}"
    return written.translate(_INDONESIAN_SEPARATORS) if language == "id" else written


def day(value: date, language: Language) -> str:
    return f"{value.day} {_MONTHS[language][value.month - 1]} {value.year}"


def text(value: Any, language: Language) -> str:
    """A value as a message writes it in `language`."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return number(value, language)
    if isinstance(value, date):
        return day(value, language)
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value) or "-"
    return str(value)


@dataclass(frozen=True, slots=True)
class Template:
    """A stored template read once, filled for many people."""

    source: str
    names: tuple[str, ...]

    @classmethod
    def of(cls, source: str) -> Template:
        try:
            found = names(source)
        except ValueError:
            found = []  # stored before a check that refuses it: sent as written
        return cls(source, tuple(dict.fromkeys(found)))

    def fill(self, texts: Mapping[str, str]) -> str:
        """The template with each placeholder's text (one without a text stays as written)."""
        if not self.names:
            return self.source.replace("{{", "{").replace("}}", "}")
        try:
            return self.source.format_map({name: texts.get(name, "{" + name + "}") for name in self.names})
        except (KeyError, ValueError, IndexError):
            return self.source


def texts(values: Mapping[str, Any], language: Language, wanted: Iterable[str]) -> dict[str, str]:
    """The `wanted` values written in `language`."""
    return {name: text(values[name], language) for name in wanted if name in values}


def render(template: str, values: Mapping[str, Any], language: Language) -> str:
    """The template filled with `values` written in `language` (a placeholder without a value stays)."""
    compiled = Template.of(template)
    return compiled.fill(texts(values, language, compiled.names))
