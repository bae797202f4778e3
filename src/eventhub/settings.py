"""One settings object, read from EVENTHUB_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///eventhub.db"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


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

    redis_url: str | None = field(default_factory=lambda: os.environ.get("EVENTHUB_REDIS_URL") or None)
    """Shared store for rate limits when several processes serve; in-memory when unset."""

    lock_timeout_seconds: float = field(
        default_factory=lambda: float(_env("EVENTHUB_LOCK_TIMEOUT_SECONDS", "5"))
    )
    """Longest wait for a database write lock before a request answers 503 with Retry-After."""

    debug: bool = field(default_factory=lambda: _env("EVENTHUB_DEBUG", "0") == "1")
    """Litestar debug mode; never in production."""

    @property
    def public_base(self) -> str:
        return self.public_url.rstrip("/")

    @property
    def public_host(self) -> str:
        return urlsplit(self.public_url).hostname or "localhost"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
