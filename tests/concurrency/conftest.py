"""A real eventhub server for the concurrency tests: `eventhub db upgrade`, then `eventhub serve
--workers 2` on a free port, on a SQLite file (WAL) or on a fresh PostgreSQL database; an
organiser token from `eventhub token create`; a published mission built through the HTTP API.

Every request goes over a real socket to two worker processes. A `503` (a lock wait ran out;
it carries `Retry-After`) may be retried a bounded number of times: the retries are counted
per test and listed in the terminal summary.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, _dialects
from tests.ports import START_ATTEMPTS, free_port, log_size, lost_the_port

# A bound, not a sleep: the wait ends as soon as /health answers. Two workers importing the app
# on a machine shared with other test runs took 31 s once; the bound leaves room for that.
STARTUP_SECONDS = 120.0
STOP_SECONDS = 15.0
MAX_ATTEMPTS = 6  # one request and at most five retries after a 503
MAX_RETRY_WAIT = 2.0  # seconds; Retry-After says 2

# nodeid -> number of 503 answers that were retried (reported in the terminal summary).
RETRIES: dict[str, int] = {}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not RETRIES:
        return
    terminalreporter.section("concurrency: 503 answers retried")
    for nodeid, count in RETRIES.items():
        terminalreporter.write_line(f"{count:4d}  {nodeid}")
    terminalreporter.write_line(f"{sum(RETRIES.values()):4d}  in all")


@dataclass
class Server:
    dialect: str
    base_url: str
    organiser_token: str
    log: Path

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.organiser_token}"}


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "eventhub", *args], check=False, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"eventhub {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _log_tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server (uvicorn stops its workers), SIGKILL to its process group if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pass
    try:  # the group is ours alone (start_new_session): no worker may outlive the test
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=STOP_SECONDS)


def serve_on_a_free_port(env: dict[str, str], log: Path, *, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    """`eventhub serve` in a process group of its own, healthy, on a free port (sets
    EVENTHUB_PUBLIC_URL in `env`); started again on another port if it lost its own."""
    for _attempt in range(START_ATTEMPTS):
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env["EVENTHUB_PUBLIC_URL"] = base_url
        since = log_size(log)
        with log.open("ab") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "eventhub", "serve", "--host", "127.0.0.1", "--port", str(port),
                 "--workers", str(workers)],
                env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
            )
        if _wait_until_healthy(process, base_url, log, since):
            return process, port
    pytest.fail(f"the server lost its port {START_ATTEMPTS} times in a row:\n{_log_tail(log)}")


def _wait_until_healthy(process: subprocess.Popen[bytes], base_url: str, log: Path, since: int = 0) -> bool:
    """True once /health answers 200; False if the server exited because its port was taken."""
    deadline = time.monotonic() + STARTUP_SECONDS
    last = "no answer yet"
    while time.monotonic() < deadline:
        if lost_the_port(process, log, since):
            return False
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{_log_tail(log)}")
        try:
            answer = httpx.get(f"{base_url}/health", timeout=2.0)
            if answer.status_code == 200:
                return True
            last = f"{answer.status_code} {answer.text}"
        except httpx.TransportError as error:
            last = repr(error)
        time.sleep(0.1)
    pytest.fail(f"/health did not answer 200 within {STARTUP_SECONDS:.0f} s ({last}):\n{_log_tail(log)}")


async def _create_database(server_url: str, name: str) -> None:
    admin = await asyncpg.connect(_asyncpg_dsn(server_url, "postgres"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def _drop_database(server_url: str, name: str) -> None:
    admin = await asyncpg.connect(_asyncpg_dsn(server_url, "postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def _asyncpg_dsn(url: str, database: str) -> str:
    return make_url(url).set(drivername="postgresql", database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="module", params=_dialects())
async def database_for_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A SQLite file, or a fresh PostgreSQL database dropped afterwards (even on failure)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('server') / 'eventhub.db'}"
        return
    if POSTGRES_URL is None:
        pytest.fail("EVENTHUB_REQUIRE_POSTGRES=1 but EVENTHUB_TEST_POSTGRES_URL is not set")
    base = make_url(POSTGRES_URL)
    name = f"{base.database or 'eventhub'}_conc_{uuid.uuid4().hex[:10]}"
    await _create_database(POSTGRES_URL, name)
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        await _drop_database(POSTGRES_URL, name)


@pytest.fixture(scope="module")
def server(database_for_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`eventhub serve --workers 2` on a migrated database, healthy, with an organiser token."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("EVENTHUB_")}
    env.update(
        EVENTHUB_DATABASE_URL=database_for_server,
        EVENTHUB_REGISTRATION_RATE_LIMIT="off",
        # Both workers (and the CLI) must derive the same manage tokens; never a file in the checkout.
        EVENTHUB_SECRET_KEY=secrets.token_urlsafe(32),
    )
    _cli(env, "db", "upgrade")
    log = tmp_path_factory.mktemp("server-log") / "server.log"
    process, port = serve_on_a_free_port(env, log, workers=2)
    base_url = f"http://127.0.0.1:{port}"
    try:
        token = _cli(env, "token", "create", "--name", "load", "--all").stdout.strip().splitlines()[-1]
        yield Server(dialect=database_for_server.split(":", 1)[0], base_url=base_url, organiser_token=token, log=log)
    finally:
        _stop(process)


@dataclass
class Load:
    """An HTTP client over real sockets whose pool allows every request of a burst at once."""

    server: Server
    client: httpx.AsyncClient
    retries: int = 0

    async def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request; a 503 with Retry-After is retried (bounded) and counted."""
        for _ in range(MAX_ATTEMPTS - 1):
            response = await self.client.request(method, path, **kwargs)
            if response.status_code != 503:
                return response
            assert "retry-after" in response.headers, f"503 without Retry-After: {response.text}"
            self.retries += 1
            await asyncio.sleep(min(float(response.headers["retry-after"]), MAX_RETRY_WAIT))
        return await self.client.request(method, path, **kwargs)

    async def register(self, slug: str, session_ids: list[int], email: str, *, name: str = "Load Tester",
                       token: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = {"name": name, "email": email, "session_ids": session_ids}
        return await self.send("POST", f"/api/missions/{slug}/registrations", json=body, headers=headers)

    async def cancel_mine(self, session_id: int, token: str) -> httpx.Response:
        return await self.send("DELETE", f"/api/me/registrations/{session_id}",
                               headers={"Authorization": f"Bearer {token}"})

    async def export(self, slug: str, session_id: int) -> list[dict[str, Any]]:
        """The organiser's export, only the rows of one session."""
        response = await self.send("GET", f"/api/missions/{slug}/registrations", headers=self.server.auth)
        assert response.status_code == 200, response.text
        return [row for row in response.json() if row["session_id"] == session_id]


@pytest.fixture
async def load(server: Server, request: pytest.FixtureRequest) -> AsyncIterator[Load]:
    # Idle connections are dropped well before the server's keep-alive (5 s) ends them:
    # reusing one just as the server closes it loses the request, a race of the harness.
    limits = httpx.Limits(max_connections=250, max_keepalive_connections=250, keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=60.0) as client:
        harness = Load(server, client)
        try:
            yield harness
        finally:
            if harness.retries:
                RETRIES[request.node.nodeid] = harness.retries


@dataclass
class Programme:
    """A published mission in the future (the server runs on the real clock) and its sessions."""

    load: Load
    slug: str
    starts_on: date
    sessions: list[int] = field(default_factory=list)

    async def session(self, capacity: int | None) -> int:
        """A new open session, an hour slot of its own (ten a day), so none conflicts."""
        n = len(self.sessions)
        day = self.starts_on + timedelta(days=n // 10)
        hour = 8 + n % 10
        body = {
            "title": f"Workshop {n + 1}", "kind": "workshop", "capacity": capacity,
            "starts_at": f"{day.isoformat()}T{hour:02d}:00", "ends_at": f"{day.isoformat()}T{hour:02d}:50",
        }
        response = await self.load.send(
            "POST", f"/api/missions/{self.slug}/sessions", json=body, headers=self.load.server.auth
        )
        assert response.status_code == 201, response.text
        self.sessions.append(response.json()["id"])
        return self.sessions[-1]


@pytest.fixture
async def programme(load: Load) -> Programme:
    starts_on = date.today() + timedelta(days=60)
    slug = f"load-{uuid.uuid4().hex[:8]}"
    body = {
        "slug": slug, "title": "Bishkek load test", "host_city": "Bishkek", "host_country": "KG",
        "timezone": "Asia/Bishkek", "starts_on": starts_on.isoformat(),
        "ends_on": (starts_on + timedelta(days=9)).isoformat(), "status": "published",
    }
    response = await load.send("POST", "/api/missions", json=body, headers=load.server.auth)
    assert response.status_code == 201, response.text
    return Programme(load, slug, starts_on)
