"""A real server and Debian's Chromium, for the browser tests.

The server is `eventhub serve` in its own process on a SQLite file, loaded with the
Bishkek mission moved into the future; Chromium is driven by Playwright through
`executable_path` (Playwright's own browser download is never used). Without Chromium
the tests skip, unless EVENTHUB_REQUIRE_BROWSER=1 (as in CI), where they fail instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from eventhub.domain.time import next_monday
from tests.conftest import FIXTURES
from tests.ports import START_ATTEMPTS, free_port, lost_the_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("EVENTHUB_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_BROWSER = os.environ.get("EVENTHUB_REQUIRE_BROWSER") == "1"
AXE = Path(os.environ.get("EVENTHUB_AXE", ROOT / "build/axe/node_modules/axe-core/axe.min.js"))
SCREENSHOTS = Path(os.environ.get("EVENTHUB_SCREENSHOTS", ROOT / "build/screenshots"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def need(what: str, present: bool) -> None:
    """Skip locally when a browser-test prerequisite is missing; fail where it is required."""
    if present:
        return
    message = f"{what} is missing (CI installs it: see .ci/run)"
    if REQUIRE_BROWSER:
        pytest.fail(f"EVENTHUB_REQUIRE_BROWSER=1 but {message}")
    pytest.skip(message)


def launch_chromium() -> Iterator[Any]:
    """Debian's Chromium through Playwright, for a test module's fixture."""
    need(f"Chromium ({CHROMIUM})", CHROMIUM.exists())
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need("the playwright Python package", False)
        raise
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Server:
    base: str
    slug: str
    log: Path
    env: dict[str, str] = field(default_factory=dict)  # the server's environment, for CLI commands on its database

    def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """`eventhub ARGS` on the server's database, as its operator would run it."""
        return subprocess.run([sys.executable, "-m", "eventhub", *args], env=self.env, input=stdin,
                              capture_output=True, text=True, timeout=120, cwd=self.log.parent)

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.base + path, timeout=10) as response:
            return bytes(response.read())

    def api(
        self, path: str, body: dict[str, Any] | None = None, *, bearer: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        """POST `body` as JSON (GET without one), with a bearer token if given."""
        headers = {"Content-Type": "application/json"}
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


def run_server(workdir: Path, extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTHUB_")}
    env.update(
        {
            "EVENTHUB_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'eventhub.db'}",
            "EVENTHUB_SECRET_KEY": "browser-test-secret",
            "EVENTHUB_REGISTRATION_RATE_LIMIT": "off",
            "EVENTHUB_MAIL_SENDER": "0",
            "EVENTHUB_ALLOWED_HOSTS": "127.0.0.1,localhost",
            **(extra_env or {}),
        }
    )
    command = [sys.executable, "-m", "eventhub"]
    start = next_monday(date.today()) + timedelta(days=7)  # every session still open for sign-up
    subprocess.run([*command, "db", "upgrade"], env=env, cwd=workdir, check=True, capture_output=True)
    loaded = subprocess.run(
        [*command, "load", str(FIXTURES / "bishkek-2026.json"), "--start", start.isoformat()],
        env=env,
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    slug = loaded.stdout.strip().rsplit(" ", 1)[-1]
    log = workdir / "server.log"
    for _attempt in range(START_ATTEMPTS):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env["EVENTHUB_PUBLIC_URL"] = base
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*command, "serve", "--port", str(port)], env=env, cwd=workdir, stdout=out, stderr=subprocess.STDOUT,
            )
        if _wait_until_healthy(base, process, log):
            break
    else:
        pytest.fail(f"the server lost its port {START_ATTEMPTS} times in a row:\n{log.read_text()}")
    try:
        yield Server(base, slug, log, env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# A bound, not a sleep: the wait ends as soon as /health answers. On a machine shared with
# other test runs a start took over 30 s (as the concurrency tests found: tests/concurrency).
STARTUP_SECONDS = 120.0


def _wait_until_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> bool:
    """True once /health answers; False if the server exited because its port was taken."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if lost_the_port(process, log):
            return False
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/health", timeout=1) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    pytest.fail(f"the server did not become healthy:\n{log.read_text()}")


@dataclass
class Problems:
    """Console errors (CSP violations among them), uncaught script errors, and failed
    subresources. A page's own 4xx status (a 404 page, a form with errors) is expected."""

    messages: list[str] = field(default_factory=list)
    expected: set[tuple[int, str]] = field(default_factory=set)
    """(status, path ending) of script requests whose refusal is the page's design, such
    as the 409 a timetable move that would conflict answers before "Move anyway"."""

    def expect(self, status: int, path_ending: str) -> None:
        self.expected.add((status, path_ending))

    def watch(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(str(error)))
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        # Chromium logs every 4xx/5xx as "Failed to load resource"; _response sorts those out.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.messages.append(message.text)

    def _response(self, response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            path = response.url.split("?", 1)[0]
            if any(response.status == status and path.endswith(end) for status, end in self.expected):
                return
            self.messages.append(f"{response.status} for {response.url}")


def check_accessibility(page: Any) -> None:
    """axe-core inside the page: no serious or critical violation (WCAG 2.x A and AA rules)."""
    need(f"axe-core ({AXE})", AXE.is_file())
    # evaluate() runs through the DevTools protocol, which the page's CSP does not govern,
    # so the check needs no exception to the policy the test is also checking.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    rules = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
    results = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", rules)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, "\n".join(serious)


def check_in_by_code(door: Any, code: str, name: str) -> str:
    """Types `code` on the check-in page and checks `name` in; the time it says, as shown."""
    door.get_by_label("Check-in code").fill(code)
    door.get_by_role("button", name="Check in", exact=True).click()
    answer = door.get_by_role("status").filter(has_text="checked in")
    assert answer.inner_text().startswith(f"{name} is checked in."), answer.inner_text()
    return str(answer.inner_text().split("Checked in at ", 1)[1].rstrip("."))


def check_in_again_is_refused(door: Any, code: str, name: str, first_time: str) -> None:
    """The same code a second time: refused, with when the first check-in was."""
    door.get_by_label("Check-in code").fill(code)
    door.get_by_role("button", name="Check in", exact=True).click()
    refused = door.get_by_role("alert").filter(has_text="already")
    assert refused.inner_text().splitlines()[0] == f"{name} was checked in already."
    assert f"The first check-in was at {first_time}." in refused.inner_text()


def check_fits(page: Any) -> None:
    """Nothing scrolls sideways: the page works at the viewport's width."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the viewport"


def screenshot(page: Any, name: str, *, top: int | None = None) -> Path:
    """The whole page as a PNG in SCREENSHOTS, or its `top` pixels (README's pictures: a
    readable part, not a 7,000-pixel strip)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    path = SCREENSHOTS / f"{name}-{'phone' if width < 600 else 'desktop'}.png"
    clip = {"x": 0, "y": 0, "width": width, "height": top} if top else None
    page.screenshot(path=str(path), full_page=True, clip=clip)
    return path
