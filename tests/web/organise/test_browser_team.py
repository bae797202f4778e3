"""In Chromium, against `eventhub serve` mailing through a real SMTP server: an organiser
made on the command line signs in, invites a colleague as viewer, the invitation arrives,
the colleague sets a password, sees the mission, and a write of theirs is refused."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.integration.test_mail import Inbox, free_port
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, Problems, Server, check_accessibility, need, run_server

OWNER_EMAIL, OWNER_PASSWORD = "ira@cluster.example.lv", "Tien Shan at dawn, 2026"
COLLEAGUE_EMAIL, COLLEAGUE_PASSWORD = "consul@embassy.example.kg", "Issyk-Kul in the spring"


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, smtp: tuple[Inbox, int]) -> Iterator[Server]:
    yield from run_server(tmp_path_factory.mktemp("team-server"), {
        "EVENTHUB_SMTP_URL": f"smtp://127.0.0.1:{smtp[1]}", "EVENTHUB_MAIL_SENDER": "1",
    })


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    need(f"Chromium ({CHROMIUM})", CHROMIUM.exists())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def arrived(inbox: Inbox, address: str, timeout: float = 30.0) -> Any:
    """The first mail to `address`; the server's sender sends within seconds (polling the
    inbox until then, not sleeping a guessed time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := inbox.to(address):
            return found[0]
        time.sleep(0.1)
    pytest.fail(f"no mail to {address} within {timeout} s")


def test_an_organiser_from_the_cli_invites_a_viewer_who_joins_and_cannot_write(
    chromium: Any, server: Server, smtp: tuple[Inbox, int]
) -> None:
    made = server.cli("organiser", "create", "--email", OWNER_EMAIL, "--name", "Ira Raciņa", "--mission", server.slug,
                      "--role", "owner", "--password-stdin", stdin=OWNER_PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    team = f"/organise/missions/{server.slug}/team"

    owner = chromium.new_context(viewport=DESKTOP)
    problems = Problems()
    page = owner.new_page()
    problems.watch(page)
    page.goto(server.base + team)  # not signed in: to the sign-in form, and back here after
    assert "/organise/sign-in" in page.url
    check_accessibility(page)
    page.get_by_label("E-mail address").fill(OWNER_EMAIL)
    page.get_by_label("Password").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.url == server.base + team
    page.get_by_label("E-mail address").fill(COLLEAGUE_EMAIL)
    page.get_by_label("Role", exact=True).select_option("viewer")
    page.get_by_role("button", name="Send the invitation").click()
    assert COLLEAGUE_EMAIL in page.content()
    check_accessibility(page)

    mail = arrived(smtp[0], COLLEAGUE_EMAIL)
    text = mail.get_body(("plain",)).get_content()
    assert "Ira Raciņa" in text
    link = re.search(r"(http://127\.0\.0\.1:\d+/organise/invitations/\S+)", text)
    assert link, text
    assert link.group(1).rsplit("/", 1)[1] not in server.log.read_text()  # never in the server's log

    colleague = chromium.new_context(viewport=DESKTOP)
    other = colleague.new_page()
    problems.watch(other)
    other.goto(link.group(1))
    check_accessibility(other)
    other.get_by_label("Your name").fill("Aibek Consul")
    other.get_by_label("Choose a password").fill(COLLEAGUE_PASSWORD)
    other.get_by_role("button", name="Join the team").click()
    assert other.url == server.base + "/organise"
    row = other.get_by_role("row").filter(has_text="Viewer")
    assert row.count() == 1
    other.goto(server.base + team)
    assert other.get_by_role("button", name="Send the invitation").count() == 0  # no form for a viewer
    # Whatever the browser sends, a viewer's write is refused.
    csrf = other.locator('input[name="_csrf_token"]').first.get_attribute("value")
    refused = colleague.request.post(server.base + f"{team}/invitations",
                                     form={"email": "someone@example.org", "role": "owner", "_csrf_token": csrf},
                                     headers={"X-CSRFToken": csrf or ""})
    assert refused.status == 403
    assert not problems.messages, problems.messages
    owner.close()
    colleague.close()
