"""Registering, cancelling and changing capacity in any order never breaks the seat ledger.

A hypothesis state machine drives the service layer on a migrated SQLite file and keeps a
plain model of every session (its capacity, who sits, who waits in which order). After
every step the database must agree with the model, and with the rules on its own:
confirmed <= capacity, no free seat while someone waits, waitlist positions 1..n in id
order, at most one live registration per attendee and session.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from eventhub.db.database import Database
from eventhub.db.services.access import Organiser
from eventhub.db.services.registrations import Outcome, SignupRequest
from eventhub.domain.errors import NotFound, StateConflict
from eventhub.domain.programme import RegistrationStatus
from eventhub.services import Services
from eventhub.settings import Settings
from tests.conftest import FrozenClock, wipe

T = TypeVar("T")

SLUG = "machine-2026"
ORGANISER = Organiser(name="state machine", all_missions=True)
PEOPLE = ["ira@example.lv", "aida@example.kg", "arstan@example.kg", "zoe@example.org"]
SESSIONS = 2  # few sessions and people: waitlists form quickly
CAPACITIES = st.sampled_from([0, 1, 1, 2, 2, 3, None])  # mostly small: waitlists form and move


def spelled(email: str, variant: int) -> str:
    """The same address as a person might type it: one identity whatever the case."""
    return [email, email.upper(), email.title(), f"  {email.capitalize()} "][variant]


@dataclass
class SessionModel:
    capacity: int | None
    seated: list[str] = field(default_factory=list)  # attendee addresses, order irrelevant
    waiting: list[str] = field(default_factory=list)  # first come first served

    def free(self) -> bool:
        return self.capacity is None or len(self.seated) < self.capacity

    def promote(self) -> None:
        while self.waiting and self.free():
            self.seated.append(self.waiting.pop(0))

    def sign_up(self, who: str) -> tuple[str, int | None, str | None]:
        """(status, waitlist position, code) that registering `who` must answer."""
        if who in self.seated:
            return "confirmed", None, "already_registered"
        if who in self.waiting:
            return "waitlisted", self.waiting.index(who) + 1, "already_registered"
        if self.free():
            self.seated.append(who)
            return "confirmed", None, None
        self.waiting.append(who)
        return "waitlisted", len(self.waiting), None

    def cancel(self, who: str) -> None:
        if who in self.seated:
            self.seated.remove(who)
            self.promote()
        else:
            self.waiting.remove(who)


class RegistrationMachine(RuleBasedStateMachine):
    def __init__(self, loop: asyncio.AbstractEventLoop, database: Database) -> None:
        super().__init__()
        self.loop = loop
        clock = FrozenClock(datetime(2026, 5, 15, 9, 0, tzinfo=UTC))  # before the sessions: registration open
        settings_ = Settings(
            database_url=database.url, registration_rate_limit="off", redis_url=None,
            secret_key="state-machine-secret", smtp_url=None, mail_sender=False,
        )
        self.services = Services.build(settings_, database, clock)
        self.tokens: dict[str, str] = {}  # address -> manage token
        self.run(wipe(database))
        self.run(self.services.missions.create({
            "slug": SLUG, "title": "State machine week", "host_country": "LV", "timezone": "Europe/Riga",
            "starts_on": date(2026, 6, 1), "ends_on": date(2026, 6, 5), "status": "published",
        }, ORGANISER))
        self.sessions: dict[int, SessionModel] = {}
        for n, capacity in enumerate([1, 2][:SESSIONS]):
            view = self.run(self.services.sessions.create(SLUG, {
                "title": f"Workshop {n}", "kind": "workshop", "capacity": capacity,
                "starts_at": f"2026-06-02T{10 + 2 * n}:00", "ends_at": f"2026-06-02T{11 + 2 * n}:00",
            }, ORGANISER))
            self.sessions[view.session.id] = SessionModel(capacity)
        self.ids = sorted(self.sessions)

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(work)

    @rule(
        person=st.sampled_from(PEOPLE),
        variant=st.integers(min_value=0, max_value=3),
        picks=st.lists(st.integers(min_value=0, max_value=SESSIONS - 1), min_size=1, max_size=2, unique=True),
        show_token=st.sampled_from([True, True, True, False]),
    )
    def register(self, person: str, variant: int, picks: list[int], show_token: bool) -> None:
        session_ids = [self.ids[i] for i in picks]
        token = self.tokens.get(person) if show_token else None
        request = SignupRequest("Test Person", spelled(person, variant), None, session_ids)
        outcome = self.run(self.services.registrations.register(SLUG, request, token))
        if person in self.tokens and token is None:
            assert outcome.outcome == Outcome.EXISTING_ADDRESS and outcome.results == []
            return
        assert outcome.outcome == (Outcome.ADDED if token else Outcome.CREATED)
        if token is None:
            assert outcome.manage_token is not None
            self.tokens[person] = outcome.manage_token
        expected = {sid: self.sessions[sid].sign_up(person) for sid in sorted(session_ids)}
        answered = {r.session_id: (str(r.status), r.waitlist_position, r.code) for r in outcome.results}
        assert answered == expected

    def live(self) -> list[tuple[str, int]]:
        return sorted((who, sid) for sid, model in self.sessions.items() for who in model.seated + model.waiting)

    @precondition(lambda self: bool(self.live()))
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        person, session_id = data.draw(st.sampled_from(self.live()), label="registration")
        model = self.sessions[session_id]
        view = self.run(self.services.registrations.cancel_mine(self.tokens[person], session_id))
        model.cancel(person)
        mine = {item.session.id: item for item in view.registrations
                if item.registration.status != RegistrationStatus.CANCELLED}
        assert session_id not in mine
        for sid, item in mine.items():  # the attendee's own view agrees with the model
            other = self.sessions[sid]
            position = other.waiting.index(person) + 1 if person in other.waiting else None
            assert item.waitlist_position == position
        with pytest.raises(NotFound) as again:  # nothing left to cancel: 404, and nothing changes
            self.run(self.services.registrations.cancel_mine(self.tokens[person], session_id))
        assert again.value.code == "registration_not_found"

    @rule(pick=st.integers(min_value=0, max_value=SESSIONS - 1), capacity=CAPACITIES)
    def change_capacity(self, pick: int, capacity: int | None) -> None:
        session_id, model = self.ids[pick], self.sessions[self.ids[pick]]
        if capacity is not None and capacity < len(model.seated):
            with pytest.raises(StateConflict) as refused:
                self.run(self.services.sessions.update(SLUG, session_id, {"capacity": capacity}, ORGANISER))
            assert refused.value.code == "capacity_below_confirmed"
            return
        view = self.run(self.services.sessions.update(SLUG, session_id, {"capacity": capacity}, ORGANISER))
        model.capacity = capacity
        model.promote()
        assert (view.seats.confirmed, view.seats.waitlisted) == (len(model.seated), len(model.waiting))

    @invariant()
    def ledger_obeys_the_rules_and_matches_the_model(self) -> None:
        _, views = self.run(self.services.sessions.list(SLUG, ORGANISER))
        rows = self.run(self.services.attendance.registrations(SLUG, ORGANISER)).items
        assert sorted(v.session.id for v in views) == self.ids
        for view in views:
            sid, capacity = view.session.id, view.session.capacity
            live = [r for r in rows if r.session.id == sid and r.registration.status != RegistrationStatus.CANCELLED]
            seated = [r for r in live if r.registration.status == RegistrationStatus.CONFIRMED]
            waiting = sorted((r for r in live if r.registration.status == RegistrationStatus.WAITLISTED),
                             key=lambda r: r.registration.id)
            assert capacity is None or len(seated) <= capacity, f"session {sid} overbooked"
            if capacity is None or len(seated) < capacity:
                assert not waiting, f"session {sid} has a free seat while people wait"
            assert [r.waitlist_position for r in waiting] == list(range(1, len(waiting) + 1))
            per_attendee = Counter(r.registration.attendee_id for r in live)
            assert all(n == 1 for n in per_attendee.values()), f"session {sid}: {per_attendee}"

            model = self.sessions[sid]
            assert capacity == model.capacity
            assert sorted(r.attendee.email_key for r in seated) == sorted(model.seated)
            assert [r.attendee.email_key for r in waiting] == model.waiting
            assert (view.seats.confirmed, view.seats.waitlisted) == (len(seated), len(waiting))


def test_no_sequence_of_register_cancel_and_capacity_changes_breaks_the_seat_ledger(sqlite_url: str) -> None:
    loop = asyncio.new_event_loop()
    database = Database(sqlite_url, lock_timeout_seconds=3)
    try:
        run_state_machine_as_test(
            lambda: RegistrationMachine(loop, database),
            settings=settings(
                max_examples=60, stateful_step_count=25, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
    finally:
        loop.run_until_complete(database.dispose())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
