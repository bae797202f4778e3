"""The attendee's meetings page: a profile with its errors next to the fields, the
directory, a request, answering it, and the meetings once published."""

from __future__ import annotations

from eventhub.db.services.meetings import PlanInput
from eventhub.db.services.registrations import SignupRequest
from eventhub.loader import LOADER
from eventhub.services import Services
from tests.web.conftest import SLUG, TEST_LABS, Browser, location, session_id


async def attendee(services: Services, name: str, email: str, session: int) -> str:
    outcome = await services.registrations.register(SLUG, SignupRequest(name, email, "", [session]), None)
    assert outcome.manage_token is not None
    return outcome.manage_token


async def test_two_attendees_find_each_other_ask_and_answer_on_their_pages(
    browser: Browser, services: Services, bishkek: str
) -> None:
    labs = await session_id(services, TEST_LABS)
    ira = await attendee(services, "Ira Raciņa", "ira@example.lv", labs)
    aida = await attendee(services, "Aida Ismailova", "aida@example.kg", labs)
    ira_page, aida_page = f"/manage/{ira}/meetings", f"/manage/{aida}/meetings"

    manage = await browser.page(f"/manage/{ira}")
    assert f'href="{ira_page}"' in manage.text
    first = await browser.page(ira_page)
    assert "Take part in meetings" in first.text and "Who takes part" not in first.text

    wrong = await browser.submit(ira_page, f"{ira_page}/profile", {"organisation": "Latvian IT Cluster", "country": "Latvia"})
    assert wrong.status_code == 422
    assert 'id="country" name="country"' in wrong.text and 'aria-invalid="true"' in wrong.text
    assert "two-letter code" in wrong.text
    saved = await browser.submit(ira_page, f"{ira_page}/profile",
                                 {"organisation": "Latvian IT Cluster", "country": "lv", "offer": "Export know-how"})
    assert location(saved) == f"{ira_page}?saved=true"
    await browser.submit(aida_page, f"{aida_page}/profile", {"organisation": "Technopark", "country": "KG",
                                                             "seek": "Test lab partners"})

    directory = await browser.page(ira_page)
    assert "Aida Ismailova" in directory.text and "Test lab partners" in directory.text
    aida_profile = (await services.meetings.my_profile(aida)).profile.id  # type: ignore[union-attr]
    sent = await browser.submit(ira_page, f"{ira_page}/requests", {"to_profile_id": str(aida_profile),
                                                                   "message": "Coffee about test labs?"})
    assert location(sent) == f"{ira_page}?sent=true"
    again = await browser.submit(ira_page, f"{ira_page}/requests", {"to_profile_id": str(aida_profile), "message": ""})
    assert again.status_code == 409 and "already have a pending or accepted request" in again.text

    inbox = await browser.page(aida_page)
    assert "Coffee about test labs?" in inbox.text and "Accept the request from Ira Raciņa" in inbox.text
    request_id = (await services.meetings.inbox(aida)).incoming[0].request.id
    accepted = await browser.submit(aida_page, f"{aida_page}/requests/{request_id}/accept", {})
    assert location(accepted) == f"{aida_page}?answered=accepted"
    assert "Accepted" in (await browser.page(ira_page)).text

    view = await services.meetings.plan(SLUG, LOADER)
    venue = next(iter(view.venues))
    evening = f"{view.mission.ends_on}T18:00", f"{view.mission.ends_on}T19:00"  # after the last day's programme
    await services.meetings.set_plan(SLUG, PlanInput(30, [(*evening, venue)], [("Table 1", venue)]), LOADER)
    await services.meetings.schedule(SLUG, LOADER)
    await services.meetings.publish(SLUG, LOADER)
    mine = await browser.page(ira_page)
    assert "My meetings" in mine.text and "Table 1" in mine.text and "Scheduled" in mine.text

    left = await browser.submit(aida_page, f"{aida_page}/withdraw", {})
    assert location(left) == aida_page
    assert "Cancelled" in (await browser.page(ira_page)).text
