"""Delegations under real concurrency: groups and single signups at once, over sockets to a
server with two worker processes, on SQLite (file, WAL) and PostgreSQL. A group's seats
are taken in one transaction: capacity is never exceeded, the waitlist is gap-free, and
each group stays together in its form's order, the head first."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx

import pytest

from tests.concurrency.conftest import Load, Programme

pytestmark = pytest.mark.slow

GROUPS = 12
MEMBERS = 4  # with the head, five people; every other member has no address


async def _group(load: Load, slug: str, session_ids: list[int], n: int) -> httpx.Response:
    members = [
        {"name": f"Group {n:02d} member {m}", **({"email": f"g{n:02d}-m{m}@example.org"} if m % 2 else {})}
        for m in range(1, MEMBERS + 1)
    ]
    body = {"name": f"Group {n:02d} head", "email": f"g{n:02d}-head@example.org", "session_ids": session_ids,
            "members": members}
    return await load.send("POST", f"/api/missions/{slug}/group-registrations", json=body)


def _group_of(row: dict[str, Any]) -> str | None:
    name: str = row["name"]
    return name[:8] if name.startswith("Group ") else None


async def test_twelve_delegations_and_twenty_singles_at_once_never_overbook_and_stay_in_form_order(
    load: Load, programme: Programme
) -> None:
    capacity = 23  # not a multiple of five: one group is split between seats and waitlist
    first, second = await programme.session(capacity=capacity), await programme.session(capacity=None)
    singles = [f"single-{i:02d}@example.org" for i in range(20)]
    responses = list(await asyncio.gather(
        *(_group(load, programme.slug, [first, second], n) for n in range(GROUPS)),
        *(load.register(programme.slug, [first], email) for email in singles),
    ))
    groups, single_answers = responses[:GROUPS], responses[GROUPS:]
    assert [r.status_code for r in responses] == [201] * len(responses), [r.text for r in responses if r.status_code != 201][:2]
    for response in groups:
        answer = response.json()
        assert len(answer["members"]) == MEMBERS and answer["manage_url"]
        # The head keeps the links of the members without an address, and only theirs.
        assert [bool(m.get("manage_url")) for m in answer["members"]] == [m % 2 == 0 for m in range(1, MEMBERS + 1)]
        assert all(m["results"][1]["status"] == "confirmed" for m in answer["members"])  # no seat limit there

    rows = await load.export(programme.slug, first)
    people = GROUPS * (MEMBERS + 1) + len(singles)
    assert Counter(row["status"] for row in rows) == {"confirmed": capacity, "waitlisted": people - capacity}
    queue = sorted((row for row in rows if row["status"] == "waitlisted"), key=lambda row: row["id"])
    assert [row["waitlist_position"] for row in queue] == list(range(1, people - capacity + 1))
    confirmed_ids = [row["id"] for row in rows if row["status"] == "confirmed"]
    assert max(confirmed_ids) < queue[0]["id"], "a later arrival got a seat before an earlier one"

    # Each group took its seats in one go: its five registrations are neighbours in arrival
    # order, head first, then the members as the form listed them.
    in_order = sorted(rows, key=lambda row: row["id"])
    for n in range(GROUPS):
        label = f"Group {n:02d}"
        positions = [i for i, row in enumerate(in_order) if _group_of(row) == label]
        assert positions == list(range(positions[0], positions[0] + MEMBERS + 1)), label
        names = [in_order[i]["name"] for i in positions]
        assert names == [f"{label} head", *(f"{label} member {m}" for m in range(1, MEMBERS + 1))]

    # What each answer said is what the export holds.
    exported = {row["attendee_id"]: (row["status"], row["waitlist_position"]) for row in rows}
    for response in groups:
        answer = response.json()
        head = answer["results"][0]
        assert exported[answer["attendee_id"]] == (head["status"], head["waitlist_position"])
        for member in answer["members"]:
            result = member["results"][0]
            assert exported[member["attendee_id"]] == (result["status"], result["waitlist_position"])
    assert all(r.json()["results"][0]["status"] in ("confirmed", "waitlisted") for r in single_answers)
