"""The back office's meetings page: slots and tables typed in, the grid after a schedule,
left-out requests with their reasons, a move by hand, publish; a viewer sees but may not
change."""

from __future__ import annotations

from eventhub.db.services.registrations import SignupRequest
from eventhub.domain.meetings.requests import ProfileFields
from eventhub.domain.permissions import Role
from eventhub.loader import LOADER
from eventhub.services import Services
from tests.web.conftest import SLUG, TEST_LABS, Browser, csrf_token, location, session_id
from tests.web.organise.conftest import AccountFactory, SignIn

PAGE = f"/organise/missions/{SLUG}/meetings"


async def agreed(services: Services, labs: int, *pairs: tuple[str, str]) -> None:
    tokens: dict[str, str] = {}
    for name in {n for pair in pairs for n in pair}:
        outcome = await services.registrations.register(
            SLUG, SignupRequest(name, f"{name.split()[0].lower()}@example.org", "", [labs]), None)
        assert outcome.manage_token is not None
        tokens[name] = outcome.manage_token
        await services.meetings.save_profile(outcome.manage_token, ProfileFields(f"{name} Ltd", "KG", "", "", ""))
    for sender, recipient in pairs:
        to = await services.meetings.my_profile(tokens[recipient])
        assert to is not None
        asked = await services.meetings.ask(tokens[sender], to.profile.id, "")
        await services.meetings.answer(tokens[recipient], asked.request.id, accept=True)


async def post(browser: Browser, action: str, fields: dict[str, str]) -> str:
    response = await browser.submit(PAGE, action, fields)
    return location(response)


async def test_an_editor_plans_schedules_moves_and_publishes_and_a_viewer_only_looks(
    browser: Browser, services: Services, bishkek: str, organiser_account: AccountFactory, sign_in: SignIn
) -> None:
    labs = await session_id(services, TEST_LABS)
    await agreed(services, labs, ("Ira Racina", "Aida Ismailova"), ("Ira Racina", "Arstan Tazabekov"))
    editor = await organiser_account(role=Role.EDITOR, mission=SLUG)
    await sign_in(browser.client, editor.email, editor.password)

    empty = await browser.page(PAGE)
    assert "No slots or tables yet" in empty.text and 'aria-current="page"' in empty.text
    mission = await services.missions.get(SLUG, None)
    day = mission.ends_on.isoformat()
    bad = await browser.submit(PAGE, f"{PAGE}/plan", {"slot_minutes": "30", "windows": f"{day} 19:00 Nowhere Hall",
                                                      "tables": ""})
    assert bad.status_code == 422 and "A line could not be read" in bad.text
    assert await post(browser, f"{PAGE}/plan", {
        "slot_minutes": "30", "windows": f"{day} 19:00 19:30 Technopark Coworking Space",
        "tables": "Table 1 @ Technopark Coworking Space", "request_expiry_hours": "48", "max_open_requests": "5",
    }) == f"{PAGE}?done=saved"

    assert await post(browser, f"{PAGE}/schedule", {}) == f"{PAGE}?done=scheduled"
    planned = await browser.page(PAGE)
    assert "1 change not yet published." in planned.text
    assert "Their other meetings fill the slots they share." in planned.text  # Ira has one slot, two requests
    assert "Proven optimal." in planned.text

    assert await post(browser, f"{PAGE}/publish", {}) == f"{PAGE}?done=published"
    assert "0 changes not yet published." in (await browser.page(PAGE)).text

    view = await services.meetings.plan(SLUG, LOADER)
    placed = view.meetings[0].meeting.request_id
    busy = await browser.submit(PAGE, f"{PAGE}/{view.waiting[0].request.id}/move",
                                {"starts_at": f"{day}T19:00", "table_id": str(view.tables[0].id)})
    assert busy.status_code == 409 and "One of the two has another meeting then." in busy.text  # Ira, at 19:00
    assert await post(browser, f"{PAGE}/{placed}/lock", {}) == f"{PAGE}?done=saved"
    assert "Locked" in (await browser.page(PAGE)).text

    viewer = await organiser_account(role=Role.VIEWER, mission=SLUG)
    browser.client.cookies.clear()
    await sign_in(browser.client, viewer.email, viewer.password)
    assert "Table 1" in (await browser.page(PAGE)).text
    page = await browser.page(PAGE)
    refused = await browser.client.post(f"{PAGE}/publish", data={"_csrf_token": csrf_token(page.text)},
                                        headers={"Accept": "text/html"}, follow_redirects=False)
    assert refused.status_code == 403
