"""The API's messages in the caller's language: Indonesian by default, English on request.

Every problem document (its `title`, `detail` and per-field `errors[].msg`) and every line of an import
report is written in English in the code, where it is raised, and translated when it is answered:

- `msg("No ASN with NIP {nip} in your scope", nip=nip)` makes a `Message`: a `str` (the English text,
  so logs, tests and `str()` keep working) that remembers its template and parameters. A constant
  message needs no `msg()`: the literal itself is the template.
- `app/core/locale/messages.<area>.json` maps each English template to its Indonesian template, with the
  same `{placeholders}`; `codes.json` (and `codes.<area>.json`) gives every problem `code` a short title in both languages;
  `validation.json` does the same for pydantic's error types and ours.
- The language is chosen once per request from `Accept-Language` (the request middleware calls
  `set_language`); `localise()` renders a message in it.

tests/core/test_messages.py keeps the catalogues complete: every problem code and every template the
code raises has both languages, with the same placeholders.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

Language = Literal["id", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("id", "en")
DEFAULT_LANGUAGE: Final[Language] = "id"

LOCALE_DIR = Path(__file__).parent / "locale"
_language_var: ContextVar[Language] = ContextVar("bangkom_language", default=DEFAULT_LANGUAGE)


class Message(str):
    """An English message that remembers the template and parameters it was made from."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, params: Mapping[str, Any]) -> Message:
        text = template.format(**params) if params else template
        made = super().__new__(cls, text)
        made.template = template
        made.params = dict(params)
        return made

    def __reduce__(self) -> tuple[Any, ...]:  # pickling (the job queue) keeps the template
        return (Message, (self.template, self.params))


def msg(template: str, /, **params: Any) -> Message:
    """A translatable message: `template` is English with `{name}` placeholders filled from `params`."""
    return Message(template, params)


def message_to_json(text: str) -> dict[str, Any] | None:
    """A message as JSON to store beside its English text (an import report line), so it can be
    answered later in the reader's language; None for a plain text."""
    if not isinstance(text, Message):
        return None
    return {
        "template": text.template,
        "params": {
            k: message_to_json(v) or (v if isinstance(v, int | float | bool) or v is None else str(v))
            for k, v in text.params.items()
        },
    }


def message_from_json(data: Any, english: str | None = None) -> str | None:
    """The message `message_to_json` stored, or `english` (the stored text) when there is none."""
    if not isinstance(data, dict) or not isinstance(data.get("template"), str):
        return english
    params = {
        k: message_from_json(v, None) if isinstance(v, dict) else v
        for k, v in (data.get("params") or {}).items()
    }
    try:
        return Message(data["template"], params)
    except (KeyError, IndexError, ValueError):
        return english


def negotiate(header: str | None) -> Language:
    """The best of our languages for an `Accept-Language` header (RFC 9110 §12.5.4); Indonesian when
    the header is missing or names neither (`ms`, Malay, is close enough to read Indonesian)."""
    if not header:
        return DEFAULT_LANGUAGE
    best: tuple[float, int, Language] | None = None
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, weight = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        language: Language | None = {"id": "id", "in": "id", "ms": "id", "en": "en"}.get(primary)  # type: ignore[assignment]
        if language is None:
            continue
        quality = 1.0
        weight = weight.strip()
        if weight.startswith("q="):
            try:
                quality = float(weight[2:])
            except ValueError:
                quality = 0.0
        if quality <= 0:
            continue
        # Higher quality wins; on a tie, the one listed first.
        if best is None or (quality, -position) > (best[0], -best[1]):
            best = (quality, position, language)
    return best[2] if best else DEFAULT_LANGUAGE


def set_language(language: Language) -> object:
    return _language_var.set(language)


def reset_language(token: object) -> None:
    _language_var.reset(token)  # type: ignore[arg-type]


def current_language() -> Language:
    return _language_var.get()


@cache
def translations() -> dict[str, str]:
    """English template -> Indonesian template, from every messages.<area>.json."""
    merged: dict[str, str] = {}
    for path in sorted(LOCALE_DIR.glob("messages.*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


@cache
def code_titles() -> dict[str, dict[str, str]]:
    """Problem code -> {"id": title, "en": title}, from codes.json and every codes.<area>.json."""
    merged: dict[str, dict[str, str]] = {}
    for path in [LOCALE_DIR / "codes.json", *sorted(LOCALE_DIR.glob("codes.*.json"))]:
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


@cache
def validation_texts() -> dict[str, dict[str, str]]:
    """A field error's type (pydantic's, or ours) -> {"id": template, "en": template}."""
    loaded: dict[str, dict[str, str]] = json.loads(
        (LOCALE_DIR / "validation.json").read_text(encoding="utf-8")
    )
    return loaded


def placeholders(template: str) -> set[str]:
    """The `{names}` a template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class _IndonesianNumbers(string.Formatter):
    """Indonesian writes 250.000 and 2,5 where English writes 250,000 and 2.5."""

    def format_field(self, value: Any, format_spec: str) -> str:
        text: str = super().format_field(value, format_spec)
        if isinstance(value, int | float) and not isinstance(value, bool) and "," in format_spec:
            return text.translate(str.maketrans(",.", ".,"))
        return text


_INDONESIAN = _IndonesianNumbers()


def _fill(template: str, params: Mapping[str, Any], language: Language) -> str | None:
    localised = {k: localise(v, language) for k, v in params.items()}
    try:
        if language == "id":
            return _INDONESIAN.vformat(template, (), localised)
        return template.format(**localised)
    except (KeyError, IndexError, ValueError):
        return None  # a catalogue entry that does not fit: the English text is better than nothing


def localise(text: Any, language: Language | None = None) -> Any:
    """`text` in `language` (the request's by default); non-strings and unknown texts are unchanged."""
    if not isinstance(text, str):
        return text
    language = language or current_language()
    if language == "en":
        return str(text)
    if isinstance(text, Message):
        template = translations().get(text.template)
        if template is not None:
            filled = _fill(template, text.params, language)
            if filled is not None:
                return filled
        return str(text)
    return translations().get(text, text)


def code_title(code: str, fallback: str, language: Language | None = None) -> str:
    """The problem code's short title in `language`; `fallback` (the HTTP phrase) for an unknown code."""
    entry = code_titles().get(code)
    return entry[language or current_language()] if entry else fallback


_OWN_ENGLISH = frozenset({"string_pattern_mismatch"})


def field_message(error: Mapping[str, Any], language: Language | None = None) -> str:
    """One field error of a request's validation (pydantic's error dict) in `language`."""
    language = language or current_language()
    kind = str(error.get("type", ""))
    english = str(error.get("msg", ""))
    ctx = error.get("ctx") or {}
    if kind in {"value_error", "assertion_error"} and isinstance(ctx.get("error"), BaseException):
        # Our own validators' errors: the exception's message is a template of the catalogue.
        cause = ctx["error"]
        inner = cause.args[0] if cause.args else english
        return str(localise(inner, language)) if language == "id" else english
    entry = validation_texts().get(kind)
    # pydantic's English is kept (it may name an example the catalogue cannot), except where it shows
    # a regular expression: ours says what to check instead.
    if entry is None or (language == "en" and kind not in _OWN_ENGLISH):
        return english
    filled = _fill(entry[language], {k: _plain(v, language) for k, v in ctx.items()}, language)
    return filled if filled is not None else english


def _plain(value: Any, language: Language) -> Any:
    # pydantic's ctx holds expected values as reprs or lists; keep them as text. Its "'a' or 'b'" is
    # English: the Indonesian text joins the choices with "atau".
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value)
    if language == "id" and isinstance(value, str) and "' or '" in value:
        return value.replace("' or '", "' atau '")
    return value
