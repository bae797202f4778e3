"""The hard rules of a meeting plan, in one place: the solver builds its model from
them and a move by hand is checked against them.

Nobody is in two places at once: two things a participant does clash when their times
overlap or when the gap between them is shorter than the travel time between their
venues (a busy time without a venue, such as marked unavailability, only clashes by
overlapping). Back-to-back at one venue is fine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from eventhub.domain.meetings.plan import Busy, MeetingRequest, Placement, Slot, Table
from eventhub.domain.scheduling import TravelTimes


class PlacementProblem(StrEnum):
    """Why a meeting cannot go where it was asked to (stable codes)."""

    NO_SUCH_SLOT = "no_such_slot"  # no slot starts then at the table's venue
    TABLE_TAKEN = "table_taken"
    PARTICIPANT_BUSY = "participant_busy"  # a session or unavailability of one side
    PARTICIPANT_DOUBLE_BOOKED = "participant_double_booked"  # another meeting of one side


def _gap_too_short(
    first_end: datetime, first_venue: int | None, second_start: datetime, second_venue: int | None,
    travel: TravelTimes,
) -> bool:
    if first_venue is None or second_venue is None:
        return False
    return second_start - first_end < timedelta(minutes=travel.minutes(first_venue, second_venue))


def _clash(
    a_start: datetime, a_end: datetime, a_venue: int | None,
    b_start: datetime, b_end: datetime, b_venue: int | None,
    travel: TravelTimes,
) -> bool:
    if a_start < b_end and b_start < a_end:
        return True
    if a_end <= b_start:
        return _gap_too_short(a_end, a_venue, b_start, b_venue, travel)
    return _gap_too_short(b_end, b_venue, a_start, a_venue, travel)


def busy_blocks(busy: Busy, slot: Slot, travel: TravelTimes) -> bool:
    """True when a meeting in `slot` clashes with this busy time of its participant."""
    return _clash(busy.starts_at, busy.ends_at, busy.venue_id, slot.starts_at, slot.ends_at, slot.venue_id, travel)


def slots_clash(a: Slot, b: Slot, travel: TravelTimes) -> bool:
    """True when one participant cannot have a meeting in both slots (a slot clashes with itself)."""
    return a == b or _clash(a.starts_at, a.ends_at, a.venue_id, b.starts_at, b.ends_at, b.venue_id, travel)


def free_slots(
    participant: int, slots: Sequence[Slot], busy_by_participant: Mapping[int, Sequence[Busy]], travel: TravelTimes
) -> frozenset[Slot]:
    """The slots in which a participant could meet, as far as their own programme goes."""
    mine = busy_by_participant.get(participant, ())
    return frozenset(s for s in slots if not any(busy_blocks(b, s, travel) for b in mine))


def group_busy(busy: Iterable[Busy]) -> dict[int, list[Busy]]:
    grouped: dict[int, list[Busy]] = {}
    for item in busy:
        grouped.setdefault(item.participant, []).append(item)
    return grouped


@dataclass(frozen=True, slots=True)
class Resolved:
    """A placement with its slot found: the slot that starts then at the table's venue."""

    request: MeetingRequest
    slot: Slot
    table: Table


def resolve(
    placement: Placement, requests: Mapping[int, MeetingRequest], slots: Iterable[Slot], tables: Mapping[int, Table]
) -> Resolved | None:
    table = tables.get(placement.table_id)
    request = requests.get(placement.request_id)
    if table is None or request is None:
        return None
    for slot in slots:
        if slot.venue_id == table.venue_id and slot.starts_at == placement.starts_at:
            return Resolved(request, slot, table)
    return None


def placement_problems(
    candidate: Placement,
    others: Iterable[Placement],
    *,
    requests: Mapping[int, MeetingRequest],
    slots: Sequence[Slot],
    tables: Mapping[int, Table],
    busy: Iterable[Busy],
    travel: TravelTimes,
) -> list[PlacementProblem]:
    """Every hard rule that `candidate` would break among the other placed meetings."""
    here = resolve(candidate, requests, slots, tables)
    if here is None:
        return [PlacementProblem.NO_SUCH_SLOT]
    found: set[PlacementProblem] = set()
    sides = set(here.request.sides)
    if any(b.participant in sides and busy_blocks(b, here.slot, travel) for b in busy):
        found.add(PlacementProblem.PARTICIPANT_BUSY)
    for other in others:
        there = resolve(other, requests, slots, tables) if other.request_id != candidate.request_id else None
        if there is None:
            continue
        if there.slot == here.slot and there.table.id == here.table.id:
            found.add(PlacementProblem.TABLE_TAKEN)
        if sides & set(there.request.sides) and slots_clash(here.slot, there.slot, travel):
            found.add(PlacementProblem.PARTICIPANT_DOUBLE_BOOKED)
    return sorted(found)
