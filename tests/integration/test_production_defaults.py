"""What the app factory does for an organiser who puts eventhub on the internet."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from eventhub.app import create_app
from eventhub.settings import Settings
from tests.conftest import FrozenClock


@pytest.fixture
async def strict_client(settings: Settings, database: Any, clock: FrozenClock) -> AsyncIterator[AsyncTestClient]:
    production = replace(settings, allowed_hosts=[], public_url="https://events.example.org", cors_origins=[])
    async with AsyncTestClient(app=create_app(production, clock=clock), base_url="https://events.example.org") as client:
        yield client


async def test_only_the_public_host_and_localhost_are_answered(strict_client: AsyncTestClient) -> None:
    assert (await strict_client.get("/health")).status_code == 200
    assert (await strict_client.get("/health", headers={"Host": "localhost"})).status_code == 200
    evil = await strict_client.get("/api/missions", headers={"Host": "attacker.example.com"})
    assert evil.status_code == 400
    assert evil.headers["content-type"].startswith("application/problem+json")
    assert evil.json()["code"] == "invalid_host"


async def test_oversized_bodies_are_refused_before_parsing(client: AsyncTestClient, auth: dict[str, str]) -> None:
    body = {"slug": "big", "title": "x", "host_country": "LV", "timezone": "Europe/Riga",
            "starts_on": "2026-06-01", "ends_on": "2026-06-02", "summary": "x" * 70_000}
    response = await client.post("/api/missions", json=body, headers=auth)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/api/missions", headers=auth)).json() == []


async def test_cors_is_off_unless_configured(settings: Settings, database: Any, clock: FrozenClock, client: AsyncTestClient) -> None:
    origin = {"Origin": "https://partner.example.org"}
    assert "access-control-allow-origin" not in (await client.get("/api/missions", headers=origin)).headers
    configured = replace(settings, cors_origins=["https://partner.example.org"])
    async with AsyncTestClient(app=create_app(configured, clock=clock)) as cors_client:
        response = await cors_client.get("/api/missions", headers=origin)
    assert response.headers["access-control-allow-origin"] == "https://partner.example.org"


async def test_api_answers_are_not_sniffed_or_cached(client: AsyncTestClient) -> None:
    response = await client.get("/api/missions")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_an_unexpected_error_shows_no_internals(
    settings: Settings, database: Any, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(settings, clock=clock)

    async def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("password=hunter2 at /srv/eventhub/db.py line 42")

    monkeypatch.setattr(app.state.services.missions, "list", broken)
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/api/missions")
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "hunter2" not in response.text and "Traceback" not in response.text and "db.py" not in response.text
    assert not app.debug
