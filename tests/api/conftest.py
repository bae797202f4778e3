"""Builders for API tests: a mission with venues and people, made through the API itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from litestar.testing import AsyncTestClient


@dataclass
class Api:
    """Small helpers over the test client that fail loudly on unexpected statuses."""

    client: AsyncTestClient
    auth: dict[str, str]

    async def create(self, path: str, body: dict[str, Any] | list[Any], expect: int = 201) -> Any:
        response = await self.client.post(path, json=body, headers=self.auth)
        assert response.status_code == expect, response.text
        return response.json()

    async def mission(self, slug: str = "riga-2026", **fields: Any) -> dict[str, Any]:
        body = {
            "slug": slug,
            "title": "Riga Digital Week",
            "host_city": "Riga",
            "host_country": "LV",
            "timezone": "Europe/Riga",
            "starts_on": "2026-03-27",
            "ends_on": "2026-10-30",
            "status": "published",
            **fields,
        }
        return await self.create("/api/missions", body)

    async def venue(self, slug: str, name: str, **fields: Any) -> dict[str, Any]:
        return await self.create(f"/api/missions/{slug}/venues", {"name": name, **fields})

    async def person(self, slug: str, name: str, **fields: Any) -> dict[str, Any]:
        return await self.create(f"/api/missions/{slug}/people", {"name": name, **fields})

    async def session(self, slug: str, expect: int = 201, query: str = "", **fields: Any) -> dict[str, Any]:
        body = {"title": "Session", "kind": "workshop", **fields}
        return await self.create(f"/api/missions/{slug}/sessions{query}", body, expect)


@pytest.fixture
def api(client: AsyncTestClient, auth: dict[str, str]) -> Api:
    return Api(client, auth)
