"""Where composed mail goes: an SMTP server, or (without one) the log, secrets redacted."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

from eventhub.logs import redact

logger = logging.getLogger("eventhub.mail")


class Transport(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class SmtpTransport:
    """smtp://user:pass@host:587 uses STARTTLS when offered, smtp+starttls:// requires it,
    smtps://host:465 is TLS from the start."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtp+starttls", "smtps") or not parts.hostname:
            raise ValueError("EVENTHUB_SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465")
        self._hostname = parts.hostname
        self._port = parts.port or (465 if parts.scheme == "smtps" else 587)
        self._username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._use_tls = parts.scheme == "smtps"
        self._start_tls: bool | None = True if parts.scheme == "smtp+starttls" else (False if self._use_tls else None)
        self._timeout = timeout

    async def send(self, message: EmailMessage) -> None:
        await aiosmtplib.send(
            message,
            hostname=self._hostname,
            port=self._port,
            username=self._username,
            password=self._password,
            use_tls=self._use_tls,
            start_tls=self._start_tls,
            timeout=self._timeout,
        )


class LogTransport:
    """Without SMTP the mail is written to the log; links carrying tokens are redacted."""

    async def send(self, message: EmailMessage) -> None:
        text = message.get_body(("plain",))
        content = text.get_content() if text is not None else ""
        logger.info(
            "mail (not sent: EVENTHUB_SMTP_URL is not set)\nTo: %s\nSubject: %s\n\n%s",
            message["To"], message["Subject"], redact(content),
        )
