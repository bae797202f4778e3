"""The timetable editor's page and its move address, as the script and a plain form use them."""

from __future__ import annotations

import re

import pytest

from eventhub.domain.permissions import Role
from eventhub.services import Services
from tests.web.conftest import SLUG, TEST_LABS, Browser, csrf_token, location, session_id

BASE = f"/organise/missions/{SLUG}"
CLINIC = "Export Readiness Clinic for Kyrgyz IT Companies"
JSON = {"Accept": "application/json"}


@pytest.fixture
async def editor(browser: Browser, bishkek: str, organiser_account, sign_in) -> Browser:  # type: ignore[no-untyped-def]
    account = await organiser_account(role=Role.EDITOR, mission=bishkek)
    await sign_in(browser.client, account.email, account.password)
    return browser


async def test_the_grid_places_sessions_by_wall_clock_time_with_a_column_per_venue(
    editor: Browser, services: Services
) -> None:
    page = await editor.page(f"{BASE}/timetable")
    _mission, venues = await services.venues.list(SLUG, None)
    for venue in venues:
        assert f'data-venue="{venue.id}">{venue.name}' in page.text
    labs = await services.sessions.get(SLUG, await session_id(services, TEST_LABS), None)
    length = (labs.session.ends_local - labs.session.starts_local).total_seconds() / 60
    card = re.search(rf'<td rowspan="(\d+)" class="tt-slot"><div class="tt-card[^"]*" data-session="{labs.session.id}"', page.text)
    assert card and int(card.group(1)) * 5 == length  # five minutes a row
    assert f'data-starts="{labs.session.starts_local.isoformat(timespec="minutes")}"' in page.text
    assert 'class="tt-card tt-draft' in page.text  # the fixture's draft is visibly one
    assert "Move a session" in page.text  # the form for moves without a mouse or script


async def test_a_move_by_the_script_is_refused_with_its_conflicts_then_made_anyway_and_undone(
    editor: Browser, services: Services
) -> None:
    page = await editor.page(f"{BASE}/timetable")
    token = csrf_token(page.text)
    labs = await services.sessions.get(SLUG, await session_id(services, TEST_LABS), None)
    clinic_id = await session_id(services, CLINIC)
    clinic = await services.sessions.get(SLUG, clinic_id, None)
    onto_labs = {
        "session_id": str(clinic_id), "venue_id": str(labs.session.venue_id),
        "starts_at": labs.session.starts_local.isoformat(timespec="minutes"),
        "ends_at": labs.session.ends_local.isoformat(timespec="minutes"), "_csrf_token": token,
    }
    refused = await editor.client.post(f"{BASE}/timetable/move", data=onto_labs, headers=JSON)
    assert refused.status_code == 409
    answer = refused.json()
    assert answer["status"] == "conflict"
    assert any(s["title"] == TEST_LABS and s["href"] == f"{BASE}/sessions/{labs.session.id}"
               for c in answer["conflicts"] for s in c["sessions"])
    assert (await services.sessions.get(SLUG, clinic_id, None)).session.starts_local == clinic.session.starts_local

    moved = await editor.client.post(f"{BASE}/timetable/move", data={**onto_labs, "allow_conflicts": "true"}, headers=JSON)
    assert moved.status_code == 200 and moved.json()["status"] == "moved"
    assert (await services.sessions.get(SLUG, clinic_id, None)).session.starts_local == labs.session.starts_local
    undo = moved.json()["undo"]
    assert undo["starts_at"] == clinic.session.starts_local.isoformat(timespec="minutes")

    back = await editor.client.post(
        f"{BASE}/timetable/move", data={**undo, "allow_conflicts": "true", "_csrf_token": token}, headers=JSON
    )
    assert back.status_code == 200
    restored = (await services.sessions.get(SLUG, clinic_id, None)).session
    assert (restored.starts_local, restored.venue_id) == (clinic.session.starts_local, clinic.session.venue_id)


async def test_a_move_through_the_form_redirects_to_the_timetable_with_an_undo(editor: Browser, services: Services) -> None:
    clinic_id = await session_id(services, CLINIC)
    clinic = (await services.sessions.get(SLUG, clinic_id, None)).session
    later = clinic.starts_local.replace(hour=clinic.starts_local.hour + 1)
    length = clinic.ends_local - clinic.starts_local
    answer = await editor.submit(f"{BASE}/timetable", f"{BASE}/timetable/move", {
        "session_id": str(clinic_id), "venue_id": str(clinic.venue_id or ""),
        "starts_at": later.isoformat(timespec="minutes"), "ends_at": (later + length).isoformat(timespec="minutes"),
    })
    target = location(answer)
    assert target.startswith(f"{BASE}/timetable?moved={clinic_id}&")
    page = await editor.page(target.split("#")[0])
    assert "Undo the move" in page.text
    assert f'name="starts_at" value="{clinic.starts_local.isoformat(timespec="minutes")}"' in page.text


async def test_a_move_with_an_impossible_time_is_refused_next_to_its_field(editor: Browser, services: Services) -> None:
    clinic_id = await session_id(services, CLINIC)
    answer = await editor.submit(f"{BASE}/timetable", f"{BASE}/timetable/move", {
        "session_id": str(clinic_id), "starts_at": "2026-12-09T12:00", "ends_at": "2026-12-09T11:00", "venue_id": "",
    })
    assert answer.status_code == 422
    assert "The end must be after the start." in answer.text
