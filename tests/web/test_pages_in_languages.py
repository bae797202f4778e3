"""The public pages in Russian, Latvian and Kyrgyz: no English interface text left, dates
and plural forms by CLDR, the mission's translated content where it exists."""

from __future__ import annotations

import icalendar
import pytest
from httpx import Response

from eventhub.services import Services
from tests.web.conftest import SLUG, TEST_LABS, Browser, csrf_token, location, session_id
from tests.web.english import english_left, page_strings
from tests.web.html import assert_valid_page, elements, text_of

AGENDA = f"/missions/{SLUG}"
LANGUAGES = ["ru", "lv", "ky"]


async def _page(browser: Browser, path: str, language: str, expect: int = 200) -> Response:
    response = await browser.client.get(path, headers={"Accept": "text/html", "Accept-Language": language})
    assert response.status_code == expect, response.text[:2000]
    assert response.headers["content-language"] == language
    return response


def _assert_in(language: str, html: str) -> str:
    root = assert_valid_page(html, language)
    assert english_left(page_strings(root), language) == []
    return text_of(root)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_agenda_and_a_session_page_have_no_english_interface_text(
    bishkek: str, browser: Browser, services: Services, language: str
) -> None:
    _assert_in(language, (await _page(browser, "/", language)).text)
    _assert_in(language, (await _page(browser, AGENDA, language)).text)
    _assert_in(language, (await _page(browser, f"{AGENDA}?kind=workshop", language)).text)
    sid = await session_id(services, TEST_LABS)
    _assert_in(language, (await _page(browser, f"{AGENDA}/sessions/{sid}", language)).text)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_registering_answers_and_manages_in_the_readers_language(
    bishkek: str, browser: Browser, services: Services, language: str
) -> None:
    sid = await session_id(services, TEST_LABS)
    path = f"{AGENDA}/sessions/{sid}"
    form = await _page(browser, path, language)
    headers = {"Accept": "text/html", "Accept-Language": language}
    invalid = await browser.client.post(path, headers=headers, data={
        "_csrf_token": csrf_token(form.text), "name": "", "email": "not-an-address"})
    assert invalid.status_code == 422
    _assert_in(language, invalid.text)

    answer = await browser.client.post(path, headers=headers, follow_redirects=False, data={
        "_csrf_token": csrf_token(form.text), "name": "Aida Ismailova", "email": f"aida.{language}@example.kg"})
    assert location(answer) == "/registrations/answer"
    _assert_in(language, (await _page(browser, "/registrations/answer", language)).text)
    manage = next(
        i.get("value") for i in elements(assert_valid_page((await _page(browser, "/registrations/answer", language)).text, language), "input")
        if i.get("id") == "manage-url"
    )
    manage_path = str(manage).removeprefix("https://events.example.org")
    _assert_in(language, (await _page(browser, manage_path, language)).text)
    # The attendee registered on a page in `language`: it is theirs for mail and feed.
    me = await browser.client.get("/api/me", headers={"Authorization": f"Bearer {manage_path.rsplit('/', 1)[1]}"})
    assert me.json()["language"] == language
    _assert_in(language, (await _page(browser, "/manage/not-a-token", language, expect=404)).text)


async def test_russian_pages_read_dates_seats_and_kinds_in_russian(
    bishkek: str, browser: Browser, services: Services
) -> None:
    text = _assert_in("ru", (await _page(browser, AGENDA, "ru")).text)  # text_of() folds CLDR's no-break spaces
    assert "понедельник, 7 декабря 2026 г." in text
    assert "Свободно 20 мест из 20" in text and "Регистрация открыта" in text
    assert "Воркшоп" in text and "Бишкек" in text
    sid = await session_id(services, TEST_LABS)
    session = _assert_in("ru", (await _page(browser, f"{AGENDA}/sessions/{sid}", "ru")).text)
    assert "понедельник, 7 декабря 2026 г., 14:30–16:30" in session
    assert "(принимающая сторона)" in session  # a speaker's role


async def test_latvian_pages_use_latvian_dates(bishkek: str, browser: Browser) -> None:
    text = _assert_in("lv", (await _page(browser, AGENDA, "lv")).text)
    assert "pirmdiena, 2026. gada 7. decembris" in text and "20 brīvu vietu no 20" in text


async def test_a_missions_default_language_applies_when_the_reader_names_none(
    bishkek: str, browser: Browser, auth: dict[str, str]
) -> None:
    # Its texts are written in Latvian now, so Latvian is no translation any more.
    changed = await browser.client.patch(
        f"/api/missions/{SLUG}", headers=auth, json={"default_language": "lv", "content_languages": ["ru"], "translations": {}}
    )
    assert changed.status_code == 200, changed.text
    plain = await browser.client.get(AGENDA, headers={"Accept": "text/html"})
    assert plain.headers["content-language"] == "lv"
    assert (await browser.client.get(AGENDA, headers={"Accept-Language": "ru"})).headers["content-language"] == "ru"
    assert (await browser.client.get("/", headers={"Accept": "text/html"})).headers["content-language"] == "en"


async def test_the_check_finds_english_interface_text_where_there_is_some(bishkek: str, browser: Browser) -> None:
    root = assert_valid_page((await _page(browser, AGENDA, "en")).text)
    left = english_left(page_strings(root), "ru")
    assert "Programme" in left and "Add the programme to your calendar" in left


async def test_an_attendee_changes_the_language_of_their_mail_and_feed_on_their_manage_page(
    bishkek: str, browser: Browser, services: Services
) -> None:
    sid = await session_id(services, TEST_LABS)
    answer = await browser.register(sid, "Ira Raciņa", "ira.lang@example.lv")
    assert location(answer) == "/registrations/answer"
    page = assert_valid_page((await browser.page("/registrations/answer")).text)
    manage = str(next(i.get("value") for i in elements(page, "input") if i.get("id") == "manage-url"))
    token = manage.rsplit("/", 1)[1]
    manage_path = f"/manage/{token}"
    saved = await browser.submit(manage_path, f"{manage_path}/language", {"language": "ky"})
    assert location(saved) == f"{manage_path}?language_saved=true"
    me = (await browser.client.get("/api/me", headers={"Authorization": f"Bearer {token}"})).json()
    assert me["language"] == "ky"
    feed_path = me["feed_url"].removeprefix("https://events.example.org")
    feed = icalendar.Calendar.from_ical((await browser.client.get(feed_path)).content)
    assert str(feed["X-WR-CALNAME"]).replace("\\,", ",") == "Менин программам: Латвия IT кластеринин Бишкекке бизнес-миссиясы, 2026"
    [event] = feed.walk("VEVENT")
    title = "IT чечимдери үчүн тест лабораторияларын түзүү: Латвиянын тажрыйбасы"
    assert str(event["SUMMARY"]) == title and str(event["URL"]).endswith("?lang=ky")
    english = icalendar.Calendar.from_ical((await browser.client.get(f"{feed_path}?lang=en")).content)
    assert str(english["X-WR-CALNAME"]) == "My programme: Latvian IT Cluster Business Mission to Bishkek 2026"
    assert [str(e["UID"]) for e in english.walk("VEVENT")] == [str(event["UID"])]
    refused = await browser.submit(manage_path, f"{manage_path}/language", {"language": "xx"})
    assert refused.status_code == 422
