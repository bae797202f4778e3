"""Registering, the waitlist, attendee tokens and the organiser's export, through the API."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
import io
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.api.conftest import Api
from tests.conftest import FrozenClock

SLUG = "riga-2026"


@pytest.fixture
async def workshop(api: Api, clock: FrozenClock) -> dict[str, Any]:
    clock.now = datetime(2026, 5, 15, 9, 0, tzinfo=UTC)  # before the sessions: registration is open
    await api.mission()
    return await api.session(SLUG, title="Export clinic", capacity=2, starts_at="2026-06-01T10:00", ends_at="2026-06-01T12:00")


async def register(client: AsyncTestClient, *session_ids: int, email: str = "ira@example.lv", name: str = "Ira Raciņa",
                   token: str | None = None, expect: int = 201) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        f"/api/missions/{SLUG}/registrations", headers=headers,
        json={"name": name, "email": email, "organisation": "Latvian IT Cluster", "session_ids": list(session_ids)},
    )
    assert response.status_code == expect, response.text
    return response.json()


async def test_new_attendee_gets_a_seat_tokens_and_links(client: AsyncTestClient, workshop: dict[str, Any]) -> None:
    answer = await register(client, workshop["id"])
    assert answer["results"] == [{"session_id": workshop["id"], "status": "confirmed", "waitlist_position": None, "code": None}]
    assert answer["warnings"] == []
    assert answer["manage_token"].startswith("ehm_") and len(answer["manage_token"]) >= 40
    assert answer["manage_url"] == f"https://events.example.org/manage/{answer['manage_token']}"
    assert answer["feed_url"].startswith("https://events.example.org/feeds/ehf_")
    assert answer["webcal_url"] == answer["feed_url"].replace("https://", "webcal://")
    session = (await client.get(f"/api/missions/{SLUG}/sessions/{workshop['id']}")).json()
    assert session["seats_left"] == 1 and session["waitlist_length"] == 0


async def test_full_session_waitlists_in_order_and_promotes_on_cancel(client: AsyncTestClient, workshop: dict[str, Any]) -> None:
    first = await register(client, workshop["id"], email="a@example.org")
    await register(client, workshop["id"], email="b@example.org")
    third = await register(client, workshop["id"], email="c@example.org")
    fourth = await register(client, workshop["id"], email="d@example.org")
    assert third["results"][0] == {"session_id": workshop["id"], "status": "waitlisted", "waitlist_position": 1, "code": None}
    assert fourth["results"][0]["waitlist_position"] == 2

    cancelled = await client.delete(f"/api/me/registrations/{workshop['id']}", headers={"Authorization": f"Bearer {first['manage_token']}"})
    assert cancelled.status_code == 200
    assert cancelled.json()["registrations"][0]["status"] == "cancelled"

    promoted = (await client.get("/api/me", headers={"Authorization": f"Bearer {third['manage_token']}"})).json()
    assert promoted["registrations"][0]["status"] == "confirmed"
    still = (await client.get("/api/me", headers={"Authorization": f"Bearer {fourth['manage_token']}"})).json()
    assert still["registrations"][0]["waitlist_position"] == 1
    session = (await client.get(f"/api/missions/{SLUG}/sessions/{workshop['id']}")).json()
    assert (session["seats_left"], session["waitlist_length"]) == (0, 1)


async def test_raising_capacity_promotes_and_lowering_below_confirmed_is_409(
    api: Api, client: AsyncTestClient, workshop: dict[str, Any]
) -> None:
    for letter in "abcd":
        await register(client, workshop["id"], email=f"{letter}@example.org")
    path = f"/api/missions/{SLUG}/sessions/{workshop['id']}"
    too_low = await client.patch(path, json={"capacity": 1}, headers=api.auth)
    assert too_low.status_code == 409 and too_low.json()["code"] == "capacity_below_confirmed"
    raised = await client.patch(path, json={"capacity": 3}, headers=api.auth)
    assert (raised.json()["seats_left"], raised.json()["waitlist_length"]) == (0, 1)
    unlimited = await client.patch(path, json={"capacity": None}, headers=api.auth)
    assert (unlimited.json()["seats_left"], unlimited.json()["waitlist_length"]) == (None, 0)


async def test_registering_twice_changes_nothing_and_says_so(client: AsyncTestClient, workshop: dict[str, Any]) -> None:
    first = await register(client, workshop["id"])
    again = await register(client, workshop["id"], token=first["manage_token"], expect=200)
    assert again["results"] == [{"session_id": workshop["id"], "status": "confirmed", "waitlist_position": None, "code": "already_registered"}]
    assert "manage_token" not in again
    session = (await client.get(f"/api/missions/{SLUG}/sessions/{workshop['id']}")).json()
    assert session["seats_left"] == 1


async def test_existing_address_without_token_is_202_and_changes_nothing(client: AsyncTestClient, workshop: dict[str, Any], api: Api) -> None:
    other = await api.session(SLUG, title="Other", starts_at="2026-06-02T10:00", ends_at="2026-06-02T11:00")
    first = await register(client, workshop["id"], email="Ira.Racina@Example.LV")
    answer = await register(client, other["id"], email="ira.racina@example.lv", name="Someone Else", expect=202)
    assert set(answer) == {"status", "detail"}
    me = (await client.get("/api/me", headers={"Authorization": f"Bearer {first['manage_token']}"})).json()
    assert me["name"] == "Ira Raciņa"
    assert [r["session_id"] for r in me["registrations"]] == [workshop["id"]]


async def test_refusals_carry_reason_codes_and_all_refused_is_409_with_nothing_stored(
    api: Api, client: AsyncTestClient, workshop: dict[str, Any], clock: FrozenClock
) -> None:
    closed = await api.session(SLUG, title="Closed", registration="closed", starts_at="2026-06-02T10:00", ends_at="2026-06-02T11:00")
    walk_in = await api.session(SLUG, title="Walk-in", registration="none", starts_at="2026-06-02T12:00", ends_at="2026-06-02T13:00")
    later = await api.session(SLUG, title="Later", starts_at="2026-06-03T10:00", ends_at="2026-06-03T11:00",
                              registration_opens_at="2026-05-20T09:00")
    draft = await api.session(SLUG, title="Draft", status="draft", starts_at="2026-06-04T10:00", ends_at="2026-06-04T11:00")
    cancelled = await api.session(SLUG, title="Cancelled", starts_at="2026-06-05T10:00", ends_at="2026-06-05T11:00")
    await client.post(f"/api/missions/{SLUG}/sessions/{cancelled['id']}/cancel", headers=api.auth)

    answer = await register(client, closed["id"], walk_in["id"], later["id"], draft["id"], cancelled["id"], 9999, expect=409)
    assert answer["code"] == "registration_refused"
    assert [(r["session_id"], r["code"]) for r in answer["results"]] == [
        (closed["id"], "registration_closed"),
        (walk_in["id"], "registration_not_needed"),
        (later["id"], "registration_not_open_yet"),
        (draft["id"], "session_not_found"),
        (cancelled["id"], "session_cancelled"),
        (9999, "session_not_found"),
    ]
    # Nothing stored: the same address is still new.
    mixed = await register(client, workshop["id"], closed["id"])
    assert [r["status"] for r in mixed["results"]] == ["confirmed", "refused"]

    clock.now = clock.now.replace(year=2026, month=6, day=1, hour=8)  # 11:00 Riga: the workshop has started
    started = await register(client, workshop["id"], email="late@example.org", expect=409)
    assert started["results"][0]["code"] == "session_started"


async def test_overlap_and_travel_warnings(api: Api, client: AsyncTestClient, workshop: dict[str, Any]) -> None:
    hall = await api.venue(SLUG, "Hall")
    park = await api.venue(SLUG, "Park")
    await client.put(f"/api/missions/{SLUG}/travel-times", headers=api.auth,
                     json=[{"from_venue_id": hall["id"], "to_venue_id": park["id"], "minutes": 45}])
    a = await api.session(SLUG, title="At the hall", venue_id=hall["id"], starts_at="2026-06-03T10:00", ends_at="2026-06-03T11:00")
    b = await api.session(SLUG, title="At the park", venue_id=park["id"], starts_at="2026-06-03T11:15", ends_at="2026-06-03T12:00")
    c = await api.session(SLUG, title="Overlapping", starts_at="2026-06-03T10:30", ends_at="2026-06-03T11:30")
    first = await register(client, a["id"])
    answer = await register(client, b["id"], c["id"], token=first["manage_token"], expect=200)
    kinds = {(w["session_id"], w["other_session_id"], w["kind"]) for w in answer["warnings"]}
    assert (b["id"], a["id"], "travel") in kinds
    assert (c["id"], a["id"], "overlap") in kinds
    assert all(r["status"] == "confirmed" for r in answer["results"])


async def test_tokens_of_others_and_random_tokens_are_indistinguishable_404(client: AsyncTestClient, workshop: dict[str, Any], api: Api) -> None:
    other_session = await api.session(SLUG, title="Other", starts_at="2026-06-02T10:00", ends_at="2026-06-02T11:00")
    mine = await register(client, workshop["id"], email="me@example.org")
    theirs = await register(client, other_session["id"], email="them@example.org")
    random = await client.get("/api/me", headers={"Authorization": "Bearer ehm_random-token-of-nobody"})
    not_mine = await client.delete(f"/api/me/registrations/{other_session['id']}", headers={"Authorization": f"Bearer {mine['manage_token']}"})
    assert random.status_code == not_mine.status_code == 404
    assert random.json()["code"] == "attendee_not_found"
    assert not_mine.json()["code"] == "registration_not_found"
    assert (await client.get("/api/me")).status_code == 401
    still = (await client.get("/api/me", headers={"Authorization": f"Bearer {theirs['manage_token']}"})).json()
    assert still["registrations"][0]["status"] == "confirmed"


async def test_rotating_tokens_stops_the_old_ones_at_once(client: AsyncTestClient, workshop: dict[str, Any]) -> None:
    answer = await register(client, workshop["id"])
    auth = {"Authorization": f"Bearer {answer['manage_token']}"}
    me = (await client.get("/api/me", headers=auth)).json()
    assert me["feed_url"] == answer["feed_url"]
    rotated = await client.post("/api/me/feed-token", headers=auth)
    assert rotated.status_code == 200
    assert rotated.json()["feed_url"] != answer["feed_url"]
    assert (await client.get("/api/me", headers=auth)).json()["feed_url"] == rotated.json()["feed_url"]

    new_manage = (await client.post("/api/me/manage-token", headers=auth)).json()
    assert (await client.get("/api/me", headers=auth)).status_code == 404
    assert (await client.get("/api/me", headers={"Authorization": f"Bearer {new_manage['manage_token']}"})).status_code == 200


async def test_validation_of_registration_bodies(client: AsyncTestClient, workshop: dict[str, Any]) -> None:
    for body in [
        {"name": "X", "email": "not-an-email", "session_ids": [workshop["id"]]},
        {"name": "X", "email": "x@example.org", "session_ids": []},
        {"name": "X", "email": "x@example.org", "session_ids": [workshop["id"]], "status": "confirmed"},
        {"email": "x@example.org", "session_ids": [workshop["id"]]},
    ]:
        response = await client.post(f"/api/missions/{SLUG}/registrations", json=body)
        assert response.status_code == 422, (body, response.text)
    assert (await client.post("/api/missions/nope/registrations", json={"name": "X", "email": "x@example.org", "session_ids": [1]})).status_code == 404


async def test_organiser_export_json_and_csv(api: Api, client: AsyncTestClient, workshop: dict[str, Any]) -> None:
    await register(client, workshop["id"], email="ira@example.lv", name="Ira Raciņa")
    await register(client, workshop["id"], email="aida@example.org", name="=HYPERLINK(\"x\")")
    await register(client, workshop["id"], email="arstan@example.org", name="Арстанбек Тазабеков")
    rows = (await client.get(f"/api/missions/{SLUG}/registrations", headers=api.auth)).json()
    assert [(r["name"], r["status"], r["waitlist_position"]) for r in rows] == [
        ("Ira Raciņa", "confirmed", None), ("=HYPERLINK(\"x\")", "confirmed", None), ("Арстанбек Тазабеков", "waitlisted", 1),
    ]
    for response in (
        await client.get(f"/api/missions/{SLUG}/registrations", headers={**api.auth, "Accept": "text/csv"}),
        await client.get(f"/api/missions/{SLUG}/registrations.csv", headers=api.auth),
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert response.content.startswith("\ufeff".encode())
        table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [r["name"] for r in table] == ["Ira Raciņa", "'=HYPERLINK(\"x\")", "Арстанбек Тазабеков"]
        assert table[2]["waitlist_position"] == "1"
    assert (await client.get(f"/api/missions/{SLUG}/registrations")).status_code == 401


async def test_organiser_cancel_promotes_and_mission_with_registrations_cannot_be_deleted(
    api: Api, client: AsyncTestClient, workshop: dict[str, Any]
) -> None:
    for letter in "abc":
        await register(client, workshop["id"], email=f"{letter}@example.org")
    rows = (await client.get(f"/api/missions/{SLUG}/registrations", headers=api.auth)).json()
    cancelled = await client.delete(f"/api/missions/{SLUG}/registrations/{rows[0]['id']}", headers=api.auth)
    assert cancelled.status_code == 204
    rows = (await client.get(f"/api/missions/{SLUG}/registrations", headers=api.auth)).json()
    assert [r["status"] for r in rows] == ["cancelled", "confirmed", "confirmed"]
    refused = await client.delete(f"/api/missions/{SLUG}", headers=api.auth)
    assert refused.status_code == 409 and refused.json()["code"] == "mission_has_registrations"


async def test_cancelled_session_keeps_registrations_and_refuses_new_ones(api: Api, client: AsyncTestClient, workshop: dict[str, Any]) -> None:
    answer = await register(client, workshop["id"])
    await client.post(f"/api/missions/{SLUG}/sessions/{workshop['id']}/cancel", headers=api.auth)
    me = (await client.get("/api/me", headers={"Authorization": f"Bearer {answer['manage_token']}"})).json()
    assert me["registrations"][0]["status"] == "confirmed"
    assert me["registrations"][0]["session_status"] == "cancelled"
    refused = await register(client, workshop["id"], email="new@example.org", expect=409)
    assert refused["results"][0]["code"] == "session_cancelled"
