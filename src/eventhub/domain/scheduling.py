"""Which sessions of a programme clash: same venue, same person, or too little travel time.

Everything here takes plain data (UTC instants, ids) and returns plain data; the
database query that produces the slots lives in the service layer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class ConflictReason(StrEnum):
    VENUE = "venue"
    PERSON = "person"
    TRAVEL = "travel"


@dataclass(frozen=True, slots=True)
class Slot:
    """A non-cancelled session as the conflict rules see it."""

    session_id: int
    title: str
    starts_utc: datetime
    ends_utc: datetime
    venue_id: int | None
    person_ids: frozenset[int]
    timezone: str = "UTC"  # for showing the clash in local time


@dataclass(frozen=True, slots=True)
class ConflictPair:
    """Two sessions that cannot both happen as planned, and why."""

    reason: ConflictReason
    first: Slot
    second: Slot
    venue_id: int | None = None
    person_ids: tuple[int, ...] = ()
    travel_minutes: int | None = None

    def other_than(self, session_id: int) -> Slot:
        return self.second if self.first.session_id == session_id else self.first


class TravelTimes:
    """Minutes needed between two venues; the same both ways unless both are given."""

    def __init__(self, entries: Iterable[tuple[int, int, int]] = ()) -> None:
        self._minutes: dict[tuple[int, int], int] = {}
        for from_id, to_id, minutes in entries:
            self._minutes[(from_id, to_id)] = minutes

    def entries(self) -> tuple[tuple[int, int, int], ...]:
        """The given pairs, sorted: what two equal tables of travel times have in common."""
        return tuple(sorted((a, b, m) for (a, b), m in self._minutes.items()))

    def minutes(self, from_id: int, to_id: int) -> int:
        if from_id == to_id:
            return 0
        direct = self._minutes.get((from_id, to_id))
        return direct if direct is not None else self._minutes.get((to_id, from_id), 0)


def overlaps(a: Slot, b: Slot) -> bool:
    """Half-open intervals: a session that ends as the next one starts does not overlap it."""
    return a.starts_utc < b.ends_utc and b.starts_utc < a.ends_utc


def find_conflicts(slots: Iterable[Slot], travel: TravelTimes) -> list[ConflictPair]:
    """Every conflict in a programme, in a stable order (by start of the first session)."""
    ordered = sorted(slots, key=lambda s: (s.starts_utc, s.ends_utc, s.session_id))
    found = _overlap_conflicts(ordered)
    found.extend(_travel_conflicts(ordered, travel))
    found.sort(key=lambda c: (c.first.starts_utc, c.first.session_id, c.second.session_id, c.reason))
    return found


def conflicts_with(candidate: Slot, others: Iterable[Slot], travel: TravelTimes) -> list[ConflictPair]:
    """Conflicts that `candidate` would have if it were placed among `others`."""
    pool = [s for s in others if s.session_id != candidate.session_id]
    pool.append(candidate)
    return [
        pair
        for pair in find_conflicts(pool, travel)
        if candidate.session_id in (pair.first.session_id, pair.second.session_id)
    ]


def _overlap_conflicts(ordered: list[Slot]) -> list[ConflictPair]:
    found: list[ConflictPair] = []
    for index, first in enumerate(ordered):
        for second in ordered[index + 1 :]:
            if second.starts_utc >= first.ends_utc:
                break  # sorted by start: nothing later can overlap `first`
            if not overlaps(first, second):
                continue
            if first.venue_id is not None and first.venue_id == second.venue_id:
                found.append(ConflictPair(ConflictReason.VENUE, first, second, venue_id=first.venue_id))
            shared = first.person_ids & second.person_ids
            if shared:
                found.append(ConflictPair(ConflictReason.PERSON, first, second, person_ids=tuple(sorted(shared))))
    return found


def _travel_conflicts(ordered: list[Slot], travel: TravelTimes) -> list[ConflictPair]:
    """A person arriving from the previous place they were at with less than the travel time.

    The previous place is the venue of the session that ended last before this one
    starts; sessions without a venue (online) and overlapping ones don't break the chain.
    """
    by_person: Mapping[int, list[Slot]] = defaultdict(list)
    for slot in ordered:
        if slot.venue_id is not None:
            for person_id in slot.person_ids:
                by_person[person_id].append(slot)

    pairs: dict[tuple[int, int], ConflictPair] = {}
    for person_id, agenda in sorted(by_person.items()):
        for after in agenda:
            earlier = [s for s in agenda if s.ends_utc <= after.starts_utc]
            if not earlier:
                continue
            before = max(earlier, key=lambda s: (s.ends_utc, s.starts_utc))
            assert before.venue_id is not None and after.venue_id is not None
            minutes = travel.minutes(before.venue_id, after.venue_id)
            if after.starts_utc - before.ends_utc >= timedelta(minutes=minutes):
                continue
            key = (before.session_id, after.session_id)
            known = pairs.get(key)
            people = (known.person_ids if known else ()) + (person_id,)
            pairs[key] = ConflictPair(
                ConflictReason.TRAVEL, before, after, person_ids=people, travel_minutes=minutes
            )
    return list(pairs.values())
