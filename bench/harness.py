"""The benchmark harness: servers in process groups of their own, wrk runs alternating
with a baseline, and the databases the suite creates, migrates and drops. The sections
(bench/sections.py) measure with these; bench/run.py runs them and bench/report.py
writes the table."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
EVENTHUB = [PYTHON, "-m", "eventhub"]
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
