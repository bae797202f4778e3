"""Attendees in Chromium: several sessions in one go, a returning address, form errors
on a 375-pixel phone. Each page visited is checked like those of test_browser (axe-core,
no sideways scrolling, no console errors)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser import Server, run_server
from tests.web.test_browser import CLINIC, TEST_LABS, Visit, chromium, phone  # noqa: F401  (shared fixtures)

SMALL_PHONE = {"width": 375, "height": 667}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from run_server(tmp_path_factory.mktemp("attendee-server"))


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def small_phone(request: pytest.FixtureRequest, chromium: Any, server: Server) -> Iterator[Visit]:  # noqa: F811
    visit = Visit(chromium, server, SMALL_PHONE, javascript=request.param)
    yield visit
    visit.close()


def test_errors_are_focused_and_in_view_after_a_failed_submit_on_a_375_pixel_phone(small_phone: Visit, server: Server) -> None:
    page = small_phone.go(f"/missions/{server.slug}")
    page.get_by_role("link", name=TEST_LABS).first.click()
    page.get_by_label("Full name").fill("Ira Raciņa")
    page.get_by_label("E-mail address").fill("ira at example")
    page.get_by_role("button", name="Register").click()

    summary = page.get_by_role("alert")
    assert "Enter an e-mail address in the form name@example.org." in summary.inner_text()
    assert page.evaluate("() => document.activeElement && document.activeElement.id") == "error-summary"
    box = summary.bounding_box()
    assert box is not None and -1 <= box["y"] < SMALL_PHONE["height"] - 40, box  # on screen, not 1,000 px below
    # Its link takes the person to the field.
    summary.get_by_role("link", name="Enter an e-mail address in the form name@example.org.").click()
    assert page.evaluate("() => document.activeElement.id") == "email" or not small_phone.javascript
    small_phone.check("session-error-375" + ("" if small_phone.javascript else "-no-javascript"))


@pytest.fixture
def phone_without_javascript(chromium: Any, server: Server) -> Iterator[Visit]:  # noqa: F811
    visit = Visit(chromium, server, {"width": 360, "height": 740}, javascript=False)
    yield visit
    visit.close()


def test_several_sessions_ticked_on_the_agenda_are_registered_in_one_go_without_javascript(
    phone_without_javascript: Visit, server: Server
) -> None:
    visit = phone_without_javascript
    page = visit.go(f"/missions/{server.slug}")
    page.get_by_label(f"Add to my programme: {TEST_LABS}").check()
    page.get_by_label(f"Add to my programme: {CLINIC}").check()
    page.get_by_role("button", name="Register for the sessions I ticked").first.click()

    assert page.get_by_role("heading", level=1).inner_text() == "Your programme"
    assert page.get_by_role("heading", name="2 sessions chosen").is_visible()
    visit.check("programme")
    page.get_by_label("Full name").fill("Dana Ozola")
    page.get_by_label("E-mail address").fill("dana@example.lv")
    page.get_by_role("button", name="Register for 2 sessions").click()

    assert page.get_by_role("heading", level=1).inner_text() == "You are registered"
    results = page.locator(".results").inner_text()
    assert TEST_LABS in results and CLINIC in results
    visit.check("answer-programme")


def test_a_returning_address_is_told_what_happens_and_can_have_its_link_sent_again(
    phone_without_javascript: Visit, server: Server
) -> None:
    visit = phone_without_javascript
    page = visit.go(f"/missions/{server.slug}")
    clinic = int(page.get_by_role("link", name=CLINIC).first.get_attribute("href").rsplit("/", 1)[-1])
    status, _ = server.api(
        f"/api/missions/{server.slug}/registrations",
        {"name": "Ira Raciņa", "email": "ira@example.lv", "session_ids": [clinic]},
    )
    assert status == 201
    page.get_by_role("link", name=TEST_LABS).first.click()
    page.get_by_label("Full name").fill("Ira Raciņa")
    page.get_by_label("E-mail address").fill("IRA@example.lv")
    page.get_by_role("button", name="Register").click()

    assert page.get_by_role("heading", level=1).inner_text() == "You have registered with this address before"
    assert "We have e-mailed your manage link" in page.locator("main").inner_text()
    assert "/manage/" not in page.content()
    visit.check("registered-before")

    page.get_by_role("link", name="have the link sent again").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Get your manage link again"
    visit.check("resend-link")
    page.get_by_label("E-mail address").fill("nobody-here@example.lv")
    page.get_by_role("button", name="Send me my link").click()
    notice = page.get_by_role("status").inner_text()
    assert "If this address is registered for this mission, we have sent its manage link to it." in notice
    visit.check("resend-link-sent")


def organiser_token(server: Server) -> str:
    """An organiser token for all missions, made with the CLI on the server's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTHUB_")}
    env.update(EVENTHUB_DATABASE_URL=f"sqlite+aiosqlite:///{server.log.parent / 'eventhub.db'}",
               EVENTHUB_SECRET_KEY="browser-test-secret")
    made = subprocess.run([sys.executable, "-m", "eventhub", "token", "create", "--name", "browser", "--all"],
                          env=env, capture_output=True, text=True, check=True, timeout=60)
    return made.stdout.strip().splitlines()[-1]


def organiser_call(server: Server, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        server.base + path, data=json.dumps(body).encode(), method=method,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {organiser_token(server)}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 201), response.status
        return json.loads(response.read() or b"{}")


def session_id_of(visit: Visit, title: str) -> int:
    page = visit.go(f"/missions/{visit.server.slug}")
    return int(page.get_by_role("link", name=title).first.get_attribute("href").rsplit("/", 1)[-1])


TOUR = "Tour of the Faculty of Information Technology"  # 25 seats
TALENT = "Talent Match: Students Meet Latvian IT Companies"  # no seat limit
CLOSING = "Closing Wrap-up and Next Steps"


def test_a_formatted_description_keeps_its_paragraphs_list_and_links(phone: Visit, server: Server) -> None:
    sid = session_id_of(phone, TALENT)
    organiser_call(server, "PATCH", f"/api/missions/{server.slug}/sessions/{sid}", {"description": (
        "Students meet **Latvian IT companies**.\nBring your CV.\n\n"
        "What to prepare:\n- a short pitch\n- questions about *remote work*\n\n"
        "Sign-up sheet: https://forms.example.org/talent <script>alert(1)</script>"
    )})
    page = phone.go(f"/missions/{server.slug}/sessions/{sid}")
    description = page.locator(".description")
    assert description.locator("p").count() == 3 and description.locator("li").count() == 2
    assert description.locator("strong").inner_text() == "Latvian IT companies"
    link = description.get_by_role("link", name="https://forms.example.org/talent")
    assert link.get_attribute("href") == "https://forms.example.org/talent"
    assert set(link.get_attribute("rel").split()) >= {"nofollow", "noopener"}
    assert "<script>alert(1)</script>" in description.inner_text()  # shown as text, never run
    phone.check("session-description")


def test_a_cancelled_sessions_page_says_so_and_offers_no_calendar(phone: Visit, server: Server) -> None:
    sid = session_id_of(phone, CLOSING)
    organiser_call(server, "POST", f"/api/missions/{server.slug}/sessions/{sid}/cancel",
                   {"reason": "The hall is needed for the ministry's visit."})
    page = phone.go(f"/missions/{server.slug}/sessions/{sid}")
    notice = page.get_by_role("status").inner_text()
    assert notice == "This session is cancelled: The hall is needed for the ministry's visit."
    assert page.get_by_role("link", name="Download the event (.ics)").count() == 0
    assert page.get_by_role("link", name="Subscribe to this session").count() == 0
    assert page.get_by_role("button", name="Register").count() == 0
    phone.check("session-cancelled")


def test_a_delegation_of_five_with_two_members_without_e_mail(phone_without_javascript: Visit, server: Server) -> None:
    visit = phone_without_javascript
    page = visit.go(f"/missions/{server.slug}")
    page.get_by_role("link", name="Register a delegation").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Register a delegation"
    page.get_by_label(TOUR).check()
    page.get_by_label(TALENT).check()
    page.get_by_label("Full name", exact=True).fill("Ira Raciņa")
    page.get_by_label("E-mail address", exact=True).fill("ira.head@example.lv")
    members = [("Anna Bērziņa", "anna.d@example.lv"), ("Jānis Ozols", ""), ("Aigul Toktogulova", "aigul.d@example.kg"),
               ("Bakyt Ulan", "")]
    for number, (name, email) in enumerate(members, start=1):
        page.get_by_label(f"Member {number}: full name").fill(name)
        if email:
            page.get_by_label(f"Member {number}: e-mail address").fill(email)
    visit.check("delegation-form")
    page.get_by_role("button", name="Register the delegation").click()

    assert page.get_by_role("heading", level=1).inner_text() == "You are registered"
    delegation = page.locator("section.delegation").inner_text()
    for name, _ in members:
        assert f"{name}: confirmed in 2 sessions" in delegation
    visit.check("answer-delegation")

    page.goto(page.get_by_label("Manage link", exact=True).input_value())
    section = page.locator("section.delegation")
    assert section.get_by_role("heading", level=3).all_inner_texts() == [name for name, _ in members]
    # The two without an address: their links are on the head's page, nobody else's are.
    assert page.get_by_label("Manage link of Jānis Ozols").input_value().startswith(server.base + "/manage/ehm_")
    assert page.get_by_label("Manage link of Bakyt Ulan").count() == 1
    assert page.get_by_label("Manage link of Anna Bērziņa").count() == 0
    visit.check("manage-delegation")

    page.get_by_role("button", name="Remove Bakyt Ulan").click()
    assert "The member's places are cancelled" in page.get_by_role("status").first.inner_text()
    assert section.get_by_role("heading", level=3).all_inner_texts() == [name for name, _ in members[:3]]
    page.get_by_text("Swap Jānis Ozols for someone else").click()
    page.locator("details.swap[open]").get_by_label("Full name").fill("Līga Kalniņa")
    page.get_by_role("button", name="Swap, keeping the places").first.click()
    assert "Līga Kalniņa" in section.get_by_role("heading", level=3).all_inner_texts()
    visit.check("manage-delegation-changed")
