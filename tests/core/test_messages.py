"""The API speaks Indonesian by default and English on request, and its catalogues stay complete.

The catalogue tests read the code, not the HTTP traffic: every problem code the API can answer, every
message template it raises and every field-error type must have both languages, with the same
placeholders. The HTTP tests check that the caller's `Accept-Language` picks the language.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic_core._pydantic_core import list_all_errors

import app
from app.core.config import Settings
from app.core.errors import DomainError
from app.core.hostile import _CODES as HOSTILE_CODES
from app.core.i18n import (
    LANGUAGES,
    code_titles,
    localise,
    msg,
    negotiate,
    placeholders,
    translations,
    validation_texts,
)
from tests.factories import World, bearer

APP_DIR = Path(app.__file__).parent
# Operator-facing modules (the command line, the demo generator) speak English only.
ENGLISH_ONLY = ("cli.py", "demo/")
# Programming errors and start-up failures: read by developers and operators in the log, never by a user.
INTERNAL_ERRORS = frozenset(
    {"TypeError", "RuntimeError", "SecretKeyFileError", "AssertionError", "NotImplementedError"}
)
# Codes the request middlewares and the generic handlers answer with (app/core/errors.py, ratelimit.py).
HANDLER_CODES = frozenset(
    {"internal_error", "database_unavailable", "method_not_allowed", "rate_limited", "validation_error"}
)


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(APP_DIR.rglob("*.py")):
        relative = path.relative_to(APP_DIR).as_posix()
        if relative.startswith(ENGLISH_ONLY):
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _subclasses(cls: type[DomainError]) -> Iterator[type[DomainError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def problem_codes() -> set[str]:
    """Every `code` a problem document of the API can carry."""
    for module in pkgutil.walk_packages(app.__path__, "app."):
        if ".demo" not in module.name:
            importlib.import_module(module.name)
    codes = {DomainError.code} | {sub.code for sub in _subclasses(DomainError)}
    codes |= set(HOSTILE_CODES.values()) | HANDLER_CODES
    for _, tree in _modules():
        for node in ast.walk(tree):
            # `code = "..."` on an error class, and problem_response(status, "code", ...)
            if (
                isinstance(node, ast.Assign)
                and [getattr(t, "id", None) for t in node.targets] == ["code"]
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                codes.add(node.value.value)
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "problem_response"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)
            ):
                codes.add(node.args[1].value)
    return codes


def raised_templates() -> tuple[set[str], list[str]]:
    """(every English template the code raises or passes to msg(), the places that format a message
    with an f-string instead of msg())."""
    templates: set[str] = set()
    untranslatable: list[str] = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "msg" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    templates.add(first.value)
                else:
                    untranslatable.append(f"{path.relative_to(APP_DIR)}:{node.lineno} msg() of a non-literal")
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args):
                continue
            name = getattr(node.exc.func, "id", None) or getattr(node.exc.func, "attr", None)
            if name in INTERNAL_ERRORS:
                continue
            first = node.exc.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                templates.add(first.value)
            elif isinstance(first, ast.JoinedStr):
                untranslatable.append(f"{path.relative_to(APP_DIR)}:{node.lineno} raise {name}(f'...')")
    return templates, untranslatable


class TestCatalogues:
    def test_every_problem_code_has_a_title_in_both_languages(self) -> None:
        titles = code_titles()
        missing = sorted(
            f"{code} ({language})"
            for code in problem_codes()
            for language in LANGUAGES
            if not titles.get(code, {}).get(language, "").strip()
        )
        assert not missing, f"app/core/locale/codes.json lacks: {', '.join(missing)}"

    def test_no_title_for_a_code_the_api_cannot_answer(self) -> None:
        # A stale entry misleads translators and the SPA's code list.
        stale = sorted(set(code_titles()) - problem_codes())
        assert not stale, f"codes.json names codes no code raises: {stale}"

    def test_every_raised_message_is_translated(self) -> None:
        templates, untranslatable = raised_templates()
        assert not untranslatable, "format these with msg('... {name} ...', name=...):\n" + "\n".join(
            untranslatable
        )
        missing = sorted(templates - set(translations()))
        assert not missing, "app/core/locale/messages.*.json lacks:\n" + "\n".join(missing)

    def test_translations_keep_their_placeholders(self) -> None:
        wrong = [
            f"{english!r} -> {indonesian!r}"
            for english, indonesian in translations().items()
            if placeholders(english) != placeholders(indonesian) or not indonesian.strip()
        ]
        assert not wrong, "\n".join(wrong)

    def test_no_translation_of_a_message_the_code_no_longer_raises(self) -> None:
        templates, _ = raised_templates()
        stale = sorted(set(translations()) - templates)
        assert not stale, "messages.*.json has templates no code uses:\n" + "\n".join(stale)

    def test_every_field_error_type_has_both_languages(self) -> None:
        # Every template each error type can be raised with: pydantic's own, and ours
        # (PydanticCustomError("type", "template", {...}) in app/), whose context fills the same names.
        sources: dict[str, list[str]] = {e["type"]: [e["message_template_python"]] for e in list_all_errors()}
        wrong = []
        for path, tree in _modules():
            # A module's string constants (`DECIMAL_PARSING = "decimal_parsing"`), which a call may name.
            constants = {
                target.id: node.value.value
                for node in tree.body
                if isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
                for target in node.targets
                if isinstance(target, ast.Name)
            }
            for node in ast.walk(tree):
                if not (
                    isinstance(node, ast.Call)
                    and (getattr(node.func, "id", None) or getattr(node.func, "attr", None))
                    == "PydanticCustomError"
                ):
                    continue
                where = f"{path.relative_to(APP_DIR)}:{node.lineno}"
                literal = [
                    arg.value
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                    else constants.get(arg.id)
                    if isinstance(arg, ast.Name)
                    else None
                    for arg in node.args[:2]
                ]
                kind, template = [*literal, None, None][:2]
                if kind is None or template is None:
                    wrong.append(f"{where}: PydanticCustomError needs a literal type and template")
                    continue
                sources.setdefault(kind, []).append(template)
        texts = validation_texts()
        for kind, templates in sorted(sources.items()):
            entry = texts.get(kind)
            if entry is None or any(not entry.get(language, "").strip() for language in LANGUAGES):
                wrong.append(f"{kind}: missing")
                continue
            # The templates name the context values we may use; a type raised both by pydantic and
            # by us may use only the names every one of them fills.
            allowed = set.intersection(*(placeholders(template) for template in templates))
            for language in LANGUAGES:
                if not placeholders(entry[language]) <= allowed:
                    wrong.append(f"{kind} ({language}): {placeholders(entry[language]) - allowed}")
        assert not wrong, "app/core/locale/validation.json:\n" + "\n".join(wrong)


class TestNegotiation:
    @pytest.mark.parametrize(
        ("header", "language"),
        [
            (None, "id"),
            ("", "id"),
            ("en", "en"),
            ("en-US,en;q=0.9", "en"),
            ("id-ID,id;q=0.9,en-US;q=0.8", "id"),
            ("fr-FR, en;q=0.5", "en"),
            ("de", "id"),
            ("en;q=0.4, id;q=0.8", "id"),
            ("en;q=0, fr", "id"),
            ("en;q=bogus, id;q=0.1", "id"),
            ("ms-MY", "id"),
        ],
    )
    def test_accept_language(self, header: str | None, language: str) -> None:
        assert negotiate(header) == language

    def test_a_message_is_english_text_that_translates(self) -> None:
        message = msg("No route for {method} {path}", method="GET", path="/x")
        assert message == "No route for GET /x"
        assert localise(message, "id") == "Tidak ada rute untuk GET /x"
        assert localise(message, "en") == "No route for GET /x"
        assert localise("An unknown text stays as it is", "id") == "An unknown text stays as it is"

    def test_indonesian_groups_thousands_with_dots(self) -> None:
        message = msg("The request body exceeds {limit} bytes for this endpoint", limit=2_000_000)
        assert localise(message, "id") == "Isi permintaan melebihi 2000000 bita untuk alamat ini"
        grouped = msg(
            "{rows:,} rows and {columns:,} columns (to column {last})", rows=12500, columns=1200, last="AUD"
        )
        assert str(grouped) == "12,500 rows and 1,200 columns (to column AUD)"
        assert localise(grouped, "id") == "12.500 baris dan 1.200 kolom (sampai kolom AUD)"


async def _both(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    answers = {}
    base = kwargs.pop("headers", {})
    for language in (None, "id", "en"):
        headers = {**base}
        if language is None:
            # The test client asks for English by default; a caller that does not ask gets Indonesian.
            client.headers.pop("Accept-Language", None)
        else:
            headers["Accept-Language"] = language
        r = await client.request(method, url, headers=headers, **kwargs)
        answers[language or "default"] = r
    client.headers["Accept-Language"] = "en"
    return answers


class TestOverHttp:
    async def test_an_unknown_asn_is_reported_in_the_callers_language(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        auth = bearer(settings, world.principal("bpsdm"))
        answers = await _both(client, "GET", "/api/v1/asn/199001012020011999", headers=auth)
        for key in ("default", "id", "en"):
            assert answers[key].status_code == 404
            assert answers[key].json()["code"] == "asn_not_found"
        assert answers["default"].json()["detail"] == answers["id"].json()["detail"]
        assert (
            answers["id"].json()["detail"] == "Tidak ada ASN dengan NIP 199001012020011999 dalam cakupan Anda"
        )
        assert answers["en"].json()["detail"] == "No ASN with NIP 199001012020011999 in your scope"
        assert answers["id"].json()["title"] == code_titles()["asn_not_found"]["id"]
        assert answers["id"].headers["content-language"] == "id"
        assert answers["en"].headers["content-language"] == "en"

    async def test_field_errors_are_translated(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        auth = bearer(settings, world.principal("bpsdm"))
        answers = await _both(
            client, "POST", "/api/v1/rules/1990/copy", headers=auth, json={"from_year": "two thousand"}
        )
        indonesian = answers["id"].json()
        english = answers["en"].json()
        assert indonesian["code"] == english["code"] == "validation_error"
        assert indonesian["errors"][0]["type"] == english["errors"][0]["type"]
        assert indonesian["errors"][0]["msg"] != english["errors"][0]["msg"]
        assert indonesian["errors"][0]["msg"] in indonesian["detail"]

    async def test_an_unknown_route_answers_in_both_languages(self, client: httpx.AsyncClient) -> None:
        answers = await _both(client, "GET", "/api/v1/no-such-thing")
        assert answers["id"].json()["detail"] == "Tidak ada rute untuk GET /api/v1/no-such-thing"
        assert answers["en"].json()["detail"] == "No route for GET /api/v1/no-such-thing"
