"""Registration under real concurrency: simultaneous requests over sockets to a server with two
worker processes, on SQLite (file, WAL) and PostgreSQL. Capacity is never exceeded, the
waitlist is gap-free and first come first served, and one address is one attendee."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
import pytest

from tests.concurrency.conftest import Load, Programme

pytestmark = pytest.mark.slow

ROUNDS = 20
BY_HAND_ROUNDS = 3  # each about thirty requests at once; the server's start dominates the time
MAX_POLLS = 2_000  # the export poller's bound; the race ends long before


def _answers(responses: list[httpx.Response], expect: int = 201) -> list[dict[str, Any]]:
    unexpected = [(r.status_code, r.text) for r in responses if r.status_code != expect]
    assert not unexpected, unexpected[:3]
    return [r.json()["results"][0] for r in responses]


def _statuses(rows: list[dict[str, Any]]) -> Counter[str]:
    return Counter(row["status"] for row in rows)


def _waitlist(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Waitlisted rows in queue order (by registration id, which is the order of arrival)."""
    return sorted((row for row in rows if row["status"] == "waitlisted"), key=lambda row: row["id"])


async def _burst(load: Load, programme: Programme, session_id: int, emails: list[str]) -> dict[str, dict[str, Any]]:
    """Everyone registers at once; returns each address's result."""
    responses = await asyncio.gather(*(load.register(programme.slug, [session_id], email) for email in emails))
    return dict(zip(emails, _answers(list(responses)), strict=True))


def _assert_export_agrees(rows: list[dict[str, Any]], results: dict[str, dict[str, Any]]) -> None:
    """The organiser's export says the same as each answer, and its queue is gap-free in id order."""
    exported = {row["email"]: (row["status"], row["waitlist_position"]) for row in rows}
    answered = {email: (result["status"], result["waitlist_position"]) for email, result in results.items()}
    assert exported == answered
    queue = _waitlist(rows)
    assert [row["waitlist_position"] for row in queue] == list(range(1, len(queue) + 1))
    confirmed_ids = [row["id"] for row in rows if row["status"] == "confirmed"]
    assert not queue or max(confirmed_ids) < queue[0]["id"], "a later arrival got a seat before an earlier one"


async def test_last_seat_goes_to_exactly_one_of_fifty_and_the_rest_queue_one_to_forty_nine(
    load: Load, programme: Programme
) -> None:
    for round_no in range(ROUNDS):
        session_id = await programme.session(capacity=1)
        emails = [f"seat{round_no}-{i}@example.org" for i in range(50)]
        results = await _burst(load, programme, session_id, emails)

        statuses = Counter(result["status"] for result in results.values())
        assert statuses == {"confirmed": 1, "waitlisted": 49}, f"round {round_no}: {statuses}"
        positions = sorted(r["waitlist_position"] for r in results.values() if r["status"] == "waitlisted")
        assert positions == list(range(1, 50)), f"round {round_no}"

        rows = await load.export(programme.slug, session_id)
        assert _statuses(rows) == {"confirmed": 1, "waitlisted": 49}, f"round {round_no}"
        _assert_export_agrees(rows, results)


async def test_bulk_two_hundred_for_thirty_seats_confirms_thirty_and_queues_one_to_one_seventy(
    load: Load, programme: Programme
) -> None:
    session_id = await programme.session(capacity=30)
    emails = [f"bulk-{i}@example.org" for i in range(200)]
    results = await _burst(load, programme, session_id, emails)

    assert Counter(r["status"] for r in results.values()) == {"confirmed": 30, "waitlisted": 170}
    positions = [r["waitlist_position"] for r in results.values() if r["status"] == "waitlisted"]
    assert sorted(positions) == list(range(1, 171))  # unique and gap-free
    rows = await load.export(programme.slug, session_id)
    assert _statuses(rows) == {"confirmed": 30, "waitlisted": 170}
    _assert_export_agrees(rows, results)
    session = (await load.send("GET", f"/api/missions/{programme.slug}/sessions/{session_id}")).json()
    assert (session["seats_left"], session["waitlist_length"]) == (0, 170)


async def test_cancellations_racing_new_registrations_never_overbook_and_promote_the_earliest_waitlisted(
    load: Load, programme: Programme
) -> None:
    capacity = 10
    session_id = await programme.session(capacity=capacity)
    tokens: dict[str, str] = {}
    for i in range(20):  # one by one: ten seats, then a waitlist of ten in a known order
        email = f"early-{i:02d}@example.org"
        response = await load.register(programme.slug, [session_id], email)
        assert response.status_code == 201, response.text
        tokens[email] = response.json()["manage_token"]
    rows = await load.export(programme.slug, session_id)
    seated = [row["email"] for row in rows if row["status"] == "confirmed"]
    waiting = [row["email"] for row in _waitlist(rows)]
    assert len(seated) == capacity and len(waiting) == 10
    assert [row["waitlist_position"] for row in _waitlist(rows)] == list(range(1, 11))

    leaving = seated[:5]
    newcomers = [f"late-{i:02d}@example.org" for i in range(20)]
    race_over = asyncio.Event()
    snapshots: list[list[dict[str, Any]]] = []

    async def race() -> list[httpx.Response]:
        try:
            return list(await asyncio.gather(
                *(load.cancel_mine(session_id, tokens[email]) for email in leaving),
                *(load.register(programme.slug, [session_id], email) for email in newcomers),
            ))
        finally:
            race_over.set()

    async def poll() -> None:
        for _ in range(MAX_POLLS):
            snapshots.append(await load.export(programme.slug, session_id))
            if race_over.is_set():
                return
        pytest.fail(f"the race did not end within {MAX_POLLS} polls")

    responses, _ = await asyncio.gather(race(), poll())

    cancels, registrations = responses[:5], responses[5:]
    assert [r.status_code for r in cancels] == [200] * 5, [r.text for r in cancels if r.status_code != 200]
    assert all(r.json()["registrations"][0]["status"] == "cancelled" for r in cancels)
    assert Counter(result["status"] for result in _answers(registrations)) == {"waitlisted": 20}

    for moment, rows in enumerate(snapshots):
        counts = _statuses(rows)
        assert counts["confirmed"] <= capacity, f"overbooked at observation {moment}: {counts}"
        # Promotion happens in the transaction that frees the seat: with people waiting, no seat is ever seen empty.
        assert counts["confirmed"] == capacity, f"a free seat while people wait at observation {moment}: {counts}"
        queue = _waitlist(rows)
        assert [row["waitlist_position"] for row in queue] == list(range(1, len(queue) + 1)), f"observation {moment}"

    final = await load.export(programme.slug, session_id)
    by_email = {row["email"]: row for row in final}
    assert _statuses(final) == {"confirmed": capacity, "cancelled": 5, "waitlisted": 25}
    assert {email for email in leaving if by_email[email]["status"] == "cancelled"} == set(leaving)
    confirmed = {row["email"] for row in final if row["status"] == "confirmed"}
    assert confirmed == set(seated[5:]) | set(waiting[:5])  # the five earliest waitlisted, by original position
    queue = _waitlist(final)
    assert [row["waitlist_position"] for row in queue] == list(range(1, 26))
    assert [row["email"] for row in queue[:5]] == waiting[5:]  # the rest of the old queue keeps its order, ahead
    assert {row["email"] for row in queue[5:]} == set(newcomers)


async def test_same_person_twenty_times_at_once_is_one_registration_one_201_with_tokens_and_nineteen_202(
    load: Load, programme: Programme
) -> None:
    session_id = await programme.session(capacity=5)
    variants = ["dup@example.org", "Dup@Example.org", "DUP@EXAMPLE.ORG", "dUp@exAmple.ORG"]
    responses = list(await asyncio.gather(
        *(load.register(programme.slug, [session_id], variants[i % len(variants)]) for i in range(20))
    ))

    assert Counter(r.status_code for r in responses) == {201: 1, 202: 19}, [r.text for r in responses if r.status_code not in (201, 202)]
    created = next(r for r in responses if r.status_code == 201).json()
    assert created["manage_token"].startswith("ehm_") and created["feed_url"]
    assert created["results"][0]["status"] == "confirmed"
    for response in responses:
        if response.status_code == 202:
            body = response.json()
            assert set(body) == {"status", "detail"}
            assert "ehm_" not in response.text and "ehf_" not in response.text

    rows = await load.export(programme.slug, session_id)
    assert len(rows) == 1 and rows[0]["status"] == "confirmed"
    assert rows[0]["attendee_id"] == created["attendee_id"]
    me = await load.send("GET", "/api/me", headers={"Authorization": f"Bearer {created['manage_token']}"})
    assert me.status_code == 200 and [r["session_id"] for r in me.json()["registrations"]] == [session_id]


async def test_organisers_by_hand_racing_signups_and_cancellations_never_overbook_nor_break_the_queue(
    load: Load, programme: Programme
) -> None:
    """Promotions of named people, moves between sessions, attendees added by hand and
    registrations the organiser cancels (a seat and a waitlist place), all at once with
    public signups and cancellations of both sessions, on two workers; a few rounds, each
    on new sessions, for more interleavings."""
    for round_no in range(BY_HAND_ROUNDS):
        await _by_hand_round(load, programme, round_no)


async def _by_hand_round(load: Load, programme: Programme, round_no: int) -> None:
    auth = load.server.auth
    first, second = await programme.session(capacity=5), await programme.session(capacity=5)
    tokens: dict[str, str] = {}
    for i in range(10):  # the first session: five seats, a queue of five in a known order
        response = await load.register(programme.slug, [first], f"first-{round_no}-{i}@example.org")
        assert response.status_code == 201, response.text
        tokens[f"first-{round_no}-{i}@example.org"] = response.json()["manage_token"]
    for i in range(3):
        response = await load.register(programme.slug, [second], f"second-{round_no}-{i}@example.org")
        assert response.status_code == 201, response.text
    rows = await load.export(programme.slug, first)
    seated = [row for row in rows if row["status"] == "confirmed"]
    queue = _waitlist(rows)
    named = [queue[2]["id"], queue[4]["id"]]  # promoted by hand, over the head
    movers = [seated[0]["id"], seated[1]["id"]]  # moved to the second session
    leaving = [seated[2]["email"], seated[3]["email"]]  # cancel their own seats
    dropped = [seated[4]["id"], queue[1]["id"]]  # the organiser cancels a seat and a place in the queue
    race_over = asyncio.Event()
    snapshots: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]] = []

    async def race() -> list[httpx.Response]:
        base = f"/api/missions/{programme.slug}"
        try:
            return list(await asyncio.gather(
                *(load.send("POST", f"{base}/registrations/{rid}/promote", headers=auth) for rid in named),
                *(load.send("POST", f"{base}/registrations/{rid}/move", headers=auth,
                            json={"session_id": second, "allow_waitlist": True}) for rid in movers),
                *(load.cancel_mine(first, tokens[email]) for email in leaving),
                *(load.send("DELETE", f"{base}/registrations/{rid}", headers=auth) for rid in dropped),
                *(load.send("POST", f"{base}/sessions/{sid}/registrations", headers=auth,
                            json={"name": "By hand", "email": f"hand-{round_no}-{sid}-{i}@example.org"})
                  for sid in (first, second) for i in range(3)),
                *(load.register(programme.slug, [sid], f"public-{round_no}-{sid}-{i}@example.org")
                  for sid in (first, second) for i in range(8)),
            ))
        finally:
            race_over.set()

    async def poll() -> None:
        for _ in range(MAX_POLLS):
            snapshots.append((await load.export(programme.slug, first), await load.export(programme.slug, second)))
            if race_over.is_set():
                return
        pytest.fail(f"the race did not end within {MAX_POLLS} polls")

    responses, _ = await asyncio.gather(race(), poll())
    promotions, moves, cancels, drops = responses[:2], responses[2:4], responses[4:6], responses[6:8]
    additions, signups = responses[8:14], responses[14:]
    assert [r.status_code for r in moves + cancels] == [200] * 4, [r.text for r in responses[2:6]]
    assert [r.status_code for r in drops] == [204] * 2, [r.text for r in drops]
    assert [r.status_code for r in additions] == [201] * 6 and [r.status_code for r in signups] == [201] * 16
    # A named person whom a freed seat reached first is confirmed already: the organiser is told so.
    for response in promotions:
        assert response.status_code == 200 or (response.status_code, response.json()["code"]) == (409, "not_waitlisted")
    promoted = [r.json() for r in promotions if r.status_code == 200]

    capacity = {first: 5 + sum(p["capacity_raised"] for p in promoted), second: 5}
    for moment, pair in enumerate(snapshots):
        for rows, sid in zip(pair, (first, second), strict=True):
            counts = _statuses(rows)
            assert counts["confirmed"] <= capacity[sid], f"session {sid} overbooked at observation {moment}: {counts}"
            waiting = _waitlist(rows)
            assert [row["waitlist_position"] for row in waiting] == list(range(1, len(waiting) + 1))
    for sid in (first, second):
        final = await load.export(programme.slug, sid)
        counts = _statuses(final)
        assert counts["confirmed"] == capacity[sid], f"a free seat while people wait in {sid}: {counts}"
        # Apart from the people seated by hand, seats went first come first served.
        by_hand = set(named) | {row["id"] for row in seated}
        rest = [row for row in final if row["id"] not in by_hand and row["status"] != "cancelled"]
        confirmed_ids = [row["id"] for row in rest if row["status"] == "confirmed"]
        waiting_ids = [row["id"] for row in rest if row["status"] == "waitlisted"]
        assert not confirmed_ids or not waiting_ids or max(confirmed_ids) < min(waiting_ids), f"session {sid}"
    first_rows = {row["id"]: row for row in await load.export(programme.slug, first)}
    assert all(first_rows[rid]["status"] == "confirmed" for rid in named)
    assert all(first_rows[rid]["status"] == "cancelled" for rid in movers + dropped)
    moved_emails = {seated[0]["email"], seated[1]["email"]}
    assert moved_emails <= {row["email"] for row in await load.export(programme.slug, second)
                            if row["status"] != "cancelled"}
    # Each seat given by hand is in the history, an override naming who was passed over.
    history = await load.send("GET", f"/api/missions/{programme.slug}/history",
                              params={"session_id": first}, headers=auth)
    assert history.status_code == 200, history.text
    overrides = {e["subject_id"]: e["fields"] for e in history.json() if e["change"] == "promoted"}
    assert set(overrides) == {p["registration_id"] for p in promoted}
    for entry in promoted:
        fields = overrides[entry["registration_id"]]
        assert fields["override"] == [None, entry["passed_over"] > 0 or entry["capacity_raised"]]
        assert len(fields["passed_over"][1]) == entry["passed_over"]
