"""Bilateral meetings through the API: profiles and who sees them, requests with their
mail, expiry and cap, the plan around sessions and travel, publishing into both personal
feeds (never the public one), changes after publishing, and a solve that runs while the
server answers others, refuses a second solve and a stale save."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
import httpx
import icalendar
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from eventhub.app import create_app
from eventhub.db.database import Database
from eventhub.db.models import Attendee, OutboxMessage
from eventhub.domain.mail import MailKind
from eventhub.domain.meetings.plan import MeetingProblem, Plan, SolverOptions
from eventhub.domain.meetings.solver import schedule
from eventhub.services import Services, _composer
from eventhub.settings import Settings
from tests.api.conftest import Api
from tests.conftest import PUBLIC_URL, FrozenClock

SLUG = "riga-2026"
PLAN = f"/api/missions/{SLUG}/meeting-plan"


@dataclass
class Person:
    name: str
    token: str
    feed_path: str
    profile_id: int = 0

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    api: Api
    client: AsyncTestClient
    hall: int
    park: int
    opening: int
    ira: Person
    aida: Person
    arstan: Person

    async def profile(self, person: Person, organisation: str, country: str = "LV", **fields: Any) -> dict[str, Any]:
        answer = await self.client.put("/api/me/meeting-profile", headers=person.auth,
                                       json={"organisation": organisation, "country": country, **fields})
        assert answer.status_code == 200, answer.text
        person.profile_id = answer.json()["id"]
        return answer.json()

    async def ask(self, sender: Person, recipient: Person, message: str = "", expect: int = 201) -> dict[str, Any]:
        answer = await self.client.post("/api/me/meeting-requests", headers=sender.auth,
                                        json={"to_profile_id": recipient.profile_id, "message": message})
        assert answer.status_code == expect, answer.text
        return answer.json()

    async def answer(self, person: Person, request_id: int, verb: str = "accept", expect: int = 200) -> dict[str, Any]:
        answer = await self.client.post(f"/api/me/meeting-requests/{request_id}/{verb}", headers=person.auth)
        assert answer.status_code == expect, answer.text
        return answer.json()

    async def meet(self, sender: Person, recipient: Person) -> int:
        request_id = (await self.ask(sender, recipient))["id"]
        await self.answer(recipient, request_id)
        return request_id

    async def plan(self, tables: int = 2, **fields: Any) -> dict[str, Any]:
        body = {
            "slot_minutes": 30,
            "windows": [{"starts_at": "2026-06-01T10:00", "ends_at": "2026-06-01T12:00", "venue_id": self.hall}],
            "tables": [{"name": f"Table {i + 1}", "venue_id": self.hall} for i in range(tables)],
            **fields,
        }
        answer = await self.client.put(PLAN, json=body, headers=self.api.auth)
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def post(self, path: str, expect: int = 200, **kwargs: Any) -> dict[str, Any]:
        answer = await self.client.post(f"{PLAN}{path}", headers=self.api.auth, **kwargs)
        assert answer.status_code == expect, answer.text
        return answer.json()

    async def feed(self, person: Person) -> list[icalendar.Event]:
        answer = await self.client.get(person.feed_path)
        assert answer.status_code == 200
        return list(icalendar.Calendar.from_ical(answer.content).walk("VEVENT"))


async def _register(client: AsyncTestClient, name: str, email: str, session_id: int) -> Person:
    answer = await client.post(f"/api/missions/{SLUG}/registrations",
                               json={"name": name, "email": email, "session_ids": [session_id]})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    return Person(name, body["manage_token"], body["feed_url"].removeprefix(PUBLIC_URL))


async def build_world(api: Api, client: AsyncTestClient, clock: FrozenClock) -> World:
    clock.now = datetime(2026, 5, 15, 9, 0, tzinfo=UTC)
    await api.mission()
    hall = (await api.venue(SLUG, "Congress Hall"))["id"]
    park = (await api.venue(SLUG, "Technology Park"))["id"]
    travel = await client.put(f"/api/missions/{SLUG}/travel-times", headers=api.auth,
                              json=[{"from_venue_id": hall, "to_venue_id": park, "minutes": 30}])
    assert travel.status_code == 200, travel.text
    opening = (await api.session(SLUG, title="Opening", venue_id=park, starts_at="2026-06-01T10:00",
                                 ends_at="2026-06-01T11:00"))["id"]
    dinner = (await api.session(SLUG, title="Dinner", starts_at="2026-06-02T19:00", ends_at="2026-06-02T21:00"))["id"]
    ira = await _register(client, "Ira Raciņa", "ira@example.lv", opening)  # busy 10:00-11:00 at the park
    aida = await _register(client, "Aida Ismailova", "aida@example.kg", dinner)
    arstan = await _register(client, "Arstanbeks Tazabekovs", "arstan@example.kg", dinner)
    return World(api, client, hall, park, opening, ira, aida, arstan)


@pytest.fixture
async def world(api: Api, client: AsyncTestClient, clock: FrozenClock) -> World:
    return await build_world(api, client, clock)


async def with_profiles(world: World) -> World:
    await world.profile(world.ira, "Latvian IT Cluster", "LV", sector="IT", offer="Export know-how", seek="Partners")
    await world.profile(world.aida, "Technopark", "KG", offer="Coworking space")
    await world.profile(world.arstan, "Honorary Consulate", "KG")
    return world


async def mails(services: Services, *kinds: MailKind) -> list[tuple[str, str]]:
    """(kind, recipient's name) of the meeting mail in the outbox, in order."""
    async with services.database.read() as db:
        rows = await db.execute(
            select(OutboxMessage.kind, Attendee.name).join(Attendee, Attendee.id == OutboxMessage.attendee_id)
            .where(OutboxMessage.kind.in_(kinds)).order_by(OutboxMessage.id)
        )
        return [(str(kind), name) for kind, name in rows]


async def composed(services: Services, settings: Settings, kind: MailKind, name: str) -> Any:
    async with services.database.read() as db:
        message_id = await db.scalar(
            select(OutboxMessage.id).join(Attendee, Attendee.id == OutboxMessage.attendee_id)
            .where(OutboxMessage.kind == kind, Attendee.name == name).order_by(OutboxMessage.id.desc()).limit(1)
        )
    assert message_id is not None
    delivery = await services.outbox.delivery(message_id)
    assert delivery is not None
    return _composer(settings).compose(delivery, services.clock())


def plain_text(message: Any) -> str:
    return str(message.get_body(("plain",)).get_content()).replace("\r\n", "\n")


def invitation_event(message: Any) -> Any:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")[0]


# --- profiles ------------------------------------------------------------------------------------


async def test_profiles_are_seen_by_participants_with_a_profile_and_by_organisers_only(world: World) -> None:
    client, ira, aida = world.client, world.ira, world.aida
    directory = "/api/me/meeting-profiles"
    mission_profiles = f"/api/missions/{SLUG}/meeting-profiles"
    without = await client.get(directory, headers=ira.auth)
    assert (without.status_code, without.json()["code"]) == (403, "meeting_profile_required")
    assert (await client.get(mission_profiles)).status_code == 401
    assert (await client.get(mission_profiles, headers=ira.auth)).status_code == 403

    await with_profiles(world)
    seen = (await client.get(directory, headers=ira.auth)).json()
    assert [p["name"] for p in seen] == ["Arstanbeks Tazabekovs", "Aida Ismailova"]  # by organisation, not me
    assert "email" not in seen[0]
    assert [p["name"] for p in (await client.get(mission_profiles, headers=ira.auth)).json()] == [
        "Arstanbeks Tazabekovs", "Aida Ismailova"]
    organisers = (await client.get(mission_profiles, headers=world.api.auth)).json()
    assert {p["name"] for p in organisers} == {"Ira Raciņa", "Aida Ismailova", "Arstanbeks Tazabekovs"}
    assert (await client.get("/api/me/meeting-profile", headers=aida.auth)).json()["offer"] == "Coworking space"

    bad = await client.put("/api/me/meeting-profile", headers=aida.auth, json={"organisation": "X", "country": "kg"})
    assert bad.status_code == 422

    assert (await client.delete("/api/me/meeting-profile", headers=aida.auth)).status_code == 204
    assert [p["name"] for p in (await client.get(directory, headers=ira.auth)).json()] == ["Arstanbeks Tazabekovs"]
    assert (await client.get("/api/me/meeting-profile", headers=aida.auth)).status_code == 404
    assert (await client.get(directory, headers=aida.auth)).status_code == 403


# --- requests ------------------------------------------------------------------------------------


async def test_requests_are_answered_by_the_one_asked_and_each_side_is_told(
    world: World, services: Services, settings: Settings
) -> None:
    await with_profiles(world)
    ira, aida, arstan = world.ira, world.aida, world.arstan
    asked = await world.ask(ira, aida, "Shall we talk about test labs?")
    assert (asked["status"], asked["recipient"]["name"]) == ("pending", "Aida Ismailova")
    assert (await world.answer(ira, asked["id"], expect=409))["code"] == "not_your_request"
    assert (await world.ask(aida, ira, expect=409))["code"] == "request_exists"
    assert (await world.ask(ira, ira, expect=422))["code"] == "request_to_self"

    inbox = (await world.client.get("/api/me/meeting-requests", headers=aida.auth)).json()
    assert [r["message"] for r in inbox["incoming"]] == ["Shall we talk about test labs?"]
    assert (await world.answer(aida, asked["id"]))["status"] == "accepted"
    assert (await world.answer(aida, asked["id"], expect=409))["code"] == "request_accepted"

    declined = await world.ask(arstan, ira)
    assert (await world.answer(ira, declined["id"], "decline"))["status"] == "declined"

    kinds = await mails(services, MailKind.MEETING_REQUESTED, MailKind.MEETING_ACCEPTED, MailKind.MEETING_DECLINED)
    assert kinds == [
        ("meeting_requested", "Aida Ismailova"), ("meeting_accepted", "Ira Raciņa"),
        ("meeting_requested", "Ira Raciņa"), ("meeting_declined", "Arstanbeks Tazabekovs"),
    ]
    request_mail = await composed(services, settings, MailKind.MEETING_REQUESTED, "Aida Ismailova")
    assert request_mail["Subject"] == "Meeting request from Ira Raciņa"
    text = request_mail.get_body(("plain",)).get_content()
    assert "Ira Raciņa (Latvian IT Cluster, LV)" in text and "Shall we talk about test labs?" in text
    accepted_mail = await composed(services, settings, MailKind.MEETING_ACCEPTED, "Ira Raciņa")
    assert accepted_mail["Subject"] == "Aida Ismailova accepted your meeting request"


async def test_unanswered_requests_expire_and_the_cap_counts_only_open_ones(
    world: World, services: Services, clock: FrozenClock
) -> None:
    await with_profiles(world)
    await world.plan(request_expiry_hours=24, max_open_requests=1)
    ira, aida, arstan = world.ira, world.aida, world.arstan
    first = await world.ask(ira, aida)
    capped = await world.ask(ira, arstan, expect=409)
    assert (capped["code"], capped["limit"]) == ("open_request_limit", 1)

    clock.advance(hours=24)
    inbox = (await world.client.get("/api/me/meeting-requests", headers=ira.auth)).json()
    assert [r["status"] for r in inbox["outgoing"]] == ["expired"]
    assert inbox["open_requests"] == 0
    assert (await world.answer(aida, first["id"], expect=409))["code"] == "request_expired"
    await world.ask(ira, arstan)  # the expired one no longer counts
    assert await mails(services, MailKind.MEETING_REQUEST_EXPIRED) == [("meeting_request_expired", "Ira Raciņa")]
    again = await world.ask(aida, ira)  # the pair may meet again: an expired request is closed
    assert again["status"] == "pending"


# --- the plan ------------------------------------------------------------------------------------


def at(body: dict[str, Any], request_id: int) -> tuple[str, str]:
    found = next(m for m in body["meetings"] if m["request_id"] == request_id)
    return found["starts_at"][11:16], found["table"]


async def test_the_schedule_keeps_clear_of_sessions_and_travel_and_publishes_into_both_feeds_only(
    world: World, services: Services, settings: Settings
) -> None:
    await with_profiles(world)
    await world.plan()
    ira_aida = await world.meet(world.ira, world.aida)
    aida_arstan = await world.meet(world.aida, world.arstan)

    planned = await world.post("/schedule")
    # Ira is at the Opening in the park until 11:00, and the walk takes 30 minutes.
    assert at(planned, ira_aida) == ("11:30", "Table 1")
    assert {m["request_id"] for m in planned["meetings"]} == {ira_aida, aida_arstan}
    assert planned["left_out"] == []
    assert planned["last_run"]["proven_optimal"] and planned["last_run"]["upper_bound"] == 2
    assert planned["unpublished_changes"] == 2
    assert [e for e in await world.feed(world.ira) if "Meeting" in str(e["SUMMARY"])] == []  # not before publishing

    published = await world.post("/publish")
    assert (published["scheduled"], published["moved"], published["cancelled"]) == (2, 0, 0)
    assert published["plan"]["unpublished_changes"] == 0

    ira_events = [e for e in await world.feed(world.ira) if "Meeting" in str(e["SUMMARY"])]
    aida_events = [e for e in await world.feed(world.aida) if "Meeting" in str(e["SUMMARY"])]
    assert [str(e["SUMMARY"]) for e in ira_events] == ["Meeting: Aida Ismailova (Technopark)"]
    assert sorted(str(e["SUMMARY"]) for e in aida_events) == [
        "Meeting: Arstanbeks Tazabekovs (Honorary Consulate)", "Meeting: Ira Raciņa (Latvian IT Cluster)"]
    shared = next(e for e in aida_events if "Ira" in str(e["SUMMARY"]))
    assert str(shared["UID"]) == str(ira_events[0]["UID"])
    assert str(ira_events[0]["LOCATION"]) == "Table 1, Congress Hall"
    assert ira_events[0]["DTSTART"].dt.strftime("%H:%M") == "11:30"
    assert "Coworking space" in str(ira_events[0]["DESCRIPTION"])

    public = (await world.client.get(f"/missions/{SLUG}/calendar.ics")).text
    assert "Meeting" not in public and "Technopark" not in public and "Aida" not in public
    for page in (f"/missions/{SLUG}", f"/missions/{SLUG}/sessions/{world.opening}"):
        shown = (await world.client.get(page)).text
        assert "Aida Ismailova" not in shown and "Table 1" not in shown

    mine = (await world.client.get("/api/me/meetings", headers=world.ira.auth)).json()
    assert [(m["other"]["name"], m["table"], m["venue"]["name"], m["status"]) for m in mine] == [
        ("Aida Ismailova", "Table 1", "Congress Hall", "confirmed")]
    assert sorted(name for _, name in await mails(services, MailKind.MEETING_SCHEDULED)) == [
        "Aida Ismailova", "Aida Ismailova", "Arstanbeks Tazabekovs", "Ira Raciņa"]
    invitation = await composed(services, settings, MailKind.MEETING_SCHEDULED, "Ira Raciņa")
    assert invitation["Subject"] == "Meeting scheduled: Aida Ismailova"
    assert str(invitation_event(invitation)["UID"]) == str(ira_events[0]["UID"])


async def test_changes_after_publishing_reach_both_sides_as_updates_and_cancellations(
    world: World, services: Services
) -> None:
    await with_profiles(world)
    await world.plan()
    ira_aida = await world.meet(world.ira, world.aida)
    aida_arstan = await world.meet(world.aida, world.arstan)
    await world.post("/schedule")
    await world.post("/publish")

    busy = await world.post(f"/meetings/{ira_aida}/move", expect=409,
                            json={"starts_at": "2026-06-01T10:30", "table_id": (await world.plan())["tables"][0]["id"]})
    assert busy["code"] == "participant_busy"
    plan = (await world.client.get(PLAN, headers=world.api.auth)).json()
    table_2 = plan["tables"][1]["id"]
    taken = next(m for m in plan["meetings"] if m["request_id"] == aida_arstan)
    if at(plan, aida_arstan) == ("10:00", "Table 2"):
        target = "2026-06-01T10:30"
    else:
        target = "2026-06-01T10:00"
    moved = await world.post(f"/meetings/{aida_arstan}/move", json={"starts_at": target, "table_id": table_2})
    assert at(moved, aida_arstan) == (target[11:], "Table 2")
    assert next(m for m in moved["meetings"] if m["request_id"] == aida_arstan)["locked"]
    assert taken["published"]
    before = next(e for e in await world.feed(world.arstan) if "Meeting" in str(e["SUMMARY"]))
    assert before["DTSTART"].dt.strftime("%H:%M") == taken["starts_at"][11:16]  # not before publishing

    again = await world.post("/publish")
    assert (again["scheduled"], again["moved"], again["cancelled"]) == (0, 1, 0)
    for person in (world.aida, world.arstan):
        event = next(e for e in await world.feed(person) if "Arstanbeks" in str(e["SUMMARY"]) or "Aida" in str(e["SUMMARY"]))
        assert (event["DTSTART"].dt.strftime("%H:%M"), int(event["SEQUENCE"])) == (target[11:], 1)
        assert str(event["LOCATION"]) == "Table 2, Congress Hall"
    assert len(await mails(services, MailKind.MEETING_MOVED)) == 2

    await world.post(f"/meetings/{ira_aida}/unplace")
    cancelled = await world.post("/publish")
    assert cancelled["cancelled"] == 1
    event = next(e for e in await world.feed(world.ira) if "Meeting" in str(e["SUMMARY"]))
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 1)
    assert [name for _, name in await mails(services, MailKind.MEETING_CANCELLED)] == ["Ira Raciņa", "Aida Ismailova"]
    assert [lo["request_id"] for lo in cancelled["plan"]["left_out"]] == [ira_aida]

    # The history says who did each of it: the runs and publishes as one line each, the
    # hand moves per meeting.
    history = (await world.client.get(f"/api/missions/{SLUG}/history", headers=world.api.auth)).json()
    plan_lines = [(e["change"], e["fields"]) for e in reversed(history) if e["subject"] == "meeting_plan"]
    assert [c for c, _ in plan_lines if c in ("scheduled", "published")] == ["scheduled", "published", "published", "published"]
    assert [f["moved"][1] for c, f in plan_lines if c == "published"] == [0, 1, 0]
    moves = [e for e in history if e["subject"] == "meeting" and e["change"] == "updated"]
    assert {"locked", "starts_at", "table_id"} <= {name for e in moves for name in e["fields"]}
    assert any(e["subject"] == "meeting" and e["fields"].get("starts_at", [None, 1])[1] is None for e in history)  # unplaced
    assert all(e["actor"] for e in history if e["subject"].startswith("meeting"))


async def test_a_rerun_keeps_locked_meetings_and_says_why_requests_are_left_out(world: World) -> None:
    await with_profiles(world)
    await world.plan(tables=1)
    ira_aida = await world.meet(world.ira, world.aida)
    ira_arstan = await world.meet(world.ira, world.arstan)  # Ira is free at 11:30 only: one of the two waits
    first = await world.post("/schedule")
    assert [(lo["request_id"], lo["reason"]) for lo in first["left_out"]] == [
        (r, "schedule_full") for r in (ira_aida, ira_arstan) if r not in {m["request_id"] for m in first["meetings"]}
    ]
    placed = first["meetings"][0]["request_id"]
    await world.post(f"/meetings/{placed}/lock")
    # Everyone else's slots are free; a new acceptance is placed around the locked meeting.
    aida_arstan = await world.meet(world.aida, world.arstan)
    again = await world.post("/schedule")
    assert at(again, placed) == ("11:30", "Table 1")
    assert next(m for m in again["meetings"] if m["request_id"] == placed)["locked"]
    left = [(lo["request_id"], lo["reason"]) for lo in again["left_out"]]
    assert left == [(r, "locked_conflict") for r in (ira_aida, ira_arstan) if r != placed]
    assert aida_arstan in {m["request_id"] for m in again["meetings"]}

    missing = await world.post("/meetings/999/lock", expect=404)
    assert missing["code"] == "meeting_not_placed"


async def test_withdrawing_a_profile_cancels_requests_and_published_meetings_with_mail(
    world: World, services: Services
) -> None:
    await with_profiles(world)
    await world.plan()
    await world.meet(world.ira, world.aida)
    await world.post("/schedule")
    await world.post("/publish")
    pending = await world.ask(world.arstan, world.aida)

    assert (await world.client.delete("/api/me/meeting-profile", headers=world.aida.auth)).status_code == 204
    event = next(e for e in await world.feed(world.ira) if "Meeting" in str(e["SUMMARY"]))
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 1)
    outgoing = (await world.client.get("/api/me/meeting-requests", headers=world.arstan.auth)).json()["outgoing"]
    assert [(r["id"], r["status"]) for r in outgoing] == [(pending["id"], "cancelled")]
    assert ("meeting_cancelled", "Ira Raciņa") in await mails(services, MailKind.MEETING_CANCELLED)
    assert await mails(services, MailKind.MEETING_REQUEST_CANCELLED) == [("meeting_request_cancelled", "Arstanbeks Tazabekovs")]
    plan = (await world.client.get(PLAN, headers=world.api.auth)).json()
    assert plan["meetings"] == [] and plan["left_out"] == []


async def test_plan_input_is_checked(world: World) -> None:
    bad_venue = await world.client.put(PLAN, headers=world.api.auth, json={
        "slot_minutes": 30, "windows": [{"starts_at": "2026-06-01T10:00", "ends_at": "2026-06-01T12:00", "venue_id": 999}],
        "tables": []})
    assert (bad_venue.status_code, bad_venue.json()["code"]) == (422, "unknown_venue")
    backwards = await world.client.put(PLAN, headers=world.api.auth, json={
        "slot_minutes": 30, "windows": [{"starts_at": "2026-06-01T12:00", "ends_at": "2026-06-01T10:00",
                                         "venue_id": world.hall}], "tables": []})
    assert (backwards.status_code, backwards.json()["code"]) == (422, "window_ends_before_start")
    twice = await world.client.put(PLAN, headers=world.api.auth, json={
        "slot_minutes": 30, "windows": [], "tables": [{"name": "A", "venue_id": world.hall}, {"name": "A", "venue_id": world.hall}]})
    assert (twice.status_code, twice.json()["code"]) == (422, "duplicate_table")
    no_plan = await world.client.post(f"{PLAN}/schedule", headers=world.api.auth)
    assert (no_plan.status_code, no_plan.json()["code"]) == (409, "meeting_plan_not_set")
    assert (await world.client.put(PLAN, json={"slot_minutes": 30, "windows": [], "tables": []})).status_code == 401


# --- a solve off the event loop ----------------------------------------------------------------------


class HeldSolver:
    """The real scheduler, held in its worker thread until the test lets it go."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, problem: MeetingProblem, options: SolverOptions) -> Plan:
        self.started.set()
        assert self.release.wait(20)
        return schedule(problem, options)


@pytest.fixture
async def held() -> HeldSolver:
    return HeldSolver()


@pytest.fixture
async def held_client(
    settings: Settings, database: Database, clock: FrozenClock, held: HeldSolver
) -> AsyncIterator[httpx.AsyncClient]:
    """Requests on the test's own event loop, side by side (the Litestar test client
    runs each request to its end before the next)."""
    app = create_app(settings, clock=clock, meeting_solver=held)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as test_client:
        yield test_client
    await app.state.services.database.dispose()


async def test_a_solve_runs_while_others_are_answered_refuses_a_second_and_a_stale_save(
    held_client: httpx.AsyncClient, auth: dict[str, str], clock: FrozenClock, held: HeldSolver
) -> None:
    world = await with_profiles(await build_world(Api(held_client, auth), held_client, clock))  # type: ignore[arg-type]
    await world.plan()
    await world.meet(world.ira, world.aida)
    pending = await world.ask(world.aida, world.arstan)

    solving = asyncio.create_task(held_client.post(f"{PLAN}/schedule", headers=auth))
    assert await anyio.to_thread.run_sync(held.started.wait, 30)
    # While the solver works in its thread, the server answers...
    second = await held_client.post(f"{PLAN}/schedule", headers=auth)
    assert (second.status_code, second.json()["code"]) == (409, "schedule_running")
    assert (await held_client.get(f"/missions/{SLUG}/calendar.ics")).status_code == 200
    # ...and takes a change the solve has read: an acceptance.
    await world.answer(world.arstan, pending["id"])
    held.release.set()
    stale = await solving
    assert (stale.status_code, stale.json()["code"]) == (409, "plan_changed")
    assert (await held_client.get(PLAN, headers=auth)).json()["meetings"] == []  # nothing saved

    again = await world.post("/schedule")  # the lease is free again, and the new request is in
    assert len(again["meetings"]) == 2


async def test_plan_mails_sent_late_say_what_was_published_then_and_a_move_says_what_changed(
    world: World, services: Services, settings: Settings
) -> None:
    await with_profiles(world)
    await world.plan()
    aida_arstan = await world.meet(world.aida, world.arstan)
    await world.post("/schedule")
    published = (await world.post("/publish"))["plan"]
    first, table_2 = at(published, aida_arstan), published["tables"][1]["id"]
    target = "11:30" if first[0] == "11:00" else "11:00"
    await world.post(f"/meetings/{aida_arstan}/move", json={"starts_at": f"2026-06-01T{target}", "table_id": table_2})
    await world.post("/publish")

    # Nothing was sent in between: both mails are composed now, after the move.
    scheduled = await composed(services, settings, MailKind.MEETING_SCHEDULED, "Arstanbeks Tazabekovs")
    moved = await composed(services, settings, MailKind.MEETING_MOVED, "Arstanbeks Tazabekovs")
    riga = "(Europe/Riga, UTC+03:00)"
    then = f"Monday, 1 June 2026, {first[0]}–{first[0][:3]}30 {riga}"
    now = f"Monday, 1 June 2026, {target}–{target[:3]}30 {riga}"
    assert first[0].endswith(":00") and first[1] == "Table 1"
    assert f"is in the plan:\n\n{then}\nTable 1, Congress Hall" in plain_text(scheduled)
    assert target not in plain_text(scheduled) and "Table 2" not in plain_text(scheduled)
    assert f"Time: was {then}, now {now}." in plain_text(moved)
    assert "Table: was Table 1, now Table 2." in plain_text(moved)
    assert "Place:" not in plain_text(moved)  # same venue
    assert f"{now}\nTable 2, Congress Hall" in plain_text(moved)
    # Each invitation is the revision its mail announced, so a calendar applies them in order.
    old, new = invitation_event(scheduled), invitation_event(moved)
    assert (old["DTSTART"].dt.strftime("%H:%M"), int(old["SEQUENCE"]), str(old["LOCATION"])) == (
        first[0], 0, "Table 1, Congress Hall")
    assert (new["DTSTART"].dt.strftime("%H:%M"), int(new["SEQUENCE"]), str(new["LOCATION"])) == (
        target, 1, "Table 2, Congress Hall")
    assert str(old["UID"]) == str(new["UID"])
