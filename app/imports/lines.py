"""What an importer hands back to the job runner for one source row, and a report line's words.

A line's `detail` is English; when it is a Message (app.core.i18n.msg), its template and parameters
are stored beside it (ImportRow.message), so the report is answered in the reader's language
(`answered`). Notes on one line are joined with `notes`, which keeps each of them translatable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from app.core.i18n import (
    Language,
    current_language,
    field_message,
    localise,
    message_from_json,
    message_to_json,
    msg,
)

# A report line's stored message (ImportRow.message) is message_to_json's {"template", "params"}, or,
# for a row the API's schema refused, {"field_errors": [...]}: pydantic's errors, answered like the
# field errors of a request (app.core.i18n.field_message).
FIELD_ERRORS = "field_errors"
_SHOWN_ERRORS = 5


@dataclass(slots=True)
class ReportLine:
    """One line of a job's report (stored as an ImportRow): a rejected row, or an attendance participant."""

    row: int  # the spreadsheet row number (header = 1) or, for attendance, the report's line
    outcome: str  # models.ERROR | MATCHED | UNMATCHED | BELOW_THRESHOLD | NEEDS_REVIEW
    nip: str | None = None
    name: str | None = None
    code: str | None = None  # the problem code, as the API would answer it (e.g. invalid_nip)
    field: str | None = None
    # In English; a Message (app.core.i18n.msg) keeps its template, so the report can be read in
    # the reader's language.
    detail: str | None = None
    data: dict[str, Any] | None = None
    # What to store of `detail` when it is not a Message (the field errors of a refused row).
    message: dict[str, Any] | None = None

    def stored_message(self) -> dict[str, Any] | None:
        if self.message is not None:
            return self.message
        return message_to_json(self.detail) if self.detail is not None else None


@dataclass(slots=True)
class AttendanceOutcome:
    total: int = 0  # participants after merging one person's rejoins
    created: int = 0  # new verified records
    unchanged: int = 0  # records an earlier upload of the same session already made
    summary: dict[str, int] = field(default_factory=dict)  # matched, unmatched, below_threshold, needs_review
    lines: list[ReportLine] = field(default_factory=list)  # one per participant


@dataclass(slots=True)
class Applied:
    """What one chunk of spreadsheet rows did: counts, and a line for every rejected row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lines: list[ReportLine] = field(default_factory=list)


def reason_of(exc: BaseException) -> str:
    """An exception's message, as the Message it was raised with when it was (`str(exc)` is plain)."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, str) else str(exc)


def _chain(parts: Iterable[str | None], join: Callable[[str, str], str]) -> str | None:
    out: str | None = None
    for part in parts:
        if part:
            out = part if out is None else join(out, part)
    return out


def notes(parts: Iterable[str | None]) -> str | None:
    """Notes joined by `; `, each still translatable (a Message); None when there are none."""
    return _chain(parts, lambda first, then: msg("{first}; {then}", first=first, then=then))


def listed(parts: Iterable[str]) -> str:
    """Items joined by `, `, each still translatable."""
    return _chain(parts, lambda first, then: msg("{first}, {then}", first=first, then=then)) or ""


def either(parts: Iterable[str]) -> str:
    """Alternatives joined by ` or `, each still translatable."""
    return _chain(parts, lambda first, then: msg("{first} or {then}", first=first, then=then)) or ""


def answered(message: Any, english: str | None, language: Language | None = None) -> str | None:
    """A stored report line's (or job's) message in `language` (the request's by default):
    `english`, the text stored beside it, when it has no template."""
    if english is None:
        return None
    if isinstance(message, Mapping) and isinstance(message.get(FIELD_ERRORS), list):
        return "; ".join(_field_error(e, language) for e in message[FIELD_ERRORS] if isinstance(e, Mapping))
    made = message_from_json(message, english)
    # A stored template that no longer makes the stored text (edited by hand, say): the text.
    return str(localise(made if made == english else english, language))


def _field_error(error: Mapping[str, Any], language: Language | None) -> str:
    language = language or current_language()
    loc = str(error.get("loc") or localise(msg("row"), language))
    stored = error.get("message")
    if language == "en":
        reason = str(error.get("msg", ""))  # pydantic's own words, as the detail was stored
    elif isinstance(stored, str):
        reason = localise(stored, language)
    elif stored is not None:
        reason = localise(message_from_json(stored, str(error.get("msg", ""))), language)
    else:
        reason = field_message(error, language)
    return f"{loc}: {reason}"


def field_errors(exc: ValidationError) -> tuple[str | None, str, dict[str, Any]]:
    """A refused row's first field, its English detail, and the stored form of that detail."""
    problems = exc.errors(include_url=False, include_input=False)[:_SHOWN_ERRORS]
    stored: list[dict[str, Any]] = []
    for problem in problems:
        item: dict[str, Any] = {
            "loc": ".".join(str(p) for p in problem["loc"]),
            "type": problem["type"],
            "msg": problem["msg"],
        }
        ctx = dict(problem.get("ctx") or {})
        cause = ctx.pop("error", None)
        if isinstance(cause, BaseException) and cause.args and isinstance(cause.args[0], str):
            # Our own validators' errors: the exception's message is a template of the catalogue.
            item["message"] = message_to_json(cause.args[0]) or str(cause.args[0])
        if ctx:
            item["ctx"] = {k: _plain(v) for k, v in ctx.items()}
        stored.append(item)
    first = (stored[0]["loc"] or None) if stored else None
    detail = "; ".join(f"{e['loc'] or 'row'}: {e['msg']}" for e in stored)
    return first, detail, {FIELD_ERRORS: stored}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)
