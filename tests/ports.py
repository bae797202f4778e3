"""Free ports for the servers that tests start as processes.

Asking the OS for a free port and handing it to a server that binds it seconds later (a
Python process importing the app) leaves a window in which another socket, an outgoing
connection's ephemeral port say, can take it. The server then exits at once with "address
already in use"; `lost_the_port` tells that exit apart, so the fixture starts it again on a
new port (a bounded number of times) instead of failing a test at random."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

START_ATTEMPTS = 5
_BIND_FAILURES = ("address already in use", "[errno 98]")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def lost_the_port(process: subprocess.Popen[bytes], log: Path, since: int = 0) -> bool:
    """The server process has exited because its port was taken before it could bind
    (its log from byte `since` on says so: a log that earlier starts appended to)."""
    if process.poll() is None:
        return False
    if not log.exists():
        return False
    with log.open("rb") as file:
        file.seek(since)
        text = file.read().decode(errors="replace").lower()
    return any(failure in text for failure in _BIND_FAILURES)


def log_size(log: Path) -> int:
    return log.stat().st_size if log.exists() else 0
