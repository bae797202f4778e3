"""The scheduler against brute force on small random problems with a fixed seed."""

from __future__ import annotations

import itertools
import random

import pytest

from eventhub.domain.meetings.plan import (
    Busy,
    MeetingProblem,
    MeetingRequest,
    PlacedMeeting,
    Placement,
    Plan,
    Table,
)
from eventhub.domain.meetings.solver import schedule
from eventhub.domain.scheduling import TravelTimes

from .conftest import at, hard_rules_broken, slots


def random_problem(rng: random.Random, *, with_previous: bool) -> MeetingProblem:
    venues = [1, 2][: rng.randint(1, 2)]
    all_slots = slots(1, "09:00", rng.randint(2, 4))
    if len(venues) == 2:
        all_slots += slots(2, "09:30", rng.randint(1, 3))
    tables = [Table(10 + i, rng.choice(venues)) for i in range(rng.randint(1, 3))]
    people = list(range(1, rng.randint(3, 6) + 1))
    pairs = rng.sample(list(itertools.combinations(people, 2)), k=min(rng.randint(3, 6), len(people) * (len(people) - 1) // 2))
    requests = [MeetingRequest(100 + i, a, b) for i, (a, b) in enumerate(pairs)]
    busy = []
    for person in people:
        if rng.random() < 0.4:
            start = rng.choice(["08:30", "09:00", "09:30", "10:00"])
            busy.append(Busy(person, at(start), at(start) + (at("09:30") - at("09:00")), rng.choice([1, 2, 3, None])))
    travel = TravelTimes([(1, 2, rng.choice([0, 15, 45])), (1, 3, rng.choice([0, 30])), (2, 3, 20)])
    previous: list[Placement] = []
    if with_previous:
        earlier = schedule(MeetingProblem(all_slots, tables, requests[:-1], busy, travel))
        previous = [Placement(m.request_id, m.slot.starts_at, m.table_id) for m in earlier.meetings]
    return MeetingProblem(all_slots, tables, requests, busy, travel, previous=previous)


def brute_force(problem: MeetingProblem) -> tuple[int, int, int]:
    """The best (meetings, fewest per participant, -moves) over every assignment,
    by depth-first search that drops an assignment as soon as it breaks a rule."""
    options = [None] + [(s, t) for s in problem.slots for t in problem.tables if t.venue_id == s.venue_id]
    previous = {p.request_id: (p.starts_at, p.table_id) for p in problem.previous}
    reachable = _reachable(problem)
    best: list[tuple[int, int, int]] = []

    def extend(chosen: list) -> None:
        if len(chosen) == len(problem.requests):
            plan = _as_plan(problem, chosen)
            counts = _counts(problem, plan, reachable=reachable)
            moves = sum(
                1
                for r, c in zip(problem.requests, chosen, strict=True)
                if r.id in previous and (c is None or (c[0].starts_at, c[1].id) != previous[r.id])
            )
            best.append((len(plan.meetings), min(counts.values(), default=0), -moves))
            return
        for option in options:
            trial = [*chosen, option]
            if option is None or not hard_rules_broken(problem, _as_plan(problem, trial)):
                extend(trial)

    extend([])
    return max(best)


def _as_plan(problem: MeetingProblem, choice) -> Plan:
    meetings = tuple(PlacedMeeting(r.id, c[0], c[1].id) for r, c in zip(problem.requests, choice) if c is not None)
    return Plan(meetings, (), True, 0, 0, 0)


def _reachable(problem: MeetingProblem) -> set[int]:
    """Participants who could have at least one of their meetings on its own."""
    found = set()
    for request in problem.requests:
        for s in problem.slots:
            for t in problem.tables:
                if t.venue_id != s.venue_id:
                    continue
                alone = Plan((PlacedMeeting(request.id, s, t.id),), (), True, 0, 0, 0)
                if not hard_rules_broken(problem, alone):
                    found.update(request.sides)
    return found


def _counts(problem: MeetingProblem, plan: Plan, *, reachable: set[int]) -> dict[int, int]:
    requests = {r.id: r for r in problem.requests}
    counts = dict.fromkeys(reachable, 0)
    for m in plan.meetings:
        for side in requests[m.request_id].sides:
            counts[side] += 1
    return counts


@pytest.mark.parametrize("seed", range(40))
def test_small_problems_are_solved_as_well_as_brute_force_can(seed: int) -> None:
    problem = random_problem(random.Random(seed), with_previous=seed % 2 == 1)
    plan = schedule(problem)

    assert hard_rules_broken(problem, plan) == []
    meetings, fewest, negative_moves = brute_force(problem)
    assert len(plan.meetings) == meetings
    assert plan.fewest_per_participant == fewest
    assert plan.moves == -negative_moves
    assert plan.proven_optimal
    assert plan.upper_bound == meetings
    placed = {m.request_id for m in plan.meetings}
    assert {lo.request_id for lo in plan.left_out} == {r.id for r in problem.requests} - placed
