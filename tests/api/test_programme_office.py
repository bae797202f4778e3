"""The organiser's heavier tools through the API: delete, cancel with a reason, bulk
changes with their preview, shifting later sessions, and cloning a mission to new dates."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.api.conftest import Api
from tests.conftest import FrozenClock

SLUG = "riga-2026"


async def _day(api: Api) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A hall with two sessions back to back and a third after lunch, on 7 December."""
    await api.mission(starts_on="2026-12-01", ends_on="2026-12-20")
    hall = await api.venue(SLUG, "Hall")
    sessions = [
        await api.session(SLUG, title=title, starts_at=f"2026-12-07T{start}", ends_at=f"2026-12-07T{end}", venue_id=hall["id"])
        for title, start, end in (("A", "10:00", "11:00"), ("B", "11:00", "12:00"), ("C", "13:00", "14:00"))
    ]
    return hall, sessions


async def _register(client: AsyncTestClient, session_id: int, email: str) -> None:
    response = await client.post(
        f"/api/missions/{SLUG}/registrations", json={"name": "Aida", "email": email, "session_ids": [session_id]}
    )
    assert response.status_code == 201, response.text


async def test_delete_only_while_nobody_registered(api: Api, client: AsyncTestClient) -> None:
    _, (a, b, _c) = await _day(api)
    await _register(client, b["id"], "aida@example.kg")

    refused = await client.delete(f"/api/missions/{SLUG}/sessions/{b['id']}", headers=api.auth)
    assert refused.status_code == 409 and refused.json()["code"] == "session_has_registrations"
    assert (await client.delete(f"/api/missions/{SLUG}/sessions/{a['id']}", headers=api.auth)).status_code == 204
    titles = [s["title"] for s in (await client.get(f"/api/missions/{SLUG}/sessions")).json()]
    assert titles == ["B", "C"]
    assert (await client.delete(f"/api/missions/{SLUG}/sessions/{a['id']}", headers=api.auth)).status_code == 404
    assert (await client.delete(f"/api/missions/{SLUG}/sessions/{b['id']}")).status_code == 401


async def test_cancel_reason_reaches_the_feed_and_page_and_goes_with_reinstatement(
    api: Api, client: AsyncTestClient, clock: FrozenClock
) -> None:
    _, (a, _b, _c) = await _day(api)
    clock.advance(minutes=5)
    response = await client.post(
        f"/api/missions/{SLUG}/sessions/{a['id']}/cancel", json={"reason": "Venue flooded; see you on Tuesday."},
        headers=api.auth,
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled" and response.json()["sequence"] == 1
    feed = (await client.get(f"/missions/{SLUG}/sessions/{a['id']}/calendar.ics")).text
    assert "DESCRIPTION:Cancelled: Venue flooded\\; see you on Tuesday." in feed.replace("\r\n ", "")
    assert "STATUS:CANCELLED" in feed
    page = (await client.get(f"/missions/{SLUG}/sessions/{a['id']}")).text
    assert "This session is cancelled: Venue flooded; see you on Tuesday." in page

    without_body = await client.post(f"/api/missions/{SLUG}/sessions/{_b['id']}/cancel", headers=api.auth)
    assert without_body.status_code == 200 and without_body.json()["cancel_reason"] is None

    back = await client.patch(f"/api/missions/{SLUG}/sessions/{a['id']}", json={"status": "published"}, headers=api.auth)
    assert back.json()["cancel_reason"] is None and back.json()["sequence"] == 2
    assert "Venue flooded" not in (await client.get(f"/missions/{SLUG}/calendar.ics")).text


async def test_bulk_shift_moves_a_block_together_and_previews_first(api: Api, client: AsyncTestClient) -> None:
    _, (a, b, c) = await _day(api)
    await _register(client, a["id"], "one@example.kg")
    await _register(client, b["id"], "two@example.kg")
    body = {"action": "shift", "session_ids": [a["id"], b["id"]], "minutes": 30}

    preview = await client.post(f"/api/missions/{SLUG}/sessions/bulk?dry_run=true", json=body, headers=api.auth)
    assert preview.status_code == 200, preview.text
    assert preview.json() | {"session_ids": None} == {
        "applied": False, "moved": 2, "cancelled": 0, "published": 0, "reinstated": 0, "withdrawn": 0,
        "changed": 0, "attendees_mailed": 2, "session_ids": None,
    }
    untouched = (await client.get(f"/api/missions/{SLUG}/sessions/{a['id']}")).json()
    assert untouched["starts_at"] == "2026-12-07T10:00:00+02:00" and untouched["sequence"] == 0

    # A and B move together: B's new place overlaps A's old one, which is no clash.
    done = await client.post(f"/api/missions/{SLUG}/sessions/bulk", json=body, headers=api.auth)
    assert done.json()["applied"] is True and done.json()["moved"] == 2
    listed = (await client.get(f"/api/missions/{SLUG}/sessions")).json()
    assert [(s["title"], s["starts_at"][11:16], s["sequence"]) for s in listed] == [
        ("A", "10:30", 1), ("B", "11:30", 1), ("C", "13:00", 0)
    ]

    # Another hour would push B into C: refused whole, nothing moved.
    clash = await client.post(
        f"/api/missions/{SLUG}/sessions/bulk", json={**body, "minutes": 60}, headers=api.auth
    )
    assert clash.status_code == 409 and clash.json()["code"] == "scheduling_conflict"
    assert [e["session_id"] for e in clash.json()["conflicts"]] == [c["id"]]
    assert (await client.get(f"/api/missions/{SLUG}/sessions/{a['id']}")).json()["starts_at"][11:16] == "10:30"


async def test_bulk_publish_cancel_and_venue(api: Api, client: AsyncTestClient) -> None:
    hall, (a, b, c) = await _day(api)
    park = await api.venue(SLUG, "Park")
    draft = await api.session(SLUG, title="D", status="draft", starts_at="2026-12-08T10:00", ends_at="2026-12-08T11:00")
    published = await client.post(
        f"/api/missions/{SLUG}/sessions/bulk", json={"action": "publish", "session_ids": [draft["id"], a["id"]]},
        headers=api.auth,
    )
    assert published.json()["published"] == 1 and published.json()["session_ids"] == [draft["id"]]

    moved = await client.post(
        f"/api/missions/{SLUG}/sessions/bulk", json={"action": "venue", "session_ids": [a["id"], b["id"]], "venue_id": park["id"]},
        headers=api.auth,
    )
    assert moved.json()["moved"] == 2
    assert (await client.get(f"/api/missions/{SLUG}/sessions/{a['id']}")).json()["venue"]["name"] == "Park"

    cancelled = await client.post(
        f"/api/missions/{SLUG}/sessions/bulk",
        json={"action": "cancel", "session_ids": [b["id"], c["id"]], "reason": "Strike"}, headers=api.auth,
    )
    assert cancelled.json()["cancelled"] == 2
    assert (await client.get(f"/api/missions/{SLUG}/sessions/{c['id']}")).json()["cancel_reason"] == "Strike"

    unknown = await client.post(
        f"/api/missions/{SLUG}/sessions/bulk", json={"action": "venue", "session_ids": [a["id"]], "venue_id": 999},
        headers=api.auth,
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_venue"
    assert hall["id"] != park["id"]


async def test_lengthening_with_shift_later_pushes_the_rest_of_the_day(api: Api, client: AsyncTestClient) -> None:
    _, (a, b, c) = await _day(api)
    tomorrow = await api.session(SLUG, title="E", starts_at="2026-12-08T10:00", ends_at="2026-12-08T11:00", venue_id=a["venue_id"])
    plain = await client.patch(f"/api/missions/{SLUG}/sessions/{a['id']}", json={"ends_at": "2026-12-07T11:30"}, headers=api.auth)
    assert plain.status_code == 409  # without the option, A now runs into B

    pushed = await client.patch(
        f"/api/missions/{SLUG}/sessions/{a['id']}?shift_later=true", json={"ends_at": "2026-12-07T11:30"}, headers=api.auth
    )
    assert pushed.status_code == 200, pushed.text
    listed = {s["title"]: s["starts_at"][11:16] for s in (await client.get(f"/api/missions/{SLUG}/sessions")).json()}
    assert listed == {"A": "10:00", "B": "11:30", "C": "13:30", "E": "10:00"}
    assert tomorrow["id"] != c["id"]


async def test_clone_moves_the_programme_by_whole_days_as_a_draft(
    api: Api, client: AsyncTestClient, clock: FrozenClock
) -> None:
    clock.now = clock.now.replace(month=9)
    await api.mission(starts_on="2026-10-20", ends_on="2026-10-30")
    hall = await api.venue(SLUG, "Hall", address="Brīvības 1")
    park = await api.venue(SLUG, "Park", timezone="Asia/Bishkek")
    ira = await api.person(SLUG, "Ira Raciņa", email="ira@example.lv")
    await client.put(f"/api/missions/{SLUG}/travel-times", json=[
        {"from_venue_id": hall["id"], "to_venue_id": park["id"], "minutes": 45}], headers=api.auth)
    # Riga leaves summer time on 25 October 2026 but on 31 October 2027: a session at 10:00
    # on 26 October 2026 (UTC+2) is at 10:00 on 25 October 2027 too, then UTC+3.
    before = await api.session(SLUG, title="Before the change", starts_at="2026-10-23T10:00", ends_at="2026-10-23T11:00",
                               venue_id=hall["id"], speakers=[{"person_id": ira["id"], "role": "host"}], capacity=5)
    await api.session(SLUG, title="After the change", starts_at="2026-10-26T10:00", ends_at="2026-10-26T11:00", venue_id=hall["id"])
    gone = await api.session(SLUG, title="Called off", starts_at="2026-10-27T10:00", ends_at="2026-10-27T11:00")
    await client.post(f"/api/missions/{SLUG}/sessions/{gone['id']}/cancel", headers=api.auth)
    await _register(client, before["id"], "aida@example.kg")

    response = await client.post(f"/api/missions/{SLUG}/clone", json={"slug": "riga-2027", "starts_on": "2027-10-19"}, headers=api.auth)
    assert response.status_code == 201, response.text
    copy = response.json()
    assert (copy["slug"], copy["status"], copy["starts_on"], copy["ends_on"]) == ("riga-2027", "draft", "2027-10-19", "2027-10-29")

    sessions = (await client.get("/api/missions/riga-2027/sessions", headers=api.auth)).json()
    assert [(s["title"], s["starts_at"], s["sequence"], s["seats_left"]) for s in sessions] == [
        ("Before the change", "2027-10-22T10:00:00+03:00", 0, 5),
        ("After the change", "2027-10-25T10:00:00+03:00", 0, None),
    ]
    assert sessions[0]["speakers"][0]["name"] == "Ira Raciņa" and sessions[0]["venue"]["name"] == "Hall"
    assert sessions[0]["id"] != before["id"] and sessions[0]["venue_id"] != hall["id"]
    travel = (await client.get("/api/missions/riga-2027/travel-times", headers=api.auth)).json()
    assert [t["minutes"] for t in travel] == [45] and travel[0]["from_venue_id"] != hall["id"]
    people = (await client.get("/api/missions/riga-2027/people", headers=api.auth)).json()
    assert [p["email"] for p in people] == ["ira@example.lv"]
    registrations = await client.get("/api/missions/riga-2027/registrations", headers=api.auth)
    assert registrations.json() in ([], {"items": [], "total": 0})
    assert (await client.get("/missions/riga-2027/calendar.ics")).status_code == 404  # a draft is not public

    taken = await client.post(f"/api/missions/{SLUG}/clone", json={"slug": "riga-2027", "starts_on": "2027-10-19"}, headers=api.auth)
    assert taken.status_code == 409 and taken.json()["code"] == "slug_taken"


async def test_clone_needs_an_organiser_of_all_missions(api: Api, client: AsyncTestClient, services: Any) -> None:
    await api.mission()
    scoped = await services.organiser_tokens.create("riga only", SLUG)
    response = await client.post(
        f"/api/missions/{SLUG}/clone", json={"slug": "riga-2027", "starts_on": "2027-03-27"},
        headers={"Authorization": f"Bearer {scoped}"},
    )
    assert response.status_code == 403
