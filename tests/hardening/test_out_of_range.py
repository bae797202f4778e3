"""Ids no database row can have (beyond 64 bits) are refused, never a 500, on both databases:
at the edge where the API declares its bounds, and by the problem handler where it does not."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

HUGE = 2**64 + 1
SLUG = "riga-2026"


async def test_huge_ids_in_paths_queries_and_bodies_are_422(client: AsyncTestClient, auth: dict[str, str]) -> None:
    mission = {"slug": SLUG, "title": "Riga Digital Week", "host_country": "LV", "timezone": "Europe/Riga",
               "starts_on": "2026-12-01", "ends_on": "2026-12-05", "status": "published"}
    assert (await client.post("/api/missions", json=mission, headers=auth)).status_code == 201
    calls = [
        ("GET", f"/api/missions/{SLUG}/sessions/{HUGE}", None),
        ("GET", f"/api/missions/{SLUG}/sessions?venue_id={HUGE}", None),
        ("DELETE", f"/api/missions/{SLUG}/venues/{HUGE}", None),
        ("POST", f"/api/missions/{SLUG}/registrations", {"name": "A", "email": "a@example.org", "session_ids": [HUGE]}),
        ("GET", f"/missions/{SLUG}/sessions/{HUGE}/calendar.ics", None),
        ("GET", f"/missions/{SLUG}/calendar.ics?venue_id={HUGE}", None),
    ]
    for method, path, body in calls:
        response = await client.request(method, path, json=body, headers=auth)
        assert response.status_code == 422, (method, path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
