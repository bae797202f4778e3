"""Ids no row can have, in any page route, are the page's 404 on both databases (on
PostgreSQL they once reached asyncpg as a DataError, a 500)."""

from __future__ import annotations

import pytest

from tests.web.conftest import SLUG, Browser

HUGE = [2**63, 2**64 + 1, 0]


@pytest.mark.parametrize("huge", HUGE)
async def test_a_session_page_with_an_impossible_id_is_404(browser: Browser, bishkek: str, huge: int) -> None:
    response = await browser.page(f"/missions/{SLUG}/sessions/{huge}", expect=404)
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("huge", HUGE)
async def test_manage_and_register_forms_with_an_impossible_id_are_404(browser: Browser, bishkek: str, huge: int) -> None:
    sessions = (await browser.client.get(f"/api/missions/{SLUG}/sessions")).json()
    open_session = next(s for s in sessions if s["registration"] == "open")
    form_page = f"/missions/{SLUG}/sessions/{open_session['id']}"  # a page with a form (and CSRF field)
    for action in [
        f"/missions/{SLUG}/sessions/{huge}",
        f"/manage/ehm_not-a-real-token/registrations/{huge}/cancel",
        f"/manage/ehm_not-a-real-token/sessions/{huge}/register",
    ]:
        fields = {"name": "Ira", "email": "ira@example.lv"} if action.endswith(str(huge)) else {}
        response = await browser.submit(form_page, action, fields)
        assert response.status_code == 404, (action, response.text[:500])
        assert response.headers["content-type"].startswith("text/html")
