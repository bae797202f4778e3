"""Signup rules as plain data: the window, seats, the waitlist and schedule warnings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from eventhub.domain.errors import StateConflict
from eventhub.domain.programme import MissionStatus, RegistrationMode, RegistrationStatus, SessionStatus
from eventhub.domain.registration import (
    Refusal,
    Seat,
    SignupWindow,
    WarningKind,
    check_new_capacity,
    refusal,
    schedule_warnings,
    seat_for_newcomer,
    seats_left,
    signup_window,
    to_promote,
    waitlist_places,
)
from eventhub.domain.scheduling import Slot, TravelTimes

STARTS = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
OPEN = SignupWindow(
    mission_status=MissionStatus.PUBLISHED,
    session_status=SessionStatus.PUBLISHED,
    mode=RegistrationMode.OPEN,
    opens_at=STARTS - timedelta(days=7),
    closes_at=STARTS - timedelta(hours=1),
    starts_at=STARTS,
)
DURING_WINDOW = STARTS - timedelta(days=1)


@dataclass
class SessionLike:
    status: SessionStatus = SessionStatus.PUBLISHED
    registration: RegistrationMode = RegistrationMode.OPEN
    registration_opens_at: datetime | None = STARTS - timedelta(days=7)
    registration_closes_at: datetime | None = STARTS - timedelta(hours=1)
    starts_at_utc: datetime = STARTS


def test_signup_window_reads_a_session_and_its_mission_status():
    assert signup_window(MissionStatus.PUBLISHED, SessionLike()) == OPEN
    draft = signup_window(MissionStatus.DRAFT, SessionLike(status=SessionStatus.CANCELLED))
    assert (draft.mission_status, draft.session_status) == (MissionStatus.DRAFT, SessionStatus.CANCELLED)


def test_an_open_window_refuses_nothing():
    assert refusal(OPEN, DURING_WINDOW) is None


@pytest.mark.parametrize(
    ("change", "now", "reason"),
    [
        ({"mission_status": MissionStatus.DRAFT}, DURING_WINDOW, Refusal.MISSION_NOT_PUBLISHED),
        ({"session_status": SessionStatus.CANCELLED}, DURING_WINDOW, Refusal.SESSION_CANCELLED),
        ({"session_status": SessionStatus.DRAFT}, DURING_WINDOW, Refusal.SESSION_NOT_PUBLISHED),
        ({"mode": RegistrationMode.NONE}, DURING_WINDOW, Refusal.REGISTRATION_NOT_NEEDED),
        ({"mode": RegistrationMode.CLOSED}, DURING_WINDOW, Refusal.REGISTRATION_CLOSED),
        ({}, STARTS - timedelta(days=8), Refusal.REGISTRATION_NOT_OPEN_YET),
        ({}, STARTS - timedelta(hours=1), Refusal.REGISTRATION_WINDOW_ENDED),
        ({"closes_at": None}, STARTS, Refusal.SESSION_STARTED),
        # a window that closes after the start still closes at the start
        ({"closes_at": STARTS + timedelta(hours=1)}, STARTS + timedelta(minutes=1), Refusal.SESSION_STARTED),
    ],
)
def test_each_reason_to_refuse_a_signup(change, now, reason):
    assert refusal(replace(OPEN, **change), now) == reason


def test_a_window_without_bounds_is_open_until_the_session_starts():
    unbounded = replace(OPEN, opens_at=None, closes_at=None)
    assert refusal(unbounded, STARTS - timedelta(days=365)) is None
    assert refusal(unbounded, STARTS - timedelta(seconds=1)) is None
    assert refusal(unbounded, STARTS) == Refusal.SESSION_STARTED


@pytest.mark.parametrize(
    ("capacity", "confirmed", "left"),
    [(None, 0, None), (None, 500, None), (20, 0, 20), (20, 12, 8), (20, 20, 0), (20, 25, 0)],
)
def test_seats_left_is_never_negative_and_none_without_a_limit(capacity, confirmed, left):
    assert seats_left(capacity, confirmed) == left


def test_a_newcomer_gets_a_seat_while_seats_remain():
    assert seat_for_newcomer(20, 19, 0) == Seat(RegistrationStatus.CONFIRMED, None)
    assert seat_for_newcomer(None, 10_000, 0) == Seat(RegistrationStatus.CONFIRMED, None)


def test_a_newcomer_to_a_full_session_queues_behind_everyone_waiting():
    assert seat_for_newcomer(20, 20, 0) == Seat(RegistrationStatus.WAITLISTED, 1)
    assert seat_for_newcomer(20, 20, 3) == Seat(RegistrationStatus.WAITLISTED, 4)
    # capacity lowered to the confirmed count after people queued: still the end of the queue
    assert seat_for_newcomer(5, 5, 7) == Seat(RegistrationStatus.WAITLISTED, 8)


def test_promotion_takes_the_head_of_the_waitlist_into_the_free_seats():
    assert to_promote(20, 18, [31, 32, 33]) == [31, 32]
    assert to_promote(20, 20, [31, 32]) == []
    assert to_promote(20, 25, [31]) == []
    assert to_promote(None, 100, [31, 32, 33]) == [31, 32, 33]


def test_capacity_cannot_drop_below_the_confirmed_count():
    check_new_capacity(10, 10)
    check_new_capacity(None, 10)
    with pytest.raises(StateConflict) as refused:
        check_new_capacity(9, 10)
    assert refused.value.code == "capacity_below_confirmed"


def _slot(session_id: int, title: str, start_hour: int, end_hour: int, venue_id: int | None) -> Slot:
    day = datetime(2026, 12, 8, tzinfo=UTC)
    return Slot(session_id, title, day.replace(hour=start_hour), day.replace(hour=end_hour), venue_id,
                frozenset(), "Asia/Bishkek")


def test_schedule_warnings_name_overlaps_and_too_short_travel_once_each():
    workshop = _slot(1, "Workshop", 9, 10, venue_id=1)
    overlapping = _slot(2, "Panel", 9, 11, venue_id=2)
    far_away = _slot(3, "Site visit", 10, 12, venue_id=3)
    travel = TravelTimes([(1, 3, 45)])
    warnings = schedule_warnings([workshop], [overlapping, far_away], travel)
    assert [(w.kind, w.session_id, w.other_session_id) for w in warnings] == [
        (WarningKind.OVERLAP, 1, 2),
        (WarningKind.TRAVEL, 1, 3),
    ]
    assert warnings[1].travel_minutes == 45 and warnings[1].other_title == "Site visit"


def test_sessions_in_the_same_room_back_to_back_raise_no_warning():
    first, second = _slot(1, "Morning", 9, 10, venue_id=1), _slot(2, "Late morning", 10, 11, venue_id=1)
    assert schedule_warnings([first, second], [], TravelTimes()) == []


def test_waitlist_places_follow_signup_order_per_session_without_gaps():
    # (registration id, session id) of everyone waiting, in any order; ids 12 and 15 left the queue
    waiting = [(17, 2), (11, 1), (14, 2), (13, 1), (16, 1)]
    assert waitlist_places(waiting) == {11: 1, 13: 2, 16: 3, 14: 1, 17: 2}
    assert waitlist_places([]) == {}
