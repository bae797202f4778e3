"""The public pages, in-process on SQLite and PostgreSQL: content, forms, errors, headers."""

from __future__ import annotations

import re
from dataclasses import replace

from litestar.testing import AsyncTestClient

from eventhub.app import create_app
from eventhub.db.database import Database
from eventhub.db.services.registrations import SignupRequest
from eventhub.loader import LOADER
from eventhub.logs import redact
from eventhub.services import Services
from eventhub.settings import Settings
from tests.conftest import FrozenClock
from tests.web.conftest import SLUG, TEST_LABS, Browser, location, session_id
from tests.web.html import assert_valid_page, by_id, elements, text_of

AGENDA = f"/missions/{SLUG}"


async def test_home_lists_the_published_mission(bishkek: str, browser: Browser) -> None:
    root = assert_valid_page((await browser.page("/")).text)
    links = {text_of(a): a.get("href") for a in elements(root, "a")}
    assert links["Latvian IT Cluster Business Mission to Bishkek 2026"] == AGENDA


async def test_agenda_shows_each_day_in_the_mission_zone_with_grid_and_list(
    bishkek: str, browser: Browser
) -> None:
    root = assert_valid_page((await browser.page(AGENDA)).text)
    text = text_of(root)
    assert "All times are Bishkek time (Asia/Bishkek, UTC+06:00)" in text
    days = [text_of(h) for h in elements(root, "h3")]
    assert days[:2] == ["Monday, 7 December 2026", "Tuesday, 8 December 2026"] and len(days) == 5
    # A timetable grid per day: time rows by venue columns; and the same sessions as a list.
    tables = elements(root, "table")
    assert len(tables) == 5
    tuesday = [text_of(th) for th in elements(tables[1], "th") if th.get("scope") == "col"]
    assert (
        "High Technology Park of the Kyrgyz Republic" in tuesday and "Technopark Coworking Space" in tuesday
    )
    assert len(elements(root, "ol")) == 5
    # Kind, speakers with affiliations, seats, registration state.
    assert "Ira Raciņa, Latvian IT Cluster" in text
    assert "Mārtiņš Kalniņš, Kurzeme Software" in text
    assert "20 of 20 seats left" in text and "Registration open" in text
    assert "Registration closed" in text and "No registration needed" in text
    assert "Site visit" in text
    # The draft session is not public.
    assert "Follow-up B2B Meetings" not in text


async def test_agenda_subscribe_box_offers_webcal_https_google_outlook_and_a_local_qr(
    bishkek: str, browser: Browser
) -> None:
    root = assert_valid_page((await browser.page(AGENDA)).text)
    # The feed speaks the page's language.
    feed = f"https://events.example.org/missions/{SLUG}/calendar.ics?lang=en"
    hrefs = [a.get("href") or "" for a in elements(root, "a")]
    assert f"webcal://events.example.org/missions/{SLUG}/calendar.ics?lang=en" in hrefs
    assert any(h.startswith("https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2F") for h in hrefs)
    assert any(
        h.startswith("https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2F") for h in hrefs
    )
    assert any(h.startswith("https://outlook.office.com/") for h in hrefs)
    copy = by_id(root, "mission-feed-url")
    assert copy is not None and copy.get("value") == feed and copy.get("readonly") is not None
    svg = elements(root, "svg")
    assert len(svg) == 1 and svg[0].get("role") == "img" and svg[0].get("aria-label")


async def test_agenda_filters_by_kind(bishkek: str, browser: Browser) -> None:
    root = assert_valid_page((await browser.page(f"{AGENDA}?kind=workshop")).text)
    titles = {text_of(a) for ol in elements(root, "ol") for a in elements(ol, "a")}
    assert titles == {
        TEST_LABS,
        "Export Readiness Clinic for Kyrgyz IT Companies",
        "Market Entry in Practice: From First Contact to First Contract",
    }
    current = [a for a in elements(root, "a") if a.get("aria-current") == "page"]
    assert [text_of(a) for a in current] == ["Workshop"]


async def test_an_unknown_kind_is_a_page_not_a_problem(bishkek: str, browser: Browser) -> None:
    response = await browser.page(f"{AGENDA}?kind=party", expect=400)
    assert response.headers["content-type"].startswith("text/html")
    assert_valid_page(response.text)


async def test_session_page_has_details_calendar_links_and_a_labelled_form(
    bishkek: str, browser: Browser, services: Services
) -> None:
    sid = await session_id(services, TEST_LABS)
    root = assert_valid_page((await browser.page(f"{AGENDA}/sessions/{sid}")).text)
    text = text_of(root)
    assert "Monday, 7 December 2026, 14:30–16:30" in text and "Asia/Bishkek" in text
    assert "Technopark Coworking Space" in text and "Ibraimov Street 103" in text
    assert "Aida Ismailova (host), Technopark Coworking Space" in text
    hrefs = [a.get("href") for a in elements(root, "a")]
    assert f"https://events.example.org/missions/{SLUG}/sessions/{sid}/calendar.ics?lang=en" in hrefs
    form = next(f for f in elements(root, "form") if f.get("class") == "register-form")
    assert form.get("method") == "post" and form.get("action") == f"{AGENDA}/sessions/{sid}"
    fields = {i.get("name"): i for i in elements(form, "input")}
    assert set(fields) == {"_csrf_token", "name", "email", "organisation"}
    assert fields["email"].get("type") == "email" and fields["email"].get("autocomplete") == "email"


async def test_registering_redirects_to_an_answer_page_with_manage_and_feed_links(
    bishkek: str, browser: Browser, services: Services
) -> None:
    sid = await session_id(services, TEST_LABS)
    response = await browser.register(sid, "Ira Raciņa", "ira@example.lv", "Latvian IT Cluster")
    assert location(response) == "/registrations/answer"  # no token in a URL that gets logged
    assert "ehm_" not in response.headers["location"]

    answer = await browser.page("/registrations/answer")
    root = assert_valid_page(answer.text)
    assert text_of(elements(root, "h1")[0]) == "You are registered"
    assert TEST_LABS in text_of(root) and "Confirmed" in text_of(root)
    manage = by_id(root, "manage-url")
    assert manage is not None and re.fullmatch(
        r"https://events\.example\.org/manage/ehm_[\w-]+", manage.get("value") or ""
    )
    feed = by_id(root, "personal-feed-url")
    assert feed is not None and re.fullmatch(
        r"https://events\.example\.org/feeds/ehf_[\w-]+/calendar\.ics", feed.get("value") or ""
    )
    assert any(
        (a.get("href") or "").startswith("webcal://events.example.org/feeds/ehf_")
        for a in elements(root, "a")
    )
    assert elements(root, "svg")
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert any(
        m.get("name") == "robots" and "noindex" in (m.get("content") or "") for m in elements(root, "meta")
    )


async def test_a_full_session_puts_the_newcomer_on_the_waitlist_with_their_position(
    bishkek: str, browser: Browser, services: Services
) -> None:
    sid = await session_id(services, TEST_LABS)
    await services.sessions.update(SLUG, sid, {"capacity": 1}, LOADER)
    await services.registrations.register(
        SLUG, SignupRequest("First", "first@example.org", None, [sid]), None
    )
    page = await browser.page(f"{AGENDA}/sessions/{sid}")
    assert "Full: join the waitlist" in page.text and "Join the waitlist</button>" in page.text

    await browser.register(sid, "Айгуль Токтогулова", "aigul@example.kg")
    root = assert_valid_page((await browser.page("/registrations/answer")).text)
    assert text_of(elements(root, "h1")[0]) == "You are on the waitlist"
    assert "You are number 1 on the waitlist" in text_of(root)


async def test_adding_a_session_from_the_manage_page_warns_about_an_overlap(
    bishkek: str, browser: Browser, services: Services
) -> None:
    first = await session_id(services, TEST_LABS)  # Monday 14:30-16:30 at Technopark
    other = await session_id(services, "Export Readiness Clinic for Kyrgyz IT Companies")
    moved = {"starts_at": "2026-12-07T15:00", "ends_at": "2026-12-07T16:00"}
    await services.sessions.update(SLUG, other, moved, LOADER, allow_conflicts=True)
    answer = await browser.page(location(await browser.register(first, "Ira Raciņa", "ira@example.lv")))
    manage = re.search(r'href="(/manage/ehm_[^"]+)"', answer.text).group(1)  # type: ignore[union-attr]

    page = assert_valid_page((await browser.page(manage)).text)
    buttons = [b.get("aria-label") or text_of(b) for b in elements(page, "button")]
    assert "Register for Export Readiness Clinic for Kyrgyz IT Companies" in buttons
    assert f"Register for {TEST_LABS}" not in buttons  # already in it
    response = await browser.submit(manage, f"{manage}/sessions/{other}/register", {})
    assert location(response) == "/registrations/answer"
    root = assert_valid_page((await browser.page("/registrations/answer")).text)
    assert "Check your timetable" in text_of(root)
    assert f"Overlaps “{TEST_LABS}”, which you are also registered for." in text_of(root)
    assert "Export Readiness Clinic" in text_of(next(u for u in elements(root, "ul") if u.get("class") == "results"))


async def test_field_errors_appear_next_to_their_fields_and_values_are_kept(
    bishkek: str, browser: Browser, services: Services
) -> None:
    sid = await session_id(services, TEST_LABS)
    response = await browser.register(sid, "  ", "not-an-email", "x" * 201)
    assert response.status_code == 422
    root = assert_valid_page(response.text)
    assert text_of(elements(root, "title")[0]).startswith("Error: ")
    for name, message in [
        ("name", "Enter your name."),
        ("email", "Enter an e-mail address in the form name@example.org."),
        ("organisation", "The organisation can be at most 200 characters long."),
    ]:
        field = by_id(root, name)
        error = by_id(root, f"{name}-error")
        assert field is not None and error is not None
        assert message in text_of(error)
        assert field.get("aria-invalid") == "true" and f"{name}-error" in (
            field.get("aria-describedby") or ""
        )
    assert by_id(root, "email").get("value") == "not-an-email"  # type: ignore[union-attr]
    summary = [text_of(a) for a in elements(root, "a") if (a.get("href") or "").startswith("#")]
    assert "Enter your name." in summary
    _, views = await services.sessions.list(SLUG, None)
    assert next(v for v in views if v.session.id == sid).seats.confirmed == 0


async def test_a_form_without_its_csrf_token_is_refused_with_a_page(
    bishkek: str, browser: Browser, services: Services
) -> None:
    sid = await session_id(services, TEST_LABS)
    path = f"{AGENDA}/sessions/{sid}"
    response = await browser.submit(path, path, {"name": "Eve", "email": "eve@example.org"}, token=False)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "This form has expired" in assert_valid_page(response.text).findtext(".//{*}h1", "")
    forged = await browser.client.post(
        path, data={"name": "Eve", "email": "eve@example.org", "_csrf_token": "0" * 128}
    )
    assert forged.status_code == 403
    _, views = await services.sessions.list(SLUG, None)
    assert next(v for v in views if v.session.id == sid).seats.confirmed == 0


async def test_the_json_api_needs_no_csrf_token(bishkek: str, browser: Browser, services: Services) -> None:
    sid = await session_id(services, TEST_LABS)
    response = await browser.client.post(
        f"/api/missions/{SLUG}/registrations",
        json={"name": "Api", "email": "api@example.org", "session_ids": [sid]},
    )
    assert response.status_code == 201
    assert "eventhub_csrf" not in response.headers.get("set-cookie", "")


async def test_an_existing_address_is_told_plainly_and_shown_nothing_of_its_owner(
    bishkek: str, browser: Browser, services: Services
) -> None:
    sid = await session_id(services, TEST_LABS)
    await services.registrations.register(
        SLUG, SignupRequest("Ira Raciņa", "ira@example.lv", "LIKTA", [sid]), None
    )
    response = await browser.register(sid, "Someone Else", "IRA@example.lv")
    assert location(response) == f"/missions/{SLUG}/registered-before"
    page = await browser.page(location(response))
    root = assert_valid_page(page.text)
    assert text_of(elements(root, "h1")[0]) == "You have registered with this address before"
    assert "We have e-mailed your manage link to the address you entered." in text_of(root)
    assert "Raciņa" not in page.text and "LIKTA" not in page.text and "/manage/" not in page.text


async def test_manage_page_lists_sessions_cancels_one_and_frees_the_seat(
    bishkek: str, browser: Browser, services: Services
) -> None:
    sid = await session_id(services, TEST_LABS)
    outcome = await services.registrations.register(
        SLUG, SignupRequest("Līga", "liga@example.lv", None, [sid]), None
    )
    manage = f"/manage/{outcome.manage_token}"
    page = await browser.page(manage)
    root = assert_valid_page(page.text)
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-robots-tag"].startswith("noindex")
    assert TEST_LABS in text_of(root) and "Confirmed" in text_of(root)
    assert "19 of 20 seats left" in (await browser.page(f"{AGENDA}/sessions/{sid}")).text

    response = await browser.submit(manage, f"{manage}/registrations/{sid}/cancel", {})
    assert location(response) == f"{manage}?cancelled={sid}"
    after = assert_valid_page((await browser.page(location(response))).text)
    assert f"You cancelled your place in “{TEST_LABS}”." in text_of(after)
    assert "20 of 20 seats left" in (await browser.page(f"{AGENDA}/sessions/{sid}")).text


async def test_rotating_the_feed_link_retires_the_old_one(
    bishkek: str, browser: Browser, services: Services
) -> None:
    sid = await session_id(services, TEST_LABS)
    outcome = await services.registrations.register(
        SLUG, SignupRequest("Līga", "liga@example.lv", None, [sid]), None
    )
    manage = f"/manage/{outcome.manage_token}"
    old = f"/feeds/{outcome.feed_token}/calendar.ics"
    assert old in (await browser.page(manage)).text
    assert (await browser.client.get(old)).status_code == 200

    response = await browser.submit(manage, f"{manage}/feed-token", {})
    page = await browser.page(location(response))
    assert "Your calendar link has changed" in page.text and old not in page.text
    assert (await browser.client.get(old)).status_code == 404


async def test_an_unknown_manage_token_is_a_friendly_404_page(browser: Browser) -> None:
    response = await browser.page("/manage/ehm_not-a-real-token", expect=404)
    root = assert_valid_page(response.text)
    assert text_of(elements(root, "h1")[0]) == "This link does not work"
    assert (
        response.headers["cache-control"] == "no-store"
        and response.headers["referrer-policy"] == "no-referrer"
    )
    assert response.headers["x-robots-tag"].startswith("noindex")


async def test_the_answer_page_without_a_valid_cookie_shows_nothing(browser: Browser) -> None:
    assert_valid_page((await browser.page("/registrations/answer", expect=404)).text)
    browser.client.cookies.set(
        "eventhub_answer", "eyJ4IjoxfQ.forged", domain="testserver.local", path="/registrations/answer"
    )
    assert "ehm_" not in (await browser.page("/registrations/answer", expect=404)).text


async def test_public_pages_carry_no_attendee_data_no_tokens_and_no_speaker_emails(
    bishkek: str, browser: Browser, services: Services
) -> None:
    sid = await session_id(services, TEST_LABS)
    outcome = await services.registrations.register(
        SLUG, SignupRequest("Secret Person", "secret@example.org", "Hidden Org", [sid]), None
    )
    assert outcome.manage_token and outcome.feed_token
    for path in ["/", AGENDA, f"{AGENDA}?kind=workshop", f"{AGENDA}/sessions/{sid}"]:
        text = (await browser.page(path)).text
        for secret in (
            "Secret Person",
            "secret@example.org",
            "Hidden Org",
            outcome.manage_token,
            outcome.feed_token,
            "ira.racina@example.lv",
            "/manage/",
            "/feeds/",
        ):
            assert secret not in text, (path, secret)


async def test_pages_send_security_headers_and_the_api_keeps_problem_json(
    bishkek: str, browser: Browser
) -> None:
    page = await browser.page(AGENDA)
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "eventhub_csrf=" in page.headers["set-cookie"] and "HttpOnly" in page.headers["set-cookie"]
    # Nothing on a page loads from elsewhere: every stylesheet and script is our own (the
    # absolute hreflang alternates are links to this page in other languages, not loads).
    assert not re.findall(
        r'(?:src|href)="(?:https?:)?//[^"]*"[^>]*>\s*</script>|<link(?![^>]*rel="alternate")[^>]+href="(?:https?:)?//',
        page.text,
    )
    css = await browser.client.get(re.search(r'href="(/static/site\.css\?v=\w+)"', page.text).group(1))  # type: ignore[union-attr]
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")

    api = await browser.client.get("/api/missions/nope")
    assert (
        api.headers["content-type"] == "application/problem+json"
        and "content-security-policy" not in api.headers
    )
    unknown = await browser.page("/no-such-page", expect=404)
    assert unknown.headers["content-type"].startswith("text/html")
    assert_valid_page(unknown.text)
    assert (await browser.client.get("/no-such-page")).headers["content-type"] == "application/problem+json"


async def test_names_in_any_script_render_on_the_attendee_pages(
    bishkek: str, browser: Browser, services: Services
) -> None:
    sid = await session_id(services, TEST_LABS)
    response = await browser.register(
        sid, "Айгүл Токтогулова", "aigul@example.kg", "Кыргыз Техникалык Университети"
    )
    answer = await browser.page(location(response))
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    manage = re.search(r'href="(/manage/[^"]+)"', answer.text).group(1)  # type: ignore[union-attr]
    text = (await browser.page(manage)).text
    assert "Айгүл Токтогулова" in text and "Кыргыз Техникалык Университети" in text
    assert "Ira Raciņa" in (await browser.page(AGENDA)).text


async def test_too_many_registrations_from_one_address_get_a_page_asking_to_wait(
    bishkek: str, settings: Settings, database: Database, clock: FrozenClock, services: Services
) -> None:
    sid = await session_id(services, TEST_LABS)
    app = create_app(replace(settings, registration_rate_limit="1/minute"), clock=clock)
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as client:
        browser = Browser(client)
        assert location(await browser.register(sid, "One", "one@example.org")) == "/registrations/answer"
        response = await browser.register(sid, "Two", "two@example.org")
    assert response.status_code == 429 and response.headers["retry-after"]
    assert "Please wait a moment" in assert_valid_page(response.text).findtext(".//{*}h1", "")


def test_every_page_path_that_carries_a_token_is_redacted_in_the_access_log() -> None:
    token = "ehm_Kri7gk7hy5e-hMrPRWlIsfJMvPIB56EjIFoRfI9bOio"
    for path in (
        f"/manage/{token}",
        f"/manage/{token}?cancelled=4",
        f"/manage/{token}/registrations/4/cancel",
        f"/manage/{token}/sessions/4/register",
        f"/manage/{token}/feed-token",
    ):
        line = redact(f'127.0.0.1:5000 - "POST {path} HTTP/1.1" 303')
        assert token not in line and "/manage/[redacted]" in line
