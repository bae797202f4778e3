"""`eventhub serve` runs granian (bench/RESULTS.md says why): it keeps what uvicorn did for
us, clients seen through the local proxy and access lines without attendees' tokens."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from granian.log import DEFAULT_ACCESSLOG_FMT

from eventhub import cli

SEEN: list[Any] = []


def recording_app() -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        SEEN.append(scope.get("client"))

    return app


def access_record(path: str) -> logging.LogRecord:
    fields = {"addr": "127.0.0.1", "time": "2026-11-27 09:00:00 +0000", "dt_ms": 1.5, "status": 200, "path": path,
              "query_string": "download=1", "method": "GET", "scheme": "http", "protocol": "HTTP/1.1"}
    return logging.LogRecord("granian.access", logging.INFO, __file__, 1, DEFAULT_ACCESSLOG_FMT, (fields,), None)


def test_granian_access_lines_carry_no_attendee_token() -> None:
    for path, shown in [
        ("/feeds/ehf_SECRETfeedTOKEN/calendar.ics", "/feeds/[redacted]/calendar.ics"),
        ("/manage/ehm_SECRETmanageTOKEN", "/manage/[redacted]"),
        ("/missions/riga/calendar.ics", "/missions/riga/calendar.ics"),
    ]:
        record = access_record(path)
        assert cli.RedactAccessPaths().filter(record)
        line = record.getMessage()
        assert "SECRET" not in line and f'"GET {shown} HTTP/1.1" 200' in line


def test_every_granian_log_handler_redacts() -> None:
    config = cli.granian_log_config()
    assert config["handlers"] and all("redact_tokens" in h["filters"] for h in config["handlers"].values())
    assert "granian.access" in config["loggers"]


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [("127.0.0.1", "203.0.113.9", "203.0.113.9"), ("198.51.100.7", "203.0.113.9", "198.51.100.7")],
)
async def test_workers_see_clients_through_the_proxy_on_this_host_only(
    monkeypatch: pytest.MonkeyPatch, peer: str, forwarded: str, client: str
) -> None:
    monkeypatch.setenv(cli.SERVE_FACTORY, f"{__name__}:recording_app")
    app = cli.behind_proxy()
    SEEN.clear()
    scope = {"type": "http", "scheme": "http", "client": (peer, 5000), "headers": [(b"x-forwarded-for", forwarded.encode())]}
    await app(scope, None, None)
    assert SEEN and SEEN[0][0] == client
