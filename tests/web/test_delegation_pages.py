"""The delegation form: its errors next to their fields, and what the head's pages show."""

from __future__ import annotations

from eventhub.services import Services
from tests.web.conftest import SLUG, TEST_LABS, Browser, location, session_id
from tests.web.html import assert_valid_page, by_id, text_of

PAGE = f"/missions/{SLUG}/delegation"


def head(sid: int, names: list[str], emails: list[str]) -> dict[str, object]:
    return {"name": "Ira Raciņa", "email": "ira@example.lv", "organisation": "", "session_ids": str(sid),
            "member_name": names, "member_email": emails}


async def test_a_bad_member_row_is_said_next_to_its_field_and_the_form_keeps_what_was_typed(
    bishkek: str, browser: Browser, services: Services
) -> None:
    sid = await session_id(services, TEST_LABS)
    response = await browser.submit(PAGE, PAGE, head(sid, ["Anna", "", "Jānis"], ["not-an-address", "", "IRA@example.lv"]))
    assert response.status_code == 422
    root = assert_valid_page(response.text)
    anna = by_id(root, "member-1-email")
    assert anna.get("aria-invalid") == "true" and anna.get("value") == "not-an-address"
    assert "name@example.org" in text_of(by_id(root, "member-1-email-error"))
    assert by_id(root, "member-3-name").get("value") == "Jānis"
    assert by_id(root, f"session-{sid}").get("checked") is not None  # the choice is kept
    summary = by_id(root, "error-summary")
    assert summary.get("tabindex") == "-1" and summary.get("role") == "alert"


async def test_an_address_given_twice_is_pointed_out_at_the_second(bishkek: str, browser: Browser, services: Services) -> None:
    sid = await session_id(services, TEST_LABS)
    response = await browser.submit(PAGE, PAGE, head(sid, ["Anna", "Jānis"], ["", "IRA@example.lv"]))
    assert response.status_code == 422
    root = assert_valid_page(response.text)
    assert "given twice" in text_of(by_id(root, "member-2-email-error"))


async def test_a_delegation_without_members_is_asked_for_one(bishkek: str, browser: Browser, services: Services) -> None:
    sid = await session_id(services, TEST_LABS)
    response = await browser.submit(PAGE, PAGE, head(sid, ["", ""], ["", ""]))
    assert response.status_code == 422
    assert "Add at least one member." in text_of(by_id(assert_valid_page(response.text), "member-1-name-error"))


async def test_the_answer_and_the_manage_page_show_the_delegation(bishkek: str, browser: Browser, services: Services) -> None:
    sid = await session_id(services, TEST_LABS)
    response = await browser.submit(PAGE, PAGE, head(sid, ["Anna", "Jānis"], ["anna@example.lv", ""]))
    answer = assert_valid_page((await browser.page(location(response))).text)
    assert "Anna: confirmed in 1 session" in text_of(answer) and "Jānis: confirmed in 1 session" in text_of(answer)
    manage_link = by_id(answer, "manage-url").get("value")
    manage = assert_valid_page((await browser.page(manage_link.removeprefix("https://events.example.org"))).text)
    assert text_of(by_id(manage, "delegation-heading")) == "Your delegation"
    assert by_id(manage, next(
        e.get("id") for e in manage.iter() if (e.get("id") or "").endswith("-manage")
    )).get("value").startswith("https://")
