"""Shared fixtures: one parametrised database (SQLite file and PostgreSQL), a controllable
clock, and an app with a test client. The schema always comes from the migrations."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from eventhub.app import EventhubApp, build_app, use_services
from eventhub.db.database import Database
from eventhub.db.migrate import downgrade, upgrade
from eventhub.db.models import BigIntBase
from eventhub.i18n.build import compile_catalogs
from eventhub.services import Services
from eventhub.settings import Settings

POSTGRES_URL = os.environ.get("EVENTHUB_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("EVENTHUB_REQUIRE_POSTGRES") == "1"
PUBLIC_URL = "https://events.example.org"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# Randomised tests must pass on every run, not most runs: Hypothesis draws the same examples
# each time (derandomize) and keeps no example database between runs, so a fresh clone and
# the tenth run see the same cases; a failure prints the blob that reproduces it.
# `HYPOTHESIS_PROFILE=explore` draws fresh examples for a deliberate search.
hypothesis_settings.register_profile("eventhub", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("explore", derandomize=False, database=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "eventhub"))


def pytest_sessionstart(session: pytest.Session) -> None:
    # The .mo files are build products (hatch_build.py, make): a checkout whose .po files
    # changed since the last install gets them compiled here, as `make test` would.
    compile_catalogs()


@dataclass
class FrozenClock:
    """The tests' clock: time moves only when a test moves it."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _dialects() -> list[object]:
    postgres_marks = [pytest.mark.postgres]
    if POSTGRES_URL is None and not REQUIRE_POSTGRES:
        postgres_marks.append(pytest.mark.skip(reason="set EVENTHUB_TEST_POSTGRES_URL to run on PostgreSQL"))
    return ["sqlite", pytest.param("postgresql", marks=postgres_marks)]


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'eventhub-test.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgresql_url() -> str:
    if POSTGRES_URL is None:
        pytest.fail("EVENTHUB_REQUIRE_POSTGRES=1 but EVENTHUB_TEST_POSTGRES_URL is not set")
    downgrade(POSTGRES_URL)  # whatever an earlier run left, the schema comes from the migrations
    upgrade(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture(scope="session", params=_dialects())
def database_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue(f"{request.param}_url")


async def wipe(database: Database) -> None:
    """Empty every table and restart ids, so each test sees the same ids on both databases."""
    tables = [t.name for t in reversed(BigIntBase.metadata.sorted_tables)]
    async with database.write() as db:
        if database.is_sqlite:
            for table in tables:
                await db.execute(text(f"DELETE FROM {table}"))
        else:
            await db.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url, lock_timeout_seconds=3)
    await wipe(db)
    yield db
    await db.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        public_url=PUBLIC_URL,
        registration_rate_limit="off",
        redis_url=None,
        secret_key="test-secret-key-not-for-production",
        smtp_url=None,
        mail_sender=False,
        allowed_hosts=["testserver.local", "127.0.0.1", "localhost"],
    )


@pytest.fixture
def services(settings: Settings, database: Database, clock: FrozenClock) -> Services:
    return Services.build(settings, database, clock)


# Built apps by settings, each lent to one test at a time. Building an app is most of a
# test's cost (Litestar reads every handler's signature); its services, where every cache,
# limit and the clock live, are built fresh for each test (`use_services`), so a test
# sees what `create_app(settings, clock=...)` would give it.
_IDLE_APPS: dict[str, list[EventhubApp]] = {}


@asynccontextmanager
async def app_client(
    settings: Settings, clock: FrozenClock, *, base_url: str = "http://testserver.local", **inject: Any
) -> AsyncIterator[AsyncTestClient]:
    """A test client of an app for `settings` with fresh services (clock, and whatever
    `create_app` takes besides: `new_uid`, `transport`, `meeting_solver`)."""
    idle = _IDLE_APPS.setdefault(repr(settings), [])
    app = idle.pop() if idle else build_app(settings)
    database = Database(settings.database_url, lock_timeout_seconds=settings.lock_timeout_seconds)
    use_services(app, Services.build(settings, database, clock, **inject))
    try:
        async with AsyncTestClient(app=app, base_url=base_url) as test_client:
            yield test_client
    finally:
        use_services(app, None)  # type: ignore[arg-type]  # nothing of this test stays reachable
        idle.append(app)


@pytest.fixture
async def client(settings: Settings, database: Database, clock: FrozenClock) -> AsyncIterator[AsyncTestClient]:
    async with app_client(settings, clock) as test_client:
        yield test_client


@pytest.fixture
async def organiser_token(services: Services) -> str:
    return await services.organiser_tokens.create("test organiser", None)


@pytest.fixture
def auth(organiser_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {organiser_token}"}

