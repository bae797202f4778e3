"""The attendee back office end to end, in Chromium against `eventhub serve` mailing through
a real SMTP server (aiosmtpd on a port the OS picks).

An editor made on the command line signs in, opens a full session's attendees, seats a
named waitlisted person over the head (the history says it was an override), moves an
attendee to another session, adds someone by hand, downloads the XLSX export (its rows and
statuses are the database's), checks a person in by code on a 375-pixel phone and is
refused a second check-in with the first time, and writes to the session's 20 attendees:
the SMTP server receives exactly 20 of that message, one per attendee. Every page is
checked like the public ones (axe-core, no sideways scrolling, no console or CSP errors).
"""

from __future__ import annotations

import io
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aiosmtpd.controller import Controller

from tests.integration.test_mail import Inbox
from tests.web.browser import DESKTOP, Server, check_in_again_is_refused, check_in_by_code, run_server
from tests.web.test_browser import TEST_LABS, Visit, chromium  # noqa: F401 (chromium: a fixture)
from tests.web.test_browser_attendees import TALENT, organiser_call
from tests.web.test_browser_back_office import session_named

EDITOR_EMAIL, EDITOR_PASSWORD = "aida@technopark.example.kg", "Ala-Archa in October"
PHONE_375 = {"width": 375, "height": 812}
SUBJECT = "Bring your laptop to the test labs"
MAIL_WAIT = 60.0  # seconds: a bound for the server's sender, polled, never slept through


class AnyPortController(Controller):
    """aiosmtpd's threaded controller on port 0: the port the OS gave is read back before
    the controller's own first connection."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = AnyPortController(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, smtp: tuple[Inbox, int]) -> Iterator[Server]:
    yield from run_server(tmp_path_factory.mktemp("attendance-server"), {
        "EVENTHUB_SMTP_URL": f"smtp://127.0.0.1:{smtp[1]}", "EVENTHUB_MAIL_SENDER": "1",
    })


@pytest.fixture
def desktop(chromium: Any, server: Server) -> Iterator[Visit]:  # noqa: F811
    visit = Visit(chromium, server, DESKTOP)
    yield visit
    visit.close()


@pytest.fixture
def phone(chromium: Any, server: Server) -> Iterator[Visit]:  # noqa: F811
    visit = Visit(chromium, server, PHONE_375)
    yield visit
    visit.close()


def database(server: Server) -> sqlite3.Connection:
    return sqlite3.connect(Path(server.log.parent / "eventhub.db"))


def registrations_in_the_database(server: Server) -> list[tuple[str, str, str, int | None]]:
    """(email, session title, status, waitlist place) of every registration, as stored: the
    place is the registration's rank among its session's waitlisted, by id."""
    with database(server) as db:
        rows = db.execute(
            "SELECT r.id, a.email, s.title, r.status, r.session_id FROM registration r"
            " JOIN attendee a ON a.id = r.attendee_id JOIN programme_session s ON s.id = r.session_id"
            " ORDER BY r.id"
        ).fetchall()
    places: Counter[int] = Counter()
    found = []
    for _id, email, title, status, session_id in rows:
        place = None
        if status == "waitlisted":
            places[session_id] += 1
            place = places[session_id]
        found.append((email, title, status, place))
    return sorted(found)


def confirmed_emails(server: Server, session_id: int) -> set[str]:
    with database(server) as db:
        return {email for (email,) in db.execute(
            "SELECT a.email FROM registration r JOIN attendee a ON a.id = r.attendee_id"
            " WHERE r.session_id = ? AND r.status = 'confirmed'", (session_id,))}


def message_mails_unsent(server: Server) -> int:
    with database(server) as db:
        return int(db.execute("SELECT count(*) FROM outbox_message WHERE kind = 'organiser_message'"
                              " AND status IN ('pending', 'sending')").fetchone()[0])


def sign_in(visit: Visit, next_path: str) -> Any:
    page = visit.go(f"/organise/sign-in?next={next_path}")
    page.get_by_label("E-mail address").fill(EDITOR_EMAIL)
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path}")
    return page


def register(server: Server, session_id: int, name: str, email: str) -> dict[str, Any]:
    status, answer = server.api(f"/api/missions/{server.slug}/registrations",
                                {"name": name, "email": email, "session_ids": [session_id]})
    assert status == 201, answer
    return answer


def test_an_editor_handles_a_full_session_by_hand_exports_checks_in_and_writes_to_its_20_attendees(
    desktop: Visit, phone: Visit, server: Server, smtp: tuple[Inbox, int]
) -> None:
    inbox = smtp[0]
    labs, talent = session_named(server, TEST_LABS), session_named(server, TALENT)
    # Nineteen seats, nineteen people and two on the waitlist: promoting the second adds the
    # twentieth seat, and a move frees one for the first.
    organiser_call(server, "PATCH", f"/api/missions/{server.slug}/sessions/{labs}", {"capacity": 19})
    people = [(f"Participant {n:02d}", f"participant{n:02d}@example.kg") for n in range(1, 20)]
    manage = {email: register(server, labs, name, email)["manage_token"] for name, email in people}
    register(server, labs, "Dana Ozola", "dana@example.lv")  # waitlist place 1
    register(server, labs, "Elīna Bērziņa", "elina@example.lv")  # waitlist place 2
    made = server.cli("organiser", "create", "--email", EDITOR_EMAIL, "--name", "Aida Ismailova", "--mission",
                      server.slug, "--role", "editor", "--password-stdin", stdin=EDITOR_PASSWORD + "\n")
    assert made.returncode == 0, made.stderr

    attendees = f"/organise/missions/{server.slug}/sessions/{labs}/attendees"
    page = sign_in(desktop, attendees)
    assert page.locator("#seats-heading").inner_text() == "Full"
    desktop.check("office-attendees-full")

    # Elīna over the head of the waitlist: an override, with one seat more.
    page.get_by_role("button", name="Give Elīna Bērziņa a seat now").click()
    page.wait_for_url("**done=promoted**")
    notice = page.get_by_role("status").first.inner_text()
    assert "Elīna Bērziņa has a seat now, ahead of the waitlist" in notice
    assert "capacity went up by one" in notice
    desktop.check("office-attendees-promoted")
    page = desktop.go(f"/organise/missions/{server.slug}/history?session_id={labs}")
    history = page.locator("main").inner_text()
    assert "Override: Elīna Bērziņa was seated ahead of the waitlist, passing over Dana Ozola." in history
    assert "The capacity was raised from 19 to 20 to make room." in history
    desktop.check("office-history-override")

    # Participant 01 moves to the talent match; their seat goes to Dana, the head of the queue.
    page = desktop.go(attendees)
    page.locator("summary", has_text="Move Participant 01").click()
    page.get_by_label("Move Participant 01 to").select_option(str(talent))
    page.locator("details.move[open]").get_by_role("button", name="Move").click()
    page.wait_for_url("**done=moved**")
    assert "Participant 01 moved to" in page.get_by_role("status").first.inner_text()
    desktop.check("office-attendees-moved")
    assert "dana@example.lv" in confirmed_emails(server, labs)
    assert "participant01@example.kg" in confirmed_emails(server, talent)

    # Someone added by hand: the session is full again, so they wait.
    page.get_by_label("Name", exact=True).fill("Gulnara Sadykova")
    page.get_by_label("E-mail", exact=True).fill("gulnara@example.kg")
    page.get_by_label("Organisation").fill("Kyrgyz ICT Association")
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url("**done=added**")
    assert "Gulnara Sadykova is added" in page.get_by_role("status").first.inner_text()
    waitlist = page.locator("section[aria-labelledby=waitlist-heading]").inner_text()
    assert "Place 1" in waitlist and "Gulnara Sadykova" in waitlist
    desktop.check("office-attendees-added")

    # The XLSX export from the page: one row per registration, the database's statuses.
    page = desktop.go(f"/organise/missions/{server.slug}/registrations")
    desktop.check("office-registrations")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download XLSX").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book.active
    assert sheet is not None
    header, *rows = list(sheet.iter_rows(values_only=True))
    column = {name: header.index(name) for name in ("email", "session_title", "status", "waitlist_position")}
    places = [row[column["waitlist_position"]] for row in rows]
    exported = sorted(
        (row[column["email"]], row[column["session_title"]], row[column["status"]],
         None if place in (None, "") else int(place))
        for row, place in zip(rows, places, strict=True)
    )
    assert exported == registrations_in_the_database(server)
    assert Counter(status for _e, title, status, _p in exported if title == TEST_LABS) == {
        "confirmed": 20, "cancelled": 1, "waitlisted": 1}

    # At the door, on a 375-pixel phone: a code checks in once; again, it says when.
    status, me = server.api("/api/me", bearer=manage["participant05@example.kg"])
    assert status == 200, me
    code = str(me["registrations"][0]["check_in_code"])
    door = sign_in(phone, f"/organise/missions/{server.slug}/check-in")
    with door.expect_navigation():
        door.get_by_label("Session").select_option(str(labs))
    first_time = check_in_by_code(door, code, "Participant 05")
    phone.check("office-door-checked-in-375")
    check_in_again_is_refused(door, code, "Participant 05", first_time)
    phone.check("office-door-refused-375")

    # A message to the session's 20 confirmed attendees: preview and count, then send.
    page = desktop.go(f"/organise/missions/{server.slug}/messages")
    page.get_by_label("To", exact=True).select_option(str(labs))
    page.get_by_label("Subject", exact=True).fill(SUBJECT)
    page.get_by_label("Message", exact=True).fill("The labs have no spare machines.\n\nSee you on Tuesday.")
    page.get_by_role("button", name="Preview").click()
    assert page.locator(".preview-count").inner_text() == "This message goes to 20 people, one e-mail each."
    desktop.check("office-message-preview")
    page.get_by_role("button", name="Send to 20 people").click()
    page.wait_for_url("**/messages**")
    assert "Sent to 20" in page.get_by_role("status").first.inner_text()
    desktop.check("office-message-sent")

    deadline = time.monotonic() + MAIL_WAIT
    while message_mails_unsent(server) or len(messages_of(inbox)) < 20:
        arrived = len(messages_of(inbox))
        assert time.monotonic() < deadline, f"{arrived} of 20 arrived within {MAIL_WAIT:.0f} s"
        time.sleep(0.2)
    recipients = Counter(str(mail["To"]).rsplit("<", 1)[-1].rstrip(">") for mail in messages_of(inbox))
    assert sum(recipients.values()) == 20 and set(recipients.values()) == {1}
    assert set(recipients) == confirmed_emails(server, labs)
    assert "gulnara@example.kg" not in recipients  # waiting, not written to


def messages_of(inbox: Inbox) -> list[Any]:
    return [mail for mail in inbox.messages if str(mail["Subject"]) == SUBJECT]
