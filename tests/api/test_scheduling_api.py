"""The organiser's path through scheduling: a Riga mission, two venues, travel, conflicts."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.api.conftest import Api


async def test_riga_programme_with_venue_person_and_travel_conflicts(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    hall = await api.venue("riga-2026", "VEF Kvartāls", address="Brīvības gatve 214, Rīga")
    park = await api.venue("riga-2026", "Teikums Park", address="Rīga")
    ira = await api.person("riga-2026", "Ira Raciņa", affiliation="Latvian IT Cluster")
    response = await client.put(
        "/api/missions/riga-2026/travel-times",
        json=[{"from_venue_id": hall["id"], "to_venue_id": park["id"], "minutes": 40}],
        headers=api.auth,
    )
    assert response.status_code == 200

    opening = await api.session(
        "riga-2026", title="Opening", starts_at="2026-10-26T10:00", ends_at="2026-10-26T11:00",
        venue_id=hall["id"], speakers=[{"person_id": ira["id"], "role": "host"}],
    )
    assert opening["starts_at"] == "2026-10-26T10:00:00+02:00"
    assert opening["starts_at_utc"] == "2026-10-26T08:00:00Z"
    assert opening["timezone"] == "Europe/Riga"
    assert opening["sequence"] == 0

    venue_clash = await api.session(
        "riga-2026", 409, title="Same room", starts_at="2026-10-26T10:30", ends_at="2026-10-26T11:30",
        venue_id=hall["id"],
    )
    assert venue_clash["code"] == "scheduling_conflict"
    assert [(c["session_id"], c["title"], c["reason"]) for c in venue_clash["conflicts"]] == [
        (opening["id"], "Opening", "venue")
    ]

    person_clash = await api.session(
        "riga-2026", 409, title="Ira elsewhere", starts_at="2026-10-26T10:30", ends_at="2026-10-26T11:30",
        venue_id=park["id"], speakers=[{"person_id": ira["id"]}],
    )
    assert [c["reason"] for c in person_clash["conflicts"]] == ["person"]

    travel_clash = await api.session(
        "riga-2026", 409, title="Too soon", starts_at="2026-10-26T11:15", ends_at="2026-10-26T12:00",
        venue_id=park["id"], speakers=[{"person_id": ira["id"]}],
    )
    assert travel_clash["conflicts"] == [
        {"session_id": opening["id"], "title": "Opening", "reason": "travel", "venue_id": None,
         "person_ids": [ira["id"]], "travel_minutes": 40}
    ]

    nonexistent = await api.session(
        "riga-2026", 422, title="In the gap", starts_at="2026-03-29T03:30", ends_at="2026-03-29T04:30"
    )
    assert nonexistent["code"] == "nonexistent_local_time"
    assert nonexistent["status"] == 422

    listed = (await client.get("/api/missions/riga-2026/sessions")).json()
    assert [s["title"] for s in listed] == ["Opening"]  # nothing refused was half-saved


async def test_allow_conflicts_saves_and_conflict_report_lists_it(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    hall = await api.venue("riga-2026", "Hall")
    first = await api.session("riga-2026", title="A", starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00", venue_id=hall["id"])
    second = await api.session(
        "riga-2026", query="?allow_conflicts=true", title="B",
        starts_at="2026-06-01T10:30", ends_at="2026-06-01T11:30", venue_id=hall["id"],
    )
    report = await client.get("/api/missions/riga-2026/conflicts", headers=api.auth)
    assert report.status_code == 200
    assert report.json() == [{
        "reason": "venue",
        "sessions": [
            {"session_id": first["id"], "title": "A", "starts_at": "2026-06-01T10:00:00+03:00", "ends_at": "2026-06-01T11:00:00+03:00"},
            {"session_id": second["id"], "title": "B", "starts_at": "2026-06-01T10:30:00+03:00", "ends_at": "2026-06-01T11:30:00+03:00"},
        ],
        "venue_id": hall["id"],
        "person_ids": [],
        "travel_minutes": None,
    }]

    cancel = await client.post(f"/api/missions/riga-2026/sessions/{second['id']}/cancel", headers=api.auth)
    assert cancel.status_code == 200
    assert (await client.get("/api/missions/riga-2026/conflicts", headers=api.auth)).json() == []


async def test_back_to_back_sessions_in_one_venue_are_accepted(api: Api) -> None:
    await api.mission()
    hall = await api.venue("riga-2026", "Hall")
    await api.session("riga-2026", starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00", venue_id=hall["id"])
    await api.session("riga-2026", starts_at="2026-06-01T11:00", ends_at="2026-06-01T12:00", venue_id=hall["id"])


async def test_moving_a_session_into_a_clash_is_refused_and_leaves_it_unchanged(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    hall = await api.venue("riga-2026", "Hall")
    await api.session("riga-2026", title="A", starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00", venue_id=hall["id"])
    b = await api.session("riga-2026", title="B", starts_at="2026-06-01T12:00", ends_at="2026-06-01T13:00", venue_id=hall["id"])
    response = await client.patch(
        f"/api/missions/riga-2026/sessions/{b['id']}", json={"starts_at": "2026-06-01T10:30"}, headers=api.auth
    )
    assert response.status_code == 409
    again = (await client.get(f"/api/missions/riga-2026/sessions/{b['id']}")).json()
    assert again["starts_at"] == "2026-06-01T12:00:00+03:00"
    assert again["sequence"] == 0


async def test_sequence_rises_for_calendar_changes_only(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    hall = await api.venue("riga-2026", "Hall")
    other = await api.venue("riga-2026", "Other hall")
    s = await api.session("riga-2026", starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00", venue_id=hall["id"])
    path = f"/api/missions/riga-2026/sessions/{s['id']}"

    async def patch(body: dict) -> int:
        response = await client.patch(path, json=body, headers=api.auth)
        assert response.status_code == 200, response.text
        return response.json()["sequence"]

    assert await patch({"description": "More detail"}) == 0
    assert await patch({"starts_at": "2026-06-01T09:30"}) == 1
    assert await patch({"venue_id": other["id"]}) == 2
    assert await patch({"title": "Renamed"}) == 3
    assert await patch({"capacity": 20}) == 3
    cancelled = await client.post(f"{path}/cancel", headers=api.auth)
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["sequence"] == 4


async def test_filters_by_local_day_kind_and_venue(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    hall = await api.venue("riga-2026", "Hall")
    # 00:30 local on 25 October is still 24 October in UTC: the day filter uses the mission's zone.
    await api.session("riga-2026", title="Night owls", kind="networking", starts_at="2026-10-25T00:30", ends_at="2026-10-25T01:30")
    await api.session("riga-2026", title="Workshop", kind="workshop", starts_at="2026-10-25T10:00", ends_at="2026-10-25T11:00", venue_id=hall["id"])
    await api.session("riga-2026", title="Next day", kind="workshop", starts_at="2026-10-26T10:00", ends_at="2026-10-26T11:00")

    async def titles(query: str) -> list[str]:
        response = await client.get(f"/api/missions/riga-2026/sessions?{query}")
        assert response.status_code == 200
        return [s["title"] for s in response.json()]

    assert await titles("day=2026-10-25") == ["Night owls", "Workshop"]
    assert await titles("kind=workshop") == ["Workshop", "Next day"]
    assert await titles(f"venue_id={hall['id']}") == ["Workshop"]
    assert await titles("day=2026-10-25&kind=networking") == ["Night owls"]
    bad = await client.get("/api/missions/riga-2026/sessions?kind=party")
    assert bad.status_code in (400, 422) and bad.headers["content-type"].startswith("application/problem+json")


async def test_fall_back_ambiguity_takes_first_occurrence(api: Api) -> None:
    await api.mission()
    s = await api.session("riga-2026", starts_at="2026-10-25T03:30", ends_at="2026-10-25T05:00")
    assert s["starts_at"] == "2026-10-25T03:30:00+03:00"
    assert s["starts_at_utc"] == "2026-10-25T00:30:00Z"
    assert s["ends_at"] == "2026-10-25T05:00:00+02:00"


async def test_time_with_offset_is_stored_as_wall_time_in_the_session_zone(api: Api) -> None:
    await api.mission()
    s = await api.session("riga-2026", starts_at="2026-06-01T07:00:00Z", ends_at="2026-06-01T09:00:00+01:00")
    assert s["starts_at"] == "2026-06-01T10:00:00+03:00"
    assert s["ends_at"] == "2026-06-01T11:00:00+03:00"


async def test_session_outside_mission_dates_or_ending_before_start_is_refused(api: Api) -> None:
    await api.mission(starts_on="2026-06-01", ends_on="2026-06-05")
    outside = await api.session("riga-2026", 422, starts_at="2026-06-06T10:00", ends_at="2026-06-06T11:00")
    assert outside["code"] == "outside_mission_dates"
    backwards = await api.session("riga-2026", 422, starts_at="2026-06-02T10:00", ends_at="2026-06-02T09:00")
    assert backwards["code"] == "ends_before_start"


async def test_multi_city_mission_reads_each_venue_in_its_own_zone(api: Api, client: AsyncTestClient) -> None:
    await api.mission(
        "baltics-central-asia", timezone="Asia/Bishkek", host_city="Bishkek", host_country="KG",
        starts_on="2026-12-07", ends_on="2026-12-12",
    )
    bishkek = await api.venue("baltics-central-asia", "High Technology Park")
    riga = await api.venue("baltics-central-asia", "Riga office", timezone="Europe/Riga")
    ira = await api.person("baltics-central-asia", "Ira Raciņa")
    at_home = await api.session(
        "baltics-central-asia", starts_at="2026-12-07T10:00", ends_at="2026-12-07T11:00",
        venue_id=riga["id"], speakers=[{"person_id": ira["id"]}],
    )
    assert at_home["timezone"] == "Europe/Riga"
    assert at_home["starts_at"] == "2026-12-07T10:00:00+02:00"
    assert at_home["starts_at_utc"] == "2026-12-07T08:00:00Z"
    # 13:00 in Bishkek is 07:00 UTC: Ira is still in the Riga session (08:00-09:00 UTC).
    clash = await api.session(
        "baltics-central-asia", 409, starts_at="2026-12-07T14:30", ends_at="2026-12-07T15:30",
        venue_id=bishkek["id"], speakers=[{"person_id": ira["id"]}],
    )
    assert [c["reason"] for c in clash["conflicts"]] == ["person"]
    fine = await api.session(
        "baltics-central-asia", starts_at="2026-12-07T15:00", ends_at="2026-12-07T16:00",
        venue_id=bishkek["id"], speakers=[{"person_id": ira["id"]}],
    )
    assert fine["starts_at"] == "2026-12-07T15:00:00+06:00"

    # The Riga venue moves its zone: the wall-clock time stays, the instant moves, SEQUENCE rises.
    moved = await client.patch(
        f"/api/missions/baltics-central-asia/venues/{riga['id']}", json={"timezone": "Europe/Vilnius"}, headers=api.auth
    )
    assert moved.status_code == 200
    again = (await client.get(f"/api/missions/baltics-central-asia/sessions/{at_home['id']}")).json()
    assert again["timezone"] == "Europe/Vilnius"
    assert again["starts_at"] == "2026-12-07T10:00:00+02:00"
    assert again["sequence"] == 1


async def test_unknown_zone_on_mission_or_venue_is_422(api: Api, client: AsyncTestClient) -> None:
    bad = await client.post("/api/missions", headers=api.auth, json={
        "slug": "nowhere", "title": "X", "host_country": "LV", "timezone": "Europe/Atlantis",
        "starts_on": "2026-06-01", "ends_on": "2026-06-02",
    })
    assert bad.status_code == 422
    assert bad.json()["code"] == "unknown_timezone"
    await api.mission()
    venue = await client.post("/api/missions/riga-2026/venues", headers=api.auth, json={"name": "V", "timezone": "Nope/Nope"})
    assert venue.status_code == 422 and venue.json()["code"] == "unknown_timezone"


async def test_patching_speakers_keeps_those_who_stay_and_changes_roles(api: Api, client: AsyncTestClient) -> None:
    await api.mission()
    ira = await api.person("riga-2026", "Ira Raciņa")
    aida = await api.person("riga-2026", "Aida Ismailova")
    session = await api.session("riga-2026", starts_at="2026-06-01T10:00", ends_at="2026-06-01T11:00",
                                speakers=[{"person_id": ira["id"]}])
    response = await client.patch(f"/api/missions/riga-2026/sessions/{session['id']}", headers=api.auth, json={
        "speakers": [{"person_id": aida["id"]}, {"person_id": ira["id"], "role": "moderator"}]})
    assert response.status_code == 200, response.text
    assert [(s["name"], s["role"]) for s in response.json()["speakers"]] == [
        ("Aida Ismailova", "speaker"), ("Ira Raciņa", "moderator")
    ]
