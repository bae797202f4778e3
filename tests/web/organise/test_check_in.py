"""The door on SQLite and PostgreSQL: check in by code once, a second check-in says when
the first was, the waitlisted and the cancelled are told apart, people are found by
name, attendance per session; a viewer can look but not check anyone in."""

from __future__ import annotations

import pytest

from eventhub.domain.permissions import Role
from eventhub.services import Services
from tests.conftest import FrozenClock
from tests.web.conftest import SLUG, Browser, location
from tests.web.html import assert_valid_page, by_id, elements, text_of
from tests.web.organise.conftest import AccountFactory, SignIn
from tests.web.organise.attendance import BASE, attendees_of, everywhere, labs, section, signed_in  # noqa: F401

DOOR = f"{BASE}/check-in"


@pytest.fixture
async def codes(labs: int, services: Services) -> dict[str, str]:  # noqa: F811
    """Check-in codes by name: Ira and Aida confirmed, Arstanbeks waitlisted, Elīna cancelled."""
    view = await attendees_of(services, labs)
    await services.registrations.cancel_by_organiser(SLUG, view.waitlist[1].registration.id, await everywhere(services))
    return {i.attendee.name: services.check_ins.code_for(i.registration.id) for i in (*view.confirmed, *view.waitlist)}


def answer_of(html: str) -> str:
    root = assert_valid_page(html)
    boxes = [d for d in elements(root, "div") if "door-answer" in (d.get("class") or "")]
    assert len(boxes) == 1, html[:3000]
    return text_of(boxes[0])


async def test_a_code_checks_in_once_and_the_second_time_says_when_the_first_was(
    labs: int, codes: dict[str, str], browser: Browser, organiser_account: AccountFactory, sign_in: SignIn,  # noqa: F811
    clock: FrozenClock,
) -> None:
    await signed_in(browser, organiser_account, sign_in, Role.EDITOR)
    page = f"{DOOR}?session_id={labs}"
    typed = codes["Ira Raciņa"].lower().replace("-", " - ")  # typed by hand, as people do
    first = await browser.submit(page, DOOR, {"session_id": str(labs), "code": typed})
    assert location(first).startswith(f"{DOOR}?session_id={labs}&checked=")
    shown = await browser.page(location(first))
    assert answer_of(shown.text) == "Ira Raciņa is checked in. Checked in at Fri 27 Nov 15:00."  # Bishkek, UTC+6
    clock.advance(minutes=7)
    again = await browser.submit(page, DOOR, {"session_id": str(labs), "code": codes["Ira Raciņa"]})
    assert again.status_code == 409
    assert answer_of(again.text) == (
        "Ira Raciņa was checked in already. The first check-in was at Fri 27 Nov 15:00. Nothing was changed.")
    attendance = assert_valid_page((await browser.page(page)).text)
    [current] = [tr for tr in elements(section(attendance, "attendance-heading"), "tr") if tr.get("class") == "current-row"]
    assert text_of(elements(current, "td")[0]) == "1 of 2"  # of the confirmed, in the session at the door


async def test_the_waitlisted_the_cancelled_and_unknown_codes_are_told_apart(
    labs: int, codes: dict[str, str], browser: Browser, organiser_account: AccountFactory, sign_in: SignIn,  # noqa: F811
) -> None:
    await signed_in(browser, organiser_account, sign_in, Role.EDITOR)
    page = f"{DOOR}?session_id={labs}"
    waiting = await browser.submit(page, DOOR, {"session_id": str(labs), "code": codes["Arstanbeks Tazabekovs"]})
    assert waiting.status_code == 409
    assert answer_of(waiting.text).startswith("Arstanbeks Tazabekovs is on the waitlist, not confirmed. Place 1")
    gone = await browser.submit(page, DOOR, {"session_id": str(labs), "code": codes["Elīna Bērziņa"]})
    assert gone.status_code == 409
    assert answer_of(gone.text) == (
        "The registration of Elīna Bērziņa is cancelled. They have no seat in this session.")
    unknown = await browser.submit(page, DOOR, {"session_id": str(labs), "code": "1-AAAAAAAA"})
    assert unknown.status_code == 422
    root = assert_valid_page(unknown.text)
    assert by_id(root, "code").get("aria-invalid") == "true"
    assert "No registration of this mission has this code" in text_of(by_id(root, "code-error"))


async def test_people_are_found_by_name_and_only_the_confirmed_get_a_button(
    labs: int, codes: dict[str, str], browser: Browser, organiser_account: AccountFactory, sign_in: SignIn,  # noqa: F811
) -> None:
    await signed_in(browser, organiser_account, sign_in, Role.EDITOR)
    root = assert_valid_page((await browser.page(f"{DOOR}?session_id={labs}&q=a")).text)
    people = [text_of(li) for li in elements(root, "li") if "door-person" in (li.get("class") or "")]
    assert [p.split(",")[0] for p in people] == [
        "Ira Raciņa", "Aida Ismailova", "Arstanbeks Tazabekovs", "Elīna Bērziņa"]
    assert "Confirmed, not checked in yet" in people[0] and people[0].endswith("Check in")
    assert "Waitlisted, place 1" in people[2] and not people[2].endswith("Check in")
    assert "Cancelled" in people[3] and not people[3].endswith("Check in")
    ira = next(f for f in elements(root, "form") if any(i.get("value") == codes["Ira Raciņa"] for i in elements(f, "input")))
    assert ira.get("method") == "post"


async def test_a_viewer_sees_the_door_and_attendance_but_cannot_check_anyone_in(
    labs: int, codes: dict[str, str], browser: Browser, organiser_account: AccountFactory, sign_in: SignIn,  # noqa: F811
) -> None:
    await signed_in(browser, organiser_account, sign_in, Role.VIEWER)
    page = f"{DOOR}?session_id={labs}&q=ira"
    root = assert_valid_page((await browser.page(page)).text)
    assert by_id(root, "code") is None and "Ira Raciņa" in text_of(root)
    refused = await browser.submit(page, DOOR, {"session_id": str(labs), "code": codes["Ira Raciņa"]})
    assert refused.status_code == 403
