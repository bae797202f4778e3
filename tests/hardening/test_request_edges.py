"""Requests shaped to break the server answer a clear 4xx problem, never a 500: deep JSON,
malformed or foreign Host headers, oversized headers, a NUL in a path. And an error on an
attendee's manage link logs the path without its token."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from eventhub.app import create_app
from eventhub.hardening import host_name, json_depth_exceeds
from eventhub.settings import Settings
from tests.conftest import FrozenClock


def _problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


@pytest.mark.parametrize("opening", [b"[", b'{"a":'])
async def test_json_nested_a_thousand_deep_is_400_before_anything_reads_it(
    client: AsyncTestClient, auth: dict[str, str], opening: bytes
) -> None:
    closing = b"]" if opening == b"[" else b"}"
    body = opening * 1000 + b"1" + closing * 1000
    for path, headers in [("/api/missions/any-slug/registrations", {}), ("/api/missions", auth)]:
        response = await client.post(path, content=body, headers={**headers, "content-type": "application/json"})
        _problem(response, 400, "json_too_deep")


def test_depth_is_measured_outside_strings() -> None:
    assert not json_depth_exceeds(b'{"title": "' + b"[" * 500 + b'"}')
    assert not json_depth_exceeds(b'{"t": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')
    assert json_depth_exceeds(b"[" * 33 + b"]" * 33)
    assert not json_depth_exceeds(b"[" * 32 + b"]" * 32)
    assert not json_depth_exceeds(b"[" + b"[],"* 100 + b"[]]")


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1:8320/x", "localhost:evil.example", "127.0.0.1:8320@evil.example", "localhost:80:80",
     "evil.example", "localhost.evil.example", "", "local host", "[::1]x"],
)
async def test_malformed_and_foreign_hosts_are_400(client: AsyncTestClient, host: str) -> None:
    for path in ["/health", "/api/missions", "/missions/x", "/no/such/page"]:
        response = await client.get(path, headers={"host": host})
        assert response.status_code == 400, (host, path, response.text[:300])


def test_host_parsing() -> None:
    assert host_name("LocalHost:8320") == "localhost"
    assert host_name("[::1]:8000") == "::1"
    assert host_name("127.0.0.1") == "127.0.0.1"
    for bad in ["localhost:evil.example", "127.0.0.1:8320@evil.example", "a/b", "a:", ":80", "a b"]:
        assert host_name(bad) is None, bad


async def test_megabytes_of_headers_are_431(client: AsyncTestClient) -> None:
    response = await client.get("/api/missions", headers={f"x-filler-{i}": "y" * 1000 for i in range(40)})
    _problem(response, 431, "headers_too_large")
    assert (await client.get("/api/missions", headers={"x-ordinary": "y" * 2000})).status_code == 200


@pytest.mark.parametrize("path", ["/static/site.css%00", "/static/%00", "/api/missions/a%00b"])
async def test_a_nul_byte_in_a_path_is_404(client: AsyncTestClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404, response.text[:300]


async def test_an_unhandled_error_on_a_manage_link_logs_no_token(
    settings: Settings, database: Any, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(settings, clock=clock)
    token = "ehm_SECRETmanageTOKEN0123456789abcdef"

    async def broken(presented: str, *_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError(f"lookup failed for {presented}\r\nINFO forged line")

    monkeypatch.setattr(app.state.services.registrations, "me", broken)
    lines = Written()
    logging.getLogger("eventhub").addHandler(lines)  # what any handler of the logger gets
    try:
        async with AsyncTestClient(app=app) as client:
            page = await client.get(f"/manage/{token}", headers={"Accept": "text/html"})
            api = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    finally:
        logging.getLogger("eventhub").removeHandler(lines)
    assert page.status_code == 500 and api.status_code == 500
    text = "\n".join(lines.written)
    assert "unhandled error on GET /manage/[redacted]" in text
    assert "unhandled error on GET /api/me" in text
    assert "SECRET" not in text
    assert "\nINFO forged line" not in text


class Written(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        self.written: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.written.append(self.format(record))
