"""Learning form codes (SIASN jenisDiklat): the one check, and its error, every writer of one makes."""

from __future__ import annotations

from typing import Any

from app.core.errors import Unprocessable
from app.core.i18n import msg
from app.reference.codes import codes

KIND = "learning_forms"


class UnknownFormCode(Unprocessable):
    code = "unknown_form_code"


def is_form_code(form_code: str) -> bool:
    return form_code in codes(KIND)


def unknown_form_detail(*form_codes: str) -> str:
    # Cut short: a spreadsheet cell or an xAPI extension may hold anything.
    named = ", ".join(repr(code[:10]) for code in form_codes)
    if len(form_codes) == 1:
        return msg("form_code {named} is unknown; see /api/v1/reference/{kind}", named=named, kind=KIND)
    return msg("form_codes {named} are unknown; see /api/v1/reference/{kind}", named=named, kind=KIND)


def check_form_code(form_code: str, **extra: Any) -> None:
    """Raise `UnknownFormCode` unless `form_code` is in the reference list; `extra` goes on the problem."""
    if not is_form_code(form_code):
        raise UnknownFormCode(unknown_form_detail(form_code), **extra)
