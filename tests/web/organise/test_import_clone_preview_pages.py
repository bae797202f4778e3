"""Importing a programme sheet, copying a mission to new dates, and previewing a draft
mission, through the back office's pages."""

from __future__ import annotations

import io
import re

import pytest
from markupsafe import escape
from openpyxl import Workbook

from eventhub.db.services.access import Organiser

from eventhub.domain.permissions import Role
from eventhub.domain.programme import SessionStatus
from eventhub.services import Services
from tests.web.conftest import SLUG, Browser, csrf_token, location
from tests.web.english import english_left, page_strings
from tests.web.html import assert_valid_page

BASE = f"/organise/missions/{SLUG}"
TEAM = Organiser(name="test", all_missions=True)  # sees the drafts too
HEADER = ["title", "kind", "date", "start", "end", "venue", "speakers", "capacity", "registration", "language", "status", "description"]


def sheet(*rows: list[object]) -> bytes:
    book = Workbook()
    page = book.active
    page.append(HEADER)
    for row in rows:
        page.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
async def editor(browser: Browser, bishkek: str, organiser_account, sign_in) -> Browser:  # type: ignore[no-untyped-def]
    account = await organiser_account(role=Role.EDITOR, mission=bishkek)
    await sign_in(browser.client, account.email, account.password)
    return browser


async def _upload(browser: Browser, content: bytes, name: str = "programme.xlsx"):  # type: ignore[no-untyped-def]
    page = await browser.page(f"{BASE}/import")
    return await browser.client.post(
        f"{BASE}/import", data={"_csrf_token": csrf_token(page.text), "intent": "preview"},
        files={"file": (name, content, "application/octet-stream")}, follow_redirects=False,
    )


async def test_a_sheet_with_a_bad_row_is_refused_by_row_and_column_and_creates_nothing(
    editor: Browser, services: Services
) -> None:
    _mission, before = await services.sessions.list(SLUG, None)
    answer = await _upload(editor, sheet(
        ["Tech tour", "site_visit", "2026-12-09", "14:00", "16:00", "Hi-Tech Park", "Ira Raciņa", 15, "open", "en", "published", ""],
        ["Broken", "party", "2026-12-09", "25:00", "26:00", "", "", "", "", "", "", ""],
    ))
    assert answer.status_code == 422
    rows = re.findall(r'<tr><td class="number">(\d+)</td><td><code>([a-z_]+)</code></td>', answer.text)
    assert ("3", "kind") in rows and ("3", "start") in rows
    assert "Import all of it" not in answer.text
    _mission, after = await services.sessions.list(SLUG, None)
    assert len(after) == len(before)


@pytest.mark.parametrize("language", ["ru", "lv", "ky"])
async def test_a_refused_sheet_says_what_is_wrong_in_the_readers_language(editor: Browser, language: str) -> None:
    page = await editor.page(f"{BASE}/import")
    answer = await editor.client.post(
        f"{BASE}/import", headers={"Accept": "text/html", "Accept-Language": language},
        data={"_csrf_token": csrf_token(page.text), "intent": "preview"},
        files={"file": ("programme.xlsx", sheet(
            ["Broken", "party", "2026-12-09", "25:00", "26:00", "", "", "many", "", "", "", ""],
            ["", "workshop", "09.12.2026", "10:00", "11:00", "", "", "", "", "", "", ""],
        ), "application/octet-stream")}, follow_redirects=False,
    )
    assert answer.status_code == 422
    assert answer.headers["content-language"] == language
    root = assert_valid_page(answer.text, language)
    assert english_left(page_strings(root), language) == []
    cells = re.findall(r'<td class="number">\d+</td><td><code>[a-z_]+</code></td><td>([^<]+)</td>', answer.text)
    assert len(cells) == 6  # kind, start, end, capacity of row 2; title and date of row 3 ...
    assert "party" in " ".join(cells)  # ... the wrong value quoted in the translated text


async def test_a_corrected_sheet_is_previewed_then_imported_whole(editor: Browser, services: Services) -> None:
    content = sheet(
        ["Tech tour", "site_visit", "2026-12-09", "14:00", "16:00", "Hi-Tech Park", "Ira Raciņa; Aibek Tokonov", 15, "open", "en", "published", ""],
        ["Evening walk", "networking", "2026-12-09", "19:00", "20:30", "Old Square", "", "", "none", "", "draft", ""],
    )
    preview = await _upload(editor, content)
    assert preview.status_code == 200, preview.text[:1000]
    assert "2 sessions to create" in preview.text
    assert "Hi-Tech Park" in preview.text and "Aibek Tokonov" in preview.text
    _mission, before = await services.sessions.list(SLUG, None)
    assert not any(v.session.title == "Tech tour" for v in before)  # a preview stores nothing

    carried = re.search(r'name="content" value="([^"]+)"', preview.text)
    assert carried
    answer = await editor.client.post(
        f"{BASE}/import",
        data={"_csrf_token": csrf_token(preview.text), "intent": "import", "filename": "programme.xlsx", "content": carried.group(1)},
        follow_redirects=False,
    )
    assert location(answer) == f"{BASE}/import?created=2"
    _mission, after = await services.sessions.list(SLUG, TEAM)
    titles = {v.session.title: v for v in after}
    assert titles["Tech tour"].session.venue is not None and titles["Tech tour"].session.venue.name == "Hi-Tech Park"
    assert [s.person.name for s in titles["Tech tour"].session.speakers] == ["Ira Raciņa", "Aibek Tokonov"]
    assert titles["Evening walk"].session.status == SessionStatus.DRAFT


async def test_a_mission_is_copied_to_new_dates_as_a_draft(
    browser: Browser, bishkek: str, organiser_account, sign_in, services: Services  # type: ignore[no-untyped-def]
) -> None:
    account = await organiser_account(all_missions=True)
    await sign_in(browser.client, account.email, account.password)
    form = f"{BASE}/clone"
    answer = await browser.submit(form, form, {"slug": "bishkek-2027", "starts_on": "2027-12-06"})
    assert location(answer) == "/organise/missions/bishkek-2027?done=cloned"
    overview = await browser.page("/organise/missions/bishkek-2027")
    assert "Monday, 6 December 2027" in overview.text and "This mission is a draft" in overview.text
    taken = await browser.submit(form, form, {"slug": "bishkek-2027", "starts_on": "2027-12-06"})
    assert taken.status_code == 422 and "Another mission already has this address." in taken.text


async def test_an_editor_cannot_copy_a_mission(editor: Browser) -> None:
    page = await editor.page(BASE)
    answer = await editor.client.post(
        f"{BASE}/clone", data={"slug": "mine", "starts_on": "2027-01-01", "_csrf_token": csrf_token(page.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 403


async def test_a_draft_mission_is_previewed_as_the_public_will_see_it(editor: Browser, services: Services) -> None:
    _mission, public = await services.sessions.list(SLUG, None)
    _mission, everything = await services.sessions.list(SLUG, TEAM)
    draft = next(v.session.title for v in everything if v.session.status == SessionStatus.DRAFT)
    page = await editor.page(f"{BASE}/preview")
    assert "as the public will see it" in page.text
    assert all(str(escape(v.session.title)) in page.text for v in public)
    assert str(escape(draft)) not in page.text
