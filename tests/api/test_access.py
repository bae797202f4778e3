"""Who sees and changes what: organiser tokens, mission scope, published-only public reads."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from eventhub.services import Services
from tests.api.conftest import Api


async def test_writes_without_token_are_401_with_problem_details(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    for method, path, body in [
        ("POST", "/api/missions", {}),
        ("PATCH", "/api/missions/riga-2026", {"title": "x"}),
        ("DELETE", "/api/missions/riga-2026", None),
        ("POST", "/api/missions/riga-2026/venues", {"name": "x"}),
        ("POST", "/api/missions/riga-2026/sessions", {"title": "x"}),
        ("PUT", "/api/missions/riga-2026/travel-times", []),
        ("GET", "/api/missions/riga-2026/conflicts", None),
    ]:
        response = await client.request(method, path, json=body)
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "authentication_required"
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_invalid_or_malformed_token_is_401(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    for header in ("Bearer eho_not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer "):
        response = await client.patch("/api/missions/riga-2026", json={"title": "x"}, headers={"Authorization": header})
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_token"


async def test_token_for_another_mission_is_403(api: Api, client: AsyncTestClient, services: Services) -> None:
    await api.mission("riga-2026")
    await api.mission("bishkek-2026", timezone="Asia/Bishkek", host_country="KG")
    riga_only = await services.organiser_tokens.create("riga team", "riga-2026")
    headers = {"Authorization": f"Bearer {riga_only}"}

    allowed = await client.patch("/api/missions/riga-2026", json={"title": "Riga Week"}, headers=headers)
    assert allowed.status_code == 200
    refused = await client.patch("/api/missions/bishkek-2026", json={"title": "Mine now"}, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "wrong_mission"
    venue = await client.post("/api/missions/bishkek-2026/venues", json={"name": "x"}, headers=headers)
    assert venue.status_code == 403
    create = await client.post("/api/missions", headers=headers, json={
        "slug": "new-one", "title": "New", "host_country": "LV", "timezone": "Europe/Riga",
        "starts_on": "2026-06-01", "ends_on": "2026-06-02",
    })
    assert create.status_code == 403
    assert (await client.get("/api/missions/bishkek-2026")).json()["title"] == "Riga Digital Week"


async def test_drafts_are_invisible_to_the_public(api: Api, client: AsyncTestClient) -> None:
    await api.mission("draft-mission", status="draft")
    await api.mission("riga-2026")
    await api.session("riga-2026", title="Public", starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00")
    draft = await api.session("riga-2026", title="Not yet", status="draft", starts_at="2026-06-02T10:00", ends_at="2026-06-02T11:00")

    public_missions = [m["slug"] for m in (await client.get("/api/missions")).json()]
    assert public_missions == ["riga-2026"]
    assert (await client.get("/api/missions/draft-mission")).status_code == 404
    assert (await client.get("/api/missions/draft-mission/sessions")).status_code == 404
    assert [s["title"] for s in (await client.get("/api/missions/riga-2026/sessions")).json()] == ["Public"]
    assert (await client.get(f"/api/missions/riga-2026/sessions/{draft['id']}")).status_code == 404

    organiser_view = await client.get("/api/missions/riga-2026/sessions", headers=api.auth)
    assert [s["title"] for s in organiser_view.json()] == ["Public", "Not yet"]
    assert {m["slug"] for m in (await client.get("/api/missions", headers=api.auth)).json()} == {
        "draft-mission", "riga-2026"
    }


async def test_person_email_is_never_public(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    await api.person("riga-2026", "Aida Ismailova", email="aida@example.org", affiliation="Technopark")
    public = (await client.get("/api/missions/riga-2026/people")).json()
    assert public == [{"id": public[0]["id"], "name": "Aida Ismailova", "affiliation": "Technopark", "role_title": ""}]
    organiser = (await client.get("/api/missions/riga-2026/people", headers=api.auth)).json()
    assert organiser[0]["email"] == "aida@example.org"


async def test_organiser_tokens_are_stored_only_as_digests(services: Services, organiser_token: str) -> None:
    from sqlalchemy import select

    from eventhub.db.models import OrganiserToken

    async with services.database.read() as db:
        rows = list(await db.scalars(select(OrganiserToken)))
    assert len(organiser_token) >= 40
    assert all(organiser_token not in (row.token_hash, row.name) for row in rows)
