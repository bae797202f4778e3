"""The benchmark's mission: 200 participants, 600 accepted requests, 20 tables, 16 slots.

Made from a fixed seed, like a real brokerage day: two venues (12 tables at the
Technopark, 8 at the High Technology Park, 15 minutes apart), the same 16 slots of
20 minutes at both, popular participants asked by many (a Zipf-like draw), and a third
of the participants with one or two confirmed sessions during the day, some at a
third venue 30 minutes away.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

from eventhub.domain.meetings.plan import (
    Busy,
    MeetingProblem,
    MeetingRequest,
    Slot,
    Table,
    Window,
    meeting_slots,
)
from eventhub.domain.scheduling import TravelTimes

TECHNOPARK, HTP, UNIVERSITY = 1, 2, 3
START = datetime(2026, 12, 9, 3, 0, tzinfo=UTC)  # 09:00 in Bishkek
SLOT_MINUTES = 20
SLOTS = 16


def benchmark_problem(
    seed: int = 2026, participants: int = 200, requests: int = 600, tables: tuple[int, int] = (12, 8)
) -> MeetingProblem:
    rng = random.Random(seed)
    end = START + timedelta(minutes=SLOT_MINUTES * SLOTS)
    slots: list[Slot] = meeting_slots(
        [Window(START, end, TECHNOPARK), Window(START, end, HTP)], SLOT_MINUTES
    )
    table_list = [Table(100 + i, TECHNOPARK) for i in range(tables[0])]
    table_list += [Table(200 + i, HTP) for i in range(tables[1])]
    people = list(range(1, participants + 1))
    weights = [1 / (rank**0.8) for rank in range(1, participants + 1)]
    pairs: set[tuple[int, int]] = set()
    for person in people:  # everyone asks someone, or is asked, at least once
        other = rng.choices(people, weights=weights)[0]
        if other != person and len(pairs) < requests:
            pairs.add((min(person, other), max(person, other)))
    while len(pairs) < requests:
        a, b = rng.choices(people, weights=weights, k=2)
        if a != b:
            pairs.add((min(a, b), max(a, b)))
    request_list = [MeetingRequest(i + 1, a, b) for i, (a, b) in enumerate(sorted(pairs))]
    busy: list[Busy] = []
    for person in rng.sample(people, participants // 3):
        for _ in range(rng.randint(1, 2)):
            starts = START + timedelta(minutes=rng.randrange(0, SLOT_MINUTES * SLOTS, 30))
            venue = rng.choice([TECHNOPARK, HTP, UNIVERSITY, None])
            busy.append(Busy(person, starts, starts + timedelta(minutes=rng.choice([45, 60, 90])), venue))
    travel = TravelTimes([(TECHNOPARK, HTP, 15), (TECHNOPARK, UNIVERSITY, 30), (HTP, UNIVERSITY, 30)])
    return MeetingProblem(slots, table_list, request_list, busy, travel)


def independent_upper_bound(problem: MeetingProblem) -> int:
    """A bound that any plan must respect, computed without the solver: no more meetings
    than table-slots, than requests with a common free slot, or than half the sum over
    participants of min(their requests that could happen, their free slot times)."""
    from eventhub.domain.meetings.rules import free_slots, group_busy

    busy = group_busy(problem.busy)
    free = {
        p: free_slots(p, problem.slots, busy, problem.travel)
        for p in set(itertools.chain.from_iterable(r.sides for r in problem.requests))
    }
    possible = [r for r in problem.requests if free[r.requester] & free[r.recipient]]
    degree: dict[int, int] = {}
    for r in possible:
        for side in r.sides:
            degree[side] = degree.get(side, 0) + 1
    per_person = sum(min(d, len({s.starts_at for s in free[p]})) for p, d in degree.items()) // 2
    table_slots = sum(1 for s in problem.slots for t in problem.tables if t.venue_id == s.venue_id)
    return min(table_slots, len(possible), per_person)
