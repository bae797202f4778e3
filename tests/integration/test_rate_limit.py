"""Public registrations are rate-limited per client address: in memory for one process, and
through Redis so that several processes (here: two app instances, each with its own
services, as two workers would have) share one count. Time comes from the injected clock."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from eventhub.app import create_app
from eventhub.db.database import Database
from eventhub.settings import Settings
from tests.api.conftest import Api
from tests.conftest import FrozenClock

REDIS_URL = os.environ.get("EVENTHUB_TEST_REDIS_URL")
REQUIRE_REDIS = os.environ.get("EVENTHUB_REQUIRE_REDIS") == "1"
SLUG = "riga-2026"
RATE_KEYS = "eventhub:rate:*"


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The limit sits in front of the database: SQLite is enough here."""
    return sqlite_url


@pytest.fixture
def redis_url() -> str:
    if REDIS_URL is None:
        if REQUIRE_REDIS:
            pytest.fail("EVENTHUB_REQUIRE_REDIS=1 but EVENTHUB_TEST_REDIS_URL is not set")
        pytest.skip("set EVENTHUB_TEST_REDIS_URL to run against Redis")
    return REDIS_URL


async def forget_rate_counts(url: str) -> None:
    redis = Redis.from_url(url)
    try:
        async for key in redis.scan_iter(match=RATE_KEYS):
            await redis.delete(key)
    finally:
        await redis.aclose()


def limited(settings: Settings, rate: str, redis_url: str | None = None) -> Settings:
    return replace(settings, registration_rate_limit=rate, redis_url=redis_url)


@pytest.fixture
async def workshop_id(database: Database, settings: Settings, clock: FrozenClock) -> AsyncIterator[int]:
    """A mission and an open session, made through an app without a limit."""
    clock.now = datetime(2026, 5, 15, 9, 0, 30, tzinfo=UTC)  # half a minute into a window
    async with AsyncTestClient(app=create_app(limited(settings, "off"), clock=clock)) as client:
        token = await client.app.state.services.organiser_tokens.create("rate tests", None)
        api = Api(client, {"Authorization": f"Bearer {token}"})
        await api.mission()
        session = await api.session(SLUG, title="Open day", starts_at="2026-06-01T10:00", ends_at="2026-06-01T12:00")
    yield session["id"]


async def register(client: AsyncTestClient, workshop_id: int, n: int) -> Any:
    return await client.post(f"/api/missions/{SLUG}/registrations",
                             json={"name": "Visitor", "email": f"visitor{n}@example.org", "session_ids": [workshop_id]})


async def test_fourth_registration_in_a_minute_is_429_with_retry_after_and_the_next_window_lets_it_through(
    settings: Settings, workshop_id: int, clock: FrozenClock
) -> None:
    async with AsyncTestClient(app=create_app(limited(settings, "3/minute"), clock=clock)) as client:
        for n in range(3):
            assert (await register(client, workshop_id, n)).status_code == 201
        refused = await register(client, workshop_id, 3)
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "rate_limited" and refused.json()["status"] == 429
        retry_after = int(refused.headers["retry-after"])
        assert retry_after == 30  # the window started half a minute ago

        clock.advance(seconds=retry_after - 1)
        assert (await register(client, workshop_id, 4)).status_code == 429  # still the same window
        clock.advance(seconds=1)
        assert (await register(client, workshop_id, 5)).status_code == 201

        auth = {"Authorization": f"Bearer {await client.app.state.services.organiser_tokens.create('x', None)}"}
        rows = (await client.get(f"/api/missions/{SLUG}/registrations", headers=auth)).json()
    assert sorted(row["email"] for row in rows) == [f"visitor{n}@example.org" for n in (0, 1, 2, 5)]


async def test_off_never_limits(settings: Settings, workshop_id: int, clock: FrozenClock) -> None:
    async with AsyncTestClient(app=create_app(limited(settings, "off"), clock=clock)) as client:
        for n in range(25):
            assert (await register(client, workshop_id, n)).status_code == 201


async def test_two_app_instances_share_one_count_through_redis(
    settings: Settings, workshop_id: int, clock: FrozenClock, redis_url: str
) -> None:
    await forget_rate_counts(redis_url)
    settings = limited(settings, "3/minute", redis_url)
    apps = [create_app(settings, clock=clock), create_app(settings, clock=clock)]
    assert apps[0].state.services is not apps[1].state.services
    try:
        async with AsyncTestClient(app=apps[0]) as first, AsyncTestClient(app=apps[1]) as second:
            answers = [await register(first, workshop_id, 0), await register(first, workshop_id, 1),
                       await register(second, workshop_id, 2), await register(second, workshop_id, 3)]
            assert [a.status_code for a in answers] == [201, 201, 201, 429]
            assert int(answers[3].headers["retry-after"]) == 30
            clock.advance(seconds=30)
            assert (await register(first, workshop_id, 4)).status_code == 201
    finally:
        await forget_rate_counts(redis_url)
