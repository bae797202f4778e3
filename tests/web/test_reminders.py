"""An attendee asks for a reminder on their manage page (a plain form) or through the API;
their personal feed carries it as a VALARM in each of their events, public feeds never."""

from __future__ import annotations

import icalendar

from eventhub.services import Services
from tests.web.conftest import SLUG, TEST_LABS, Browser, location, session_id
from tests.web.html import assert_valid_page, elements

BASE = "https://events.example.org"


async def _registered(browser: Browser, services: Services) -> tuple[str, dict[str, str]]:
    sid = await session_id(services, TEST_LABS)
    answer = await browser.client.post(
        "/api/missions/" + SLUG + "/registrations",
        json={"name": "Ira Raciņa", "email": "ira@example.lv", "session_ids": [sid], "reminder": "1d"},
    )
    assert answer.status_code == 201, answer.text
    token = answer.json()["manage_url"].rsplit("/", 1)[1]
    return token, {"Authorization": f"Bearer {token}"}


def _alarms(body: bytes) -> list[tuple[str, str, str]]:
    calendar = icalendar.Calendar.from_ical(body)
    return [
        (str(a["ACTION"]), a["TRIGGER"].to_ical().decode(), str(a["DESCRIPTION"]))
        for event in calendar.walk("VEVENT") for a in event.walk("VALARM")
    ]


async def test_the_manage_page_sets_the_reminder_that_the_personal_feed_carries(
    bishkek: str, browser: Browser, services: Services
) -> None:
    token, me_headers = await _registered(browser, services)
    manage = f"/manage/{token}"
    page = assert_valid_page((await browser.page(manage)).text)
    choices = {i.get("value"): i.get("checked") is not None for i in elements(page, "input") if i.get("name") == "reminder"}
    assert choices == {"none": False, "15m": False, "1h": False, "1d": True}  # as asked for when registering

    feed_path = (await browser.client.get("/api/me", headers=me_headers)).json()["feed_url"].removeprefix(BASE)
    before = await browser.client.get(feed_path)
    assert _alarms(before.content) == [("DISPLAY", "-P1D", f"Reminder: {TEST_LABS}")]

    saved = await browser.submit(manage, f"{manage}/reminder", {"reminder": "15m"})
    assert location(saved) == f"{manage}?reminder_saved=true"
    assert 'role="status"' in (await browser.page(f"{manage}?reminder_saved=true")).text
    after = await browser.client.get(feed_path)
    assert _alarms(after.content) == [("DISPLAY", "-PT15M", f"Reminder: {TEST_LABS}")]
    assert after.headers["etag"] != before.headers["etag"]
    [was] = icalendar.Calendar.from_ical(before.content).walk("VEVENT")
    [now] = icalendar.Calendar.from_ical(after.content).walk("VEVENT")
    assert now["SEQUENCE"] > was["SEQUENCE"] and now.decoded("DTSTAMP") > was.decoded("DTSTAMP")

    refused = await browser.submit(manage, f"{manage}/reminder", {"reminder": "2w"})
    assert refused.status_code == 422
    assert _alarms((await browser.client.get(feed_path)).content) == [("DISPLAY", "-PT15M", f"Reminder: {TEST_LABS}")]

    public = await browser.client.get(f"/missions/{SLUG}/calendar.ics")
    assert b"VALARM" not in public.content
    assert b"VALARM" not in (await browser.client.get(f"/missions/{SLUG}/sessions/{await session_id(services, TEST_LABS)}/calendar.ics")).content


async def test_the_api_sets_and_shows_the_reminder_and_none_removes_the_alarm(
    bishkek: str, browser: Browser, services: Services
) -> None:
    _token, me_headers = await _registered(browser, services)
    changed = await browser.client.patch("/api/me", json={"reminder": "1h"}, headers=me_headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["reminder"] == "1h" and changed.json()["language"] == "en"
    feed_path = changed.json()["feed_url"].removeprefix(BASE)
    assert _alarms((await browser.client.get(feed_path)).content) == [("DISPLAY", "-PT1H", f"Reminder: {TEST_LABS}")]

    both = await browser.client.patch("/api/me", json={"reminder": "none", "language": "lv"}, headers=me_headers)
    assert (both.json()["reminder"], both.json()["language"]) == ("none", "lv")
    assert _alarms((await browser.client.get(feed_path)).content) == []

    wrong = await browser.client.patch("/api/me", json={"reminder": "2w"}, headers=me_headers)
    assert wrong.status_code == 422 and wrong.headers["content-type"].startswith("application/problem+json")
    nobody = await browser.client.patch("/api/me", json={"reminder": "1h"})
    assert nobody.status_code == 401


async def test_a_cancelled_session_reminds_nobody(bishkek: str, browser: Browser, services: Services) -> None:
    token, me_headers = await _registered(browser, services)
    await browser.client.delete(f"/api/me/registrations/{await session_id(services, TEST_LABS)}", headers=me_headers)
    feed_path = (await browser.client.get("/api/me", headers=me_headers)).json()["feed_url"].removeprefix(BASE)
    body = (await browser.client.get(feed_path)).content
    assert _alarms(body) == [] and b"STATUS:CANCELLED" in body
