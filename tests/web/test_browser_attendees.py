"""Attendees in Chromium: several sessions in one go, a returning address, form errors
on a 375-pixel phone. Each page visited is checked like those of test_browser (axe-core,
no sideways scrolling, no console errors)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser import Server, run_server
from tests.web.test_browser import CLINIC, TEST_LABS, Visit, chromium  # noqa: F401  (the shared browser)

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
