"""Structured logs: JSON (or text) lines with the request id, an access line per request, no personal data."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.core.config import Settings
from app.core.logs import configure_logging, redact
from app.core.migrations import upgrade
from app.core.security import Principal, Role
from app.main import create_app
from tests.conftest import bind_to_test
from tests.factories import PASSWORD, World, bearer
from tests.http import as_

NIK = "6471054203900002"
NIP = "198001012005011001"
PHONE = "+62 812-3456-7890"
EMAIL = "siti.rahma@example.co.id"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzaXRpIn0.c2lnbmF0dXJlLWZvci10ZXN0"
WRONG_PASSWORD = "Salah#Sandi-2026"


class Captured:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines()]

    def access(self) -> list[dict[str, Any]]:
        return [line for line in self.lines() if line["logger"] == "bangkom.access"]

    def assert_clean(self, *values: str) -> None:
        for value in values:
            assert value not in self.text, value


def capture(settings: Settings, **update: Any) -> Captured:
    stream = io.StringIO()
    configure_logging(settings.model_copy(update=update), stream=stream)
    return Captured(stream)


@pytest.fixture
def logs(app: Any, settings: Settings) -> Iterator[Captured]:
    """Everything the app logs from here on, as the server would write it (JSON lines)."""
    yield capture(settings)
    configure_logging(settings)


def no_spa(settings: Settings, tmp_path: Path) -> Settings:
    # Without a built SPA its catch-all route is absent, so unknown paths match no route at all.
    return settings.model_copy(update={"spa_dir": tmp_path / "no-spa"})


def client_for(application: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


class TestJsonLines:
    async def test_access_line_carries_request_id_route_template_and_role(
        self, client: httpx.AsyncClient, logs: Captured, world: World, settings: Settings
    ) -> None:
        nip = world.asn_a.nip
        r = await client.get(f"/api/v1/asn/{nip}?q={nip}", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 200

        [line] = logs.access()
        assert line["request_id"] == r.headers["x-request-id"]
        assert line["route"] == "/api/v1/asn/{nip}"
        assert line["method"] == "GET"
        assert line["status"] == 200
        assert line["actor_role"] == "bpsdm_admin"
        assert isinstance(line["duration_ms"], float | int)
        assert line["level"] == "INFO"
        assert line["ts"].endswith("Z")
        assert line["message"] == "GET /api/v1/asn/{nip} 200"
        logs.assert_clean(nip, 'bpsdm"')

    async def test_caller_request_id_is_kept_unless_it_looks_personal(
        self, client: httpx.AsyncClient, logs: Captured
    ) -> None:
        r = await client.get("/api/v1/rules", headers={"X-Request-ID": "trace-abc.123"})
        assert r.headers["x-request-id"] == "trace-abc.123"
        r = await client.get("/api/v1/rules", headers={"X-Request-ID": NIK})
        assert r.headers["x-request-id"] != NIK
        ids = [line["request_id"] for line in logs.access()]
        assert ids[0] == "trace-abc.123"
        assert NIK not in ids
        logs.assert_clean(NIK)

    async def test_unmatched_path_is_not_logged_raw(
        self, settings: Settings, engine: AsyncEngine, connection: AsyncConnection, tmp_path: Path
    ) -> None:
        application = bind_to_test(create_app(no_spa(settings, tmp_path)), settings, engine, connection)
        logs = capture(settings)
        try:
            async with client_for(application) as client:
                r = await client.get(f"/api/v1/nowhere/{NIP}?email={EMAIL}")
        finally:
            configure_logging(settings)
        assert r.status_code == 404
        [line] = logs.access()
        assert (line["route"], line["status"]) == ("<unrouted>", 404)
        logs.assert_clean(NIP, EMAIL)

    async def test_health_probes_are_quiet_at_info(self, client: httpx.AsyncClient, logs: Captured) -> None:
        assert (await client.get("/healthz")).status_code == 200
        assert logs.access() == []

    async def test_health_probes_show_at_debug(
        self, client: httpx.AsyncClient, app: Any, settings: Settings
    ) -> None:
        logs = capture(settings, log_level="DEBUG")
        try:
            assert (await client.get("/healthz")).status_code == 200
        finally:
            configure_logging(settings)
        [line] = logs.access()
        assert (line["level"], line["route"]) == ("DEBUG", "/healthz")

    async def test_body_too_large_is_logged_with_its_status(
        self, client: httpx.AsyncClient, logs: Captured, world: World, settings: Settings
    ) -> None:
        r = await client.post(
            "/api/v1/asn", content=b"x" * (3 * 1024 * 1024), headers=as_(settings, world, "bpsdm")
        )
        assert r.status_code == 413
        [line] = logs.access()
        assert (line["status"], line["route"]) == (413, "<unrouted>")


class TestNoPersonalData:
    async def test_failed_login(self, client: httpx.AsyncClient, logs: Captured, world: World) -> None:
        r = await client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": "opd.a", "password": WRONG_PASSWORD},
        )
        assert r.status_code == 400
        [line] = logs.access()
        assert (line["route"], line["status"]) == ("/api/v1/auth/token", 400)
        assert "actor_role" not in line
        logs.assert_clean(WRONG_PASSWORD, PASSWORD, "opd.a")

    async def test_bearer_token(
        self, client: httpx.AsyncClient, logs: Captured, world: World, settings: Settings
    ) -> None:
        headers = as_(settings, world, "opd_a")
        token = headers["Authorization"].removeprefix("Bearer ")
        r = await client.get("/api/v1/asn", headers=headers)
        assert r.status_code == 200
        r = await client.get("/api/v1/asn", headers={"Authorization": f"Bearer {token}x"})
        assert r.status_code == 401
        assert [line["status"] for line in logs.access()] == [200, 401]
        logs.assert_clean(token, token[:20], "opd.a")

    async def test_profile_update(
        self, client: httpx.AsyncClient, logs: Captured, world: World, settings: Settings
    ) -> None:
        nip = world.asn_a.nip
        headers = as_(settings, world, "asn_a")
        etag = (await client.get(f"/api/v1/asn/{nip}", headers=headers)).headers["etag"]
        headers |= {"If-Match": etag}
        r = await client.patch(f"/api/v1/asn/{nip}", json={"phone": PHONE, "email": EMAIL}, headers=headers)
        assert r.status_code == 200, r.text
        r = await client.patch(f"/api/v1/asn/{nip}", json={"nik": NIK, "phone": PHONE}, headers=headers)
        assert r.status_code == 422
        assert [(line["route"], line["status"]) for line in logs.access()] == [
            ("/api/v1/asn/{nip}", 200),
            ("/api/v1/asn/{nip}", 200),
            ("/api/v1/asn/{nip}", 422),
        ]
        logs.assert_clean(nip, NIK, PHONE, EMAIL, "812-3456")

    async def test_unhandled_error(
        self, settings: Settings, engine: AsyncEngine, connection: AsyncConnection, tmp_path: Path
    ) -> None:
        application: FastAPI = bind_to_test(
            create_app(no_spa(settings, tmp_path)), settings, engine, connection
        )

        @application.get("/test-only/boom/{nip}")
        async def boom(nip: str) -> None:
            raise RuntimeError(
                f"profile {nip} NIK {NIK} phone {PHONE} email {EMAIL} Authorization: Bearer {JWT} "
                f"password={WRONG_PASSWORD} [parameters: ('{NIP}', 'Siti Rahma')]"
            )

        logs = capture(settings)
        try:
            async with client_for(application) as client:
                r = await client.get(f"/test-only/boom/{NIP}")
        finally:
            configure_logging(settings)
        assert r.status_code == 500
        errors = [line for line in logs.lines() if line["level"] == "ERROR"]
        assert errors, logs.text
        for line in errors:
            assert line["request_id"] == r.headers["x-request-id"]
            assert line["exc_type"] == "RuntimeError"
            assert "[redacted-id]" in line["exc"]
            assert "Authorization: [redacted]" in line["exc"]
        [access] = logs.access()
        assert (access["route"], access["status"]) == ("/test-only/boom/{nip}", 500)
        logs.assert_clean(NIP, NIK, PHONE, EMAIL, JWT, JWT[:12], WRONG_PASSWORD, "Siti Rahma")

    def test_logging_directly_with_args_and_extras(self, settings: Settings) -> None:
        logs = capture(settings)
        try:
            logging.getLogger("bangkom.test").warning(
                "sync rejected %s (%s)", NIP, {"password": WRONG_PASSWORD}, extra={"detail": f"phone {PHONE}"}
            )
        finally:
            configure_logging(settings)
        [line] = logs.lines()
        assert line["message"] == "sync rejected [redacted-id] ({'password': [redacted]})"
        assert line["detail"] == "phone [redacted-phone]"
        assert "request_id" not in line


class TestRedact:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (f"NIK {NIK}.", "NIK [redacted-id]."),
            (f"/api/v1/asn/{NIP}/x", "/api/v1/asn/[redacted-id]/x"),
            ("NIP 19800101 200501 1 001", "NIP [redacted-id]"),
            ("call 081234567890 now", "call [redacted-phone] now"),
            ("call 0812-3456-7890", "call [redacted-phone]"),
            (f"call {PHONE}", "call [redacted-phone]"),
            ("call 6281234567890", "call [redacted-phone]"),
            (f"mail {EMAIL}", "mail [redacted-email]"),
            (f"token {JWT}", "token [redacted-token]"),
            ("Authorization: Bearer abc.def-ghi", "Authorization: [redacted]"),
            ("headers {'authorization': 'Basic dXNlcjpwYXNz'}", "headers {'authorization': [redacted]}"),
            ("sent bearer abcdef123", "sent [redacted-token]"),
            (
                "grant_type=password&password=s3cret&username=x",
                "grant_type=password&password=[redacted]&username=x",
            ),
            ('{"password": "a b c", "name": "x"}', '{"password": [redacted], "name": "x"}'),
            ("client_secret=abc123&refresh_token=zzz", "client_secret=[redacted]&refresh_token=[redacted]"),
            (
                f"DETAIL:  Key (nip)=({NIP}) already exists.",
                "DETAIL:  Key (nip)=([redacted]) already exists.",
            ),
            (
                "UNIQUE constraint failed: asn.nip\n[SQL: INSERT INTO asn (nip, name) VALUES (?, ?)]\n"
                f"[parameters: ('{NIP}', 'Siti Rahma')]",
                "UNIQUE constraint failed: asn.nip\n[SQL: INSERT INTO asn (nip, name) VALUES (?, ?)]\n"
                "[parameters: [redacted]]",
            ),
        ],
    )
    def test_personal_data_and_secrets_are_replaced(self, text: str, expected: str) -> None:
        assert redact(text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "import job 42 stopped after 1200 rows",
            "GET /api/v1/asn/{nip} 200",
            "readiness: database unreachable (OperationalError)",
            "listening on 127.0.0.1:8000, pid 12345",
            "year 2026 pagu 1500000000 rupiah",
        ],
    )
    def test_ordinary_text_is_kept(self, text: str) -> None:
        assert redact(text) == text


class TestConfiguration:
    async def test_text_format(self, client: httpx.AsyncClient, app: Any, settings: Settings) -> None:
        logs = capture(settings, log_format="text")
        try:
            r = await client.get(f"/api/v1/nowhere/{NIK}")
            logging.getLogger("bangkom.test").error("failed for %s", NIK)
        finally:
            configure_logging(settings)
        access, error = [line for line in logs.text.splitlines() if " bangkom." in line]
        # With a built SPA its catch-all route answers unknown paths; without one no route does.
        spa = any(getattr(route, "path", "") == "/{path:path}" for route in app.routes)
        route = "/{path:path}" if spa else "<unrouted>"
        assert f" INFO    bangkom.access: GET {route} 404 " in access
        assert f"request_id={r.headers['x-request-id']}" in access
        assert f"route={route}" in access and "status=404" in access
        assert error.endswith(" ERROR   bangkom.test: failed for [redacted-id]")
        with pytest.raises(json.JSONDecodeError):
            json.loads(access)

    def test_configuring_twice_does_not_duplicate_lines(self, settings: Settings) -> None:
        stream = io.StringIO()
        configure_logging(settings, stream=stream)
        configure_logging(settings, stream=stream)
        create_app(settings)  # configures again, to stderr
        configure_logging(settings, stream=stream)
        try:
            logging.getLogger("bangkom.test").warning("once")
            logging.getLogger("uvicorn.error").warning("uvicorn once")
        finally:
            configure_logging(settings)
        assert [json.loads(line)["message"] for line in stream.getvalue().splitlines()] == [
            "once",
            "uvicorn once",
        ]

    def test_caplog_still_sees_records(self, settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
        create_app(settings)
        with caplog.at_level(logging.WARNING, logger="bangkom"):
            logging.getLogger("bangkom.test").warning("seen by caplog about %s", NIK)
        assert [r.getMessage() for r in caplog.records] == ["seen by caplog about [redacted-id]"]


async def test_token_in_bearer_helper_is_a_jwt(settings: Settings, world: World) -> None:
    # The redaction of `eyJ…` relies on access tokens being JWTs.
    token = bearer(settings, world.principal("bpsdm"))["Authorization"].removeprefix("Bearer ")
    assert token.startswith("eyJ")
    assert redact(token) == "[redacted-token]"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class TestServerProcess:
    """`bangkom serve` on a temporary SQLite database: every line on stderr, uvicorn's too, is clean JSON."""

    def test_server_logs_are_json_and_hold_no_personal_data(self, tmp_path: Path) -> None:
        url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
        upgrade(url)
        secret = "server-log-test-secret-0123456789-abcdefghij"
        port = free_port()
        env = os.environ | {
            "BANGKOM_DATABASE_URL": url,
            "BANGKOM_DATA_DIR": str(tmp_path / "data"),
            "BANGKOM_SECRET_KEY": secret,
            "BANGKOM_SPA_DIR": str(tmp_path / "no-spa"),
            "BANGKOM_LOG_FORMAT": "json",
            "BANGKOM_LOG_LEVEL": "INFO",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        settings = Settings(database_url=url, secret_key=secret, data_dir=tmp_path / "data")
        token = bearer(settings, Principal(subject="bpsdm", role=Role.bpsdm_admin, user_id=1))[
            "Authorization"
        ]
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
                wait_until_up(client, server)
                profile = client.get(
                    f"/api/v1/asn/{NIP}", params={"email": EMAIL}, headers={"Authorization": token}
                )
                login = client.post(
                    "/api/v1/auth/token",
                    data={"grant_type": "password", "username": NIK, "password": WRONG_PASSWORD},
                )
                lost = client.get(f"/nowhere/{NIK}", headers={"Authorization": f"Bearer {JWT}"})
        finally:
            server.send_signal(signal.SIGINT)
            stdout, stderr = server.communicate(timeout=30)
        assert (profile.status_code, login.status_code, lost.status_code) == (404, 400, 404)

        lines = [json.loads(line) for line in stderr.splitlines()]
        messages = {(line["logger"], line["message"]) for line in lines}
        assert ("uvicorn.error", "Application startup complete.") in messages
        assert ("uvicorn.error", "Shutting down") in messages
        access = [line for line in lines if line["logger"] == "bangkom.access"]
        assert [(line["route"], line["status"], line["request_id"]) for line in access] == [
            ("/api/v1/asn/{nip}", 404, profile.headers["x-request-id"]),
            ("/api/v1/auth/token", 400, login.headers["x-request-id"]),
            ("<unrouted>", 404, lost.headers["x-request-id"]),
        ]
        assert access[0]["actor_role"] == "bpsdm_admin"
        assert not any("color_message" in line for line in lines)  # uvicorn's copy with terminal codes
        output = stdout + stderr
        for value in (NIP, NIK, EMAIL, WRONG_PASSWORD, JWT, token.removeprefix("Bearer ")):
            assert value not in output, value


def wait_until_up(client: httpx.Client, server: subprocess.Popen[str]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise AssertionError(f"server exited: {server.communicate()[1]}")
        try:
            if client.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("server did not start")
