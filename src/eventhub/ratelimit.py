"""Fixed-window rate limits per client address, in memory or shared through Redis: the
registration limit that the JSON API and the pages both enforce, and the organisers'
sign-in limit (per e-mail address and per client).

A fixed window (INCR + EXPIRE) is atomic in Redis, so several server processes share
one exact count; the in-memory counter serves a single process (and tests).
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from litestar.connection import ASGIConnection

from eventhub.domain.errors import InvalidInput

if TYPE_CHECKING:
    from eventhub.services import Services

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True, slots=True)
class Rate:
    count: int
    seconds: int


def parse_rate(text: str) -> Rate | None:
    """`20/minute` -> Rate(20, 60); `off` -> None."""
    if text.strip().lower() in {"off", "none", "0", ""}:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(second|minute|hour|day)s?\s*", text.lower())
    if match is None or int(match.group(1)) < 1:
        raise InvalidInput(f"Rate limit {text!r} is not like '20/minute' or 'off'.", code="invalid_rate_limit")
    return Rate(int(match.group(1)), _UNITS[match.group(2)])


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends (when refused)


class WindowCounter(Protocol):
    async def hit(self, key: str, window: int, ttl: int) -> int: ...

    async def close(self) -> None: ...


class MemoryCounter:
    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}

    async def hit(self, key: str, window: int, ttl: int) -> int:
        if len(self._counts) > 100_000:  # old windows are worthless: forget them
            self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
        count = self._counts.get((key, window), 0) + 1
        self._counts[(key, window)] = count
        return count

    async def close(self) -> None:
        """Nothing to release."""


class RedisCounter:
    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url)

    async def hit(self, key: str, window: int, ttl: int) -> int:
        name = f"eventhub:rate:{key}:{window}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, ttl)
            count, _ = await pipe.execute()
        return int(count)

    async def close(self) -> None:
        await self._redis.aclose()


class RateLimiter:
    def __init__(self, rate: Rate, counter: WindowCounter) -> None:
        self.rate = rate
        self._counter = counter

    async def check(self, client: str, now: datetime) -> Verdict:
        stamp = now.timestamp()
        window = math.floor(stamp / self.rate.seconds)
        count = await self._counter.hit(client, window, self.rate.seconds + 1)
        retry_after = max(1, math.ceil((window + 1) * self.rate.seconds - stamp))
        return Verdict(count <= self.rate.count, retry_after)

    async def close(self) -> None:
        """Release the counter's connections (Redis); the app's shutdown must call this."""
        await self._counter.close()


class RateLimited(Exception):
    """Too many requests from one client in the current window (HTTP 429)."""

    def __init__(self, retry_after: int, message: str = "Too many registrations from this address; try again shortly.") -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SignInRateLimited(RateLimited):
    """Too many sign-in attempts for one address or from one client (HTTP 429)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after, "Too many sign-in attempts; try again later.")


@dataclass(frozen=True, slots=True)
class SignInLimits:
    """Sign-in attempts per e-mail address (guessing one account's password) and per
    client (trying many accounts). Counted whether or not the address has an account,
    so the answer never tells."""

    CLIENT_FACTOR = 5

    per_address: RateLimiter
    per_client: RateLimiter

    async def close(self) -> None:
        await self.per_address.close()
        await self.per_client.close()


def _client(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    return connection.client.host if connection.client else "unknown"


async def enforce_sign_in_rate_limit(connection: ASGIConnection[Any, Any, Any, Any], email: str) -> None:
    """Every sign-in attempt counts against the address and the client; the first that
    runs out refuses (EVENTHUB_SIGN_IN_RATE_LIMIT)."""
    services: Services = connection.app.state.services
    limits = services.sign_in_limits
    if limits is None:
        return
    now = services.clock()
    address = hashlib.sha256(email.strip().casefold().encode("utf-8")).hexdigest()
    for limiter, key in ((limits.per_address, f"sign-in:address:{address}"), (limits.per_client, f"sign-in:client:{_client(connection)}")):
        verdict = await limiter.check(key, now)
        if not verdict.allowed:
            raise SignInRateLimited(verdict.retry_after)


async def enforce_registration_rate_limit(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Public registrations per client address (EVENTHUB_REGISTRATION_RATE_LIMIT), for the
    API and the pages alike. The registering handlers call it first thing; it is not a
    guard, because Litestar copies the route handler for every guard call, a cost that
    shows in a registration rush."""
    services: Services = connection.app.state.services
    limiter = services.rate_limiter
    if limiter is None:
        return
    verdict = await limiter.check(_client(connection), services.clock())
    if not verdict.allowed:
        raise RateLimited(verdict.retry_after)
