"""One settings object, read from EVENTHUB_* environment variables."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///eventhub.db"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def load_secret_key() -> str:
    """EVENTHUB_SECRET_KEY, else a key kept in EVENTHUB_SECRET_KEY_FILE (made on first use).

    Attendees' manage links are derived from it, so every process serving one database
    must share it; set the variable in production.
    """
    if key := os.environ.get("EVENTHUB_SECRET_KEY"):
        return key
    path = Path(_env("EVENTHUB_SECRET_KEY_FILE", "eventhub.secret"))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as file:
        key = secrets.token_urlsafe(48)
        file.write(key)
    return key


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = field(default_factory=lambda: _env("EVENTHUB_DATABASE_URL", DEFAULT_DATABASE_URL))
    """SQLAlchemy URL: an embedded SQLite file by default, `postgresql+asyncpg://...` in production."""

    public_url: str = field(default_factory=lambda: _env("EVENTHUB_PUBLIC_URL", DEFAULT_PUBLIC_URL))
    """Base of every link in feeds, pages and mail; its host also qualifies calendar UIDs."""

    registration_rate_limit: str = field(
        default_factory=lambda: _env("EVENTHUB_REGISTRATION_RATE_LIMIT", "20/minute")
    )
    """Public registrations per client address, e.g. `20/minute`; `off` disables the limit."""

    sign_in_rate_limit: str = field(default_factory=lambda: _env("EVENTHUB_SIGN_IN_RATE_LIMIT", "10/hour"))
    """Organiser sign-in attempts per e-mail address (five times as many per client address)."""

    redis_url: str | None = field(default_factory=lambda: os.environ.get("EVENTHUB_REDIS_URL") or None)
    """Shared store for rate limits when several processes serve; in-memory when unset."""

    lock_timeout_seconds: float = field(
        default_factory=lambda: float(_env("EVENTHUB_LOCK_TIMEOUT_SECONDS", "5"))
    )
    """Longest wait for a database write lock before a request answers 503 with Retry-After."""

    debug: bool = field(default_factory=lambda: _env("EVENTHUB_DEBUG", "0") == "1")
    """Litestar debug mode; never in production."""

    allowed_hosts: list[str] = field(default_factory=lambda: _list("EVENTHUB_ALLOWED_HOSTS"))
    """Host names the server answers to; empty means the public URL's host, localhost and 127.0.0.1."""

    cors_origins: list[str] = field(default_factory=lambda: _list("EVENTHUB_CORS_ORIGINS"))
    """Origins whose browser scripts may call the JSON API; none unless configured."""

    secret_key: str = field(default_factory=load_secret_key, repr=False)
    """Server secret from which attendees' manage tokens are derived (never logged)."""

    smtp_url: str | None = field(default_factory=lambda: os.environ.get("EVENTHUB_SMTP_URL") or None, repr=False)
    """smtp://user:pass@host:587 (STARTTLS), smtps://...:465 (TLS); unset: mail goes to the log."""

    mail_from: str = field(default_factory=lambda: _env("EVENTHUB_MAIL_FROM", ""))
    """Sender address; defaults to eventhub@<public host>."""

    mail_sender: bool = field(default_factory=lambda: _env("EVENTHUB_MAIL_SENDER", "1") == "1")
    """Run the outbox sender inside each server process (0: use `eventhub mail send` from cron)."""

    @property
    def public_base(self) -> str:
        return self.public_url.rstrip("/")

    @property
    def public_host(self) -> str:
        return urlsplit(self.public_url).hostname or "localhost"

    @property
    def trusted_hosts(self) -> list[str]:
        return self.allowed_hosts or sorted({self.public_host, "localhost", "127.0.0.1"})

    @property
    def sender_address(self) -> str:
        return self.mail_from or f"eventhub@{self.public_host}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
