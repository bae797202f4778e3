"""Small meeting problems written by hand, and an independent check of the hard rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from eventhub.domain.meetings.plan import MeetingProblem, Plan, Slot

DAY = datetime(2026, 12, 9, tzinfo=UTC)


def at(hhmm: str) -> datetime:
    hours, minutes = hhmm.split(":")
    return DAY + timedelta(hours=int(hours), minutes=int(minutes))


def slots(venue: int, first: str, count: int, minutes: int = 30) -> list[Slot]:
    start = at(first)
    step = timedelta(minutes=minutes)
    return [Slot(start + i * step, start + (i + 1) * step, venue) for i in range(count)]


def _minutes_needed(problem: MeetingProblem, a: int | None, b: int | None) -> int:
    return 0 if a is None or b is None else problem.travel.minutes(a, b)


def _apart(problem: MeetingProblem, a: tuple, b: tuple) -> bool:
    """Written out here, apart from the rules module: two things (start, end, venue) one
    person can both do."""
    (_, a_end, a_venue), (b_start, _, b_venue) = sorted([a, b], key=lambda t: t[0])
    gap = (b_start - a_end).total_seconds() / 60
    return gap >= _minutes_needed(problem, a_venue, b_venue)


def hard_rules_broken(problem: MeetingProblem, plan: Plan) -> list[str]:
    broken: list[str] = []
    requests = {r.id: r for r in problem.requests}
    tables = {t.id: t for t in problem.tables}
    used: set[tuple] = set()
    agenda: dict[int, list[tuple]] = {}
    for m in plan.meetings:
        if m.slot not in problem.slots:
            broken.append(f"{m.request_id}: not a slot")
        if tables[m.table_id].venue_id != m.slot.venue_id:
            broken.append(f"{m.request_id}: table at another venue")
        if (m.slot.starts_at, m.table_id) in used:
            broken.append(f"{m.request_id}: table used twice")
        used.add((m.slot.starts_at, m.table_id))
        for side in requests[m.request_id].sides:
            agenda.setdefault(side, []).append((m.slot.starts_at, m.slot.ends_at, m.slot.venue_id))
            for b in problem.busy:
                if b.participant == side and not _apart(
                    problem, (b.starts_at, b.ends_at, b.venue_id), agenda[side][-1]
                ):
                    broken.append(f"{m.request_id}: {side} is busy")
    for side, items in agenda.items():
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                if not _apart(problem, a, b):
                    broken.append(f"{side} in two places")
    return broken
