"""Logging: structured JSON lines (or readable text) with the request id, and no personal data.

One handler on the root logger writes every record, uvicorn's included, to stderr. A filter on that
handler scrubs personal data and secrets from messages, arguments and tracebacks before they are
written, so a careless `log.exception(...)` or a database error quoting a NIP cannot leak them.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from contextvars import ContextVar
from typing import IO, Any

from app.core.config import Settings

# Set by the request middleware (app/core/requestid.py) for the duration of each request.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
ACCESS_LOGGER = "bangkom.access"

# uvicorn configures these before it calls the app factory; their records go through our handler too.
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")

# Attributes every LogRecord has; anything else on a record came from `extra=` and is a structured field.
# uvicorn's `color_message` is its message again with terminal colour codes.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "color_message",
}

# Key names whose values are secrets wherever they appear: query strings, JSON, Python reprs.
_SECRET_KEYS = r"[\w-]*(?:password|passwd|secret|token)[\w-]*|authorization|api[_-]?key|cookie"
_QUOTED = r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'"

# One alternation, one pass over the text; the first group that matched decides the replacement.
_PERSONAL = re.compile(
    "|".join(
        [
            # SQLAlchemy prints a failed statement's bound values: names, NIPs, phone numbers.
            r"(?P<params>\[parameters: [^\n]*\])",
            # PostgreSQL's constraint detail: Key (nip)=(198001012005011001) already exists.
            r"(?P<key_detail>Key \((?P<key_cols>[^)]*)\)=\((?:[^()]|\([^)]*\))*\))",
            rf"(?P<secret>(?P<secret_key>[\"']?(?<![\w-])(?:{_SECRET_KEYS})(?![\w-])[\"']?\s*[:=]\s*)"
            rf"(?:{_QUOTED}|(?:(?:Bearer|Basic)\s+)?[^\s&,;}}\]\"']*))",
            r"(?P<bearer>\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+)",
            r"(?P<jwt>\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?)",
            r"(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})",
            # NIK (16 digits) and NIP (18 digits), also a NIP written in its four groups.
            r"(?P<id>(?<!\d)(?:\d{16,18}|\d{8}[ ]\d{6}[ ]\d[ ]\d{3})(?!\d))",
            # Indonesian mobile numbers: 08…, 628…, +62 8…, with optional spaces or dashes.
            r"(?P<phone>(?<![\w+])(?:\+62[\s-]?|62|0)8\d(?:[\s-]?\d){6,11}(?!\d))",
        ]
    ),
    re.IGNORECASE,
)
_LABELS = {
    "params": "[parameters: [redacted]]",
    "bearer": "[redacted-token]",
    "jwt": "[redacted-token]",
    "email": "[redacted-email]",
    "id": "[redacted-id]",
    "phone": "[redacted-phone]",
}


def _replace(match: re.Match[str]) -> str:
    kind = match.lastgroup
    if kind == "key_detail":
        return f"Key ({match['key_cols']})=([redacted])"
    if kind == "secret":
        return f"{match['secret_key']}[redacted]"
    return _LABELS[kind or "id"]


def redact(text: str) -> str:
    """The text with personal data (NIK, NIP, phone, email) and secrets (passwords, tokens) replaced."""
    return _PERSONAL.sub(_replace, text)


class RedactFilter(logging.Filter):
    """Scrubs a record in place, so every handler after this one sees the clean text too."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Access lines are built only from route templates, a status and a role: nothing to scrub.
        if record.name == ACCESS_LOGGER:
            return True
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        attributes = record.__dict__
        for key in attributes.keys() - _STANDARD:
            if isinstance(attributes[key], str):
                attributes[key] = redact(attributes[key])
        return True


_second: list[Any] = [None, ""]


def _timestamp(record: logging.LogRecord) -> str:
    # Formatting the date is most of the cost; it changes once a second.
    second = int(record.created)
    if _second[0] != second:
        _second[:] = [second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))]
    return f"{_second[1]}.{int(record.msecs):03d}Z"


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "ts": _timestamp(record),
        "level": record.levelname,
        "logger": record.name,
        "message": record.getMessage(),
    }
    request_id = request_id_var.get()
    if request_id is not None:
        fields["request_id"] = request_id
    for key, value in record.__dict__.items():
        if key not in _STANDARD and not key.startswith("_"):
            fields[key] = value
    if record.exc_info and record.exc_info[0] is not None:
        fields["exc_type"] = record.exc_info[0].__name__
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        fields["exc"] = record.exc_text
    if record.stack_info:
        fields["stack"] = record.stack_info
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_fields(record), ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """One readable line per record (`key=value` for the structured fields); a traceback follows it."""

    def format(self, record: logging.LogRecord) -> str:
        fields = _fields(record)
        message = fields.pop("message").replace("\n", "\\n")
        head = f"{fields.pop('ts')} {fields.pop('level'):<7} {fields.pop('logger')}: {message}"
        exc = fields.pop("exc", None)
        stack = fields.pop("stack", None)
        line = " ".join([head, *(f"{key}={value}" for key, value in fields.items())])
        for block in (exc, stack):
            if block:
                line += "\n" + block
        return line


class _Handler(logging.StreamHandler[IO[str]]):
    """Writes to the given stream, or to whatever `sys.stderr` is at the time of writing (pytest swaps it)."""

    def __init__(self, stream: IO[str] | None) -> None:
        super().__init__(stream or sys.stderr)
        self._fixed = stream

    @property
    def stream(self) -> IO[str]:
        return self._fixed if self._fixed is not None else sys.stderr

    @stream.setter
    def stream(self, value: IO[str]) -> None:
        self._fixed = value


def configure_logging(settings: Settings, stream: IO[str] | None = None) -> None:
    """Install (or replace) Bangkom's handler on the root logger; safe to call once per app instance.

    Other handlers on the root logger (pytest's caplog) are left alone.
    """
    root = logging.getLogger()
    for ours in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(ours)
        ours.close()
    handler = _Handler(stream)
    handler.addFilter(RedactFilter())
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root.addHandler(handler)
    # Thread, process and multiprocessing names are never written; looking them up costs on every record.
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    level = settings.log_level.upper()
    root.setLevel(level)
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        # uvicorn switches its access log off (no handler, no propagation) when asked to; ours replaces
        # it, and uvicorn's line would carry the raw path and query string.
        if name == "uvicorn.access" and not logger.handlers and not logger.propagate:
            continue
        for theirs in list(logger.handlers):
            logger.removeHandler(theirs)
        logger.propagate = True
        logger.setLevel(level)
