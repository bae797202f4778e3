"""A long programme's agenda, one day at a time: plain day links, the whole programme a link
away, filters and the "my programme" selection kept. (The Bishkek mission, 18 sessions over
five days, counts as long here: the limit is lowered for the test.)"""

from __future__ import annotations

import pytest

from eventhub.web import views
from tests.web.conftest import SLUG, Browser
from tests.web.html import assert_valid_page, elements, text_of

AGENDA = f"/missions/{SLUG}"


@pytest.fixture(autouse=True)
def long_programme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "ONE_PAGE_SESSIONS", 5)


def day_nav(root: object) -> dict[str, str]:
    nav = next(n for n in elements(root, "nav") if n.get("aria-label") == "Days")
    return {text_of(a): (a.get("href"), a.get("aria-current")) for a in elements(nav, "a")}


async def test_a_long_programme_opens_on_its_next_day_with_links_to_every_day(bishkek: str, browser: Browser) -> None:
    root = assert_valid_page((await browser.page(AGENDA)).text)  # the clock is before the mission
    assert [text_of(h) for h in elements(root, "h3")] == ["Monday, 7 December 2026"]
    links = day_nav(root)
    assert len(links) == 6
    assert links["Mon 7 Dec"] == (f"{AGENDA}?day=2026-12-07", "page")
    assert links["Tue 8 Dec"] == (f"{AGENDA}?day=2026-12-08", None)
    assert links["The whole programme"] == (f"{AGENDA}?day=all", None)
    # The day's sessions can still be ticked and registered for in one go.
    assert elements(root, "form") and any(i.get("name") == "session_ids" for i in elements(root, "input"))


async def test_each_day_has_its_page_and_the_whole_programme_is_one_page(bishkek: str, browser: Browser) -> None:
    tuesday = assert_valid_page((await browser.page(f"{AGENDA}?day=2026-12-08")).text)
    assert [text_of(h) for h in elements(tuesday, "h3")] == ["Tuesday, 8 December 2026"]
    assert day_nav(tuesday)["Tue 8 Dec"][1] == "page"
    whole = assert_valid_page((await browser.page(f"{AGENDA}?day=all")).text)
    assert len(elements(whole, "h3")) == 5
    links = day_nav(whole)
    assert links["Tue 8 Dec"] == ("#day-2026-12-08", None)
    assert links["One day at a time"] == (AGENDA, None)
    # A day that is not in the programme shows the default day rather than an empty page.
    other = assert_valid_page((await browser.page(f"{AGENDA}?day=2031-01-01")).text)
    assert [text_of(h) for h in elements(other, "h3")] == ["Monday, 7 December 2026"]


async def test_the_kind_filter_keeps_the_day_and_the_day_links_keep_the_kind(bishkek: str, browser: Browser) -> None:
    root = assert_valid_page((await browser.page(f"{AGENDA}?day=2026-12-08")).text)
    chips = {text_of(a): a.get("href") for a in elements(root, "a") if "chip" in (a.get("class") or "")}
    assert chips["Workshop"] == f"{AGENDA}?day=2026-12-08&kind=workshop"
    filtered = assert_valid_page((await browser.page(f"{AGENDA}?day=all&kind=workshop")).text)
    assert all("kind=workshop" in href or href.startswith("#") for href, _ in day_nav(filtered).values())
