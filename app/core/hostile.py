"""Refuse requests no field of the API can hold, before routing: NUL bytes and text that is not UTF-8.

PostgreSQL's text types cannot store a NUL character (asyncpg raises, which used to be a 500), and a
NUL in a NIP or a name is never meant: in a body it is a 422 `validation_error`, like any other value
no field accepts. Text that is not UTF-8 cannot be read at all, nor can a URL holding a NUL: 400
`unreadable_request`. Both databases answer alike, whatever each driver would have made of them.
Multipart bodies (evidence files, spreadsheets) are binary by nature and are left to their routes.
Pure ASGI, like the request-id middleware: a request without a text body costs two byte scans.
"""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import PROBLEM_MEDIA_TYPE
from app.core.i18n import code_title, current_language, localise
from app.core.requestid import current_request_id

# `\u0000` in JSON text, unless its backslash is itself escaped (`\\u0000` is the six characters).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
# A UTF-16 surrogate escape without its pair (`\ud800`) decodes to text that cannot be encoded again.
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_FORM = b"application/x-www-form-urlencoded"
_CODES = {400: "unreadable_request", 422: "validation_error"}
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _readable(raw: bytes) -> bool:
    """Percent-encoded text (a path, a query string) that is UTF-8 and has no NUL."""
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    return b"\x00" not in decoded and _utf8(decoded)


def _body_problem(content_type: bytes, body: bytes) -> tuple[int, str] | None:
    """(status, detail) for a body no route can read or no field can hold, else None."""
    if content_type.startswith(_FORM):
        decoded = unquote_to_bytes(body.replace(b"+", b" "))
        if not _utf8(decoded):
            return 400, "The form body is not UTF-8 text"
        if b"\x00" in decoded:
            return 422, "A form field holds a NUL character, which no field accepts"
        return None
    if not _utf8(body):
        return 400, "The JSON body is not UTF-8 text"
    if _LONE_SURROGATE.search(body):
        return 400, "The JSON body holds an unpaired surrogate escape (\\ud800), which is no character"
    if b"\x00" in body or _JSON_NUL.search(body):
        return 422, "The JSON body holds a NUL character (\\u0000), which no field accepts"
    return None


class HostileInputMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        if not _readable(raw_path) or not _readable(scope["query_string"]):
            await _refuse(send, scope, 400, "The URL holds a NUL byte or text that is not UTF-8")
            return
        content_type = b""
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value.lower()
        # FastAPI reads any `…json` media type as JSON.
        text_body = content_type.startswith(_FORM) or b"json" in content_type.split(b";")[0]
        if scope["method"] not in _WITH_BODY or not text_body:
            await self.app(scope, receive, send)
            return
        # A text body is at most a few megabytes (the request-id middleware's limit stops larger ones).
        messages: list[Message] = []
        more = True
        while more:
            message = await receive()
            messages.append(message)
            more = message["type"] == "http.request" and message.get("more_body", False)
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        problem = _body_problem(content_type, body)
        if problem is not None:
            await _refuse(send, scope, *problem)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _refuse(send: Send, scope: Scope, status: int, detail: str) -> None:
    problem: dict[str, Any] = {
        "type": f"https://bangkom.id/problems/{_CODES[status]}",
        "title": code_title(_CODES[status], HTTPStatus(status).phrase),
        "status": status,
        "detail": localise(detail),
        "code": _CODES[status],
        "instance": scope["path"].replace("\x00", ""),
    }
    if status == 422:  # the shape of every other validation error (app/core/errors.py)
        problem["errors"] = [{"loc": ["body"], "msg": problem["detail"], "type": "string_nul"}]
    rid = current_request_id()
    if rid:
        problem["request_id"] = rid
    body = json.dumps(problem).encode()
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"content-language", current_language().encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
