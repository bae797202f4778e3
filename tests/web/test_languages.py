"""Pages in the reader's language: ?lang=, the switcher's cookie, Accept-Language."""

from __future__ import annotations

from tests.web.conftest import SLUG, Browser
from tests.web.html import assert_valid_page, by_id, elements, text_of

AGENDA = f"/missions/{SLUG}"


def _lang(html: str) -> str:
    return str(assert_valid_page(html, lang=None).get("lang"))


async def test_lang_in_the_query_picks_the_pages_language_and_the_response_says_so(
    bishkek: str, browser: Browser
) -> None:
    page = await browser.client.get(f"{AGENDA}?lang=ru", headers={"Accept": "text/html", "Accept-Language": "lv"})
    assert _lang(page.text) == "ru"
    assert page.headers["content-language"] == "ru"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in page.headers["vary"].split(",")}
    assert "Перейти к содержанию" in page.text and "Skip to content" not in page.text


async def test_the_browsers_accept_language_applies_without_a_choice(bishkek: str, browser: Browser) -> None:
    page = await browser.client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9,lv;q=0.8,en;q=0.5"})
    assert _lang(page.text) == "lv" and page.headers["content-language"] == "lv"
    plain = await browser.client.get("/", headers={"Accept-Language": "de-DE"})
    assert _lang(plain.text) == "en" and plain.headers["content-language"] == "en"


async def test_the_switcher_remembers_the_choice_over_the_browsers_and_the_query_still_wins(
    bishkek: str, browser: Browser
) -> None:
    home = assert_valid_page((await browser.page("/")).text)
    switcher = next(f for f in elements(home, "form") if f.get("action") == "/language")
    assert [b.get("value") for b in elements(switcher, "button")] == ["en", "ru", "lv", "ky"]
    assert [text_of(b) for b in elements(switcher, "button")] == ["English", "Русский", "Latviešu", "Кыргызча"]

    answer = await browser.client.post(
        "/language", data={"lang": "ky", "next": f"{AGENDA}?kind=workshop"}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == f"{AGENDA}?kind=workshop"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("eventhub_lang=ky;") and "HttpOnly" in cookie and "Secure" in cookie

    agenda = await browser.client.get(AGENDA, headers={"Accept-Language": "ru"})
    assert _lang(agenda.text) == "ky"
    assert _lang((await browser.client.get(f"{AGENDA}?lang=en")).text) == "en"


async def test_the_switcher_returns_only_to_this_site(bishkek: str, browser: Browser) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "missions"):
        answer = await browser.client.post("/language", data={"lang": "ru", "next": target}, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/", target
    unknown = await browser.client.post("/language", data={"lang": "xx", "next": "/"}, follow_redirects=False)
    assert unknown.status_code == 303 and "set-cookie" not in unknown.headers


async def test_public_pages_link_their_other_languages_and_private_pages_do_not(
    bishkek: str, browser: Browser
) -> None:
    root = assert_valid_page((await browser.page(f"{AGENDA}?kind=workshop&lang=lv")).text, "lv")
    alternates = {
        link.get("hreflang"): link.get("href") for link in elements(root, "link") if link.get("rel") == "alternate"
    }
    base = f"https://events.example.org{AGENDA}?kind=workshop"
    assert alternates == {
        "en": f"{base}&lang=en", "ru": f"{base}&lang=ru", "lv": f"{base}&lang=lv", "ky": f"{base}&lang=ky",
        "x-default": base,
    }
    assert root.get("lang") == "lv"
    switcher_next = next(i for i in elements(root, "input") if i.get("name") == "next")
    assert switcher_next.get("value") == f"{AGENDA}?kind=workshop"

    page = await browser.client.get("/manage/not-a-real-token?lang=ru", headers={"Accept": "text/html"})
    assert page.status_code == 404 and 'hreflang="' not in page.text
    assert _lang(page.text) == "ru"


async def test_error_pages_outside_the_page_router_speak_the_readers_language(browser: Browser) -> None:
    page = await browser.client.get("/no/such/page", headers={"Accept": "text/html", "Accept-Language": "ru"})
    assert page.status_code == 404 and _lang(page.text) == "ru" and page.headers["content-language"] == "ru"
    assert by_id(assert_valid_page(page.text, "ru"), "main") is not None


async def test_the_api_and_feeds_take_no_language_from_cookies_or_headers(bishkek: str, browser: Browser) -> None:
    api = await browser.client.get(f"/api/missions/{SLUG}", headers={"Accept-Language": "ru"})
    assert api.status_code == 200 and "content-language" not in api.headers
    feed = await browser.client.get(f"{AGENDA}/calendar.ics", headers={"Accept-Language": "ru"})
    assert feed.status_code == 200 and "content-language" not in feed.headers
