"""What the meeting scheduler is given and what it answers: plain, frozen data.

Times are UTC instants. Participants, requests and tables are named by the ids the
caller uses (the service passes database ids); the scheduler never looks them up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from eventhub.domain.errors import InvalidInput
from eventhub.domain.scheduling import TravelTimes

MIN_SLOT_MINUTES = 5
MAX_SLOT_MINUTES = 240


class LeftOutReason(StrEnum):
    """Why an accepted request has no place in the plan (stable codes)."""

    NO_COMMON_FREE_SLOT = "no_common_free_slot"  # the two sides' free time never meets a slot
    LOCKED_CONFLICT = "locked_conflict"  # every slot they share is taken by locked meetings
    TABLE_CAPACITY = "table_capacity"  # both free in some slot, but every table there is used
    SCHEDULE_FULL = "schedule_full"  # one side's other meetings fill all their shared slots
    TIME_LIMIT = "time_limit"  # the solver stopped before it could place this one


@dataclass(frozen=True, slots=True)
class Window:
    """A stretch of time when meetings take place at one venue."""

    starts_at: datetime
    ends_at: datetime
    venue_id: int


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    """One meeting's time at one venue; a window cut into slots of equal length."""

    starts_at: datetime
    ends_at: datetime
    venue_id: int


@dataclass(frozen=True, slots=True)
class Table:
    id: int
    venue_id: int


@dataclass(frozen=True, slots=True)
class MeetingRequest:
    """An accepted request: two participants who want to meet once."""

    id: int
    requester: int
    recipient: int

    @property
    def sides(self) -> tuple[int, int]:
        return (self.requester, self.recipient)


@dataclass(frozen=True, slots=True)
class Busy:
    """A time a participant cannot meet: a confirmed session (with its venue, for the
    travel time) or time they marked unavailable (no venue)."""

    participant: int
    starts_at: datetime
    ends_at: datetime
    venue_id: int | None = None


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a meeting is: its slot's start and its table (the table gives the venue)."""

    request_id: int
    starts_at: datetime
    table_id: int


@dataclass(frozen=True, slots=True)
class MeetingProblem:
    slots: Sequence[Slot]
    tables: Sequence[Table]
    requests: Sequence[MeetingRequest]
    busy: Sequence[Busy] = ()
    travel: TravelTimes = field(default_factory=TravelTimes)
    locked: Sequence[Placement] = ()  # never move, never dropped
    previous: Sequence[Placement] = ()  # the published plan: move as few as possible


@dataclass(frozen=True, slots=True)
class SolverOptions:
    time_limit_seconds: float = 20.0
    # One worker with a fixed seed gives the same plan for the same input every time
    # (several workers race each other); see bench/meetings for what it costs.
    workers: int = 1
    seed: int = 0


@dataclass(frozen=True, slots=True)
class PlacedMeeting:
    request_id: int
    slot: Slot
    table_id: int
    locked: bool = False
    moved: bool = False  # placed differently from the previous plan (or newly placed)


@dataclass(frozen=True, slots=True)
class LeftOut:
    request_id: int
    reason: LeftOutReason


@dataclass(frozen=True, slots=True)
class Plan:
    meetings: tuple[PlacedMeeting, ...]
    left_out: tuple[LeftOut, ...]
    proven_optimal: bool
    upper_bound: int  # no plan can place more meetings than this
    fewest_per_participant: int  # among participants who could meet anyone at all
    moves: int  # previously placed meetings now elsewhere or unplaced
    locked_clashes: tuple[int, ...] = ()  # locked meetings that now clash with a side's sessions
    solver_seconds: float = 0.0  # time in CP-SAT (none when a simple bound proved the greedy plan)


def meeting_slots(windows: Iterable[Window], slot_minutes: int) -> list[Slot]:
    """Cut each window into back-to-back slots; a remainder shorter than a slot is unused."""
    if not MIN_SLOT_MINUTES <= slot_minutes <= MAX_SLOT_MINUTES:
        raise InvalidInput(
            f"slot_minutes must be between {MIN_SLOT_MINUTES} and {MAX_SLOT_MINUTES}.",
            code="slot_minutes_out_of_range",
        )
    length = timedelta(minutes=slot_minutes)
    slots: set[Slot] = set()
    for window in windows:
        start = window.starts_at
        while start + length <= window.ends_at:
            slots.add(Slot(start, start + length, window.venue_id))
            start += length
    return sorted(slots)


def windows_overlapping_at_venue(windows: Sequence[Window]) -> bool:
    """Two windows of one venue that overlap would cut slots that clash with each other."""
    ordered = sorted(windows, key=lambda w: (w.venue_id, w.starts_at))
    return any(
        a.venue_id == b.venue_id and b.starts_at < a.ends_at for a, b in pairwise(ordered)
    )
