"""A real SMTP server for the notification tests, run as a process of its own (aiosmtpd).

Each accepted message is written to --dir as <n>.eml (the bytes received) beside <n>.json (the
envelope: sender and recipients), the .eml renamed into place last so a reader never sees half a
file. Prints "ready <port>" once it accepts connections; stops on SIGTERM or SIGINT.

    python tests/notifications/smtp_server.py --port 2525 --dir /tmp/mail \
        [--security none|starttls|tls --cert cert.pem --key key.pem] [--auth user:password] \
        [--refuse someone@example.org]
"""

from __future__ import annotations

import argparse
import itertools
import json
import signal
import ssl
import threading
import warnings
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


class Store:
    def __init__(self, directory: Path, refuse: set[str]) -> None:
        self.directory = directory
        self.refuse = refuse
        self.numbers = itertools.count(1)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        number = next(self.numbers)
        content = envelope.original_content or b""
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}
        (self.directory / f"{number}.json").write_text(json.dumps(meta), encoding="utf-8")
        partial = self.directory / f".{number}.eml.part"
        partial.write_bytes(content)
        partial.rename(self.directory / f"{number}.eml")
        return "250 2.0.0 Message accepted for delivery"


def _authenticator(login: str, password: str) -> Any:
    def check(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            login.encode(),
            password.encode(),
        )
        return AuthResult(success=ok, handled=False)

    return check


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--security", choices=["none", "starttls", "tls"], default="none")
    parser.add_argument("--cert", type=Path)
    parser.add_argument("--key", type=Path)
    parser.add_argument("--auth", help="user:password that must log in")
    parser.add_argument("--refuse", action="append", default=[], help="a recipient refused with 550")
    args = parser.parse_args()
    # aiosmtpd warns that AUTH is required without STARTTLS, which is how --security tls is set up.
    warnings.simplefilter("ignore")
    args.dir.mkdir(parents=True, exist_ok=True)

    context = None
    if args.security != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    options: dict[str, Any] = {}
    if args.auth:
        login, _, password = args.auth.partition(":")
        options |= {"authenticator": _authenticator(login, password), "auth_required": True}
        # After STARTTLS only, as a real server insists. aiosmtpd does not count a connection that is
        # TLS from its first byte as such, so there the check is off (it is encrypted all the same).
        options["auth_require_tls"] = args.security == "starttls"
    if args.security == "tls":
        options["ssl_context"] = context
    elif args.security == "starttls":
        options |= {"tls_context": context, "require_starttls": True}

    handler = Store(args.dir, {address.lower() for address in args.refuse})
    controller = Controller(handler, hostname="127.0.0.1", port=args.port, **options)
    controller.start()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    print(f"ready {args.port}", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
