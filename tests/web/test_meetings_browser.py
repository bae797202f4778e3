"""Bilateral meetings in Chromium against a running server: two attendees create their
profiles, one asks, the other accepts, the organiser schedules and publishes in the back
office, and both personal feeds show the meeting under one UID; the public feed and pages
do not."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import icalendar
import pytest

from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, Server, need, run_server
from tests.web.test_browser import Visit

TEST_LABS = "Setting Up Test Labs for IT Solutions: Lessons from Latvia"
PASSWORD = "a-long-and-uncommon-passphrase"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from run_server(tmp_path_factory.mktemp("meetings-server"))


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    need(f"Chromium ({CHROMIUM})", CHROMIUM.exists())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def tab(chromium: Any, server: Server) -> Visit:
    return Visit(chromium, server, DESKTOP)


def register(server: Server, name: str, email: str) -> dict[str, Any]:
    sessions = json.loads(server.get(f"/api/missions/{server.slug}/sessions"))
    labs = next(s["id"] for s in sessions if s["title"] == TEST_LABS)
    status, body = server.api(f"/api/missions/{server.slug}/registrations",
                              {"name": name, "email": email, "session_ids": [labs]})
    assert status == 201, body
    return body


def meeting_events(server: Server, feed_url: str) -> list[Any]:
    feed = icalendar.Calendar.from_ical(server.get(feed_url.removeprefix(server.base)))
    return [e for e in feed.walk("VEVENT") if str(e["SUMMARY"]).startswith("Meeting: ")]


def create_profile(visit: Visit, manage_url: str, organisation: str, country: str, offer: str) -> None:
    page = visit.page
    page.goto(f"{manage_url}/meetings")
    page.get_by_label("Organisation").fill(organisation)
    page.get_by_label("Country").fill(country)
    page.get_by_label("What you offer").fill(offer)
    page.get_by_role("button", name="Create my profile").click()
    assert "Your meeting profile is saved." in page.get_by_role("status").inner_text()
    visit.check()


def test_two_attendees_agree_the_organiser_publishes_and_only_their_feeds_show_it(
    chromium: Any, server: Server
) -> None:
    ira = register(server, "Dace Ozola", "ira.meetings@example.lv")
    aida = register(server, "Nurlan Asanov", "aida.meetings@example.kg")
    server.cli("organiser", "create", "--email", "lead@example.org", "--name", "Mission Lead", "--mission",
               server.slug, "--role", "editor", "--password-stdin", stdin=PASSWORD + "\n")

    ira_tab, aida_tab, organiser_tab = tab(chromium, server), tab(chromium, server), tab(chromium, server)
    try:
        create_profile(ira_tab, ira["manage_url"], "Latvian IT Cluster", "LV", "Export know-how")
        create_profile(aida_tab, aida["manage_url"], "Technopark", "KG", "Test lab space")

        page = ira_tab.page
        page.goto(f"{ira['manage_url']}/meetings")
        assert page.get_by_text("Test lab space").is_visible()
        page.get_by_label("A message to Nurlan Asanov").fill("Shall we talk about test labs?")
        page.get_by_role("button", name="Ask for a meeting").click()
        assert "Your request is sent" in page.get_by_role("status").inner_text()
        ira_tab.check("meetings-requested")

        page = aida_tab.page
        page.goto(f"{aida['manage_url']}/meetings")
        assert page.get_by_text("Shall we talk about test labs?").is_visible()
        page.get_by_role("button", name="Accept the request from Dace Ozola").click()
        assert "Accepted" in page.get_by_role("status").inner_text()
        aida_tab.check("meetings-accepted")

        page = organiser_tab.page
        mission = json.loads(server.get(f"/api/missions/{server.slug}"))
        last_day = date.fromisoformat(mission["ends_on"]).isoformat()
        page.goto(f"{server.base}/organise/missions/{server.slug}/meetings")
        page.get_by_label("E-mail address").fill("lead@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Bilateral meetings"
        page.get_by_label("Windows, one a line").fill(f"{last_day} 19:00 20:00 Technopark Coworking Space")
        page.get_by_label("Tables, one a line").fill("Table 1 @ Technopark Coworking Space")
        page.get_by_role("button", name="Save slots and tables").click()
        page.get_by_role("button", name="Schedule the accepted requests").click()
        assert "Scheduled." in page.get_by_role("status").inner_text()
        grid = page.locator("table.meeting-grid").inner_text()
        assert "Dace Ozola (Latvian IT Cluster)" in grid and "Nurlan Asanov (Technopark)" in grid
        organiser_tab.check("meetings-grid")
        page.get_by_role("button", name="Publish the plan").click()
        assert "Published" in page.get_by_role("status").inner_text()

        ira_events, aida_events = meeting_events(server, ira["feed_url"]), meeting_events(server, aida["feed_url"])
        assert [str(e["SUMMARY"]) for e in ira_events] == ["Meeting: Nurlan Asanov (Technopark)"]
        assert [str(e["SUMMARY"]) for e in aida_events] == ["Meeting: Dace Ozola (Latvian IT Cluster)"]
        assert str(ira_events[0]["UID"]) == str(aida_events[0]["UID"])
        assert str(ira_events[0]["LOCATION"]).startswith("Table 1, Technopark Coworking Space")
        assert ira_events[0]["DTSTART"].dt.strftime("%H:%M") == "19:00"

        public = server.get(f"/missions/{server.slug}/calendar.ics").decode()
        uid = str(ira_events[0]["UID"])
        assert uid not in public and "Nurlan Asanov" not in public and "Table 1" not in public
        page = ira_tab.page
        for path in (f"/missions/{server.slug}", "/"):
            page.goto(server.base + path)
            assert not re.search("Nurlan Asanov|Dace Ozola|Table 1", page.content())
        page.goto(f"{ira['manage_url']}/meetings")
        assert "Table 1" in page.locator("#my-meetings-heading + ul").inner_text()
        ira_tab.check("meetings-mine")
    finally:
        for visit in (ira_tab, aida_tab, organiser_tab):
            visit.close()
