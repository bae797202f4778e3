"""What an attendee does on a phone or a laptop, in Chromium against a running server.

Each page visited is checked with axe-core, for sideways scrolling, and for console
errors (a Content-Security-Policy violation shows up there); screenshots at phone and
desktop width go to EVENTHUB_SCREENSHOTS (default build/screenshots/).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import (
    DESKTOP,
    PHONE,
    Problems,
    Server,
    check_accessibility,
    check_fits,
    launch_chromium,
    run_server,
    screenshot,
)
from tests.web.english import english_left

TEST_LABS = "Setting Up Test Labs for IT Solutions: Lessons from Latvia"  # 20 seats
CLINIC = "Export Readiness Clinic for Kyrgyz IT Companies"  # 12 seats
MARKET_ENTRY_RU = "Выход на рынок на практике: от первого контакта до первого контракта"  # no seat limit


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from run_server(tmp_path_factory.mktemp("browser-server"))


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from launch_chromium()


class Visit:
    """One browser tab at one size, checking every page it lands on."""

    def __init__(
        self,
        chromium: Any,
        server: Server,
        viewport: dict[str, int],
        *,
        javascript: bool = True,
        locale: str = "en-GB",
    ) -> None:
        self.javascript = javascript
        self.context = chromium.new_context(viewport=viewport, java_script_enabled=javascript, locale=locale)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.server = server
        self.problems = Problems()
        self.problems.watch(self.page)

    def go(self, path: str) -> Any:
        self.page.goto(self.server.base + path)
        return self.page

    def check(self, name: str | None = None) -> Path | None:
        check_fits(self.page)
        if self.javascript:  # axe-core runs in the page and needs its timers
            check_accessibility(self.page)
        assert not self.problems.messages, self.problems.messages
        return screenshot(self.page, name) if name else None

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def desktop(chromium: Any, server: Server) -> Iterator[Visit]:
    visit = Visit(chromium, server, DESKTOP)
    yield visit
    visit.close()


@pytest.fixture
def phone(chromium: Any, server: Server) -> Iterator[Visit]:
    visit = Visit(chromium, server, PHONE)
    yield visit
    visit.close()


@pytest.fixture
def phone_without_javascript(chromium: Any, server: Server) -> Iterator[Visit]:
    visit = Visit(chromium, server, PHONE, javascript=False)
    yield visit
    visit.close()


def seats_text(page: Any) -> str:
    return page.locator("dl.facts").inner_text()


def test_agenda_filter_register_manage_cancel_and_the_seat_is_freed(desktop: Visit, server: Server) -> None:
    page = desktop.go("/")
    desktop.check("home")
    page.get_by_role("link", name="Latvian IT Cluster Business Mission to Bishkek 2026").click()
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Latvian IT Cluster Business Mission to Bishkek 2026"
    )
    assert "Asia/Bishkek" in page.locator(".zone-note").first.inner_text()
    assert page.locator("table.timetable").first.is_visible()
    assert page.get_by_text("Ira Raciņa").first.is_visible()
    desktop.check("agenda")

    page.get_by_role("navigation", name="Filter by kind").get_by_role("link", name="Workshop").click()
    assert page.url.endswith("?kind=workshop")
    assert page.get_by_role("link", name=TEST_LABS).is_visible()
    assert (
        page.get_by_role("link", name="Welcome to Technopark: Kyrgyzstan's First IT Company Hub").count() == 0
    )
    desktop.check("agenda-workshops")

    page.get_by_role("link", name=TEST_LABS).click()
    assert page.get_by_role("heading", level=1).inner_text() == TEST_LABS
    assert "20 of 20 seats left" in seats_text(page)
    assert (
        page.get_by_role("link", name="Download the event (.ics)")
        .get_attribute("href")
        .endswith("/calendar.ics?lang=en")
    )
    desktop.check("session")
    session_url = page.url

    page.get_by_label("Full name").fill("Ira Raciņa")
    page.get_by_label("E-mail address").fill("ira.racina@example.lv")
    page.get_by_label("Organisation").fill("Latvijas IT klasteris")
    page.get_by_role("button", name="Register").click()
    assert page.url.endswith("/registrations/answer")
    assert page.get_by_role("heading", level=1).inner_text() == "You are registered"
    assert "Confirmed" in page.locator(".results").inner_text()
    manage_url = page.get_by_label("Manage link", exact=True).input_value()
    assert re.fullmatch(rf"{re.escape(server.base)}/manage/ehm_[\w-]+", manage_url)
    assert "/feeds/ehf_" in page.get_by_label("Or copy the feed address into any calendar").input_value()
    assert page.get_by_role("img", name="QR code of the calendar feed link").is_visible()
    assert page.get_by_role("button", name="Copy").first.is_visible()  # the small script ran, within the CSP
    desktop.check("answer")

    page.goto(session_url)
    assert "19 of 20 seats left" in seats_text(page)

    page.goto(manage_url)
    assert page.get_by_role("heading", level=1).inner_text() == "Your registrations"
    assert page.get_by_role("button", name="Rotate my feed link").is_visible()
    desktop.check("manage")
    page.get_by_role("button", name=f"Cancel my place in {TEST_LABS}").click()
    assert f"You cancelled your place in “{TEST_LABS}”." in page.get_by_role("status").inner_text()
    assert "You cancelled" in page.locator(".my-sessions").first.inner_text()
    desktop.check()

    page.goto(session_url)
    assert "20 of 20 seats left" in seats_text(page)


def test_registering_for_a_full_session_gives_the_waitlist_position_on_a_phone(
    phone: Visit, server: Server
) -> None:
    visit = phone
    agenda = f"/missions/{server.slug}"
    page = visit.go(agenda)
    clinic_path = page.get_by_role("link", name=CLINIC).first.get_attribute("href")
    clinic_id = int(clinic_path.rsplit("/", 1)[-1])
    for n in range(12):
        status, _ = server.api(
            f"/api/missions/{server.slug}/registrations",
            {"name": f"Участник {n}", "email": f"guest{n}@example.kg", "session_ids": [clinic_id]},
        )
        assert status == 201

    page = visit.go(agenda)
    assert not page.locator("table.timetable").first.is_visible()  # phones get the list
    assert page.locator("ol.session-list").first.is_visible()
    visit.check("agenda")
    page.get_by_role("link", name=CLINIC).click()
    assert "Full" in page.locator(".register-box").inner_text()
    page.get_by_label("Full name").fill("Айгүл Токтогулова")
    page.get_by_label("E-mail address").fill("aigul@example.kg")
    visit.check("session-full")
    page.get_by_role("button", name="Join the waitlist").click()

    assert page.get_by_role("heading", level=1).inner_text() == "You are on the waitlist"
    assert "You are number 1 on the waitlist" in page.locator(".results").inner_text()
    visit.check("answer-waitlist")
    page.goto(page.get_by_label("Manage link", exact=True).input_value())
    assert "On the waitlist, position 1" in page.locator(".my-sessions").first.inner_text()
    assert "Айгүл Токтогулова" in page.locator(".meta").first.inner_text()
    visit.check("manage")


def test_registration_works_without_javascript(phone_without_javascript: Visit, server: Server) -> None:
    visit = phone_without_javascript
    page = visit.go(f"/missions/{server.slug}?kind=site_visit")
    page.get_by_role("link", name="Tour of the Faculty of Information Technology").click()
    page.get_by_label("Full name").fill("Jānis Bērziņš")
    page.get_by_label("E-mail address").fill("janis@example.lv")
    page.get_by_role("button", name="Register").click()
    assert page.get_by_role("heading", level=1).inner_text() == "You are registered"
    assert "/manage/ehm_" in page.get_by_label("Manage link", exact=True).input_value()
    assert page.locator("button[data-copy]").first.is_hidden()  # the copy buttons need the script
    visit.check("answer-no-javascript")


def test_a_bad_email_address_is_explained_next_to_its_field(phone: Visit, server: Server) -> None:
    page = phone.go(f"/missions/{server.slug}")
    page.get_by_role("link", name=TEST_LABS).click()
    phone.check("session")
    page.get_by_label("Full name").fill("Ira Raciņa")
    page.get_by_label("E-mail address").fill("not-an-email")
    page.get_by_role("button", name="Register").click()

    error = page.locator("#email-error")
    assert error.inner_text().endswith("Enter an e-mail address in the form name@example.org.")
    field = page.get_by_label("E-mail address")
    assert field.get_attribute("aria-invalid") == "true"
    assert (
        field.input_value() == "not-an-email" and page.get_by_label("Full name").input_value() == "Ira Raciņa"
    )
    # "Next to the field": the message sits directly above the input it is about.
    error_box, field_box = error.bounding_box(), field.bounding_box()
    assert 0 <= field_box["y"] - (error_box["y"] + error_box["height"]) < 24
    assert (
        page.get_by_role("alert")
        .get_by_role("link", name="Enter an e-mail address in the form name@example.org.")
        .is_visible()
    )
    phone.check("session-error")


def test_an_unknown_manage_link_is_a_friendly_page(phone: Visit) -> None:
    page = phone.go("/manage/ehm_not-a-real-token")
    assert page.get_by_role("heading", level=1).inner_text() == "This link does not work"
    phone.check("manage-unknown")


def test_pages_at_desktop_and_phone_width(desktop: Visit, phone: Visit, server: Server) -> None:
    for visit in (desktop, phone):
        page = visit.go(f"/missions/{server.slug}")
        page.get_by_role(
            "link", name="Welcome to Technopark: Kyrgyzstan's First IT Company Hub"
        ).first.click()
        assert page.get_by_text("Aida Ismailova").first.is_visible()
        visit.check("session-open")


@pytest.fixture
def russian_phone(chromium: Any, server: Server) -> Iterator[Visit]:
    visit = Visit(chromium, server, PHONE, locale="ru-RU")  # Chromium sends Accept-Language: ru-RU
    yield visit
    visit.close()


def _english_left(page: Any) -> list[str]:
    lines = [" ".join(line.split()) for line in page.locator("body").inner_text().splitlines() if line.strip()]
    labels = page.evaluate(
        "() => [...document.querySelectorAll('[aria-label], [title], [alt]')]"
        ".map(e => e.getAttribute('aria-label') || e.getAttribute('title') || e.getAttribute('alt'))"
    )
    return english_left([*lines, *labels, page.title()], "ru")


def test_a_russian_browser_gets_agenda_session_answer_and_manage_page_in_russian(
    russian_phone: Visit, server: Server
) -> None:
    page = russian_phone.go(f"/missions/{server.slug}")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", level=2, name="Программа").is_visible()
    assert _english_left(page) == []
    russian_phone.check("agenda-ru")

    page.get_by_role("link", name=MARKET_ENTRY_RU).first.click()  # the fixture's Russian title
    assert "Без ограничения мест" in seats_text(page) and "Регистрация открыта" in seats_text(page)
    assert _english_left(page) == []
    russian_phone.check("session-ru")

    page.get_by_label("Имя и фамилия").fill("Айгуль Асанова")
    page.get_by_label("Адрес электронной почты").fill("aigul.asanova@example.kg")
    page.get_by_role("button", name="Зарегистрироваться").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Вы зарегистрированы"
    assert _english_left(page) == []
    russian_phone.check("answer-ru")

    page.get_by_role("link", name="Открыть страницу управления").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ваши регистрации"
    assert "Подтверждено" in page.locator(".my-sessions").inner_text()
    assert _english_left(page) == []
    russian_phone.check("manage-ru")

    # The switcher: Latvian from now on, whatever the browser says.
    page.get_by_role("button", name="Latviešu").click()
    assert page.locator("html").get_attribute("lang") == "lv"
    assert page.get_by_role("heading", level=1).inner_text() == "Jūsu reģistrācijas"
