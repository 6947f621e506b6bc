"""Email through the standard library's SMTP client: the message, and a connection as configured
(BANGKOM_SMTP_*). Everything here blocks; the sender runs it in a thread."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from app.core.config import Settings

# The closing lines of every email, in the language the user chose for email.
_OPEN = {"id": "Buka di Bangkom: {url}", "en": "Open in Bangkom: {url}"}
_FOOTER = {
    "id": "Pesan ini dikirim otomatis oleh Bangkom; tidak perlu dibalas. "
    "Pilihan notifikasi dapat diubah di halaman profil Anda.",
    "en": "This message was sent automatically by Bangkom; there is no need to reply. "
    "You can change your notification choices on your profile page.",
}


@dataclass(frozen=True, slots=True)
class Mail:
    """One email as the sender claimed it."""

    address: str
    message_id: str
    subject: str
    body: str
    link: str | None
    language: str


def _one_line(text: str) -> str:
    # A header cannot hold a line break; a title with one would otherwise be refused (or worse, folded
    # into a header of its own).
    return " ".join(text.split())


def build(settings: Settings, mail: Mail, now: datetime) -> EmailMessage:
    language = "en" if mail.language == "en" else "id"
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = mail.address
    message["Subject"] = _one_line(mail.subject)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = mail.message_id
    # RFC 3834: no vacation replies or bounces-to-the-bounce loops for a machine's message.
    message["Auto-Submitted"] = "auto-generated"
    lines = [mail.body.strip(), ""]
    if mail.link and settings.public_url:
        lines += [_OPEN[language].format(url=settings.public_url.rstrip("/") + mail.link), ""]
    lines += ["-- ", _FOOTER[language]]
    message.set_content("\n".join(lines) + "\n")
    # After set_content, which drops every Content-* header it finds.
    message["Content-Language"] = language
    return message


def _tls_context(settings: Settings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.smtp_ca_file is not None:
        context.load_verify_locations(cafile=str(settings.smtp_ca_file))
    return context


def connect(settings: Settings) -> smtplib.SMTP:
    """An open, authenticated (when a username is set) connection; raises OSError or SMTPException."""
    host, port, timeout = settings.smtp_host, settings.smtp_port, settings.smtp_timeout_s
    client: smtplib.SMTP
    if settings.smtp_security == "tls":
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=_tls_context(settings))
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    try:
        client.ehlo()
        if settings.smtp_security == "starttls":
            client.starttls(context=_tls_context(settings))
            client.ehlo()
        if settings.smtp_username:
            client.login(settings.smtp_username, settings.smtp_password)
    except BaseException:
        close(client)
        raise
    return client


def close(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except OSError:  # SMTPException included
        client.close()


def is_permanent(exc: BaseException) -> bool:
    """A refusal of this message that trying again will not change (5xx for its recipient or its
    content). A refused sender or login is the server's configuration, which someone may fix: retried."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def breaks_connection(exc: BaseException) -> bool:
    """Whether the connection is gone after `exc` (the rest of the batch must wait for another)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    # SMTPException is an OSError too; only a socket's own error (reset, timeout) ends the connection.
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)
