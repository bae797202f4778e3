"""The delegation form: its errors next to their fields, and what the head's pages show."""

from __future__ import annotations

from eventhub.services import Services
from tests.web.conftest import SLUG, TEST_LABS, Browser, location, session_id
from tests.web.html import assert_valid_page, by_id, elements, text_of

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


async def _manage_path(browser: Browser, services: Services, names: list[str], emails: list[str]) -> str:
    sid = await session_id(services, TEST_LABS)
    response = await browser.submit(PAGE, PAGE, head(sid, names, emails))
    answer = assert_valid_page((await browser.page(location(response))).text)
    return str(by_id(answer, "manage-url").get("value")).removeprefix("https://events.example.org")


async def test_the_manage_pages_member_forms_say_their_errors_at_the_field_and_keep_what_was_typed(
    bishkek: str, browser: Browser, services: Services
) -> None:
    manage = await _manage_path(browser, services, ["Anna", "Jānis"], ["anna@example.lv", ""])

    added = await browser.submit(manage, f"{manage}/delegation", {"name": "Aida Ismailova", "email": "aida@"})
    assert added.status_code == 422
    root = assert_valid_page(added.text)
    email = by_id(root, "add-member-email")
    assert email.get("aria-invalid") == "true" and email.get("value") == "aida@"
    assert "name@example.org" in text_of(by_id(root, "add-member-email-error"))
    assert by_id(root, "add-member-name").get("value") == "Aida Ismailova"
    summary = by_id(root, "add-member-errors")
    assert summary.get("role") == "alert" and summary.get("autofocus") is not None
    assert [a.get("href") for a in elements(summary, "a")] == ["#add-member-email"]
    assert text_of(by_id(root, "delegation-heading")) == "Your delegation"  # the rest of the page is there

    members = [e.get("id") for e in root.iter() if (e.get("id") or "").endswith("-name") and
               (e.get("id") or "").startswith("swap-")]
    anna = str(members[0]).removesuffix("-name")
    swap = f"{manage}/delegation/{anna.removeprefix('swap-')}/swap"
    blank = await browser.submit(manage, swap, {"name": " ", "email": "new@example.lv"})
    assert blank.status_code == 422
    root = assert_valid_page(blank.text)
    assert "Enter the member's name." in text_of(by_id(root, f"{anna}-name-error"))
    assert by_id(root, f"{anna}-email").get("value") == "new@example.lv"
    [opened] = [d for d in elements(root, "details") if d.get("open") is not None]
    assert by_id(opened, f"{anna}-name") is not None

    taken = await browser.submit(manage, swap, {"name": "Someone", "email": "IRA@example.lv"})
    assert taken.status_code == 409
    root = assert_valid_page(taken.text)
    assert "registered for the mission already" in text_of(by_id(root, f"{anna}-email-error"))
    assert by_id(root, f"{anna}-name").get("value") == "Someone"

    swapped = await browser.submit(manage, swap, {"name": "Dana", "email": ""})
    assert "member_swapped=true" in location(swapped)
