"""The back office's attendee pages on SQLite and PostgreSQL: everyone in the mission,
one session's list with the by-hand changes (each mails the attendee, as the API's
do), the exports with the signed-in session, and a viewer who can look and download
but never change anything."""

from __future__ import annotations

import csv
import io

import openpyxl

from eventhub.db.services.attendees import AttendeeDetails
from eventhub.domain.permissions import Role
from eventhub.services import Services
from tests.web.conftest import SLUG, Browser, location, session_id
from tests.web.html import assert_valid_page, by_id, elements, text_of
from tests.web.organise.attendance import (
    BASE,
    EXPORT_CLINIC,
    attendees_of,
    everywhere,
    labs,  # noqa: F401 (a fixture)
    mails,
    names,
    section,
    signed_in,
)
from tests.web.organise.conftest import AccountFactory, SignIn


async def test_registrations_list_everyone_with_their_sessions_and_search_finds_without_accents(
    labs: int, browser: Browser, organiser_account: AccountFactory, sign_in: SignIn, services: Services
) -> None:
    clinic = await session_id(services, EXPORT_CLINIC)
    await services.attendance.add(SLUG, clinic, AttendeeDetails("Ira Raciņa", "p0@example.org"), await everywhere(services))
    await signed_in(browser, organiser_account, sign_in, Role.VIEWER)
    root = assert_valid_page((await browser.page(f"{BASE}/registrations")).text)
    rows = [text_of(tr) for tr in elements(by_id(root, "main"), "tr")[1:]]
    assert len(rows) == 4 and rows[3].startswith("Ira Raciņa")
    assert "Setting Up Test Labs" in rows[3] and "Export Readiness Clinic" in rows[3]
    assert "Waitlisted, place 2" in rows[2]  # Elīna signed up last
    assert "4 people, 5 registrations" in text_of(root)

    found = assert_valid_page((await browser.page(f"{BASE}/registrations?q=racina")).text)
    assert names(found) == ["Ira Raciņa"]
    by_organisation = assert_valid_page((await browser.page(f"{BASE}/registrations?q=technopark")).text)
    assert "Aida Ismailova" in text_of(by_organisation) and "Ira Raciņa" not in text_of(by_organisation)


async def test_the_exports_download_with_the_signed_in_session_for_a_viewer_too(
    labs: int, browser: Browser, organiser_account: AccountFactory, sign_in: SignIn
) -> None:
    await signed_in(browser, organiser_account, sign_in, Role.VIEWER)
    page = assert_valid_page((await browser.page(f"{BASE}/registrations")).text)
    links = {text_of(a): a.get("href") for a in elements(page, "a")}
    spreadsheet = await browser.client.get(str(links["Download CSV"]))
    assert spreadsheet.status_code == 200
    assert spreadsheet.headers["content-type"] == "text/csv; charset=utf-8"
    table = list(csv.DictReader(io.StringIO(spreadsheet.content.decode("utf-8-sig"))))
    assert [(r["name"], r["status"], r["waitlist_position"]) for r in table] == [
        ("Ira Raciņa", "confirmed", ""), ("Aida Ismailova", "confirmed", ""),
        ("Arstanbeks Tazabekovs", "waitlisted", "1"), ("Elīna Bērziņa", "waitlisted", "2"),
    ]
    book = await browser.client.get(str(links["Download XLSX"]))
    assert book.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    assert [row[9] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "confirmed", "confirmed", "waitlisted", "waitlisted"]


async def test_a_sessions_page_shows_seats_the_queue_in_order_and_the_fill_bar(
    labs: int, browser: Browser, organiser_account: AccountFactory, sign_in: SignIn
) -> None:
    await signed_in(browser, organiser_account, sign_in, Role.EDITOR)
    root = assert_valid_page((await browser.page(f"{BASE}/sessions/{labs}/attendees")).text)
    assert text_of(by_id(root, "seats-heading")) == "Full"
    assert "2 confirmed, 2 on the waitlist, 0 checked in" in text_of(root)
    waitlist = [text_of(li) for li in elements(section(root, "waitlist-heading"), "li")]
    assert [line.split(",")[0] for line in waitlist] == ["Place 1 Arstanbeks Tazabekovs", "Place 2 Elīna Bērziņa"]
    assert len(elements(root, "svg")) == 1  # the fill bar, drawn on the server
    buttons = [text_of(b) for b in elements(root, "button")]
    assert buttons.count("Seat now") == 2 and buttons.count("Cancel") == 4


async def test_by_hand_changes_go_through_the_ledger_and_mail_the_attendee(
    labs: int, browser: Browser, organiser_account: AccountFactory, sign_in: SignIn, services: Services
) -> None:
    await signed_in(browser, organiser_account, sign_in, Role.EDITOR)
    page = f"{BASE}/sessions/{labs}/attendees"
    view = await attendees_of(services, labs)
    before = len(await mails(services))
    # Promote the second in the queue over the head: an explicit override, one seat more.
    elina = view.waitlist[1].registration.id
    done = await browser.submit(page, f"{page}/{elina}/promote", {})
    assert location(done) == f"{page}?done=promoted&who={elina}&raised=true"
    shown = text_of(assert_valid_page((await browser.page(location(done))).text))
    assert "Elīna Bērziņa has a seat now, ahead of the waitlist" in shown and "capacity went up by one" in shown
    view = await attendees_of(services, labs)
    assert [i.attendee.name for i in view.confirmed][-1] == "Elīna Bērziņa"
    assert [(i.attendee.name, i.waitlist_position) for i in view.waitlist] == [("Arstanbeks Tazabekovs", 1)]
    history = text_of(assert_valid_page((await browser.page(f"{BASE}/history?session_id={labs}")).text))
    override = "Override: Elīna Bērziņa was seated ahead of the waitlist, passing over Arstanbeks Tazabekovs."
    assert override in history
    assert "The capacity was raised from 2 to 3 to make room." in history
    # Cancel a confirmed person: their seat goes to the head of the waitlist.
    ira = view.confirmed[0].registration.id
    assert (await browser.submit(page, f"{page}/{ira}/cancel", {})).status_code == 303
    view = await attendees_of(services, labs)
    assert "Arstanbeks Tazabekovs" in [i.attendee.name for i in view.confirmed] and not view.waitlist
    # Move someone to another session in one step.
    clinic = await session_id(services, EXPORT_CLINIC)
    aida = next(i.registration.id for i in view.confirmed if i.attendee.name == "Aida Ismailova")
    moved = await browser.submit(page, f"{page}/{aida}/move", {"session_id": str(clinic)})
    assert location(moved) == f"{page}?done=moved&who={aida}&to={clinic}"
    assert [i.attendee.name for i in (await attendees_of(services, clinic)).confirmed] == ["Aida Ismailova"]
    # Add someone by hand: they get their links by mail.
    added = await browser.submit(page, page, {"name": "Gulnara Sadykova", "email": "gulnara@example.kg",
                                              "organisation": "Kyrgyz ICT Association"})
    assert location(added).startswith(f"{page}?done=added")
    assert "Gulnara Sadykova is added (Confirmed)" in text_of(assert_valid_page((await browser.page(location(added))).text))
    assert (await mails(services))[before:] == [
        ("promoted", "p3@example.org"),
        ("registration_cancelled", "p0@example.org"), ("promoted", "p2@example.org"),
        ("registration_cancelled", "p1@example.org"), ("registered", "p1@example.org"),
        ("registered", "gulnara@example.kg"),
    ]


async def test_a_wrong_addition_is_shown_next_to_its_field_and_nothing_is_stored(
    labs: int, browser: Browser, organiser_account: AccountFactory, sign_in: SignIn, services: Services
) -> None:
    await signed_in(browser, organiser_account, sign_in, Role.EDITOR)
    page = f"{BASE}/sessions/{labs}/attendees"
    refused = await browser.submit(page, page, {"name": " ", "email": "ira@", "organisation": ""})
    assert refused.status_code == 422
    root = assert_valid_page(refused.text)
    for field in ("name", "email"):
        assert by_id(root, field).get("aria-invalid") == "true"
        assert by_id(root, f"{field}-error") is not None
    assert by_id(root, "organisation").get("aria-invalid") is None
    twice = await browser.submit(page, page, {"name": "Ira Raciņa", "email": "P0@example.org"})
    assert twice.status_code == 409
    assert "registered for this session already" in text_of(assert_valid_page(twice.text))
    ira = (await attendees_of(services, labs)).confirmed[0].registration.id
    same = await browser.submit(page, f"{page}/{ira}/move", {"session_id": str(labs)})
    assert same.status_code == 409
    assert by_id(assert_valid_page(same.text), f"move-{ira}").get("aria-invalid") == "true"
    view = await attendees_of(services, labs)
    assert (len(view.confirmed), len(view.waitlist)) == (2, 2)


async def test_a_viewer_sees_the_lists_without_buttons_and_every_change_is_403(
    labs: int, browser: Browser, organiser_account: AccountFactory, sign_in: SignIn, services: Services
) -> None:
    await signed_in(browser, organiser_account, sign_in, Role.VIEWER)
    page = f"{BASE}/sessions/{labs}/attendees"
    root = assert_valid_page((await browser.page(page)).text)
    assert [text_of(b) for b in elements(by_id(root, "main"), "button") if text_of(b) != "Sign out"] == []
    view = await attendees_of(services, labs)
    head, ira = view.waitlist[0].registration.id, view.confirmed[0].registration.id
    clinic = await session_id(services, EXPORT_CLINIC)
    before = await mails(services)
    for action, fields in [
        (f"{page}/{head}/promote", {}), (f"{page}/{ira}/cancel", {}),
        (f"{page}/{ira}/move", {"session_id": str(clinic)}),
        (page, {"name": "Gulnara Sadykova", "email": "gulnara@example.kg"}),
    ]:
        refused = await browser.submit(f"{BASE}/registrations", action, fields)
        assert refused.status_code == 403, action
    assert await mails(services) == before
    assert [i.registration.id for i in (await attendees_of(services, labs)).waitlist][0] == head


async def test_without_signing_in_pages_send_to_sign_in_and_posts_are_refused(labs: int, browser: Browser) -> None:
    page = f"{BASE}/sessions/{labs}/attendees"
    answer = await browser.client.get(page, headers={"Accept": "text/html"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/organise/sign-in?next=")
    assert (await browser.client.get(f"{BASE}/registrations.csv", follow_redirects=False)).status_code == 303
    refused = await browser.submit("/organise/sign-in", f"{page}/1/cancel", {})
    assert refused.status_code == 403
