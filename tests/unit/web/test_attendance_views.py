"""What the back office's attendee, door, message and outbox pages say, built from
service results without a database: times in the mission's zone, statuses in words,
buttons only where the organiser may use them."""

from __future__ import annotations

from datetime import UTC, datetime

from eventhub import i18n
from eventhub.db.models import Attendee, Mission, OrganiserMessage, OutboxMessage, ProgrammeSession, Registration
from eventhub.db.services.attendees import Listed, MissionRegistrations, SessionAttendees, SessionFill
from eventhub.db.services.checkins import Candidate, CheckInOutcome
from eventhub.db.services.deliveries import OutboxEntry, OutboxReport
from eventhub.db.services.messages import Audience
from eventhub.domain.mail import MailKind, MailStatus
from eventhub.domain.programme import RegistrationStatus, SessionStatus
from eventhub.web.organise.attendance_forms import AddAttendeeForm, MessageForm, add_attendee, message_draft
from eventhub.web.organise.attendance_views import (
    attendees_notice,
    check_in_page,
    door_answer,
    registrations_page,
    session_attendees_page,
)
from eventhub.web.organise.mail_views import messages_page, outbox_page, preview

MISSION = Mission(id=1, slug="bishkek", title="Bishkek visit", timezone="Asia/Bishkek")  # UTC+6
LABS = ProgrammeSession(id=10, mission_id=1, title="Test labs", starts_local=datetime(2026, 12, 8, 10, 0),
                        status=SessionStatus.PUBLISHED, capacity=2)
VISIT = ProgrammeSession(id=11, mission_id=1, title="Site visit", starts_local=datetime(2026, 12, 9, 14, 30),
                         status=SessionStatus.CANCELLED, capacity=None)
AT = datetime(2026, 12, 1, 4, 5, 59, tzinfo=UTC)  # 10:05 in Bishkek


def person(attendee_id: int, name: str) -> Attendee:
    return Attendee(id=attendee_id, name=name, email=f"{attendee_id}@example.org", organisation="Cluster")


def listed(registration_id: int, who: Attendee, status: RegistrationStatus, *, session: ProgrammeSession = LABS,
           place: int | None = None, checked_in: datetime | None = None) -> Listed:
    registration = Registration(id=registration_id, session_id=session.id, attendee_id=who.id, status=status,
                                created_at=AT)
    return Listed(registration, session, who, place, checked_in)


IRA, AIDA, ARSTAN = person(1, "Ira Raciņa"), person(2, "Aida Ismailova"), person(3, "Arstanbeks Tazabekovs")
FILLS = [
    SessionFill(10, "Test labs", datetime(2026, 12, 8, 10, 0), SessionStatus.PUBLISHED, 2, 2, 1, 1),
    SessionFill(11, "Site visit", datetime(2026, 12, 9, 14, 30), SessionStatus.CANCELLED, None, 1, 0, 0),
    SessionFill(12, "Seminar", datetime(2026, 12, 9, 9, 0), SessionStatus.PUBLISHED, 5, 5, 0, 0),
]


def test_everyone_is_listed_once_by_name_with_each_session_status_and_check_in_in_the_missions_zone() -> None:
    items = [
        listed(1, IRA, RegistrationStatus.CONFIRMED, checked_in=AT),
        listed(2, AIDA, RegistrationStatus.WAITLISTED, place=1),
        listed(3, IRA, RegistrationStatus.CONFIRMED, session=VISIT),
    ]
    page = registrations_page(MissionRegistrations(MISSION, items), "", FILLS)
    assert [p.name for p in page.people] == ["Aida Ismailova", "Ira Raciņa"]
    aida, ira = page.people
    assert [(line.status_text, line.checked_in) for line in ira.lines] == [
        ("Confirmed", "Tue 1 Dec 10:05"), ("Confirmed", "")]
    assert ira.lines[1].session_cancelled and ira.lines[1].session_status_text == "Cancelled"
    assert aida.lines[0].status_text == "Waitlisted, place 1"
    assert page.summary == "2 people, 3 registrations"
    assert (page.csv_path, page.xlsx_path) == (
        "/organise/missions/bishkek/registrations.csv", "/organise/missions/bishkek/registrations.xlsx")
    assert page.chart.bars[0].href == "/organise/missions/bishkek/sessions/10/attendees"


def test_a_search_says_what_was_searched_for_in_russian_too() -> None:
    export = MissionRegistrations(MISSION, [listed(1, IRA, RegistrationStatus.CONFIRMED)])
    assert registrations_page(export, "racina", FILLS).summary == "Found for “racina”: 1 person, 1 registration"
    with i18n.use("ru"):
        assert registrations_page(export, "racina", FILLS).summary == "Найдено по запросу «racina»: 1 человек, 1 регистрация"


def test_a_sessions_page_counts_seats_and_offers_other_sessions_that_take_place_as_targets() -> None:
    view = SessionAttendees(
        MISSION, LABS,
        confirmed=[listed(1, IRA, RegistrationStatus.CONFIRMED, checked_in=AT),
                   listed(2, AIDA, RegistrationStatus.CONFIRMED)],
        waitlist=[listed(3, ARSTAN, RegistrationStatus.WAITLISTED, place=1)],
        cancelled=[],
    )
    page = session_attendees_page(view, FILLS, can_change=True)
    assert (page.seats, page.counts) == ("Full", "2 confirmed, 1 on the waitlist, 1 checked in")
    assert page.head is not None and page.head.name == "Arstanbeks Tazabekovs"
    assert [(t.session_id, t.label) for t in page.move_targets] == [(12, "Wed 9 Dec 09:00 · Seminar (full)")]
    assert page.confirmed[0].checked_in == "Tue 1 Dec 10:05"
    assert page.can_change
    promoted = attendees_notice(page, "promoted", 3, None, True)
    assert promoted == ("Arstanbeks Tazabekovs has a seat now, ahead of the waitlist, and is told by e-mail. "
                        "The session was full: its capacity went up by one.")
    assert attendees_notice(page, "promoted", 99, None, False) is None  # nobody of this list
    cancelled = SessionAttendees(MISSION, VISIT, [], [], [])
    assert not session_attendees_page(cancelled, FILLS, can_change=True).can_change


def test_the_door_tells_checked_in_already_waitlisted_cancelled_and_other_session_apart() -> None:
    confirmed = listed(1, IRA, RegistrationStatus.CONFIRMED)
    first = door_answer(CheckInOutcome.CHECKED_IN, confirmed, AT, MISSION)
    again = door_answer(CheckInOutcome.ALREADY_CHECKED_IN, confirmed, AT, MISSION)
    waiting = door_answer(CheckInOutcome.NOT_CONFIRMED, listed(2, AIDA, RegistrationStatus.WAITLISTED, place=3),
                          None, MISSION)
    gone = door_answer(CheckInOutcome.NOT_CONFIRMED, listed(3, ARSTAN, RegistrationStatus.CANCELLED), None, MISSION)
    elsewhere = door_answer(CheckInOutcome.OTHER_SESSION, listed(4, IRA, RegistrationStatus.CONFIRMED, session=VISIT),
                            None, MISSION)
    assert (first.tone, first.heading, first.detail) == ("done", "Ira Raciņa is checked in.", "Checked in at Tue 1 Dec 10:05.")
    assert (again.tone, again.detail) == ("warning", "The first check-in was at Tue 1 Dec 10:05. Nothing was changed.")
    assert (waiting.tone, waiting.heading) == ("refused", "Aida Ismailova is on the waitlist, not confirmed.")
    assert "Place 3" in waiting.detail
    assert gone.heading == "The registration of Arstanbeks Tazabekovs is cancelled."
    assert "“Site visit”" in elsewhere.detail


def test_only_confirmed_people_not_yet_in_get_a_check_in_button_and_only_for_editors() -> None:
    found = [
        Candidate(listed(1, IRA, RegistrationStatus.CONFIRMED), "1-AAAAAAAA"),
        Candidate(listed(2, AIDA, RegistrationStatus.CONFIRMED, checked_in=AT), "2-BBBBBBBB"),
        Candidate(listed(3, ARSTAN, RegistrationStatus.WAITLISTED, place=1), "3-CCCCCCCC"),
    ]
    editor = check_in_page(MISSION, FILLS, 10, query="a", found=found, can_check_in=True)
    assert [(p.state, p.state_text, p.code) for p in editor.found or []] == [
        ("confirmed", "Confirmed, not checked in yet", "1-AAAAAAAA"),
        ("checked-in", "Checked in at Tue 1 Dec 10:05", None),
        ("waitlisted", "Waitlisted, place 1", None),
    ]
    viewer = check_in_page(MISSION, FILLS, 10, query="a", found=found, can_check_in=False)
    assert all(p.code is None for p in viewer.found or [])
    assert [c.session_id for c in editor.sessions] == [10, 12]  # a cancelled session has no door
    assert [a.text for a in editor.attendance] == ["1 of 2", "0 of 5"]
    assert check_in_page(MISSION, FILLS, 11, can_check_in=True).session_id is None


def test_the_add_form_puts_each_error_next_to_its_field() -> None:
    details, form = add_attendee(AddAttendeeForm(name="  ", email="not an address", organisation="x" * 201))
    assert details is None
    assert set(form.errors) == {"name", "email", "organisation"}
    details, form = add_attendee(AddAttendeeForm(name=" Ira Raciņa ", email=" ira@example.lv "))
    assert details is not None and (details.name, details.email) == ("Ira Raciņa", "ira@example.lv")


def test_a_message_form_is_checked_by_the_domains_rules_field_by_field() -> None:
    draft, form = message_draft(MessageForm(subject="Hi\nBcc: x@example.org", body="Hello", session_id="7"))
    assert draft is None and list(form.errors) == ["subject"]
    draft, form = message_draft(MessageForm(subject="Bus", body="  ", session_id="abc"))
    assert draft is None and set(form.errors) == {"session_id", "body"}
    draft, _ = message_draft(MessageForm(subject="Bus", body="At 9.", session_id="7", include_waitlisted="on"))
    assert draft is not None and draft.audience == Audience(7, True)


def test_the_preview_counts_people_and_names_the_audience() -> None:
    shown = preview("Bus at 9", "Dear all,\n\nThe bus leaves at 9.", Audience(10, False), 20, {10: "Test labs"})
    assert shown.paragraphs == ["Dear all,", "The bus leaves at 9."]
    assert shown.recipients_text == "This message goes to 20 people, one e-mail each."
    assert shown.audience == "the confirmed attendees of “Test labs”"
    message = OrganiserMessage(id=5, mission_id=1, session_id=None, subject="Bus", body="x", include_waitlisted=True,
                               recipients=1, sent_by="Ira", created_at=AT)
    page = messages_page(MISSION, FILLS, [message], just_sent=5, can_write=True)
    assert page.just_sent is not None and page.just_sent.recipients == "1 person"
    assert page.just_sent.audience == "everyone confirmed or waitlisted in the mission's sessions"
    assert [a.value for a in page.audiences] == ["", "10", "12"]


def test_the_outbox_says_why_mail_failed_and_offers_a_retry_only_where_one_helps() -> None:
    def mail(message_id: int, status: MailStatus, error: str | None = None) -> OutboxEntry:
        message = OutboxMessage(id=message_id, kind=MailKind.PROMOTED, status=status, attempts=3, last_error=error,
                                created_at=AT, sent_at=AT, next_attempt_at=AT)
        return OutboxEntry(message, IRA, None)

    entries = [mail(1, MailStatus.SENT), mail(2, MailStatus.FAILED, "550 mailbox unavailable"),
               mail(3, MailStatus.PENDING, "connection refused"), mail(4, MailStatus.PENDING)]
    report = OutboxReport({"pending": 2, "sending": 0, "sent": 1, "failed": 1}, [])
    page = outbox_page(MISSION, report, entries, failed_only=False, retried=False, can_retry=True)
    assert [(r.status_text, r.can_retry) for r in page.rows] == [
        ("Sent", False), ("Failed", True), ("Waiting to be sent", True), ("Waiting to be sent", False)]
    assert page.rows[0].detail == "Sent Tue 1 Dec 10:05"
    assert page.rows[1].detail == "550 mailbox unavailable"
    assert page.rows[2].detail == "connection refused · next try Tue 1 Dec 10:05"
    assert page.rows[0].what == "Seat from the waitlist"
    assert [(c.status, c.count) for c in page.counts] == [("pending", 2), ("sending", 0), ("sent", 1), ("failed", 1)]
    viewer = outbox_page(MISSION, report, entries, failed_only=False, retried=False, can_retry=False)
    assert not any(r.can_retry for r in viewer.rows)
