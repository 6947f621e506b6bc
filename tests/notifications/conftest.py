"""A real SMTP server process per test that needs one (tests/notifications/smtp_server.py), a
self-signed certificate for its TLS, and sessions for the sender bound to the test's transaction."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from app.core.config import Settings
from tests.faults.conftest import free_port, target, template, wait_for

__all__ = ["target", "template"]  # the fault tests' committed databases, for the killed sender

SERVER = Path(__file__).with_name("smtp_server.py")
SENDER = "Bangkom BPSDM <no-reply@bpsdm.example.org>"


@dataclass
class Mail:
    message: EmailMessage
    mail_from: str
    rcpt_tos: list[str]


class SmtpServer:
    """An aiosmtpd process listening on 127.0.0.1:`port`, storing what it accepts in `directory`."""

    def __init__(self, port: int, directory: Path, args: list[str]) -> None:
        self.port = port
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.log = directory.parent / f"smtp-{port}.log"
        with self.log.open("ab") as sink:
            self.popen = subprocess.Popen(
                [sys.executable, str(SERVER), "--port", str(port), "--dir", str(directory), *args],
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        wait_for(self._ready, f"the SMTP server on port {port}")

    def _ready(self) -> bool:
        if self.popen.poll() is not None:
            raise AssertionError(f"smtp_server.py exited {self.popen.returncode}:\n{self.log.read_text()}")
        return f"ready {self.port}" in self.log.read_text()

    def mails(self) -> list[Mail]:
        """What the server accepted, in the order it did."""
        found = sorted(self.directory.glob("*.eml"), key=lambda p: int(p.stem))
        out = []
        for path in found:
            meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            assert isinstance(message, EmailMessage)
            out.append(Mail(message, meta["mail_from"], meta["rcpt_tos"]))
        return out

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
        self.popen.wait()


StartServer = Callable[..., SmtpServer]


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[StartServer]:
    """start(port=None, *args) → a running server; each is stopped at the end of the test."""
    started: list[SmtpServer] = []

    def start(*args: str, port: int | None = None) -> SmtpServer:
        port = port or free_port()
        server = SmtpServer(port, tmp_path / f"mail-{port}-{len(started)}", list(args))
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1, which the sender trusts through BANGKOM_SMTP_CA_FILE."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bangkom-test-smtp")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return Certificate(cert_path, key_path)


def mail_settings(settings: Settings, port: int, **changes: Any) -> Settings:
    """The suite's settings with an SMTP server on 127.0.0.1:`port` (no TLS unless asked)."""
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_security": "none",
            "smtp_sender": SENDER,
            "smtp_timeout_s": 10.0,
            "public_url": "https://bangkom.example.org",
        }
        | changes
    )


@pytest.fixture
async def sessions(connection: AsyncConnection) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions as the sender opens them, committing to savepoints of the test's transaction."""
    yield async_sessionmaker(
        bind=connection, expire_on_commit=False, autoflush=False, join_transaction_mode="create_savepoint"
    )
