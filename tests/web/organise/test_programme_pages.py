"""The programme's back office through its pages only: what an organiser sees and what
their forms change, on both databases, with the Bishkek mission loaded."""

from __future__ import annotations

import re

import pytest

from eventhub.domain.permissions import Role
from eventhub.domain.programme import SessionStatus
from eventhub.services import Services
from tests.web.conftest import SLUG, TEST_LABS, Browser, csrf_token, location, session_id

BASE = f"/organise/missions/{SLUG}"
CLINIC = "Export Readiness Clinic for Kyrgyz IT Companies"


@pytest.fixture
async def editor(browser: Browser, bishkek: str, organiser_account, sign_in) -> Browser:  # type: ignore[no-untyped-def]
    account = await organiser_account(role=Role.EDITOR, mission=bishkek)
    await sign_in(browser.client, account.email, account.password)
    return browser


@pytest.fixture
async def viewer(browser: Browser, bishkek: str, organiser_account, sign_in) -> Browser:  # type: ignore[no-untyped-def]
    account = await organiser_account(role=Role.VIEWER, mission=bishkek)
    await sign_in(browser.client, account.email, account.password)
    return browser


def _field_error(html: str, name: str, control_id: str | None = None) -> str:
    """The message shown next to the control called `name` (with that id, where several
    forms have one), which must say it is invalid."""
    where = f'id="{control_id}" ' if control_id else ""
    control = re.search(rf'<(?:input|select|textarea) {where}[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert control, f"no control named {name}"
    assert 'aria-invalid="true"' in control.group(0), control.group(0)
    described = re.search(r'aria-describedby="([^"]+)"', control.group(0))
    assert described
    error_id = next(i for i in described.group(1).split() if i.endswith("-error"))
    message = re.search(rf'id="{error_id}">(?:<span class="visually-hidden">[^<]*</span>)?([^<]+)<', html)
    assert message, error_id
    return message.group(1).strip()


async def test_the_overview_shows_days_fill_rates_conflicts_and_drafts(editor: Browser, services: Services) -> None:
    page = await editor.page(BASE)
    assert "Fill rates" in page.text and "fill-chart" in page.text
    assert "Monday, 7 December 2026" in page.text
    assert "No venue, person or travel conflict." in page.text
    labs = await session_id(services, TEST_LABS)
    clinic = await session_id(services, CLINIC)
    view = await services.sessions.get(SLUG, labs, None)
    # The clinic moves onto the workshop's venue and time: the overview names the clash, both linked.
    other = await services.sessions.get(SLUG, clinic, None)
    form = {
        "title": other.session.title, "kind": other.session.kind.value, "status": "published",
        "starts_at": view.session.starts_local.isoformat(timespec="minutes"),
        "ends_at": view.session.ends_local.isoformat(timespec="minutes"),
        "venue_id": str(view.session.venue_id), "registration": "open",
    }
    answer = await editor.submit(f"{BASE}/sessions/{clinic}", f"{BASE}/sessions/{clinic}", {**form, "allow_conflicts": "true"})
    assert location(answer) == f"{BASE}/sessions/{clinic}?done=saved"
    page = await editor.page(BASE)
    assert "Same venue at the same time" in page.text
    assert f'href="{BASE}/sessions/{labs}"' in page.text and f'href="{BASE}/sessions/{clinic}"' in page.text


async def test_a_session_that_would_conflict_is_not_saved_until_the_organiser_says_so(
    editor: Browser, services: Services
) -> None:
    labs = await services.sessions.get(SLUG, await session_id(services, TEST_LABS), None)
    clinic_id = await session_id(services, CLINIC)
    clinic = await services.sessions.get(SLUG, clinic_id, None)
    path = f"{BASE}/sessions/{clinic_id}"
    moved = {
        "title": clinic.session.title, "kind": clinic.session.kind.value, "status": "published", "registration": "open",
        "starts_at": labs.session.starts_local.isoformat(timespec="minutes"),
        "ends_at": labs.session.ends_local.isoformat(timespec="minutes"),
        "venue_id": str(labs.session.venue_id),
    }
    answer = await editor.submit(path, path, moved)
    assert answer.status_code == 409
    assert "Not saved: this would conflict" in answer.text
    assert TEST_LABS in answer.text and f'href="{BASE}/sessions/{labs.session.id}"' in answer.text
    assert 'name="allow_conflicts" value="true"' in answer.text  # "Save anyway"
    unchanged = await services.sessions.get(SLUG, clinic_id, None)
    assert unchanged.session.starts_local == clinic.session.starts_local

    anyway = await editor.client.post(
        path, data={**moved, "allow_conflicts": "true", "_csrf_token": csrf_token(answer.text)}, follow_redirects=False
    )
    assert location(anyway) == f"{path}?done=saved"
    saved = await services.sessions.get(SLUG, clinic_id, None)
    assert saved.session.starts_local == labs.session.starts_local


async def test_checking_for_conflicts_saves_nothing(editor: Browser, services: Services) -> None:
    clinic_id = await session_id(services, CLINIC)
    clinic = await services.sessions.get(SLUG, clinic_id, None)
    path = f"{BASE}/sessions/{clinic_id}"
    form = {
        "title": "Renamed", "kind": clinic.session.kind.value, "status": "published", "registration": "open",
        "starts_at": clinic.session.starts_local.isoformat(timespec="minutes"),
        "ends_at": clinic.session.ends_local.isoformat(timespec="minutes"),
        "venue_id": str(clinic.session.venue_id or ""), "intent": "check",
    }
    answer = await editor.submit(path, path, form)
    assert answer.status_code == 200 and "No conflicts" in answer.text
    assert (await services.sessions.get(SLUG, clinic_id, None)).session.title == clinic.session.title


async def test_a_new_session_with_wrong_fields_shows_each_error_next_to_its_field(editor: Browser) -> None:
    path = f"{BASE}/sessions/new"
    answer = await editor.submit(path, path, {
        "title": "", "kind": "workshop", "status": "draft", "registration": "open",
        "starts_at": "2026-12-08T12:00", "ends_at": "2026-12-08T11:00", "capacity": "many",
    })
    assert answer.status_code == 422
    assert _field_error(answer.text, "title") == "Fill in this field."
    assert _field_error(answer.text, "capacity") == "Enter a whole number from 0 to 1000000."


async def test_a_new_session_is_created_as_a_draft_and_the_overview_lists_it(editor: Browser, services: Services) -> None:
    path = f"{BASE}/sessions/new"
    form = await editor.page(path)
    assert 'name="starts_at"' in form.text and 'name="venue_id"' in form.text and 'name="speakers-0-person_id"' in form.text
    answer = await editor.submit(path, path, {
        "title": "Closing reception", "kind": "networking", "status": "draft", "registration": "none",
        "starts_at": "2026-12-10T19:00", "ends_at": "2026-12-10T21:00",
    })
    new_path = location(answer)
    assert re.fullmatch(rf"{BASE}/sessions/\d+\?done=created", new_path)
    created = await editor.page(new_path)
    assert "The session was added." in created.text and "badge-draft" in created.text
    overview = await editor.page(BASE)
    assert "Closing reception" in overview.text
    assert "Publishing them:" in overview.text and "2 sessions published; 0 attendees will be mailed." in overview.text


async def test_cancelling_with_a_reason_reaches_the_public_page(editor: Browser, services: Services) -> None:
    labs = await session_id(services, TEST_LABS)
    path = f"{BASE}/sessions/{labs}"
    answer = await editor.submit(path, f"{path}/cancel", {"reason": "The trainer is ill."})
    assert location(answer) == f"{path}?done=cancelled"
    view = await services.sessions.get(SLUG, labs, None)
    assert view.session.status == SessionStatus.CANCELLED and view.session.cancel_reason == "The trainer is ill."
    public = await editor.page(f"/missions/{SLUG}/sessions/{labs}")
    assert "The trainer is ill." in public.text


async def test_a_session_with_registrations_cannot_be_deleted_one_without_can(editor: Browser, services: Services) -> None:
    labs = await session_id(services, TEST_LABS)
    await editor.register(labs, "Aida Bekova", "aida@example.org")
    path = f"{BASE}/sessions/{labs}"
    page = await editor.page(path)
    assert "cannot be deleted: cancel it instead" in page.text
    answer = await editor.submit(path, f"{path}/delete", {})
    assert answer.status_code == 409 and "cancel it instead" in answer.text
    assert (await services.sessions.get(SLUG, labs, None)).session.title == TEST_LABS

    clinic = await session_id(services, CLINIC)
    answer = await editor.submit(f"{BASE}/sessions/{clinic}", f"{BASE}/sessions/{clinic}/delete", {})
    assert location(answer) == f"{BASE}/sessions?done=deleted"
    assert CLINIC not in (await editor.page(f"{BASE}/sessions")).text


async def test_the_session_list_filters_edits_inline_and_shifts_in_bulk_after_a_preview(
    editor: Browser, services: Services
) -> None:
    page = await editor.page(f"{BASE}/sessions?day=2026-12-08")
    mission, day_two = await services.sessions.list(SLUG, None)
    on_day = [v for v in day_two if v.session.starts_local.date().isoformat() == "2026-12-08"]
    assert on_day and all(v.session.title in page.text for v in on_day)
    others = [v for v in day_two if v.session.starts_local.date().isoformat() != "2026-12-08"]
    assert others and all(f">{v.session.title}<" not in page.text for v in others)

    ids = [str(v.session.id) for v in on_day]
    fields = {"action": "shift", "minutes": "30", "venue_id": "", "reason": "", "intent": "preview", "filter_day": "2026-12-08"}
    preview = await editor.client.post(
        f"{BASE}/sessions/bulk", data={**fields, "session_ids": ids, "_csrf_token": csrf_token(page.text)},
        follow_redirects=False,
    )
    assert preview.status_code == 200, preview.text[:500]
    assert f"{len(ids)} sessions moved; 0 attendees will be mailed." in preview.text
    before = {v.session.id: v.session.starts_local for v in on_day}
    for i in ids:  # a preview changes nothing
        assert (await services.sessions.get(SLUG, int(i), None)).session.starts_local == before[int(i)]

    applied = await editor.client.post(
        f"{BASE}/sessions/bulk",
        data={**fields, "intent": "apply", "session_ids": ids, "_csrf_token": csrf_token(preview.text)},
        follow_redirects=False,
    )
    assert location(applied) == f"{BASE}/sessions?day=2026-12-08&done=bulk&count={len(ids)}"
    for i in ids:
        moved = (await services.sessions.get(SLUG, int(i), None)).session.starts_local
        assert (moved - before[int(i)]).total_seconds() == 30 * 60

    first = int(ids[0])
    inline = await editor.client.post(
        f"{BASE}/sessions/{first}/inline",
        data={"title": "Renamed in the list", "status": "published", "capacity": "", "_csrf_token": csrf_token(preview.text)},
        follow_redirects=False,
    )
    assert location(inline) == f"{BASE}/sessions?done=saved"
    assert (await services.sessions.get(SLUG, first, None)).session.title == "Renamed in the list"


async def test_venues_people_and_travel_times_through_their_pages(editor: Browser, services: Services) -> None:
    venues = f"{BASE}/venues"
    answer = await editor.submit(venues, venues, {"name": "Ala-Too Square", "address": "Bishkek", "capacity": "", "timezone": ""})
    assert location(answer) == f"{venues}?done=added"
    taken = await editor.submit(venues, venues, {"name": "Ala-Too Square"})
    assert taken.status_code == 422 and "Another venue already has this name." in taken.text

    people = f"{BASE}/people"
    answer = await editor.submit(people, people, {"name": "Ira Raciņa", "affiliation": "LIKTA", "email": "not-an-address"})
    assert answer.status_code == 422
    assert _field_error(answer.text, "email", "person-new-email") == "Enter an e-mail address in the form name@example.org."
    answer = await editor.submit(people, people, {"name": "Ira Raciņa", "affiliation": "LIKTA", "email": "ira@example.org"})
    assert location(answer) == f"{people}?done=added"
    assert "Ira Raciņa" in (await editor.page(people)).text

    _mission, listed = await services.venues.list(SLUG, None)
    a, b = listed[0].id, listed[-1].id
    travel = f"{BASE}/travel-times"
    wrong = await editor.submit(travel, travel, {f"minutes-{a}-{b}": "soon"})
    assert wrong.status_code == 422 and 'aria-invalid="true"' in wrong.text
    answer = await editor.submit(travel, travel, {f"minutes-{a}-{b}": "25"})
    assert location(answer) == f"{travel}?done=saved"
    rows = await services.travel_times.get(SLUG, None)
    assert [(r.from_venue_id, r.to_venue_id, r.minutes) for r in rows] == [(a, b, 25)]
    page = await editor.page(travel)
    assert f'name="minutes-{b}-{a}" type="number" min="0" max="1440" inputmode="numeric" value="25"' in page.text


async def test_a_mission_is_created_edited_and_published_through_its_forms(
    browser: Browser, organiser_account, sign_in, services: Services  # type: ignore[no-untyped-def]
) -> None:
    account = await organiser_account(all_missions=True)
    await sign_in(browser.client, account.email, account.password)
    new = "/organise/missions/new"
    fields = {
        "slug": "riga-2027", "title": "Riga 2027", "host_country": "LV", "timezone": "Europe/Riga",
        "starts_on": "2027-03-26", "ends_on": "2027-03-28", "default_language": "en", "content_languages": "ru",
    }
    answer = await browser.submit(new, new, {**fields, "starts_on": "26 March"})
    assert answer.status_code == 422 and _field_error(answer.text, "starts_on") == "Enter a date as YYYY-MM-DD."
    answer = await browser.submit(new, new, fields)
    assert location(answer) == "/organise/missions/riga-2027?done=created"
    mission = await services.missions.get("riga-2027", await _owner(services, account.email))
    assert mission.content_languages == ["ru"]
    edit = "/organise/missions/riga-2027/edit"
    answer = await browser.submit(edit, edit, {**fields, "title": "Riga IT week 2027", "status": "draft"})
    assert location(answer) == f"{edit}?done=saved"
    overview = await browser.page("/organise/missions/riga-2027")
    assert "Riga IT week 2027" in overview.text and "Publish the mission" in overview.text
    answer = await browser.submit("/organise/missions/riga-2027", "/organise/missions/riga-2027/publish", {})
    assert location(answer) == "/organise/missions/riga-2027?done=published"
    assert (await browser.page("/missions/riga-2027")).status_code == 200


async def test_a_viewer_reads_the_pages_and_every_change_is_refused(viewer: Browser, services: Services) -> None:
    labs = await session_id(services, TEST_LABS)
    page = await viewer.page(f"{BASE}/sessions/{labs}")
    assert "lets you read this page, not change it" in page.text
    token = csrf_token(page.text)
    for action, data in [
        (f"{BASE}/sessions/{labs}/cancel", {"reason": "no"}),
        (f"{BASE}/sessions/{labs}", {"title": "x"}),
        (f"{BASE}/sessions/{labs}/delete", {}),
        (f"{BASE}/sessions/bulk", {"action": "publish", "session_ids": str(labs)}),
        (f"{BASE}/venues", {"name": "Somewhere"}),
        (f"{BASE}/travel-times", {}),
        (f"{BASE}/edit", {"title": "Mine now"}),
        (f"{BASE}/publish", {}),
    ]:
        answer = await viewer.client.post(action, data={**data, "_csrf_token": token}, follow_redirects=False)
        assert answer.status_code == 403, action
    view = await services.sessions.get(SLUG, labs, None)
    assert view.session.status == SessionStatus.PUBLISHED


async def _owner(services: Services, email: str):  # type: ignore[no-untyped-def]
    account = await services.accounts.find(email)
    assert account is not None
    signed = await services.accounts.start_session(account.id)
    return signed.organiser
