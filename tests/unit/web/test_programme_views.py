"""The back office's programme views: what an organiser reads, built without HTTP or a database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from eventhub.db.models import Mission, ProgrammeSession, TravelTime, Venue
from eventhub.db.services.bulk import ChangeSummary
from eventhub.db.services.seats import SeatCount
from eventhub.db.services.sessions import SessionView
from eventhub.domain.programme import ChangeKind, MissionStatus, SessionKind, SessionStatus
from eventhub.domain.scheduling import ConflictPair, ConflictReason, Slot
from eventhub.schemas import MissionCreate, VenueUpdate
from eventhub.web.organise import programme_views as views
from eventhub.web.organise.form_input import read_form


def _mission() -> Mission:
    return Mission(
        id=1, slug="riga-2027", title="Riga 2027", timezone="Europe/Riga", starts_on=date(2027, 3, 26),
        ends_on=date(2027, 3, 28), status=MissionStatus.DRAFT, content_languages=[],
    )


def _session(sid: int, day: int, status: SessionStatus, title: str = "Talk") -> SessionView:
    session = ProgrammeSession(
        id=sid, title=title, kind=SessionKind.WORKSHOP, status=status, timezone="Europe/Riga",
        starts_local=datetime(2027, 3, day, 10), ends_local=datetime(2027, 3, day, 11), capacity=None,
    )
    return SessionView(session, SeatCount())


def _venue(vid: int, name: str) -> Venue:
    return Venue(id=vid, name=name)


def test_a_change_preview_says_what_people_will_see_and_who_is_mailed() -> None:
    summary = ChangeSummary({ChangeKind.MOVED: 3, ChangeKind.CANCELLED: 1}, attendees_mailed=42)
    assert views.change_text(summary) == "3 sessions moved, 1 session cancelled; 42 attendees will be mailed."
    assert views.change_text(ChangeSummary()) == "Subscribers and registrants will see no change."


def test_travel_times_one_way_hold_both_ways_and_differing_ways_are_both_kept() -> None:
    venues = [_venue(1, "Hall"), _venue(2, "Hub"), _venue(3, "Park")]
    typed = {(1, 2): 30, (2, 1): 30, (1, 3): 20, (3, 1): 45, (3, 2): 10}
    entries = views.travel_entries(venues, lambda a, b: typed.get((a, b)))
    assert entries == [(1, 2, 30), (1, 3, 20), (3, 1, 45), (2, 3, 10)]


def test_the_travel_matrix_shows_a_time_given_one_way_in_both_cells() -> None:
    venues = [_venue(1, "Hall"), _venue(2, "Hub")]
    matrix = views.travel_matrix(venues, [TravelTime(from_venue_id=1, to_venue_id=2, minutes=25)])
    assert matrix.rows[0].cells[0] is None  # the diagonal
    assert matrix.rows[0].cells[1].value == "25"
    assert matrix.rows[1].cells[0].value == "25"
    assert matrix.rows[1].cells[0].name == "minutes-2-1"


def test_the_overview_lists_every_day_drafts_and_counts() -> None:
    sessions = [
        _session(1, 26, SessionStatus.PUBLISHED), _session(2, 26, SessionStatus.DRAFT, "Draft one"),
        _session(3, 28, SessionStatus.CANCELLED),
    ]
    page = views.overview(_mission(), sessions, [], [], None, None)
    assert [(d.day.day, d.sessions, d.drafts, d.cancelled) for d in page.days] == [(26, 2, 1, 0), (27, 0, 0, 0), (28, 1, 0, 1)]
    assert [d.title for d in page.drafts] == ["Draft one"]
    assert page.drafts[0].href == "/organise/missions/riga-2027/sessions/2"
    assert (page.total, page.published, page.cancelled) == (3, 1, 1)
    assert page.days[1].href == "/organise/missions/riga-2027/timetable#day-2027-03-27"


def test_a_conflict_names_its_reason_the_venue_and_links_both_sessions() -> None:
    first = Slot(5, "Opening", datetime(2027, 3, 26, 8, tzinfo=UTC), datetime(2027, 3, 26, 9, tzinfo=UTC), 1, frozenset({7}), "Europe/Riga")
    second = Slot(6, "Panel", datetime(2027, 3, 26, 8, 30, tzinfo=UTC), datetime(2027, 3, 26, 10, tzinfo=UTC), 2, frozenset({7}), "Europe/Riga")
    names = views.Names({1: "Hall", 2: "Hub"}, {7: "Ira Raciņa"}, views.Paths("riga-2027"))
    travel = ConflictPair(ConflictReason.TRAVEL, first, second, person_ids=(7,), travel_minutes=40)
    venue = ConflictPair(ConflictReason.VENUE, first, second, venue_id=1)
    notes = views.conflict_notes([travel, venue], names)
    assert notes[0].label == "Not enough travel time"
    assert notes[0].detail == "Ira Raciņa need 40 minutes to get from one venue to the other."
    assert [(s.title, s.when, s.href) for s in notes[0].sessions] == [
        ("Opening", "Fri 26 Mar 10:00", "/organise/missions/riga-2027/sessions/5"),
        ("Panel", "Fri 26 Mar 10:30", "/organise/missions/riga-2027/sessions/6"),
    ]
    assert notes[1].detail == "Both at Hall."


def test_a_form_is_read_through_the_api_schema_with_every_wrong_field_named() -> None:
    typed = {
        "slug": "Riga 2027", "title": "", "host_country": "Latvia", "timezone": "Europe/Riga",
        "starts_on": "26.03.2027", "ends_on": "2027-03-28", "contact_email": "not an address",
    }
    fields, form = read_form(MissionCreate, typed, tuple(typed))
    assert fields is None
    assert set(form.errors) == {"slug", "title", "host_country", "starts_on", "contact_email"}
    assert form.errors["starts_on"] == "Enter a date as YYYY-MM-DD."
    assert form.values["slug"] == "Riga 2027"  # shown again as typed


def test_a_valid_form_gives_the_fields_the_api_would_send() -> None:
    typed = {
        "slug": "riga-2027", "title": " Riga 2027 ", "host_country": "LV", "timezone": "Europe/Riga",
        "starts_on": "2027-03-26", "ends_on": "2027-03-28", "contact_email": "", "summary": "",
    }
    fields, form = read_form(MissionCreate, typed, tuple(typed), extra={"content_languages": ["ru"]})
    assert not form.errors
    assert fields is not None
    assert fields["title"] == "Riga 2027"
    assert fields["starts_on"] == date(2027, 3, 26)
    assert fields["contact_email"] is None and fields["summary"] == ""
    assert fields["content_languages"] == ["ru"]


def test_blank_clears_what_may_be_empty_and_numbers_are_checked_against_their_bounds() -> None:
    fields, form = read_form(VenueUpdate, {"name": "Hall", "capacity": ""}, ("name", "capacity"))
    assert fields == {"name": "Hall", "capacity": None}
    fields, form = read_form(VenueUpdate, {"name": "", "capacity": "-3", "latitude": "north"}, ("name", "capacity", "latitude"))
    assert fields is None
    assert form.errors == {
        "name": "Fill in this field.",
        "capacity": "Enter a whole number from 0 to 1000000.",
        "latitude": "Enter a number from -90 to 90.",
    }
