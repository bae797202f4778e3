"""Several sessions at once from the agenda, a returning address, a returning browser,
and the manage link sent again: in-process on SQLite and PostgreSQL."""

from __future__ import annotations

from eventhub.db.services.registrations import SignupRequest
from eventhub.domain.mail import MailKind
from eventhub.loader import LOADER
from eventhub.services import Services
from tests.web.conftest import SLUG, TEST_LABS, Browser, location, session_id
from tests.web.html import assert_valid_page, by_id, elements, text_of

AGENDA = f"/missions/{SLUG}"
PROGRAMME = f"{AGENDA}/programme"
RESEND = f"{AGENDA}/resend-link"
CLINIC = "Export Readiness Clinic for Kyrgyz IT Companies"  # 12 seats, the next day


async def mail_kinds(services: Services, email: str) -> list[MailKind]:
    entries = await services.outbox.entries(SLUG, LOADER)
    return [e.message.kind for e in reversed(entries) if e.attendee.email.casefold() == email.casefold()]


async def my_sessions(services: Services, token: str) -> dict[str, str]:
    view = await services.registrations.me(token)
    return {item.session.title: item.registration.status.value for item in view.registrations}


def answer_titles(html: str) -> list[str]:
    return [text_of(h) for h in elements(assert_valid_page(html), "h2") if "result-title" in (h.get("class") or "")]


async def test_sessions_ticked_on_the_agenda_are_registered_in_one_go(bishkek: str, browser: Browser, services: Services) -> None:
    labs, clinic = await session_id(services, TEST_LABS), await session_id(services, CLINIC)
    agenda = assert_valid_page((await browser.page(AGENDA)).text)
    form = next(f for f in elements(agenda, "form") if f.get("action") == PROGRAMME)
    assert form.get("method") == "get"  # the agenda carries no form token: the same page for everyone
    boxes = {b.get("value") for b in elements(form, "input") if b.get("name") == "session_ids"}
    assert {str(labs), str(clinic)} <= boxes

    chosen = await browser.page(f"{PROGRAMME}?session_ids={labs}&session_ids={clinic}")
    assert chosen.headers["cache-control"] == "no-store"
    root = assert_valid_page(chosen.text)
    assert {text_of(h) for h in elements(by_id(root, "sessions"), "h3")} == {CLINIC, TEST_LABS}
    response = await browser.submit(
        f"{PROGRAMME}?session_ids={labs}&session_ids={clinic}", PROGRAMME,
        {"name": "Dana Ozola", "email": "dana@example.lv", "session_ids": [str(labs), str(clinic)]},  # type: ignore[dict-item]
    )
    answer = await browser.page(location(response))
    assert set(answer_titles(answer.text)) == {TEST_LABS, CLINIC}
    assert "You are registered" in answer.text


async def test_nothing_ticked_is_said_next_to_the_list(bishkek: str, browser: Browser) -> None:
    root = assert_valid_page((await browser.page(PROGRAMME)).text)
    summary = by_id(root, "error-summary")
    assert "Choose at least one session." in text_of(summary) and summary.get("role") == "alert"
    assert not [f for f in elements(root, "form") if f.get("action") == PROGRAMME]


async def test_a_returning_address_changes_nothing_gets_its_link_and_finds_its_choice_waiting(
    bishkek: str, browser: Browser, services: Services
) -> None:
    labs, clinic = await session_id(services, TEST_LABS), await session_id(services, CLINIC)
    first = await services.registrations.register(SLUG, SignupRequest("Ira Raciņa", "ira@example.lv", None, [labs]), None)
    assert first.manage_token
    response = await browser.submit(
        f"{PROGRAMME}?session_ids={clinic}", PROGRAMME,
        {"name": "Ira", "email": "IRA@example.lv", "session_ids": str(clinic)},
    )
    assert location(response) == f"{AGENDA}/registered-before"
    page = await browser.page(location(response))
    assert "We have not changed your registration here" in page.text and first.manage_token not in page.text
    assert await my_sessions(services, first.manage_token) == {TEST_LABS: "confirmed"}  # nothing changed
    assert (await mail_kinds(services, "ira@example.lv"))[-1] == MailKind.MANAGE_LINK

    # The mailed link, opened in this browser, offers exactly the sessions picked.
    manage = assert_valid_page((await browser.page(f"/manage/{first.manage_token}")).text)
    assert text_of(by_id(manage, "picked-heading")) == "The sessions you chose on the programme"
    added = await browser.submit(f"/manage/{first.manage_token}", f"/manage/{first.manage_token}/sessions",
                                 {"session_ids": str(clinic)})
    assert answer_titles((await browser.page(location(added))).text) == [CLINIC]
    assert await my_sessions(services, first.manage_token) == {TEST_LABS: "confirmed", CLINIC: "confirmed"}
    again = assert_valid_page((await browser.page(f"/manage/{first.manage_token}")).text)
    assert by_id(again, "picked-heading") is None  # used up


async def test_a_browser_that_registered_adds_a_second_session_from_its_page_at_once(
    bishkek: str, browser: Browser, services: Services
) -> None:
    """The dead end of before: the same address on another session's page now registers."""
    labs, clinic = await session_id(services, TEST_LABS), await session_id(services, CLINIC)
    await browser.register(labs, "Dana Ozola", "dana@example.lv")
    second = await browser.register(clinic, "Dana Ozola", "Dana@Example.lv")
    assert location(second) == "/registrations/answer"
    assert answer_titles((await browser.page("/registrations/answer")).text) == [CLINIC]
    # Another address from the same browser is someone else: a registration of their own.
    colleague = await browser.register(clinic, "Kārlis", "karlis@example.lv")
    assert location(colleague) == "/registrations/answer"
    assert await mail_kinds(services, "dana@example.lv") == [MailKind.REGISTERED, MailKind.REGISTERED]
    assert await mail_kinds(services, "karlis@example.lv") == [MailKind.REGISTERED]


async def test_the_remembered_link_is_an_httponly_cookie_limited_to_the_missions_pages(
    bishkek: str, browser: Browser, services: Services
) -> None:
    labs = await session_id(services, TEST_LABS)
    response = await browser.register(labs, "Dana Ozola", "dana@example.lv")
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("eventhub_attendee="))
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")}
    assert attributes["path"] == f"Path={AGENDA}" and "httponly" in attributes and "secure" in attributes
    assert attributes["samesite"].lower() == "samesite=lax"


async def test_a_stranger_s_address_with_someone_elses_cookie_gets_no_access(
    bishkek: str, browser: Browser, services: Services
) -> None:
    labs, clinic = await session_id(services, TEST_LABS), await session_id(services, CLINIC)
    owner = await services.registrations.register(SLUG, SignupRequest("Ira", "ira@example.lv", None, [labs]), None)
    await browser.register(labs, "Dana Ozola", "dana@example.lv")  # this browser is Dana's
    response = await browser.register(clinic, "Not Ira", "ira@example.lv")
    assert location(response) == f"{AGENDA}/registered-before"
    assert owner.manage_token and await my_sessions(services, owner.manage_token) == {TEST_LABS: "confirmed"}


async def test_resend_link_answers_the_same_and_mails_only_a_registered_address(
    bishkek: str, browser: Browser, services: Services
) -> None:
    labs = await session_id(services, TEST_LABS)
    await services.registrations.register(SLUG, SignupRequest("Ira", "ira@example.lv", None, [labs]), None)
    known = await browser.submit(RESEND, RESEND, {"email": "Ira@example.lv"})
    unknown = await browser.submit(RESEND, RESEND, {"email": "nobody@example.lv"})
    assert location(known) == location(unknown) == f"{RESEND}?sent=true"
    page = assert_valid_page((await browser.page(location(known))).text)
    assert "If this address is registered for this mission, we have sent its manage link to it." in text_of(page)
    assert (await mail_kinds(services, "ira@example.lv"))[-1] == MailKind.MANAGE_LINK
    assert await mail_kinds(services, "nobody@example.lv") == []


async def test_resend_link_with_a_bad_address_says_so_next_to_the_field(bishkek: str, browser: Browser) -> None:
    response = await browser.submit(RESEND, RESEND, {"email": "not an address"})
    assert response.status_code == 422
    root = assert_valid_page(response.text)
    field = by_id(root, "email")
    assert field.get("aria-invalid") == "true" and "email-error" in field.get("aria-describedby", "")
    assert by_id(root, "error-summary").get("tabindex") == "-1"
