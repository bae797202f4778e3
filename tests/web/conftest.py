"""Page tests run in-process against both databases, with the Bishkek mission loaded."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from httpx import Response
from litestar.testing import AsyncTestClient

from eventhub.db.database import Database
from eventhub.loader import load_mission, read_mission_file
from eventhub.services import Services
from eventhub.settings import Settings
from tests.conftest import FIXTURES, FrozenClock, app_client

SLUG = "lv-it-cluster-bishkek-2026"
TEST_LABS = "Setting Up Test Labs for IT Solutions: Lessons from Latvia"  # a workshop, 20 seats
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
async def bishkek(services: Services) -> str:
    return await load_mission(services, read_mission_file(FIXTURES / "bishkek-2026.json"))


@dataclass
class Browser:
    """An in-process 'browser': keeps cookies (https, so Secure cookies come back) and
    sends forms with the CSRF token of the page it last loaded."""

    client: AsyncTestClient

    async def page(self, path: str, expect: int = 200) -> Response:
        response = await self.client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == expect, response.text[:2000]
        return response

    async def submit(
        self, page_path: str, action: str, fields: dict[str, str], *, token: bool = True
    ) -> Response:
        page = await self.page(page_path)
        data = dict(fields)
        if token:
            data["_csrf_token"] = csrf_token(page.text)
        return await self.client.post(
            action, data=data, headers={"Accept": "text/html"}, follow_redirects=False
        )

    async def register(self, session_id: int, name: str, email: str, organisation: str = "") -> Response:
        path = f"/missions/{SLUG}/sessions/{session_id}"
        return await self.submit(path, path, {"name": name, "email": email, "organisation": organisation})


def csrf_token(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


@pytest.fixture
async def browser(settings: Settings, database: Database, clock: FrozenClock) -> AsyncIterator[Browser]:
    async with app_client(settings, clock, base_url="https://testserver.local") as client:
        yield Browser(client)


async def session_id(services: Services, title: str) -> int:
    _, views = await services.sessions.list(SLUG, None)
    return next(v.session.id for v in views if v.session.title == title)


def location(response: Response) -> str:
    assert response.status_code == 303, response.text[:2000]
    return str(response.headers["location"])
