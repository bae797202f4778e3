"""Fault tests: the service with its infrastructure failing under it.

Beyond the rest of the suite they need root (to mount a small tmpfs, and to run
PostgreSQL's server binaries as `postgres` for a throwaway cluster of their own — the
shared server is never touched) and `zic`. Locally a test whose tool is missing is
skipped; CI sets EVENTHUB_REQUIRE_FAULTS=1, and then a missing tool is a failure.

Real servers come from `python -m eventhub serve` in a process group of their own, using
the concurrency tests' helpers (free port, CLI runner, health wait, stop).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from eventhub.settings import Settings
from tests.concurrency.conftest import (
    _cli,
    _stop,
    serve_on_a_free_port,
    database_for_server,  # noqa: F401  (a fixture: SQLite file or fresh PostgreSQL DB)
)
from tests.conftest import PUBLIC_URL
from tests.ports import free_port

REQUIRE_FAULTS = os.environ.get("EVENTHUB_REQUIRE_FAULTS") == "1"
SECRET_KEY = "fault-test-secret-not-for-production"
PROCESS_EXIT_SECONDS = 10.0


def require(available: bool, what: str) -> None:
    """Skip a test whose tool is missing; fail it instead when EVENTHUB_REQUIRE_FAULTS=1."""
    if available:
        return
    if REQUIRE_FAULTS:
        pytest.fail(f"EVENTHUB_REQUIRE_FAULTS=1 but {what}")
    pytest.skip(f"{what} (EVENTHUB_REQUIRE_FAULTS=1 makes this a failure)")


def is_root() -> bool:
    return os.geteuid() == 0


def app_settings(database_url: str) -> Settings:
    """Settings for an in-process app on `database_url` (no mail sender, no rate limit)."""
    return Settings(
        database_url=database_url,
        public_url=PUBLIC_URL,
        registration_rate_limit="off",
        redis_url=None,
        secret_key=SECRET_KEY,
        smtp_url=None,
        mail_sender=False,
        allowed_hosts=["testserver.local", "127.0.0.1", "localhost"],
    )


def assert_retry_later(response: httpx.Response, codes: tuple[str, ...] = ("database_unavailable",)) -> None:
    """A 503 the way a client can act on it: Retry-After and a problem with a stable code."""
    assert response.status_code == 503, f"{response.status_code} {response.text[:500]}"
    assert int(response.headers["retry-after"]) > 0
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    assert response.json()["code"] in codes, response.text


# --- real servers ----------------------------------------------------------------------------------


@dataclass
class ServerProcess:
    """`python -m eventhub serve` in a process group of its own; each start takes a new free port."""

    database_url: str
    log: Path
    workers: int = 1
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("EVENTHUB_")}
        env.update(
            EVENTHUB_DATABASE_URL=self.database_url,
            EVENTHUB_REGISTRATION_RATE_LIMIT="off",
            EVENTHUB_SECRET_KEY=SECRET_KEY,
            EVENTHUB_ALLOWED_HOSTS="127.0.0.1",
            EVENTHUB_PUBLIC_URL=self.base_url,
        )
        return env

    def cli(self, *args: str) -> str:
        return _cli(self.env, *args).stdout

    def organiser_token(self) -> str:
        return self.cli("token", "create", "--name", "faults", "--all").strip().splitlines()[-1]

    def start(self) -> None:
        env = self.env
        self.process, self.port = serve_on_a_free_port(env, self.log, workers=self.workers)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            wait_for_group_exit(self.process.pid)
            self.process = None

    def kill(self) -> None:
        """SIGKILL to the whole group at once: the server and every worker, mid-request."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=PROCESS_EXIT_SECONDS)
        wait_for_group_exit(self.process.pid)
        self.process = None


def wait_for_group_exit(pgid: int) -> None:
    """Until no live (non-zombie) process is left in the group; orphans may stay unreaped."""
    deadline = time.monotonic() + PROCESS_EXIT_SECONDS
    while time.monotonic() < deadline:
        if not _live_members(pgid):
            return
        time.sleep(0.05)
    pytest.fail(f"processes of group {pgid} still alive: {_live_members(pgid)}")


def _live_members(pgid: int) -> list[int]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Makes ServerProcess objects; every one still running is stopped in teardown."""
    started: list[ServerProcess] = []

    def make(database_url: str, *, workers: int = 1) -> ServerProcess:
        server = ServerProcess(database_url, tmp_path / f"server-{len(started)}.log", workers)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@dataclass
class Programme:
    slug: str
    session_ids: list[int] = field(default_factory=list)


async def publish_programme(client: httpx.AsyncClient, auth: dict[str, str], capacities: list[int | None]) -> Programme:
    """A published mission a month ahead (servers run on the real clock) with one open session
    per capacity, an hour apart, built through the API."""
    starts_on = date.today() + timedelta(days=30)
    slug = f"faults-{uuid.uuid4().hex[:8]}"
    mission = {
        "slug": slug, "title": "Bishkek fault drill", "host_city": "Bishkek", "host_country": "KG",
        "timezone": "Asia/Bishkek", "starts_on": starts_on.isoformat(),
        "ends_on": (starts_on + timedelta(days=4)).isoformat(), "status": "published",
    }
    response = await client.post("/api/missions", json=mission, headers=auth)
    assert response.status_code == 201, response.text
    programme = Programme(slug)
    for n, capacity in enumerate(capacities):
        hour = 8 + n
        body = {
            "title": f"Workshop {n + 1}", "kind": "workshop", "capacity": capacity,
            "starts_at": f"{starts_on.isoformat()}T{hour:02d}:00", "ends_at": f"{starts_on.isoformat()}T{hour:02d}:50",
        }
        response = await client.post(f"/api/missions/{slug}/sessions", json=body, headers=auth)
        assert response.status_code == 201, response.text
        programme.session_ids.append(response.json()["id"])
    return programme


# --- a throwaway PostgreSQL cluster ----------------------------------------------------------------


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL server's bin directory (Debian layout)."""
    found = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    found.sort(key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0)
    return found[-1] if found else None


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@dataclass
class Cluster:
    """A PostgreSQL cluster of the test's own: its data and socket under a temp dir, a free port."""

    bin: Path
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "postgres.log"

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, tool: str, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / tool), *args]
        if is_root():  # the server refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.root, check=False)

    def check(self, tool: str, *args: str) -> None:
        result = self.run(tool, *args)
        assert result.returncode == 0, f"{tool} {' '.join(args)}:\n{result.stdout}\n{result.stderr}\n{self.log_tail()}"

    def initdb(self) -> None:
        self.check("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                   "--locale=C", "--no-sync")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off")
        self.check("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast") -> None:
        self.check("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def is_running(self) -> bool:
        return self.run("pg_ctl", "-D", str(self.data), "status").returncode == 0

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """initdb + pg_ctl start on a free port with a temp socket dir; stopped and removed afterwards."""
    bin_dir = postgres_bin()
    require(bin_dir is not None, "no PostgreSQL server binaries under /usr/lib/postgresql")
    assert bin_dir is not None
    if is_root():
        require(_has_user("postgres") and shutil.which("runuser") is not None,
                "running as root without a `postgres` user and runuser")
    # Not under pytest's tmp dirs: those are root-only (0700), and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="eventhub-pg-"))
    if is_root():
        shutil.chown(root, "postgres", "postgres")
    instance = Cluster(bin_dir, root, free_port())
    try:
        instance.initdb()
        instance.start()
        instance.check("createdb", "-h", "127.0.0.1", "-p", str(instance.port), "-U", "postgres", "eventhub")
        yield instance
    finally:
        if instance.data.exists() and instance.is_running():
            instance.run("pg_ctl", "-D", str(instance.data), "-m", "immediate", "-w", "-t", "30", "stop")
        shutil.rmtree(root, ignore_errors=True)


# --- a small tmpfs -----------------------------------------------------------------------------------


@pytest.fixture
def small_tmpfs() -> Iterator[Path]:
    """A 2 MiB tmpfs mounted for the test and unmounted afterwards (root only)."""
    require(is_root() and shutil.which("mount") is not None, "mounting a tmpfs needs root")
    mountpoint = Path(tempfile.mkdtemp(prefix="eventhub-tmpfs-"))
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(mountpoint)],
                            capture_output=True, text=True, timeout=30, check=False)
    if result.returncode != 0:
        mountpoint.rmdir()
    require(result.returncode == 0, f"mount -t tmpfs failed: {result.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        if subprocess.run(["umount", str(mountpoint)], capture_output=True, timeout=30, check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(mountpoint)], capture_output=True, timeout=30, check=False)
        mountpoint.rmdir()


# --- what must hold after any fault -----------------------------------------------------------------


def sqlite_path(database_url: str) -> Path | None:
    if not database_url.startswith("sqlite"):
        return None
    return Path(database_url.split(":///", 1)[1].removeprefix("file:").split("?", 1)[0])


def sqlite_integrity(path: Path) -> None:
    """PRAGMA integrity_check and foreign_key_check, on a connection of its own."""
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    connection.close()


INVARIANTS = {
    "more confirmed than seats": """
        SELECT s.id, s.capacity, count(*) FROM programme_session s
        JOIN registration r ON r.session_id = s.id AND r.status = 'confirmed'
        WHERE s.capacity IS NOT NULL GROUP BY s.id, s.capacity HAVING count(*) > s.capacity
    """,
    "two live registrations of one attendee for one session": """
        SELECT session_id, attendee_id, count(*) FROM registration WHERE status <> 'cancelled'
        GROUP BY session_id, attendee_id HAVING count(*) > 1
    """,
    "a waitlist while seats are free": """
        SELECT s.id, s.capacity,
               (SELECT count(*) FROM registration c WHERE c.session_id = s.id AND c.status = 'confirmed')
        FROM programme_session s
        WHERE EXISTS (SELECT 1 FROM registration w WHERE w.session_id = s.id AND w.status = 'waitlisted')
          AND (s.capacity IS NULL OR s.capacity >
               (SELECT count(*) FROM registration c WHERE c.session_id = s.id AND c.status = 'confirmed'))
    """,
    # Mail is written in the transaction of its cause: one 'registered' message per registration
    # row, and one 'registration_cancelled' message per cancelled row — none more, none fewer.
    "registrations and 'registered' mail disagree": """
        SELECT session_id, attendee_id, sum(row_count), sum(mail_count) FROM (
          SELECT session_id, attendee_id, 1 AS row_count, 0 AS mail_count FROM registration
          UNION ALL
          SELECT session_id, attendee_id, 0, 1 FROM outbox_message WHERE kind = 'registered'
        ) pairs GROUP BY session_id, attendee_id HAVING sum(row_count) <> sum(mail_count)
    """,
    "cancellations and 'registration_cancelled' mail disagree": """
        SELECT session_id, attendee_id, sum(row_count), sum(mail_count) FROM (
          SELECT session_id, attendee_id, 1 AS row_count, 0 AS mail_count FROM registration
          WHERE status = 'cancelled'
          UNION ALL
          SELECT session_id, attendee_id, 0, 1 FROM outbox_message WHERE kind = 'registration_cancelled'
        ) pairs GROUP BY session_id, attendee_id HAVING sum(row_count) <> sum(mail_count)
    """,
}


async def broken_invariants(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Each rule of the data that some rows break, with those rows (empty when all hold)."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            found = {name: [tuple(row) for row in await connection.execute(text(query))]
                     for name, query in INVARIANTS.items()}
    finally:
        await engine.dispose()
    return {name: hits for name, hits in found.items() if hits}


async def rows(database_url: str, query: str, **params: Any) -> list[tuple[Any, ...]]:
    """The rows of one query, on a connection of its own."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return [tuple(row) for row in await connection.execute(text(query), params)]
    finally:
        await engine.dispose()


async def scalar(database_url: str, query: str, **params: Any) -> Any:
    return (await rows(database_url, query, **params))[0][0]
