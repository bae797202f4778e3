"""Requests issue a constant number of SQL statements, whatever the size of the programme.

Two missions of the same shape, one with 20 sessions and one with 200 (each session with
a venue and two speakers, some full with a waitlist), and an attendee in each who is
confirmed in a tenth of the sessions and waitlisted in another tenth: every request is
counted on both (statements seen by the app's engine) and must issue the same, small
number. An N+1 (a query per session, speaker or registration) shows as a difference.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import event, select

from eventhub.db.database import Database
from eventhub.db.models import Mission, Person, ProgrammeSession, Registration, SessionSpeaker, Venue
from eventhub.db.services import feeds
from eventhub.db.services.seats import waitlist_positions
from eventhub.domain.programme import MissionStatus, RegistrationMode, SessionKind, SessionStatus, SpeakerRole
from eventhub.domain.time import to_utc

SMALL, LARGE = 20, 200
ZONE = "Asia/Bishkek"
FIRST_DAY = date(2027, 1, 4)  # after the tests' frozen clock, so registration is open
# Generous on purpose: the point is "constant", the bound only catches a gross regression.
MOST_STATEMENTS = 12


@dataclass
class Programme:
    slug: str
    session_ids: list[int]
    full_ids: list[int]  # capacity 1, taken by someone else: our attendee waits


async def seed(database: Database, slug: str, sessions: int) -> Programme:
    """Rows written directly (the API would check each session against all others)."""
    now = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    async with database.write() as db:
        mission = Mission(
            slug=slug, title=f"Mission {slug}", summary="", host_city="Bishkek", host_country="KG", timezone=ZONE,
            starts_on=FIRST_DAY, ends_on=FIRST_DAY + timedelta(days=sessions // 8 + 1), status=MissionStatus.PUBLISHED,
            version=1, created_at=now, updated_at=now,
        )
        db.add(mission)
        await db.flush()
        venues = [Venue(mission_id=mission.id, name=f"Hall {i}", address=f"Chui Avenue {i}", latitude=42.87,
                        longitude=74.6) for i in range(4)]
        people = [Person(mission_id=mission.id, name=f"Speaker {i}", affiliation=f"Org {i}") for i in range(8)]
        db.add_all([*venues, *people])
        await db.flush()
        rows = []
        for n in range(sessions):
            starts = datetime.combine(FIRST_DAY + timedelta(days=n // 8), datetime.min.time()) + timedelta(hours=8 + n % 8)
            ends = starts + timedelta(minutes=50)
            rows.append(ProgrammeSession(
                mission_id=mission.id, uid=str(uuid.uuid4()), title=f"Workshop {n}", kind=SessionKind.WORKSHOP,
                description=f"Session number {n}.", starts_local=starts, ends_local=ends, timezone=ZONE,
                starts_at_utc=to_utc(starts, ZONE), ends_at_utc=to_utc(ends, ZONE), venue_id=venues[n % 4].id,
                capacity=1 if n % 10 == 1 else 50, registration=RegistrationMode.OPEN, status=SessionStatus.PUBLISHED,
                sequence=0, created_at=now, updated_at=now,
                speakers=[
                    SessionSpeaker(person_id=people[n % 8].id, role=SpeakerRole.SPEAKER, position=0),
                    SessionSpeaker(person_id=people[(n + 1) % 8].id, role=SpeakerRole.HOST, position=1),
                ],
            ))
        db.add_all(rows)
        await db.flush()
        ids = [r.id for r in rows]
    return Programme(slug, ids, [sid for i, sid in enumerate(ids) if i % 10 == 1])


async def register(client: AsyncTestClient, slug: str, email: str, session_ids: list[int]) -> dict[str, Any]:
    body = {"name": "Attendee", "email": email, "session_ids": session_ids}
    response = await client.post(f"/api/missions/{slug}/registrations", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(statement)


@contextmanager
def counting(client: AsyncTestClient) -> Iterator[StatementCounter]:
    engine = client.app.state.services.database.engine.sync_engine
    counter = StatementCounter()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", counter)


async def statements_per_request(
    client: AsyncTestClient, programme: Programme, email: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, int]:
    slug = programme.slug
    # Someone else takes the only seat of every full session first, so our attendee waits.
    await register(client, slug, f"first-{email}", programme.full_ids)
    confirmed = [sid for i, sid in enumerate(programme.session_ids) if i % 10 == 3]
    answer = await register(client, slug, email, confirmed + programme.full_ids)
    assert {r["status"] for r in answer["results"]} == {"confirmed", "waitlisted"}
    manage = {"Authorization": f"Bearer {answer['manage_token']}"}
    feed_path = answer["feed_url"].split("://", 1)[1].split("/", 1)[1]

    feed = f"/missions/{slug}/calendar.ics"
    # (name, path, headers, how long a warm feed's version is trusted without a query)
    requests: list[tuple[str, str, dict[str, str], float]] = [
        ("session list", f"/api/missions/{slug}/sessions", {}, 0),
        ("one session", f"/api/missions/{slug}/sessions/{programme.session_ids[len(programme.session_ids) // 2]}", {}, 0),
        ("mission feed, cold", feed, {}, 0),
        ("mission feed, warm, version read", feed, {}, 0),
        ("mission feed, warm, version trusted", feed, {}, 3600),
        ("personal feed", f"/{feed_path}", {}, 0),
        ("/api/me", "/api/me", manage, 0),
    ]
    counts: dict[str, int] = {}
    for name, path, headers, trust in requests:
        monkeypatch.setattr(feeds, "VERSION_TRUST_SECONDS", trust)
        with counting(client) as counter:
            response = await client.get(path, headers=headers)
        assert response.status_code == 200, f"{name}: {response.status_code} {response.text[:300]}"
        counts[name] = len(counter.statements)
    return counts


async def counts_for_both_sizes(
    database: Database, client: AsyncTestClient, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, int], dict[str, int]]:
    small = await seed(database, "small-programme", SMALL)
    large = await seed(database, "large-programme", LARGE)
    return (
        await statements_per_request(client, small, "small@example.org", monkeypatch),
        await statements_per_request(client, large, "large@example.org", monkeypatch),
    )


def check_constant(small: dict[str, int], large: dict[str, int], names: list[str]) -> None:
    small_counts = {name: small[name] for name in names}
    large_counts = {name: large[name] for name in names}
    assert large_counts == small_counts, f"{SMALL} sessions: {small_counts}; {LARGE} sessions: {large_counts}"
    assert max(large_counts.values()) <= MOST_STATEMENTS, large_counts


async def test_programme_and_feed_requests_issue_a_constant_number_of_statements(
    client: AsyncTestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    small, large = await counts_for_both_sizes(database, client, monkeypatch)
    check_constant(small, large, [name for name in small if name != "/api/me"])
    assert large["mission feed, warm, version trusted"] == 0
    assert large["mission feed, warm, version read"] < large["mission feed, cold"]


async def test_api_me_issues_a_constant_number_of_statements(
    client: AsyncTestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    small, large = await counts_for_both_sizes(database, client, monkeypatch)
    check_constant(small, large, ["/api/me"])


async def test_waitlist_positions_read_later_match_the_places_given_at_signup(
    client: AsyncTestClient, database: Database
) -> None:
    """The place a newcomer is told (decided with the seat) is the place every later
    read reports (`waitlist_positions`, one query for many)."""
    programme = await seed(database, "queue-programme", SMALL)
    full = programme.full_ids[:2]
    told: dict[tuple[int, str], int] = {}
    for n in range(4):
        answer = await register(client, programme.slug, f"queue-{n}@example.org", full)
        for result in answer["results"]:
            if result["waitlist_position"] is not None:
                told[(result["session_id"], str(answer["attendee_id"]))] = result["waitlist_position"]
    async with database.read() as db:
        registrations = list(await db.scalars(select(Registration).order_by(Registration.id)))
        together = await waitlist_positions(db, registrations)
    assert sorted(together.values()) == [1, 1, 2, 2, 3, 3]
    read = {(r.session_id, str(r.attendee_id)): together[r.id] for r in registrations if r.id in together}
    assert read == told
