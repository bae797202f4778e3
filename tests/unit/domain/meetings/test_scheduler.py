"""What an organiser notices about the plan: what blocks a slot, what a re-run moves,
and why a request is left out."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest

from eventhub.domain.errors import InvalidInput
from eventhub.domain.meetings.plan import (
    Busy,
    LeftOutReason,
    MeetingProblem,
    MeetingRequest,
    Placement,
    Slot,
    SolverOptions,
    Table,
    Window,
    meeting_slots,
)
from eventhub.domain.meetings.solver import InconsistentLocks, schedule
from eventhub.domain.scheduling import TravelTimes

from .conftest import at, hard_rules_broken, slots

HALL, PARK = 1, 2
ANNA, BEN, CARA, DAN = 1, 2, 3, 4


def where(plan) -> dict[int, tuple[str, int]]:
    return {m.request_id: (m.slot.starts_at.strftime("%H:%M"), m.table_id) for m in plan.meetings}


def as_placements(plan) -> list[Placement]:
    return [Placement(m.request_id, m.slot.starts_at, m.table_id) for m in plan.meetings]


def test_a_confirmed_session_blocks_the_slots_it_overlaps() -> None:
    problem = MeetingProblem(
        slots=slots(HALL, "09:00", 3),
        tables=[Table(10, HALL)],
        requests=[MeetingRequest(1, ANNA, BEN)],
        busy=[Busy(ANNA, at("08:45"), at("09:45"), HALL)],
    )
    assert where(schedule(problem)) == {1: ("10:00", 10)}  # 09:00 and 09:30 overlap it
    assert len(schedule(MeetingProblem(problem.slots, problem.tables, problem.requests)).meetings) == 1


def test_too_short_a_travel_time_blocks_the_slot_after_a_session_elsewhere() -> None:
    busy = [Busy(BEN, at("08:00"), at("09:00"), PARK)]
    problem = MeetingProblem(
        slots=slots(HALL, "09:00", 3),
        tables=[Table(10, HALL)],
        requests=[MeetingRequest(1, ANNA, BEN)],
        busy=busy,
        travel=TravelTimes([(PARK, HALL, 40)]),
    )
    assert where(schedule(problem)) == {1: ("10:00", 10)}  # 09:30 leaves 30 of the 40 minutes


def test_travel_between_two_meeting_venues_is_respected() -> None:
    def problem(minutes: int) -> MeetingProblem:
        return MeetingProblem(
            slots=slots(HALL, "09:00", 1) + slots(PARK, "09:30", 1),
            tables=[Table(10, HALL), Table(20, PARK)],
            requests=[MeetingRequest(1, ANNA, BEN), MeetingRequest(2, ANNA, CARA)],
            busy=[Busy(BEN, at("09:30"), at("11:00")), Busy(CARA, at("09:00"), at("09:30"))],
            travel=TravelTimes([(HALL, PARK, minutes)]),
        )

    # Anna at the hall until 09:30 cannot be at the park at 09:30 when the walk is 20 minutes.
    plan = schedule(problem(20))
    assert len(plan.meetings) == 1
    assert [lo.reason for lo in plan.left_out] == [LeftOutReason.SCHEDULE_FULL]
    assert where(schedule(problem(0))) == {1: ("09:00", 10), 2: ("09:30", 20)}


def test_one_meeting_per_table_and_slot_leaves_the_rest_out_for_table_capacity() -> None:
    problem = MeetingProblem(
        slots=slots(HALL, "09:00", 1),
        tables=[Table(10, HALL), Table(11, HALL), Table(20, PARK)],  # the park table has no window
        requests=[MeetingRequest(1, ANNA, BEN), MeetingRequest(2, CARA, DAN), MeetingRequest(3, 5, 6)],
    )
    plan = schedule(problem)
    assert sorted(where(plan).values()) == [("09:00", 10), ("09:00", 11)]
    assert [lo.reason for lo in plan.left_out] == [LeftOutReason.TABLE_CAPACITY]


def test_a_request_without_a_common_free_slot_says_so() -> None:
    problem = MeetingProblem(
        slots=slots(HALL, "09:00", 2),
        tables=[Table(10, HALL)],
        requests=[MeetingRequest(1, ANNA, BEN)],
        busy=[Busy(ANNA, at("09:00"), at("09:30")), Busy(BEN, at("09:30"), at("10:00"))],
    )
    plan = schedule(problem)
    assert plan.meetings == ()
    assert [lo.reason for lo in plan.left_out] == [LeftOutReason.NO_COMMON_FREE_SLOT]


def test_fairness_gives_everyone_a_meeting_before_anyone_a_second() -> None:
    # Two slots, one table: Anna could meet Ben and Cara, but then Dan meets nobody.
    problem = MeetingProblem(
        slots=slots(HALL, "09:00", 2),
        tables=[Table(10, HALL)],
        requests=[MeetingRequest(1, ANNA, BEN), MeetingRequest(2, ANNA, CARA), MeetingRequest(3, CARA, DAN)],
    )
    plan = schedule(problem)
    assert set(where(plan)) == {1, 3}
    assert plan.fewest_per_participant == 1


def test_locked_meetings_stay_and_block_others_with_a_locked_conflict() -> None:
    problem = MeetingProblem(
        slots=slots(HALL, "09:00", 2),
        tables=[Table(10, HALL)],
        requests=[MeetingRequest(1, ANNA, BEN), MeetingRequest(2, CARA, DAN)],
        busy=[Busy(CARA, at("09:30"), at("10:00"))],
        locked=[Placement(1, at("09:00"), 10)],
    )
    plan = schedule(problem)
    assert where(plan) == {1: ("09:00", 10)}
    assert plan.meetings[0].locked
    assert [(lo.request_id, lo.reason) for lo in plan.left_out] == [(2, LeftOutReason.LOCKED_CONFLICT)]


def test_locks_that_cannot_all_stand_are_refused() -> None:
    problem = MeetingProblem(
        slots=slots(HALL, "09:00", 2),
        tables=[Table(10, HALL), Table(11, HALL)],
        requests=[MeetingRequest(1, ANNA, BEN), MeetingRequest(2, ANNA, CARA)],
        locked=[Placement(1, at("09:00"), 10), Placement(2, at("09:00"), 11)],
    )
    with pytest.raises(InconsistentLocks):
        schedule(problem)


def test_a_locked_meeting_that_now_clashes_with_a_session_is_kept_and_reported() -> None:
    problem = MeetingProblem(
        slots=slots(HALL, "09:00", 2),
        tables=[Table(10, HALL)],
        requests=[MeetingRequest(1, ANNA, BEN)],
        busy=[Busy(BEN, at("09:00"), at("09:30"), HALL)],
        locked=[Placement(1, at("09:00"), 10)],
    )
    plan = schedule(problem)
    assert where(plan) == {1: ("09:00", 10)}
    assert plan.locked_clashes == (1,)


def _crowded(seed: int, people: int = 12, requests: int = 30) -> MeetingProblem:
    rng = random.Random(seed)
    pairs = rng.sample(list(itertools.combinations(range(1, people + 1), 2)), requests)
    return MeetingProblem(
        slots=slots(HALL, "09:00", 6),
        tables=[Table(10, HALL), Table(11, HALL), Table(12, HALL)],
        requests=[MeetingRequest(100 + i, a, b) for i, (a, b) in enumerate(pairs)],
        busy=[Busy(p, at("10:00"), at("11:00"), PARK) for p in range(1, people + 1, 3)],
        travel=TravelTimes([(HALL, PARK, 15)]),
    )


def test_a_rerun_after_one_new_acceptance_moves_only_what_it_must_and_no_locked_meeting() -> None:
    first = _crowded(7)
    before = schedule(first)
    assert hard_rules_broken(first, before) == []
    locked = as_placements(before)[:3]
    new_request = MeetingRequest(999, 1, 2) if all({1, 2} != set(r.sides) for r in first.requests) else None
    assert new_request is not None
    again = MeetingProblem(
        first.slots, first.tables, [*first.requests, new_request], first.busy, first.travel,
        locked=locked, previous=as_placements(before),
    )
    after = schedule(again)

    assert hard_rules_broken(again, after) == []
    assert after.proven_optimal
    assert len(after.meetings) >= len(before.meetings)
    for placement in locked:
        assert where(after)[placement.request_id] == where(before)[placement.request_id]
    moved = {m.request_id for m in after.meetings if m.moved}
    assert after.moves == len(moved) + sum(1 for p in before.meetings if p.request_id not in where(after))
    # The new meeting needs at most one slot freed for each of its two sides.
    assert after.moves <= 2
    # Nothing to change: a re-run of the same plan moves nothing.
    same = MeetingProblem(first.slots, first.tables, first.requests, first.busy, first.travel,
                          previous=as_placements(before))
    assert schedule(same).moves == 0


def test_the_same_problem_gives_the_same_plan_every_time() -> None:
    problem = _crowded(3)
    plans = [schedule(problem, SolverOptions(seed=0, workers=1)) for _ in range(3)]
    assert plans[0].meetings == plans[1].meetings == plans[2].meetings
    assert plans[0].left_out == plans[1].left_out


def test_a_solve_cut_short_by_its_time_limit_still_answers_a_valid_plan() -> None:
    problem = _crowded(5, people=60, requests=400)
    plan = schedule(problem, SolverOptions(time_limit_seconds=0.001))
    assert hard_rules_broken(problem, plan) == []
    assert not plan.proven_optimal
    assert plan.upper_bound >= len(plan.meetings)
    assert len(plan.meetings) + len(plan.left_out) == len(problem.requests)


def test_windows_are_cut_into_whole_slots() -> None:
    cut = meeting_slots(
        [Window(at("09:00"), at("10:10"), HALL), Window(at("09:00"), at("09:30"), PARK)], slot_minutes=30
    )
    assert cut == [
        Slot(at("09:00"), at("09:30"), HALL),
        Slot(at("09:00"), at("09:30"), PARK),
        Slot(at("09:30"), at("10:00"), HALL),
    ]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=30) for s in cut)
    with pytest.raises(InvalidInput):
        meeting_slots([], slot_minutes=1)
