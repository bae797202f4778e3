"""Bad input gets RFC 9457 problem details with stable codes; never a 500, never half-saved."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.api.conftest import Api


async def test_unknown_fields_are_refused(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    response = await client.post(
        "/api/missions/riga-2026/sessions", headers=api.auth,
        json={"title": "x", "kind": "workshop", "starts_at": "2026-06-01T10:00", "ends_at": "2026-06-01T11:00",
              "sequence": 99},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert "sequence" in response.text
    patch = await client.patch("/api/missions/riga-2026", json={"id": 5}, headers=api.auth)
    assert patch.status_code == 422


async def test_malformed_json_is_400(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    response = await client.post(
        "/api/missions/riga-2026/venues", content=b'{"name": ', headers={**api.auth, "content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_wrong_types_and_out_of_range_values_are_422(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    for body in [
        {"name": 42},
        {"name": ""},
        {"name": "V", "capacity": -1},
        {"name": "V", "latitude": 91},
        [],
    ]:
        response = await client.post("/api/missions/riga-2026/venues", json=body, headers=api.auth)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["status"] == 422


async def test_bad_dates_and_references_name_the_problem(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    cases = [
        ({"starts_at": "2026-13-45T10:00", "ends_at": "2026-06-01T11:00"}, "invalid_datetime"),
        ({"starts_at": "2026-06-01T10:00", "ends_at": "2026-06-01T11:00", "venue_id": 999}, "unknown_venue"),
        ({"starts_at": "2026-06-01T10:00", "ends_at": "2026-06-01T11:00", "speakers": [{"person_id": 999}]}, "unknown_person"),
        ({"starts_at": "2026-06-01T10:00", "ends_at": "2026-06-01T11:00",
          "registration_opens_at": "2026-05-20T10:00", "registration_closes_at": "2026-05-10T10:00"},
         "registration_window_invalid"),
    ]
    for fields, code in cases:
        response = await client.post(
            "/api/missions/riga-2026/sessions", headers=api.auth, json={"title": "x", "kind": "workshop", **fields}
        )
        assert response.status_code == 422, response.text
        assert response.json()["code"] == code
    assert (await client.get("/api/missions/riga-2026/sessions", headers=api.auth)).json() == []


async def test_mission_rules(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    taken = await api.create("/api/missions", {
        "slug": "riga-2026", "title": "Again", "host_country": "LV", "timezone": "Europe/Riga",
        "starts_on": "2026-06-01", "ends_on": "2026-06-02",
    }, expect=409)
    assert taken["code"] == "slug_taken"
    backwards = await client.patch("/api/missions/riga-2026", json={"ends_on": "2026-01-01"}, headers=api.auth)
    assert backwards.status_code == 422
    bad_slug = await client.post("/api/missions", headers=api.auth, json={
        "slug": "Not A Slug!", "title": "x", "host_country": "LV", "timezone": "Europe/Riga",
        "starts_on": "2026-06-01", "ends_on": "2026-06-02",
    })
    assert bad_slug.status_code == 422


async def test_narrowing_mission_dates_cannot_strand_sessions(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    await api.session("riga-2026", starts_at="2026-06-10T10:00", ends_at="2026-06-10T11:00")
    response = await client.patch("/api/missions/riga-2026", json={"ends_on": "2026-06-05"}, headers=api.auth)
    assert response.status_code == 422
    assert response.json()["code"] == "sessions_outside_dates"
    assert (await client.get("/api/missions/riga-2026")).json()["ends_on"] == "2026-10-30"


async def test_unknown_routes_and_methods_are_problem_details(client: AsyncTestClient) -> None:
    missing = await client.get("/api/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    wrong = await client.put("/api/missions")
    assert wrong.status_code == 405
    assert wrong.json()["code"] == "method_not_allowed"
