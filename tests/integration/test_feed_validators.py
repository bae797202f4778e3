"""Feeds never mislead: over any sequence of writes (programme, people, venues,
registrations, reminders), a feed's bytes, its ETag, its Last-Modified and each event's
SEQUENCE and DTSTAMP/LAST-MODIFIED move together (SPEC "Feeds": the bytes and their
validators move together).

After every write the public feed and one attendee's personal feed are read, and compared
with what they were before the write:
- the bytes are unchanged exactly when the ETag is;
- an event whose content (all but SEQUENCE, DTSTAMP, LAST-MODIFIED) changed has a higher
  SEQUENCE and a later DTSTAMP/LAST-MODIFIED; an event whose content did not has neither;
- an event once shown never vanishes (it stays, cancelled at worst);
- Last-Modified never goes backwards, and moves when the bytes do.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from eventhub.db.database import Database
from eventhub.db.services.access import Organiser
from eventhub.db.services.registrations import SignupRequest
from eventhub.db.services.sessions import SessionFilter
from eventhub.domain.errors import NotFound, StateConflict
from eventhub.domain.reminders import Reminder
from eventhub.services import Services
from eventhub.settings import Settings
from tests.conftest import FrozenClock, wipe

T = TypeVar("T")

SLUG = "validators-2026"
ORGANISER = Organiser(name="property test", all_missions=True)
STAMPS = ("SEQUENCE", "DTSTAMP", "LAST-MODIFIED")
PEOPLE = ["me@example.lv", "aida@example.kg", "arstan@example.kg"]
SESSIONS = 3


@dataclass(frozen=True)
class Read:
    body: bytes
    etag: str
    last_modified: datetime

    def events(self) -> dict[str, dict[str, str]]:
        """Each VEVENT's properties by UID, as written (unfolded), its VALARM lines included."""
        lines = self.body.decode("utf-8").replace("\r\n ", "").split("\r\n")
        found: dict[str, dict[str, str]] = {}
        current: dict[str, str] | None = None
        for line in lines:
            if line == "BEGIN:VEVENT":
                current = {}
            elif line == "END:VEVENT" and current is not None:
                found[current["UID"]] = current
                current = None
            elif current is not None:
                name, _, value = line.partition(":")
                current[name if name not in current else f"{name}#{len(current)}"] = value
        return found


def content(event: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in event.items() if k not in STAMPS}


def compare(before: Read, after: Read, feed: str) -> None:
    assert (before.body == after.body) == (before.etag == after.etag), f"{feed}: bytes and ETag disagree"
    assert after.last_modified >= before.last_modified, f"{feed}: Last-Modified went backwards"
    if before.body != after.body:
        assert after.last_modified > before.last_modified, f"{feed}: new bytes, same Last-Modified"
    else:
        assert after.last_modified == before.last_modified, f"{feed}: same bytes, new Last-Modified"
    old, new = before.events(), after.events()
    assert set(old) <= set(new), f"{feed}: an event vanished"
    for uid, was in old.items():
        now = new[uid]
        if content(was) != content(now):
            assert int(now["SEQUENCE"]) > int(was["SEQUENCE"]), f"{feed}: {uid} changed without a new SEQUENCE"
            for stamp in ("DTSTAMP", "LAST-MODIFIED"):
                assert now[stamp] > was[stamp], f"{feed}: {uid} changed without a new {stamp}"
        else:
            assert {k: now[k] for k in STAMPS} == {k: was[k] for k in STAMPS}, f"{feed}: {uid} restamped unchanged"


class FeedMachine(RuleBasedStateMachine):
    def __init__(self, loop: asyncio.AbstractEventLoop, database_url: str) -> None:
        super().__init__()
        self.loop = loop
        self.database = Database(database_url, lock_timeout_seconds=3)
        self.clock = FrozenClock(datetime(2026, 5, 20, 9, 0, tzinfo=UTC))
        config = Settings(
            database_url=database_url, public_url="https://events.example.org", registration_rate_limit="off",
            redis_url=None, secret_key="test-secret-key-not-for-production", smtp_url=None, mail_sender=False,
        )
        self.services = Services.build(config, self.database, self.clock)
        self.tokens: dict[str, tuple[str, str]] = {}  # address -> (manage token, feed token)
        self.public: Read | None = None
        self.personal: Read | None = None

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(work)

    @initialize()
    def mission(self) -> None:
        s = self.services
        self.run(wipe(self.database))
        self.run(s.missions.create({
            "slug": SLUG, "title": "Validators week", "host_country": "LV", "timezone": "Europe/Riga",
            "starts_on": date(2026, 6, 1), "ends_on": date(2026, 6, 5), "status": "published",
        }, ORGANISER))
        self.venues = [self.run(s.venues.create(SLUG, {"name": f"Hall {n}", "address": f"Street {n}"}, ORGANISER)).id
                       for n in range(2)]
        self.people = [self.run(s.people.create(SLUG, {"name": f"Speaker {n}", "affiliation": "LIKTA"}, ORGANISER)).id
                       for n in range(2)]
        self.sessions = []
        for n in range(SESSIONS):
            view = self.run(s.sessions.create(SLUG, {
                "title": f"Workshop {n}", "kind": "workshop", "capacity": 1, "venue_id": self.venues[n % 2],
                "speakers": [(self.people[n % 2], "speaker")],
                "starts_at": f"2026-06-0{2 + n}T10:00", "ends_at": f"2026-06-0{2 + n}T11:00",
            }, ORGANISER, allow_conflicts=True))
            self.sessions.append(view.session.id)
        outcome = self.run(s.registrations.register(SLUG, SignupRequest("Me", PEOPLE[0], None, self.sessions[:2]), None))
        assert outcome.manage_token and outcome.feed_token
        self.tokens[PEOPLE[0]] = (outcome.manage_token, outcome.feed_token)
        self.public, self.personal = self.read()

    def read(self) -> tuple[Read, Read]:
        public = self.run(self.services.feeds.mission_feed(SLUG, SessionFilter()))
        personal = self.run(self.services.feeds.personal_feed(self.tokens[PEOPLE[0]][1]))
        return (Read(public.rendered.body, public.etag, public.last_modified),
                Read(personal.rendered.body, personal.etag, personal.last_modified))

    def write(self, work: Coroutine[Any, Any, Any]) -> None:
        self.clock.advance(minutes=7)
        try:
            self.run(work)
        except (StateConflict, NotFound):
            pass  # a refused write (nothing to cancel, a state it cannot take) must change nothing either

    def edit(self, index: int, changes: dict[str, Any]) -> None:
        self.write(self.services.sessions.update(SLUG, self.sessions[index], changes, ORGANISER, allow_conflicts=True))

    # --- the programme ---------------------------------------------------------------------------

    @rule()
    def create_session(self) -> None:
        async def create() -> None:
            view = await self.services.sessions.create(SLUG, {
                "title": "Late addition", "kind": "seminar", "starts_at": "2026-06-04T15:00",
                "ends_at": "2026-06-04T16:00",
            }, ORGANISER, allow_conflicts=True)
            self.sessions.append(view.session.id)
        if len(self.sessions) < SESSIONS + 2:
            self.write(create())

    @rule(index=st.integers(0, SESSIONS - 1), title=st.sampled_from(["Export clinic", "Workshop 0", "Pitch"]))
    def retitle(self, index: int, title: str) -> None:
        self.edit(index, {"title": title})

    @rule(index=st.integers(0, SESSIONS - 1), hour=st.sampled_from([9, 10, 14]))
    def move(self, index: int, hour: int) -> None:
        self.edit(index, {"starts_at": f"2026-06-0{2 + index}T{hour:02}:00", "ends_at": f"2026-06-0{2 + index}T{hour + 1:02}:00"})

    @rule(index=st.integers(0, SESSIONS - 1), text=st.sampled_from(["", "Bring numbers.", "Bring **numbers**."]))
    def describe(self, index: int, text: str) -> None:
        self.edit(index, {"description": text})

    @rule(index=st.integers(0, SESSIONS - 1), status=st.sampled_from(["published", "draft", "cancelled"]))
    def set_status(self, index: int, status: str) -> None:
        self.edit(index, {"status": status})

    @rule(index=st.integers(0, SESSIONS - 1))
    def cancel(self, index: int) -> None:
        self.write(self.services.sessions.cancel(SLUG, self.sessions[index], ORGANISER, reason="Flooded."))

    @rule(index=st.integers(0, SESSIONS - 1), capacity=st.sampled_from([0, 1, 2, None]))
    def capacity(self, index: int, capacity: int | None) -> None:
        self.edit(index, {"capacity": capacity})

    @rule(index=st.integers(0, SESSIONS - 1), venue=st.integers(0, 1))
    def change_venue(self, index: int, venue: int) -> None:
        self.edit(index, {"venue_id": self.venues[venue]})

    # --- people and venues -----------------------------------------------------------------------

    @rule(person=st.integers(0, 1), name=st.sampled_from(["Ira Raciņa", "Ira Racina", "Speaker 0"]))
    def rename_person(self, person: int, name: str) -> None:
        self.write(self.services.people.update(SLUG, self.people[person], {"name": name}, ORGANISER))

    @rule(person=st.integers(0, 1), affiliation=st.sampled_from(["LIKTA", "Latvian IT Cluster", ""]))
    def reaffiliate(self, person: int, affiliation: str) -> None:
        self.write(self.services.people.update(SLUG, self.people[person], {"affiliation": affiliation}, ORGANISER))

    @rule(venue=st.integers(0, 1), field=st.sampled_from(["name", "address"]), value=st.sampled_from(["A", "B"]))
    def edit_venue(self, venue: int, field: str, value: str) -> None:
        self.write(self.services.venues.update(SLUG, self.venues[venue], {field: f"{field} {value}{venue}"}, ORGANISER))

    @rule(venue=st.integers(0, 1), zone=st.sampled_from(["Europe/Riga", "Asia/Bishkek"]))
    def rezone_venue(self, venue: int, zone: str) -> None:
        self.write(self.services.venues.update(SLUG, self.venues[venue], {"timezone": zone}, ORGANISER))

    # --- registrations ---------------------------------------------------------------------------

    @rule(person=st.sampled_from(PEOPLE), index=st.integers(0, SESSIONS - 1))
    def sign_up(self, person: str, index: int) -> None:
        async def register() -> None:
            token = self.tokens.get(person)
            request = SignupRequest(person, person, None, [self.sessions[index]])
            outcome = await self.services.registrations.register(SLUG, request, token[0] if token else None)
            if token is None and outcome.manage_token and outcome.feed_token:
                self.tokens[person] = (outcome.manage_token, outcome.feed_token)
        self.write(register())

    @rule(person=st.sampled_from(PEOPLE), index=st.integers(0, SESSIONS - 1))
    def cancel_mine(self, person: str, index: int) -> None:
        if person in self.tokens:
            self.write(self.services.registrations.cancel_mine(self.tokens[person][0], self.sessions[index]))

    @rule(reminder=st.sampled_from(list(Reminder)))
    def remind(self, reminder: Reminder) -> None:
        self.write(self.services.registrations.set_reminder(self.tokens[PEOPLE[0]][0], reminder))

    # --- after every write -----------------------------------------------------------------------

    @invariant()
    def feeds_and_validators_move_together(self) -> None:
        if self.public is None or self.personal is None:
            return
        self.clock.advance(minutes=1)  # a read later than the write: stamps must not follow the reader
        public, personal = self.read()
        compare(self.public, public, "public feed")
        compare(self.personal, personal, "personal feed")
        again = self.read()  # read once more: nothing moves without a write
        assert again == (public, personal)
        self.public, self.personal = public, personal

    def teardown(self) -> None:
        self.run(self.database.dispose())


def test_feed_bytes_etag_stamps_and_sequence_move_together(database_url: str) -> None:
    loop = asyncio.new_event_loop()
    try:
        run_state_machine_as_test(
            lambda: FeedMachine(loop, database_url),
            settings=settings(
                max_examples=8, stateful_step_count=16, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
