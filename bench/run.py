"""The benchmark suite: one command, real servers, every figure next to its baseline.

    .venv/bin/python bench/run.py [--runs 3] [--duration 5] [--out bench/RESULTS.md]

(bench/run.sh installs wrk first if it is missing.) What it does, all on loopback:

1. makes a SQLite file and a PostgreSQL database of its own (dropped at the end), migrates
   both with `eventhub db upgrade` and loads the Bishkek fixture scaled to 300 sessions
   with `eventhub load`;
2. (a, b, e) per database: `eventhub serve --workers 1` and the baseline app
   (bench/baseline.py) on the same server; wrk alternates between them: the warm mission
   feed against the same bytes from memory, a 304 revalidation against a hello-world
   route; then the peak memory (VmHWM) of the serving processes;
3. the server comparison: the same app and baselines on granian and on uvicorn, all up at
   once, every figure taken in turn on each (SQLite);
4. (c) bench/render_bench.py in a process of its own: cold render of a 1,000-session feed
   against icalendar's own build-and-serialize, and the rebuild after one change;
5. (d) per database: `eventhub serve --workers 2` and the baseline with two workers; wrk
   POSTs registrations (a new address each) for one hot session, alternating with the
   baseline's bare locked insert; afterwards the confirmed rows are counted against the
   capacity for both;
6. writes the table (and every run's figure) to bench/RESULTS.md.

Every server runs in a process group of its own and is stopped in a `finally`; every wrk
run is bounded by its duration and a timeout. Total: about 8 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
EVENTHUB = [PYTHON, "-m", "eventhub"]
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/eventhub_bench"
FEED_SESSIONS = 300
REGISTRATION_CAPACITY = 100  # each run's hot session fills up and the rest queue
CONNECTIONS = 16
STARTUP_SECONDS = 40.0
STOP_SECONDS = 10.0

sys.path.insert(0, str(BENCH))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http(method: str, url: str, headers: dict[str, str] | None = None, body: bytes | None = None,
         timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {}, data=body)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


@dataclass
class Server:
    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    ready_path: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                self.command, env=self.env, cwd=self.env.get("BENCH_CWD", str(ROOT)),
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.tail()}")
            try:
                status, _, _ = http("GET", self.base + self.ready_path, timeout=2.0)
                if status < 500:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {STARTUP_SECONDS:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def pids(self) -> list[int]:
        """The server process and all its descendants (the workers)."""
        if self.process is None:
            return []
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def peak_rss_mb(self) -> dict[int, float]:
        """VmHWM (peak resident set) of every process of the server, in MB."""
        peaks = {}
        for pid in self.pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if match and b"resource_tracker" not in cmdline:
                peaks[pid] = round(int(match.group(1)) / 1024, 1)
        return peaks

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # no worker outlives its server
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=STOP_SECONDS)
        self.process = None


class Servers:
    """Every server started, stopped in reverse order however the run ends."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.running: list[Server] = []

    def start(self, name: str, command: list[str], env: dict[str, str], port: int, ready_path: str) -> Server:
        server = Server(name, command, env, port, ready_path, self.workdir / f"{name}.log")
        self.running.append(server)
        return server.start()

    def stop(self, server: Server) -> None:
        server.stop()
        if server in self.running:
            self.running.remove(server)

    def stop_all(self) -> None:
        for server in reversed(self.running):
            server.stop()
        self.running.clear()


SERVERS = ("granian", "uvicorn")


def serve_command(server_kind: str, factory: str, port: int, workers: int) -> list[str]:
    """An app factory on either server, set up alike: proxy headers believed from this host,
    access log on with tokens redacted, failed workers restarted. uvicorn is exactly
    `eventhub serve`'s `run_server`; granian is bench/granian_server.py."""
    if server_kind == "uvicorn":
        code = f"from eventhub.cli import run_server; run_server({factory!r}, host='127.0.0.1', port={port}, workers={workers})"
        return [PYTHON, "-c", code]
    return [PYTHON, str(BENCH / "granian_server.py"), factory, "--port", str(port), "--workers", str(workers)]


def serve_kind() -> str:
    """Which server `eventhub serve` runs: asked of the code (its launch call), not assumed."""
    source = (ROOT / "src" / "eventhub" / "cli.py").read_text()
    body = source[source.index("def run_server"):].split("\n\n\n")[0]
    return "granian" if "Granian(" in body else "uvicorn"


# --- wrk ----------------------------------------------------------------------------------------


@dataclass
class WrkRun:
    rps: float
    requests: int
    non_2xx_3xx: int
    socket_errors: int
    statuses: dict[int, int] = field(default_factory=dict)
    latency_ms: float | None = None


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, duration: float, *, headers: dict[str, str] | None = None, script: Path | None = None,
        env: dict[str, str] | None = None, connections: int = CONNECTIONS, threads: int = 1) -> WrkRun:
    # A 10 s timeout: a registration that waits its turn for the lock (up to 5 s) is an answer, not an error.
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{int(duration)}s", "--latency",
               "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False,
                            env={**os.environ, **(env or {})})
    out = result.stdout
    if result.returncode != 0 or "Requests/sec" not in out:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{out}\n{result.stderr}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    latency = re.search(r"50%\s+([\d.]+\w+)", out)
    return WrkRun(
        rps=rps,
        requests=requests,
        non_2xx_3xx=int(non.group(1)) if non else 0,
        socket_errors=sum(int(g) for g in errors.groups()) if errors else 0,
        statuses={int(s): int(n) for s, n in re.findall(r"^STATUS (\d+) (\d+)$", out, re.MULTILINE)},
        latency_ms=_ms(latency.group(1)) if latency else None,
    )


@dataclass
class Pair:
    """A figure and its baseline, measured alternately in one run."""

    name: str
    subject: list[WrkRun] = field(default_factory=list)
    baseline: list[WrkRun] = field(default_factory=list)
    target: float | None = None  # the ratio the issue asks for
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def subject_rps(self) -> float:
        return statistics.median(r.rps for r in self.subject)

    @property
    def baseline_rps(self) -> float:
        return statistics.median(r.rps for r in self.baseline)

    @property
    def ratio(self) -> float:
        return self.subject_rps / self.baseline_rps

    @property
    def errors(self) -> int:
        return sum(r.non_2xx_3xx + r.socket_errors for r in self.subject + self.baseline)


def alternate(pair: Pair, runs: int, duration: float, subject: Any, baseline: Any) -> Pair:
    for _ in range(runs):
        pair.subject.append(subject())
        pair.baseline.append(baseline())
    return pair


# --- databases ------------------------------------------------------------------------------------


def asyncpg_dsn(url: str, database: str | None = None) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(asyncpg_dsn(url, "postgres"))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def create_postgres(url: str) -> None:
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    asyncio.run(_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(_admin(url, f'CREATE DATABASE "{name}"'))


def drop_postgres(url: str) -> None:
    from sqlalchemy.engine import make_url

    asyncio.run(_admin(url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))


def base_env(database_url: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTHUB_")}
    env.update(
        EVENTHUB_DATABASE_URL=database_url,
        EVENTHUB_PUBLIC_URL=f"http://127.0.0.1:{port}",
        EVENTHUB_SECRET_KEY="bench-secret-not-for-production",
        EVENTHUB_REGISTRATION_RATE_LIMIT="off",
        EVENTHUB_MAIL_SENDER="0",  # the outbox fills; sending is not what is measured
        PYTHONPATH=os.pathsep.join([str(BENCH), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    )
    return env


def cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([*EVENTHUB, *args], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT,
                            check=False)
    if result.returncode != 0:
        raise RuntimeError(f"eventhub {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_database(url: str, workdir: Path, label: str, *, load: bool = True) -> str:
    """Migrate, load the scaled fixture (through the real loader) and return its slug."""
    from scale import scaled

    env = base_env(url, 0)
    cli(env, "db", "upgrade")
    if not load:
        return ""
    fixture = workdir / f"bishkek-{FEED_SESSIONS}.json"
    fixture.write_text(json.dumps(scaled(FEED_SESSIONS), ensure_ascii=False), encoding="utf-8")
    started = time.monotonic()
    out = cli(env, "load", str(fixture), "--start", next_monday(date.today() + timedelta(days=14)).isoformat())
    log(f"{label}: {out.strip()} ({FEED_SESSIONS} sessions) in {time.monotonic() - started:.0f} s")
    return out.strip().rsplit(" ", 1)[-1]


def next_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


async def _hot_sessions(url: str, runs: int) -> tuple[str, list[int]]:
    """A published mission with one open session per run, each with REGISTRATION_CAPACITY seats."""
    import uuid

    from eventhub.db.database import Database
    from eventhub.db.models import Mission, ProgrammeSession
    from eventhub.domain.programme import MissionStatus, RegistrationMode, SessionKind, SessionStatus
    from eventhub.domain.time import to_utc

    database = Database(url)
    now = datetime.now(UTC)
    first = date.today() + timedelta(days=30)
    zone = "Asia/Bishkek"
    try:
        async with database.write() as db:
            mission = Mission(slug="bench-registrations", title="Registration rush", summary="", host_city="Bishkek",
                              host_country="KG", timezone=zone, starts_on=first, ends_on=first + timedelta(days=2),
                              status=MissionStatus.PUBLISHED, version=1, created_at=now, updated_at=now)
            db.add(mission)
            await db.flush()
            sessions = []
            for n in range(runs):
                starts = datetime.combine(first, datetime.min.time()) + timedelta(hours=8 + n)
                ends = starts + timedelta(minutes=50)
                session = ProgrammeSession(
                    mission_id=mission.id, uid=str(uuid.uuid4()), title=f"Popular workshop {n + 1}",
                    kind=SessionKind.WORKSHOP, description="", starts_local=starts, ends_local=ends, timezone=zone,
                    starts_at_utc=to_utc(starts, zone), ends_at_utc=to_utc(ends, zone), venue_id=None,
                    capacity=REGISTRATION_CAPACITY, registration=RegistrationMode.OPEN,
                    status=SessionStatus.PUBLISHED, sequence=0, created_at=now, updated_at=now, speakers=[],
                )
                db.add(session)
                sessions.append(session)
            await db.flush()
            return mission.slug, [s.id for s in sessions]
    finally:
        await database.dispose()


async def _registration_counts(url: str, session_ids: list[int]) -> dict[int, dict[str, int]]:
    from sqlalchemy import func, select

    from eventhub.db.database import Database
    from eventhub.db.models import Registration

    database = Database(url)
    try:
        async with database.read() as db:
            rows = await db.execute(
                select(Registration.session_id, Registration.status, func.count())
                .where(Registration.session_id.in_(session_ids))
                .group_by(Registration.session_id, Registration.status)
            )
            counts: dict[int, dict[str, int]] = {}
            for session_id, status, count in rows:
                counts.setdefault(int(session_id), {})[str(status.value if hasattr(status, "value") else status)] = count
            return counts
    finally:
        await database.dispose()


# --- the sections ---------------------------------------------------------------------------------


@dataclass
class Options:
    runs: int
    duration: float
    workdir: Path
    main_server: str
    other_server: str | None


def warm(url: str, headers: dict[str, str] | None = None, times: int = 20) -> None:
    for _ in range(times):
        http("GET", url, headers)


def feed_section(opts: Options, servers: Servers, url: str, slug: str, label: str, server_kind: str) -> dict[str, Any]:
    """(a) warm feed vs same bytes, (b) 304 vs hello world, (e) peak memory; one worker each."""
    port, base_port = free_port(), free_port()
    env = base_env(url, port)
    command = [*EVENTHUB, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    app = servers.start(f"eventhub-{server_kind}-{label}", command, env, port, "/health")
    feed_url = f"{app.base}/missions/{slug}/calendar.ics"
    status, headers, body = http("GET", feed_url)
    assert status == 200 and body.startswith(b"BEGIN:VCALENDAR"), (status, body[:200])
    etag = headers["etag"]
    status, _, empty = http("GET", feed_url, {"If-None-Match": etag})
    assert status == 304 and empty == b"", status
    feed_file = opts.workdir / f"feed-{label}.ics"
    feed_file.write_bytes(body)

    base_env_ = {**env, "BENCH_FEED_FILE": str(feed_file)}
    base_command = [PYTHON, str(BENCH / "baseline.py"), "--port", str(base_port), "--workers", "1"]
    baseline = servers.start(f"baseline-{server_kind}-{label}", base_command, base_env_, base_port, "/hello")
    same = http("GET", f"{baseline.base}/feed.ics")[2]
    assert same == body, "the baseline must serve the very same bytes"
    warm(feed_url)
    warm(f"{baseline.base}/feed.ics")

    d = opts.duration
    feed = alternate(Pair("warm mission feed GET", target=0.70, extra={"bytes": len(body)}), opts.runs, d,
                     lambda: wrk(feed_url, d), lambda: wrk(f"{baseline.base}/feed.ics", d))
    revalidate = alternate(Pair("304 revalidation", target=0.80), opts.runs, d,
                           lambda: wrk(feed_url, d, headers={"If-None-Match": etag}),
                           lambda: wrk(f"{baseline.base}/hello", d))
    memory = {"eventhub": app.peak_rss_mb(), "baseline": baseline.peak_rss_mb()}
    servers.stop(baseline)
    servers.stop(app)
    return {"feed": feed, "revalidate": revalidate, "memory": memory}


def server_comparison(opts: Options, servers: Servers, url: str, slug: str) -> dict[str, Any]:
    """The same app and baselines on granian and on uvicorn, all four servers up at once and
    every figure taken in turn, run after run, so that both servers see the same moments."""
    started: dict[str, tuple[Server, Server]] = {}
    for kind in SERVERS:
        feed_file = opts.workdir / f"feed-compare-{kind}.ics"  # links carry the port: bytes per server
        port, base_port = free_port(), free_port()
        env = base_env(url, port)
        app = servers.start(f"compare-eventhub-{kind}", serve_command(kind, "eventhub.app:create_app_from_env", port, 1),
                            env, port, "/health")
        feed_file.write_bytes(http("GET", f"{app.base}/missions/{slug}/calendar.ics")[2])
        base = servers.start(f"compare-baseline-{kind}", serve_command(kind, "baseline:create_app", base_port, 1),
                             {**env, "BENCH_FEED_FILE": str(feed_file)}, base_port, "/hello")
        started[kind] = (app, base)
    targets: dict[str, dict[str, tuple[str, dict[str, str]]]] = {}
    for kind, (app, base) in started.items():
        feed_url = f"{app.base}/missions/{slug}/calendar.ics"
        status, headers, body = http("GET", feed_url)
        assert status == 200 and http("GET", f"{base.base}/feed.ics")[2] == body, kind
        warm(feed_url)
        targets[kind] = {
            "hello world": (f"{base.base}/hello", {}),
            "same-bytes feed": (f"{base.base}/feed.ics", {}),
            "eventhub warm feed": (feed_url, {}),
            "eventhub 304": (feed_url, {"If-None-Match": headers["etag"]}),
        }
    figures: dict[str, dict[str, list[float]]] = {kind: {name: [] for name in targets[kind]} for kind in targets}
    for _ in range(opts.runs):
        for name in targets[SERVERS[0]]:
            for kind in SERVERS:
                url_, headers_ = targets[kind][name]
                figures[kind][name].append(wrk(url_, opts.duration, headers=headers_).rps)
    for app, base in started.values():
        servers.stop(base)
        servers.stop(app)
    return {kind: {name: statistics.median(runs) for name, runs in by_name.items()} | {"runs": by_name}
            for kind, by_name in figures.items()}


def registration_section(opts: Options, servers: Servers, url: str, label: str) -> dict[str, Any]:
    """(d) registrations for one hot session, two workers, vs the bare locked insert."""
    import baseline as baseline_module

    slug, session_ids = asyncio.run(_hot_sessions(url, opts.runs))
    seats = {1000 + n: REGISTRATION_CAPACITY for n in range(opts.runs)}
    asyncio.run(baseline_module.prepare(url, seats))

    port, base_port = free_port(), free_port()
    env = base_env(url, port)
    app = servers.start(f"eventhub-registrations-{label}",
                        [*EVENTHUB, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                        env, port, "/health")
    base = servers.start(f"baseline-registrations-{label}",
                         [PYTHON, str(BENCH / "baseline.py"), "--port", str(base_port), "--workers", "2"],
                         {**env, "BENCH_DATABASE_URL": url}, base_port, "/hello")
    script = BENCH / "lua" / "register.lua"
    d = opts.duration
    pair = Pair("registrations, one hot session, 2 workers", target=0.80)
    for run, (session_id, seat_id) in enumerate(zip(session_ids, seats, strict=True)):
        pair.subject.append(wrk(f"{app.base}/", d, script=script, env={
            "BENCH_TARGET": "eventhub", "BENCH_SLUG": slug, "BENCH_SESSION": str(session_id), "BENCH_RUN": f"e{run}"}))
        pair.baseline.append(wrk(f"{base.base}/", d, script=script, env={
            "BENCH_TARGET": "bare", "BENCH_SESSION": str(seat_id), "BENCH_RUN": f"b{run}"}))
    servers.stop(base)
    servers.stop(app)

    eventhub_counts = asyncio.run(_registration_counts(url, session_ids))
    bare_counts = asyncio.run(baseline_module.claim_counts(url))
    overbooked = {
        "eventhub": sum(max(0, c.get("confirmed", 0) - REGISTRATION_CAPACITY) for c in eventhub_counts.values()),
        "bare": sum(max(0, c.get("confirmed", 0) - REGISTRATION_CAPACITY) for c in bare_counts.values()),
    }
    created = [r.statuses.get(201, 0) for r in pair.subject]
    stored = [sum(eventhub_counts.get(sid, {}).values()) for sid in session_ids]
    pair.extra = {
        "capacity": REGISTRATION_CAPACITY,
        "eventhub_counts": {str(k): v for k, v in eventhub_counts.items()},
        "bare_counts": {str(k): v for k, v in bare_counts.items()},
        "overbooked": overbooked,
        "eventhub_201": created,
        "eventhub_rows": stored,
        "eventhub_statuses": [r.statuses for r in pair.subject],
        "bare_statuses": [r.statuses for r in pair.baseline],
    }
    return {"registrations": pair}


def render_section(opts: Options, urls: list[str]) -> dict[str, Any]:
    result = subprocess.run([PYTHON, str(BENCH / "render_bench.py"), str(max(5, opts.runs + 2)), *urls], check=False,
                            capture_output=True, text=True, timeout=400, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT / "src")])})
    if result.returncode != 0:
        raise RuntimeError(f"render_bench failed:\n{result.stdout}\n{result.stderr}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


# --- the report -----------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("litestar", "uvicorn", "granian", "sqlalchemy", "icalendar", "asyncpg", "aiosqlite", "msgspec"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    try:
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"], check=False,
                             capture_output=True, text=True, timeout=10).stdout.strip()
        found["postgresql"] = out or "?"
    except (OSError, subprocess.TimeoutExpired):
        found["postgresql"] = "?"
    found["sqlite"] = __import__("sqlite3").sqlite_version
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout.split("[")[0].strip()
    found["wrk"] = wrk_version.replace("wrk ", "")
    return found


def machine() -> dict[str, str]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {"nproc": str(os.cpu_count()), "cpu": cpu, "memory": f"{int(memory) // 1024 // 1024} GiB",
            "kernel": platform.release()}


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def pair_row(label: str, pair: Pair, baseline_label: str, unit: str = "req/s") -> str:
    met = verdict(pair.ratio >= (pair.target or 0)) if pair.target else ""
    runs = " / ".join(f"{r.rps:.0f}" for r in pair.subject)
    base_runs = " / ".join(f"{r.rps:.0f}" for r in pair.baseline)
    errors = f"; {pair.errors} errors" if pair.errors else ""
    return (f"| {label} | {pair.subject_rps:,.0f} {unit} ({runs}) | {baseline_label}: {pair.baseline_rps:,.0f} {unit} "
            f"({base_runs}) | {pair.ratio:.0%} | >= {pair.target:.0%}: {met}{errors} |")


def report(opts: Options, results: dict[str, Any], started: datetime, seconds: float) -> str:
    v, m = results["versions"], results["machine"]
    lines = [
        "# Benchmark results",
        "",
        (f"Run {started:%Y-%m-%d %H:%M} UTC by `bench/run.sh` in {seconds / 60:.1f} min "
         f"({opts.runs} runs of {opts.duration:.0f} s per figure, alternating with the baseline; medians; "
         f"every run's figure in brackets)."),
        "",
        (f"- Machine: {m['nproc']} cores, {m['cpu']}, {m['memory']}, Linux {m['kernel']}. Other work on the machine "
         "adds noise: compare the ratio, not the absolute numbers, across runs."),
        (f"- Versions: Python {v['python']}, Litestar {v['litestar']}, uvicorn {v['uvicorn']}, "
         f"granian {v['granian']}, SQLAlchemy {v['sqlalchemy']}, icalendar {v['icalendar']}, asyncpg {v['asyncpg']}, "
         f"aiosqlite {v['aiosqlite']}, PostgreSQL {v['postgresql']}, SQLite {v['sqlite']}, wrk {v['wrk']}."),
        (f"- `eventhub serve` runs **{opts.main_server}**; the baselines run on the same server with the same "
         "options (bench/baseline.py calls `eventhub.cli.run_server`). wrk: 1 thread, 16 connections."),
        "",
        "## Against the issue's targets",
        "",
        "| figure | eventhub | baseline (same run) | ratio | target |",
        "|---|---|---|---|---|",
    ]
    for db in ("sqlite", "postgresql"):
        section = results.get(f"feeds {db} {opts.main_server}")
        if section is None:
            continue
        size = section["feed"].extra["bytes"] / 1024
        lines.append(pair_row(f"(a) warm mission feed GET, {FEED_SESSIONS} sessions ({size:.0f} KiB), {db}, 1 worker",
                              section["feed"], "same bytes from memory"))
        lines.append(pair_row(f"(b) 304 revalidation (If-None-Match), {db}, 1 worker", section["revalidate"],
                              "hello world"))
    render = results["render"]
    renderer = render["renderer"]
    lines.append(
        f"| (c) cold render, {renderer['events']} events ({renderer['feed_bytes'] / 1024:.0f} KiB), in process "
        f"| {renderer['cold_ms']:.0f} ms | icalendar's own build + to_ical: {renderer['icalendar_ms']:.0f} ms "
        f"| {renderer['cold_ms'] / renderer['icalendar_ms']:.0%} of the time "
        f"| no slower: {verdict(renderer['cold_ms'] <= renderer['icalendar_ms'])} |"
    )
    lines.append(
        f"| (c) rebuild after one event changed, in process | {renderer['rebuild_ms']:.1f} ms "
        f"| cold render: {renderer['cold_ms']:.0f} ms | {renderer['rebuild_ms'] / renderer['cold_ms']:.1%} of cold "
        f"| < 5 %: {verdict(renderer['rebuild_ms'] < 0.05 * renderer['cold_ms'])} |"
    )
    for key, figures in render.items():
        if not key.startswith("feed "):
            continue
        db = "sqlite" if "sqlite" in key else "postgresql"
        lines.append(
            f"| (c) whole feed path ({db}): query + rows to events + render, cold vs after one session changed "
            f"| rebuild {figures['rebuild_ms']:.0f} ms | cold {figures['cold_ms']:.0f} ms "
            f"| {figures['rebuild_ms'] / figures['cold_ms']:.1%} of cold | (not the target's measure; see README) |"
        )
    for db in ("postgresql", "sqlite"):
        section = results.get(f"registrations {db}")
        if section is None:
            continue
        pair = section["registrations"]
        over = pair.extra["overbooked"]
        lines.append(pair_row(f"(d) registrations, one hot session (capacity {pair.extra['capacity']}), {db}, 2 workers",
                              pair, "bare locked insert"))
        lines.append(
            f"| (d) overbooking, {db} | {over['eventhub']} confirmed beyond capacity "
            f"| bare: {over['bare']} | | zero: {verdict(over['eventhub'] == 0)} |"
        )
    for db in ("sqlite", "postgresql"):
        section = results.get(f"feeds {db} {opts.main_server}")
        if section is None:
            continue
        peak = max(section["memory"]["eventhub"].values())
        base_peak = max(section["memory"]["baseline"].values())
        lines.append(f"| (e) peak RSS (VmHWM) of the worker after the feed load, {db} | {peak:.0f} MB "
                     f"| baseline app: {base_peak:.0f} MB | | < 150 MB: {verdict(peak < 150)} |")

    compared = results.get("servers")
    if compared:
        lines += ["", "## Server choice", "",
                  ("The same app and baselines on both servers at once (SQLite, one worker each, proxy headers "
                   "and the redacting access log on both), every figure taken in turn on each, run after run; "
                   "requests per second, medians (runs in brackets)."), "",
                  "| server | hello world | same-bytes feed | eventhub warm feed | eventhub 304 | feed ratio | 304 ratio |",
                  "|---|---|---|---|---|---|---|"]
        for kind in SERVERS:
            f = compared[kind]
            cells = " | ".join(
                f"{f[name]:,.0f} ({' / '.join(f'{x:.0f}' for x in f['runs'][name])})"
                for name in ("hello world", "same-bytes feed", "eventhub warm feed", "eventhub 304")
            )
            mark = " (`eventhub serve`)" if kind == opts.main_server else ""
            lines.append(f"| {kind}{mark} | {cells} | {f['eventhub warm feed'] / f['same-bytes feed']:.0%} "
                         f"| {f['eventhub 304'] / f['hello world']:.0%} |")
        g, u = compared["granian"], compared["uvicorn"]
        lines.append("")
        lines.append("granian / uvicorn: " + ", ".join(
            f"{name} {g[name] / u[name]:.2f}x"
            for name in ("hello world", "same-bytes feed", "eventhub warm feed", "eventhub 304")) + ".")

    lines += ["", "## Registration runs", ""]
    for db in ("postgresql", "sqlite"):
        section = results.get(f"registrations {db}")
        if section is None:
            continue
        extra = section["registrations"].extra
        lines.append(f"- {db}: eventhub rows per hot session {extra['eventhub_counts']}; answers per run "
                     f"{extra['eventhub_statuses']}; bare locked insert {extra['bare_counts']}, answers "
                     f"{extra['bare_statuses']}.")
    lines += ["", "Raw figures: `bench/results.json`.", ""]
    return "\n".join(lines)


def to_json(value: Any) -> Any:
    if isinstance(value, Pair):
        return {"name": value.name, "subject_rps": value.subject_rps, "baseline_rps": value.baseline_rps,
                "ratio": value.ratio, "target": value.target, "subject": [vars(r) for r in value.subject],
                "baseline": [vars(r) for r in value.baseline], "extra": value.extra}
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


# --- main -------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description="eventhub benchmark suite (see bench/README.md)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
                        help="database the suite creates and drops (default: %(default)s)")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["feeds", "compare", "render", "registrations", "postgresql"])
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk (bench/run.sh does it)")

    main_server = serve_kind()
    other = "granian" if main_server == "uvicorn" else "uvicorn"
    try:
        metadata.version(other)
    except metadata.PackageNotFoundError:
        other = None  # type: ignore[assignment]
    workdir = Path(tempfile.mkdtemp(prefix="eventhub-bench-"))
    opts = Options(args.runs, args.duration, workdir, main_server, None if "compare" in args.skip else other)
    started, clock = datetime.now(UTC), time.monotonic()
    servers = Servers(workdir)
    sqlite_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    postgres_url = args.postgres
    use_postgres = "postgresql" not in args.skip
    results: dict[str, Any] = {"versions": versions(), "machine": machine()}

    def interrupted(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    try:
        databases = {"sqlite": sqlite_url}
        if use_postgres:
            create_postgres(postgres_url)
            databases["postgresql"] = postgres_url
        slugs = {label: prepare_database(url, workdir, label, load="feeds" not in args.skip)
                 for label, url in databases.items()}

        for label, url in databases.items():
            if "feeds" in args.skip:
                break
            log(f"(a, b, e) feeds on {label}, {main_server} via `eventhub serve`")
            results[f"feeds {label} {main_server}"] = feed_section(opts, servers, url, slugs[label], label,
                                                                   main_server)
        if opts.other_server and "feeds" not in args.skip:
            log("server comparison: granian and uvicorn side by side, sqlite")
            results["servers"] = server_comparison(opts, servers, sqlite_url, slugs["sqlite"])
        if "render" not in args.skip:
            log("(c) render, in process")
            results["render"] = render_section(opts, list(databases.values()))
        if "registrations" not in args.skip:
            for label in ("postgresql", "sqlite"):
                if label in databases:
                    log(f"(d) registrations on {label}, 2 workers")
                    results[f"registrations {label}"] = registration_section(opts, servers, databases[label], label)
    finally:
        servers.stop_all()
        if use_postgres:
            with contextlib.suppress(Exception):
                drop_postgres(postgres_url)
        shutil.rmtree(workdir, ignore_errors=True)

    seconds = time.monotonic() - clock
    (BENCH / "results.json").write_text(json.dumps(to_json(results), indent=1) + "\n", encoding="utf-8")
    if "render" in results and f"feeds sqlite {main_server}" in results:
        args.out.write_text(report(opts, results, started, seconds), encoding="utf-8")
        log(f"wrote {args.out.relative_to(ROOT)} ({seconds / 60:.1f} min)")
    else:
        log(f"partial run ({seconds / 60:.1f} min): bench/results.json only")


if __name__ == "__main__":
    main()
