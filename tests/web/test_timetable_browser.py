"""The timetable editor in Chromium: an organiser drags a session to another time, moves
one by keyboard, sees the conflict a drop would cause before anything is saved, moves
anyway, and undoes it. Axe-core and the page's CSP watch every step."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.web.browser import DESKTOP, Problems, Server, check_accessibility, launch_chromium, run_server, screenshot

TEST_LABS = "Setting Up Test Labs for IT Solutions: Lessons from Latvia"
CLINIC = "Export Readiness Clinic for Kyrgyz IT Companies"
EMAIL, PASSWORD = "timetable@example.org", "drag me through the programme 2026"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("timetable-server")


@pytest.fixture(scope="module")
def server(workdir: Path) -> Iterator[Server]:
    for running in run_server(workdir):
        env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTHUB_")}
        env.update({"EVENTHUB_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'eventhub.db'}",
                    "EVENTHUB_SECRET_KEY": "browser-test-secret"})
        subprocess.run(
            [sys.executable, "-m", "eventhub", "organiser", "create", "--email", EMAIL, "--name", "Timetable Editor",
             "--all", "--password-stdin"],
            input=PASSWORD, text=True, env=env, cwd=workdir, check=True, capture_output=True,
        )
        yield running


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    yield from launch_chromium()


def session(server: Server, title: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{server.base}/api/missions/{server.slug}/sessions", timeout=10) as response:
        return next(s for s in json.loads(response.read()) if s["title"] == title)


def starts(server: Server, title: str) -> datetime:
    return datetime.fromisoformat(session(server, title)["starts_at"])


def test_drag_keyboard_conflict_move_anyway_and_undo(chromium: Any, server: Server) -> None:
    # Tall enough for every day at once: the mouse works in the viewport's coordinates.
    context = chromium.new_context(viewport={**DESKTOP, "height": 6000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = Problems()
    problems.expect(409, "/timetable/move")  # the conflicting move, refused until "Move anyway"
    problems.watch(page)
    page.goto(f"{server.base}/organise/sign-in")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{server.base}/organise/missions/{server.slug}/timetable")
    assert page.get_by_role("heading", level=1).inner_text() == "Timetable"
    check_accessibility(page)
    status = page.locator("#tt-status")

    # Drag the clinic an hour later: twelve rows of five minutes.
    before = starts(server, CLINIC)
    card = page.locator(".tt-card", has=page.get_by_role("link", name=CLINIC))
    box = card.bounding_box()
    row = page.evaluate("(c) => c.closest('table').tBodies[0].getBoundingClientRect().height / c.closest('table').tBodies[0].rows.length",
                        card.element_handle())
    x, y = box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 10)
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 13):
        page.mouse.move(x, y + step * row)
    assert page.locator(".tt-ghost").is_visible()
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('#tt-status').textContent.includes(' now ')")
    assert starts(server, CLINIC) == before + timedelta(hours=1)
    assert page.get_by_role("button", name="Undo the last move").is_visible()

    # By keyboard: three steps later, Enter saves.
    labs_start = starts(server, TEST_LABS)
    page.get_by_role("link", name=TEST_LABS).focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    assert "Enter saves the move" in status.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#tt-status').textContent.includes(' now ')")
    assert starts(server, TEST_LABS) == labs_start + timedelta(minutes=15)
    assert page.evaluate("() => document.activeElement.textContent") == TEST_LABS  # focus stays on it

    # Drop the clinic onto the workshop: the conflict is shown and nothing is saved yet.
    clinic_before = starts(server, CLINIC)
    source = page.locator(".tt-card", has=page.get_by_role("link", name=CLINIC)).bounding_box()
    target = page.locator(".tt-card", has=page.get_by_role("link", name=TEST_LABS)).bounding_box()
    page.mouse.move(source["x"] + source["width"] / 2, source["y"] + 6)
    page.mouse.down()
    for fraction in (0.25, 0.5, 0.75, 1.0):
        page.mouse.move(
            source["x"] + source["width"] / 2 + (target["x"] - source["x"]) * fraction,
            source["y"] + 6 + (target["y"] - source["y"]) * fraction,
        )
    page.mouse.up()
    panel = page.locator("#tt-conflict")
    panel.wait_for(state="visible")
    assert "Same venue at the same time" in panel.inner_text()
    # The panel pushed the grid down; the ghost still marks the refused time: the workshop's.
    ghost = page.locator(".tt-ghost").bounding_box()
    target = page.locator(".tt-card", has=page.get_by_role("link", name=TEST_LABS)).bounding_box()
    assert abs(ghost["y"] - target["y"]) < 4 and abs(ghost["x"] - target["x"]) < 4, (ghost, target)
    assert panel.get_by_role("link", name=TEST_LABS).is_visible()
    assert starts(server, CLINIC) == clinic_before
    screenshot(page, "organise-timetable-conflict")
    screenshot(page, "readme-timetable", top=1450)

    panel.get_by_role("button", name="Move anyway").click()
    page.wait_for_function("() => document.querySelector('#tt-status').textContent.includes(' now ')")
    moved = starts(server, CLINIC)
    assert moved != clinic_before
    assert page.locator(".tt-card.tt-in-conflict").count() >= 2  # both marked in the grid

    page.get_by_role("button", name="Undo the last move").click()
    page.wait_for_function("() => document.querySelector('.tt-card.tt-in-conflict') === null")
    assert starts(server, CLINIC) == clinic_before
    check_accessibility(page)
    screenshot(page, "organise-timetable")

    # The session form: the same clash, shown before saving, with the session it involves.
    clinic, labs = session(server, CLINIC), session(server, TEST_LABS)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{server.base}/organise/missions/{server.slug}/sessions/{clinic['id']}")
    page.get_by_label("Starts").fill(labs["starts_at"][:16])
    page.get_by_label("Ends", exact=True).fill(labs["ends_at"][:16])
    page.locator("select[name=venue_id]").select_option(str(labs["venue_id"]))
    page.get_by_role("button", name="Save", exact=True).click()
    assert page.get_by_role("heading", name="Not saved: this would conflict").is_visible()
    assert page.locator(".conflicts-panel").get_by_role("link", name=TEST_LABS).is_visible()
    assert page.get_by_role("button", name="Save anyway").is_visible()
    assert starts(server, CLINIC) == clinic_before
    check_accessibility(page)
    screenshot(page, "organise-session-form")
    screenshot(page, "readme-session-form", top=1000)
    assert not problems.messages, problems.messages
    context.close()
