from datetime import UTC, datetime

from eventhub.domain.scheduling import ConflictReason, Slot, TravelTimes, conflicts_with, find_conflicts

HALL, LAB, PARK = 1, 2, 3
IRA, AIDA = 10, 11


def slot(session_id: int, start: str, end: str, venue: int | None, *people: int) -> Slot:
    day = "2026-12-08T"
    return Slot(
        session_id=session_id,
        title=f"Session {session_id}",
        starts_utc=datetime.fromisoformat(day + start).replace(tzinfo=UTC),
        ends_utc=datetime.fromisoformat(day + end).replace(tzinfo=UTC),
        venue_id=venue,
        person_ids=frozenset(people),
    )


def reasons(pairs: list) -> list[tuple[int, ConflictReason]]:
    return [(p.other_than(99).session_id, p.reason) for p in pairs]


def test_overlap_in_one_venue_is_a_venue_conflict() -> None:
    pairs = conflicts_with(slot(99, "10:30", "11:30", HALL), [slot(1, "10:00", "11:00", HALL)], TravelTimes())
    assert reasons(pairs) == [(1, ConflictReason.VENUE)]


def test_back_to_back_in_one_venue_is_no_conflict() -> None:
    pairs = conflicts_with(slot(99, "11:00", "12:00", HALL, IRA), [slot(1, "10:00", "11:00", HALL, IRA)], TravelTimes())
    assert pairs == []


def test_one_person_in_two_rooms_at_once_is_a_person_conflict() -> None:
    pairs = conflicts_with(slot(99, "10:30", "11:30", LAB, IRA), [slot(1, "10:00", "11:00", HALL, IRA, AIDA)], TravelTimes())
    assert reasons(pairs) == [(1, ConflictReason.PERSON)]
    assert pairs[0].person_ids == (IRA,)


def test_same_venue_and_person_gives_both_reasons() -> None:
    pairs = conflicts_with(slot(99, "10:30", "11:30", HALL, IRA), [slot(1, "10:00", "11:00", HALL, IRA)], TravelTimes())
    assert sorted(r for _, r in reasons(pairs)) == [ConflictReason.PERSON, ConflictReason.VENUE]


def test_too_little_time_to_travel_between_venues_is_a_travel_conflict() -> None:
    travel = TravelTimes([(HALL, PARK, 30)])
    pairs = conflicts_with(slot(99, "11:15", "12:00", PARK, IRA), [slot(1, "10:00", "11:00", HALL, IRA)], travel)
    assert reasons(pairs) == [(1, ConflictReason.TRAVEL)]
    assert pairs[0].travel_minutes == 30


def test_travel_time_holds_both_ways_unless_both_directions_are_given() -> None:
    one_way = TravelTimes([(HALL, PARK, 30)])
    assert one_way.minutes(PARK, HALL) == 30
    both = TravelTimes([(HALL, PARK, 30), (PARK, HALL, 10)])
    assert both.minutes(PARK, HALL) == 10
    assert conflicts_with(slot(99, "11:15", "12:00", HALL, IRA), [slot(1, "10:00", "11:00", PARK, IRA)], both) == []


def test_enough_travel_time_or_unknown_pair_is_no_conflict() -> None:
    travel = TravelTimes([(HALL, PARK, 30)])
    assert conflicts_with(slot(99, "11:30", "12:00", PARK, IRA), [slot(1, "10:00", "11:00", HALL, IRA)], travel) == []
    assert conflicts_with(slot(99, "11:05", "12:00", LAB, IRA), [slot(1, "10:00", "11:00", HALL, IRA)], travel) == []


def test_travel_is_checked_only_between_consecutive_sessions_of_a_person() -> None:
    # Ira goes HALL -> PARK (enough time), then stays at PARK: the later PARK session is fine.
    travel = TravelTimes([(HALL, PARK, 30)])
    others = [slot(1, "09:00", "10:00", HALL, IRA), slot(2, "10:30", "11:00", PARK, IRA)]
    assert conflicts_with(slot(99, "11:00", "12:00", PARK, IRA), others, travel) == []


def test_other_peoples_sessions_never_conflict_by_travel() -> None:
    travel = TravelTimes([(HALL, PARK, 30)])
    assert conflicts_with(slot(99, "11:00", "12:00", PARK, AIDA), [slot(1, "10:00", "11:00", HALL, IRA)], travel) == []


def test_find_conflicts_reports_each_clash_once_in_time_order() -> None:
    travel = TravelTimes([(HALL, PARK, 30)])
    slots = [
        slot(3, "13:10", "14:00", PARK, IRA),
        slot(1, "10:00", "11:00", HALL),
        slot(2, "10:30", "13:00", HALL, IRA),
    ]
    found = [(p.first.session_id, p.second.session_id, p.reason) for p in find_conflicts(slots, travel)]
    assert found == [(1, 2, ConflictReason.VENUE), (2, 3, ConflictReason.TRAVEL)]


def test_an_online_session_in_between_does_not_hide_a_travel_problem() -> None:
    travel = TravelTimes([(HALL, PARK, 30)])
    others = [slot(1, "10:00", "11:00", HALL, IRA), slot(2, "11:00", "11:10", None, IRA)]
    pairs = conflicts_with(slot(99, "11:15", "12:00", PARK, IRA), others, travel)
    assert reasons(pairs) == [(1, ConflictReason.TRAVEL)]
