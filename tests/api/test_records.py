"""Venues, people, travel times and missions: the organiser's CRUD with its rules."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.api.conftest import Api


async def test_venue_lifecycle(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    venue = await api.venue("riga-2026", "VEF Kvartāls", address="Brīvības gatve 214", capacity=120,
                            latitude=56.9717, longitude=24.1686)
    assert venue["effective_timezone"] == "Europe/Riga"
    assert venue["timezone"] is None
    same_name = await client.post("/api/missions/riga-2026/venues", json={"name": "VEF Kvartāls"}, headers=api.auth)
    assert same_name.status_code == 409 and same_name.json()["code"] == "venue_name_taken"

    renamed = await client.patch(f"/api/missions/riga-2026/venues/{venue['id']}", json={"capacity": None}, headers=api.auth)
    assert renamed.json()["capacity"] is None
    await api.session("riga-2026", starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00", venue_id=venue["id"])
    in_use = await client.delete(f"/api/missions/riga-2026/venues/{venue['id']}", headers=api.auth)
    assert in_use.status_code == 409 and in_use.json()["code"] == "venue_in_use"
    spare = await api.venue("riga-2026", "Spare room")
    assert (await client.delete(f"/api/missions/riga-2026/venues/{spare['id']}", headers=api.auth)).status_code == 204
    assert [v["name"] for v in (await client.get("/api/missions/riga-2026/venues")).json()] == ["VEF Kvartāls"]


async def test_renaming_a_venue_raises_its_sessions_sequence(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    venue = await api.venue("riga-2026", "Hall")
    s = await api.session("riga-2026", starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00", venue_id=venue["id"])
    await client.patch(f"/api/missions/riga-2026/venues/{venue['id']}", json={"address": "New address 1"}, headers=api.auth)
    again = (await client.get(f"/api/missions/riga-2026/sessions/{s['id']}")).json()
    assert again["sequence"] == 1
    assert again["venue"]["address"] == "New address 1"


async def test_people_in_sessions_cannot_be_deleted(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    ira = await api.person("riga-2026", "Ira Raciņa", role_title="Head of International Cooperation")
    await api.session("riga-2026", starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00",
                      speakers=[{"person_id": ira["id"], "role": "moderator"}])
    refused = await client.delete(f"/api/missions/riga-2026/people/{ira['id']}", headers=api.auth)
    assert refused.status_code == 409 and refused.json()["code"] == "person_in_use"
    listed = (await client.get("/api/missions/riga-2026/sessions")).json()
    assert listed[0]["speakers"] == [
        {"person_id": ira["id"], "role": "moderator", "name": "Ira Raciņa", "affiliation": ""}
    ]


async def test_travel_times_replace_and_validate(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    a = await api.venue("riga-2026", "A")
    b = await api.venue("riga-2026", "B")
    path = "/api/missions/riga-2026/travel-times"
    ok = await client.put(path, json=[{"from_venue_id": a["id"], "to_venue_id": b["id"], "minutes": 25}], headers=api.auth)
    assert ok.status_code == 200
    assert (await client.get(path)).json() == [{"from_venue_id": a["id"], "to_venue_id": b["id"], "minutes": 25}]
    for body, code in [
        ([{"from_venue_id": a["id"], "to_venue_id": a["id"], "minutes": 5}], "same_venue"),
        ([{"from_venue_id": a["id"], "to_venue_id": 999, "minutes": 5}], "unknown_venue"),
        ([{"from_venue_id": a["id"], "to_venue_id": b["id"], "minutes": 5}] * 2, "duplicate_travel_time"),
    ]:
        response = await client.put(path, json=body, headers=api.auth)
        assert response.status_code == 422 and response.json()["code"] == code
    assert (await client.get(path)).json()[0]["minutes"] == 25  # refused writes changed nothing
    negative = await client.put(path, json=[{"from_venue_id": a["id"], "to_venue_id": b["id"], "minutes": -5}], headers=api.auth)
    assert negative.status_code == 422


async def test_mission_update_and_delete(api: Api, client: AsyncTestClient) -> None:
    mission = await api.mission(summary="First draft")
    assert mission["url"] == "https://events.example.org/missions/riga-2026"
    changed = await client.patch("/api/missions/riga-2026", json={"summary": "Final"}, headers=api.auth)
    assert changed.json()["summary"] == "Final"
    assert (await client.delete("/api/missions/riga-2026", headers=api.auth)).status_code == 204
    assert (await client.get("/api/missions/riga-2026", headers=api.auth)).status_code == 404


async def test_changing_mission_zone_keeps_wall_clock_times(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    s = await api.session("riga-2026", starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00")
    await client.patch("/api/missions/riga-2026", json={"timezone": "Asia/Bishkek"}, headers=api.auth)
    again = (await client.get(f"/api/missions/riga-2026/sessions/{s['id']}")).json()
    assert again["starts_at"] == "2026-06-01T10:00:00+06:00"
    assert again["starts_at_utc"] == "2026-06-01T04:00:00Z"
    assert again["sequence"] == 1


async def test_health_reports_database(client: AsyncTestClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
