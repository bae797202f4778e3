"""Sessions as calendar events, from plain data (no database)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from icalendar import Event

from eventhub.calendar import EventStatus, render_event
from eventhub.calendar.events import SessionRecord, calendar_event, personal_event, registration_revision
from eventhub.domain.programme import RegistrationStatus, SessionKind, SessionStatus
from eventhub.i18n import translator
from eventhub.urls import Urls

URLS = Urls("https://events.example.org")
CHANGED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ROW = (
    7, "0b6f", 2, CHANGED, datetime(2026, 12, 8, 10, 0), datetime(2026, 12, 8, 11, 30), "Asia/Bishkek",
    "Export clinic", "Bring your numbers.", None, SessionKind.WORKSHOP, SessionStatus.PUBLISHED, None,
    3, "Technopark", "Ibraimov Street 103", 42.87, 74.6,
)
SESSION = SessionRecord.of_row(*ROW, speakers=[("Anna Bērziņa", "LIAA"), ("Bakyt Ulan", "")])


@dataclass
class Registration:
    status: RegistrationStatus = RegistrationStatus.CONFIRMED
    created_at: datetime = CHANGED
    updated_at: datetime = CHANGED
    confirmed_at: datetime | None = CHANGED
    cancelled_at: datetime | None = None


def event(session=SESSION, **overrides):
    return calendar_event(session, urls=URLS, host="events.example.org", slug="bishkek-2026", **overrides)


def test_a_session_becomes_an_event_with_a_stable_uid_place_people_and_link():
    one = event()
    assert one.uid == "0b6f@events.example.org" and one.sequence == 2 and one.last_modified == CHANGED
    assert one.location == "Technopark, Ibraimov Street 103" and one.geo == (42.87, 74.6)
    assert one.url == "https://events.example.org/missions/bishkek-2026/sessions/7"
    assert one.description == (
        "Bring your numbers.\n\nSpeakers: Anna Bērziņa (LIAA); Bakyt Ulan\n\n"
        "Details and registration: https://events.example.org/missions/bishkek-2026/sessions/7"
    )
    assert (one.status, one.categories) == (EventStatus.CONFIRMED, (SessionKind.WORKSHOP.label,))


def test_an_online_session_without_venue_points_to_its_link():
    online = replace(SESSION, venue=None, online_url="https://meet.example.org/x", speakers=())
    one = event(online)
    assert one.location == "https://meet.example.org/x" and one.geo is None
    assert "Online: https://meet.example.org/x" in one.description


def test_a_cancelled_session_is_a_cancelled_event():
    assert event(replace(SESSION, status=SessionStatus.CANCELLED)).status == EventStatus.CANCELLED


def personal(registration, session=SESSION, position=None):
    return personal_event(registration, session, position, urls=URLS, host="events.example.org", slug="bishkek-2026")


def test_personal_events_follow_the_registration():
    later = CHANGED + timedelta(hours=2)
    confirmed = personal(Registration(updated_at=later))
    assert (confirmed.status, confirmed.summary, confirmed.last_modified) == (EventStatus.CONFIRMED, "Export clinic", later)
    waiting = personal(Registration(status=RegistrationStatus.WAITLISTED, confirmed_at=None), position=3)
    assert (waiting.status, waiting.summary) == (EventStatus.TENTATIVE, "Waitlist #3: Export clinic")
    gone = personal(Registration(status=RegistrationStatus.CANCELLED, cancelled_at=later))
    assert gone.status == EventStatus.CANCELLED and gone.sequence == SESSION.sequence + 1
    session_cancelled = personal(Registration(), replace(SESSION, status=SessionStatus.CANCELLED))
    assert session_cancelled.status == EventStatus.CANCELLED


def test_a_personal_feed_tells_the_attendees_own_cancellation_from_the_organisers():
    mine = personal(Registration(status=RegistrationStatus.CANCELLED, cancelled_at=CHANGED + timedelta(hours=1)))
    assert mine.summary == "Registration cancelled: Export clinic"
    assert mine.description.startswith("Your registration for this session is cancelled. The session itself takes")
    theirs = personal(Registration(), replace(SESSION, status=SessionStatus.CANCELLED, cancel_reason="Flooded."))
    assert theirs.summary == "Cancelled by the organisers: Export clinic"
    assert theirs.description.startswith("Cancelled: Flooded.\n\nBring your numbers.")
    withdrawn = personal(Registration(), replace(SESSION, status=SessionStatus.DRAFT))  # back to draft: gone as well
    assert (withdrawn.status, withdrawn.summary) == (EventStatus.CANCELLED, theirs.summary)


def test_a_cancelled_events_title_says_so_once_in_the_readers_language():
    # Public feeds: the title says it (some Outlook versions show cancelled items like live
    # ones); personal feeds say who ended it, without a second "Cancelled" in front.
    cancelled = replace(SESSION, status=SessionStatus.CANCELLED)
    assert calendar_event(cancelled, urls=URLS, host="events.example.org", slug="b").summary == "Cancelled: Export clinic"
    russian = calendar_event(cancelled, urls=URLS, host="events.example.org", slug="b", translator=translator("ru"))
    assert russian.summary.startswith("Отмен") and "Cancelled" not in russian.summary
    theirs = personal(Registration(), cancelled)
    assert theirs.summary == "Cancelled by the organisers: Export clinic"
    assert str(Event.from_ical(render_event(theirs))["SUMMARY"]) == "Cancelled by the organisers: Export clinic"


def test_a_formatted_description_reaches_calendars_as_plain_text():
    written = replace(SESSION, description="Bring **your numbers**:\n\n- revenue\n- [the form](https://f.example.org/a)")
    assert event(written).description.startswith("Bring your numbers:\n\n- revenue\n- the form (https://f.example.org/a)\n\n")


@pytest.mark.parametrize(
    ("registration", "revision"),
    [
        (Registration(), 0),  # confirmed at once
        (Registration(confirmed_at=CHANGED + timedelta(days=1)), 1),  # promoted from the waitlist
        (Registration(cancelled_at=CHANGED + timedelta(days=1)), 1),
        (Registration(confirmed_at=CHANGED + timedelta(days=1), cancelled_at=CHANGED + timedelta(days=2)), 2),
    ],
)
def test_promotion_and_cancellation_raise_the_sequence(registration, revision):
    assert registration_revision(registration) == revision


def test_a_cancelled_event_leads_its_description_with_the_reason() -> None:
    cancelled = replace(SESSION, status=SessionStatus.CANCELLED, cancel_reason="The venue is flooded.")
    event = calendar_event(cancelled, urls=URLS, host="events.example.org", slug="bishkek-2026")
    assert event.status == EventStatus.CANCELLED
    assert event.description.startswith("Cancelled: The venue is flooded.\n\nBring your numbers.")
    reinstated = replace(cancelled, status=SessionStatus.PUBLISHED)  # a reason shows only while cancelled
    assert "flooded" not in calendar_event(reinstated, urls=URLS, host="events.example.org", slug="b").description
