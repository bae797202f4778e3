"""The back office in Chromium against a running server: the door on a 375-pixel phone.

The organiser signs in, opens the check-in page, picks the session, types an attendee's
code, and sees them checked in; the same code again is refused with the time of the
first check-in. The pages are checked like the public ones (axe-core, no sideways
scrolling, no console or CSP errors).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser import Server, check_in_again_is_refused, check_in_by_code, run_server
from tests.web.test_browser import TEST_LABS, Visit, chromium  # noqa: F401 (chromium: a fixture)

PHONE_375 = {"width": 375, "height": 812}
PASSWORD = "door-keeper-passphrase-2026"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from run_server(tmp_path_factory.mktemp("back-office-server"))


@pytest.fixture
def phone(chromium: Any, server: Server) -> Iterator[Visit]:  # noqa: F811
    visit = Visit(chromium, server, PHONE_375)
    yield visit
    visit.close()


def registered_code(server: Server, session_id: int, name: str, email: str) -> str:
    """Sign someone up through the API and read their check-in code as their manage page has it."""
    status, answer = server.api(f"/api/missions/{server.slug}/registrations",
                                {"name": name, "email": email, "session_ids": [session_id]})
    assert status == 201, answer
    status, me = server.api("/api/me", bearer=answer["manage_token"])
    assert status == 200, me
    return str(me["registrations"][0]["check_in_code"])


def session_named(server: Server, title: str) -> int:
    status, sessions = server.api(f"/api/missions/{server.slug}/sessions")
    assert status == 200
    items = sessions["items"] if isinstance(sessions, dict) and "items" in sessions else sessions
    return int(next(s["id"] for s in items if s["title"] == title))


def test_the_door_on_a_phone_checks_a_typed_code_in_once_and_then_says_when(phone: Visit, server: Server) -> None:
    labs = session_named(server, TEST_LABS)
    code = registered_code(server, labs, "Ira Raciņa", "ira@example.lv")
    made = server.cli("organiser", "create", "--email", "door@example.org", "--name", "Door Keeper",
                      "--mission", server.slug, "--role", "editor", "--password-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr

    page = phone.go(f"/organise/sign-in?next=/organise/missions/{server.slug}/check-in")
    page.get_by_label("E-mail address").fill("door@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/organise/missions/{server.slug}/check-in")
    phone.check("back-office-check-in")

    with page.expect_navigation():
        page.get_by_label("Session").select_option(str(labs))  # the script opens it at once
    assert f"session_id={labs}" in page.url
    first_time = check_in_by_code(page, code.lower(), "Ira Raciņa")  # typed in lower case, as on a phone
    phone.check("back-office-checked-in")

    check_in_again_is_refused(page, code, "Ira Raciņa", first_time)
    assert page.locator("tr.current-row td").inner_text() == "1 of 1"
    phone.check("back-office-checked-in-twice")
