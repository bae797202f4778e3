"""From the slot each request got to the plan people see: tables handed out, moves
counted against the previous plan, and a reason for every request left out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from eventhub.domain.meetings.plan import (
    LeftOut,
    LeftOutReason,
    MeetingProblem,
    MeetingRequest,
    PlacedMeeting,
    Placement,
    Plan,
    Slot,
    Table,
)
from eventhub.domain.meetings.rules import busy_blocks, free_slots, group_busy, slots_clash


@dataclass(frozen=True, slots=True)
class _Context:
    problem: MeetingProblem
    slots: list[Slot]
    tables: dict[int, Table]
    tables_at: dict[int, list[int]]


def assemble(
    problem: MeetingProblem, chosen: Mapping[int, Slot], *, proven: bool, upper_bound: int, fewest: int,
    seconds: float,
) -> Plan:
    tables = {t.id: t for t in problem.tables}
    tables_at: dict[int, list[int]] = {}
    for table in sorted(tables.values(), key=lambda t: t.id):
        tables_at.setdefault(table.venue_id, []).append(table.id)
    context = _Context(problem, sorted(set(problem.slots)), tables, tables_at)
    requests = {r.id: r for r in problem.requests}
    locked = {p.request_id for p in problem.locked if p.request_id in requests}
    previous = {p.request_id: p for p in problem.previous if p.request_id in requests and p.request_id not in locked}

    table_of = _hand_out_tables(context, chosen)
    meetings = tuple(
        PlacedMeeting(
            request_id=request_id,
            slot=slot,
            table_id=table_of[request_id],
            locked=request_id in locked,
            moved=request_id in previous and _moved(previous[request_id], slot, table_of[request_id]),
        )
        for request_id, slot in sorted(chosen.items(), key=lambda item: (item[1], table_of[item[0]]))
    )
    moves = sum(1 for request_id in previous if request_id not in chosen) + sum(m.moved for m in meetings)
    busy = group_busy(problem.busy)
    clashes = tuple(
        m.request_id
        for m in meetings
        if m.locked
        and any(busy_blocks(b, m.slot, problem.travel) for side in requests[m.request_id].sides for b in busy.get(side, ()))
    )
    reasons = _reasons(context, chosen, locked, requests)
    left_out = tuple(LeftOut(request_id, reasons[request_id]) for request_id in sorted(reasons))
    return Plan(
        meetings=meetings, left_out=left_out, proven_optimal=proven, upper_bound=upper_bound,
        fewest_per_participant=fewest, moves=moves, locked_clashes=clashes, solver_seconds=seconds,
    )


def _moved(before: Placement, slot: Slot, table_id: int) -> bool:
    return before.starts_at != slot.starts_at or before.table_id != table_id


def _hand_out_tables(context: _Context, chosen: Mapping[int, Slot]) -> dict[int, int]:
    """Locked meetings keep their table, then previously placed ones theirs, then the rest
    take the free tables of their venue in id order."""
    problem = context.problem
    wanted: dict[int, int] = {}
    for placement in (*problem.previous, *problem.locked):  # locked last: they win
        slot = chosen.get(placement.request_id)
        table = context.tables.get(placement.table_id)
        if (
            slot is not None and table is not None
            and table.venue_id == slot.venue_id and placement.starts_at == slot.starts_at
        ):
            wanted[placement.request_id] = placement.table_id
    locked = {p.request_id for p in problem.locked}
    order = sorted(chosen, key=lambda r: (r not in locked, r not in wanted, r))
    taken: set[tuple[Slot, int]] = set()
    given: dict[int, int] = {}
    for request_id in order:
        slot = chosen[request_id]
        table_id = wanted.get(request_id)
        if table_id is None or (slot, table_id) in taken:
            table_id = next(t for t in context.tables_at[slot.venue_id] if (slot, t) not in taken)
        taken.add((slot, table_id))
        given[request_id] = table_id
    return given


def _reasons(
    context: _Context, chosen: Mapping[int, Slot], locked: set[int], requests: Mapping[int, MeetingRequest]
) -> dict[int, LeftOutReason]:
    problem = context.problem
    busy = group_busy(problem.busy)
    free = {p: free_slots(p, context.slots, busy, problem.travel) for r in requests.values() for p in r.sides}
    agenda: dict[int, list[tuple[Slot, bool]]] = {}  # participant -> (slot, locked) of their meetings
    in_slot: dict[Slot, list[bool]] = {}
    for request_id, slot in chosen.items():
        for side in requests[request_id].sides:
            agenda.setdefault(side, []).append((slot, request_id in locked))
        in_slot.setdefault(slot, []).append(request_id in locked)
    found: dict[int, LeftOutReason] = {}
    for request_id, request in requests.items():
        if request_id in chosen:
            continue
        shared = free[request.requester] & free[request.recipient]
        candidates = [s for s in context.slots if s in shared and context.tables_at.get(s.venue_id)]
        found[request_id] = _reason(context, request, candidates, agenda, in_slot)
    return found


def _reason(
    context: _Context,
    request: MeetingRequest,
    candidates: list[Slot],
    agenda: Mapping[int, list[tuple[Slot, bool]]],
    in_slot: Mapping[Slot, list[bool]],
) -> LeftOutReason:
    if not candidates:
        return LeftOutReason.NO_COMMON_FREE_SLOT
    travel = context.problem.travel
    by_locked = by_tables = by_sides = 0
    for candidate in candidates:
        clashing = [
            is_locked for side in request.sides for slot, is_locked in agenda.get(side, ())
            if slots_clash(candidate, slot, travel)
        ]
        here = in_slot.get(candidate, [])
        full = len(here) >= len(context.tables_at[candidate.venue_id])
        if any(clashing) or (full and all(here)):
            by_locked += 1
        elif clashing:
            by_sides += 1
        elif full:
            by_tables += 1
    if by_locked + by_sides + by_tables < len(candidates):
        return LeftOutReason.TIME_LIMIT  # a slot was still open: the solver stopped early
    if by_locked == len(candidates):
        return LeftOutReason.LOCKED_CONFLICT
    if by_tables:
        return LeftOutReason.TABLE_CAPACITY
    return LeftOutReason.SCHEDULE_FULL
