"""Compressed feeds and pages as a client sees them: the bytes decompress to what an
identity request gets, the client's q-values are honoured, each coding has its own
ETag that revalidates, and a feed is compressed once per change, not per request."""

from __future__ import annotations

import gzip

import brotli
import pytest
from litestar.testing import AsyncTestClient

from eventhub.compression import CompressedBodies
from eventhub.db.database import Database
from eventhub.loader import load_mission, read_mission_file
from eventhub.services import Services
from eventhub.settings import Settings
from tests.conftest import FIXTURES, FrozenClock

BISHKEK = "lv-it-cluster-bishkek-2026"
FEED = f"/missions/{BISHKEK}/calendar.ics"
AGENDA = f"/missions/{BISHKEK}"
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}


@pytest.fixture
async def bishkek(settings: Settings, database: Database, clock: FrozenClock) -> None:
    await load_mission(Services.build(settings, database, clock), read_mission_file(FIXTURES / "bishkek-2026.json"))


async def raw(client: AsyncTestClient, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the bytes on the wire (httpx would decompress them)."""
    async with client.stream("GET", path, headers=headers) as response:
        body = b"".join([chunk async for chunk in response.aiter_raw()])
        return response.status_code, dict(response.headers), body


def cache(client: AsyncTestClient) -> CompressedBodies:
    return client.app.state.compressed


@pytest.mark.parametrize("path", [FEED, AGENDA])
@pytest.mark.parametrize("coding", ["br", "gzip"])
async def test_a_compressed_answer_decompresses_to_the_identity_bytes(
    client: AsyncTestClient, bishkek: None, path: str, coding: str
) -> None:
    _, plain_headers, plain = await raw(client, path, **{"Accept-Encoding": "identity"})
    status, headers, body = await raw(client, path, **{"Accept-Encoding": f"{coding}, identity;q=0.5"})
    assert status == 200
    assert "content-encoding" not in plain_headers
    assert headers["content-encoding"] == coding
    assert "Accept-Encoding" in headers["vary"]
    assert int(headers["content-length"]) == len(body) < len(plain) / 3
    if path == AGENDA:  # the CSRF cookie differs per client: compare the page without it
        assert DECODE[coding](body).replace(b"\r\n", b"\n") == plain.replace(b"\r\n", b"\n")
    else:
        assert DECODE[coding](body) == plain
        assert headers["etag"] == plain_headers["etag"][:-1] + f'-{coding}"'


async def test_br_is_preferred_on_a_tie_and_the_client_weights_decide(client: AsyncTestClient, bishkek: None) -> None:
    expected = {
        "gzip, deflate, br": "br",
        "br;q=0.5, gzip": "gzip",
        "br;q=0, gzip": "gzip",
        "br;q=0, gzip;q=0": None,
        "*;q=0": None,
        "*": "br",
        "deflate": None,
        "": None,
    }
    for accept, coding in expected.items():
        _, headers, body = await raw(client, FEED, **{"Accept-Encoding": accept})
        assert headers.get("content-encoding") == coding, accept
        if coding is None:
            assert body.startswith(b"BEGIN:VCALENDAR")


async def test_each_coding_revalidates_with_its_own_etag(client: AsyncTestClient, bishkek: None) -> None:
    _, identity, _ = await raw(client, FEED, **{"Accept-Encoding": "identity"})
    _, br, _ = await raw(client, FEED, **{"Accept-Encoding": "br"})
    assert br["etag"] != identity["etag"]

    status, headers, body = await raw(client, FEED, **{"Accept-Encoding": "br", "If-None-Match": br["etag"]})
    assert (status, body, headers["etag"]) == (304, b"", br["etag"])
    status, headers, _ = await raw(client, FEED, **{"Accept-Encoding": "gzip", "If-None-Match": br["etag"]})
    assert (status, headers["content-encoding"]) == (200, "gzip")  # a br copy is not what gzip asks for
    status, _, _ = await raw(client, FEED, **{"Accept-Encoding": "identity", "If-None-Match": identity["etag"]})
    assert status == 304
    status, _, _ = await raw(client, FEED, **{"Accept-Encoding": "identity", "If-None-Match": br["etag"]})
    assert status == 200


async def test_a_feed_is_compressed_once_per_change(client: AsyncTestClient, bishkek: None) -> None:
    before = cache(client).compressions
    first = await raw(client, FEED, **{"Accept-Encoding": "br"})
    hits = cache(client).hits
    second = await raw(client, FEED, **{"Accept-Encoding": "br"})
    assert second == first
    assert cache(client).compressions == before + 1
    assert cache(client).hits == hits + 1


async def test_small_answers_and_other_types_are_sent_as_they_are(client: AsyncTestClient, bishkek: None) -> None:
    _, headers, body = await raw(client, "/health", **{"Accept-Encoding": "br, gzip"})
    assert "content-encoding" not in headers
    assert body.startswith(b"{")
    _, headers, _ = await raw(client, "/static/favicon.svg", **{"Accept-Encoding": "br"})
    assert "content-encoding" not in headers  # under a kilobyte


async def test_static_styles_are_compressed_too(client: AsyncTestClient) -> None:
    _, plain_headers, plain = await raw(client, "/static/site.css", **{"Accept-Encoding": "identity"})
    _, headers, body = await raw(client, "/static/site.css", **{"Accept-Encoding": "gzip"})
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == plain
    if "etag" in plain_headers:
        assert headers["etag"] != plain_headers["etag"]


async def test_head_answers_with_the_headers_of_get(client: AsyncTestClient, bishkek: None) -> None:
    for coding in ("br", "identity"):
        _, headers, _ = await raw(client, FEED, **{"Accept-Encoding": coding})
        response = await client.head(FEED, headers={"Accept-Encoding": coding})
        assert response.status_code == 200
        assert response.content == b""
        for name in ("content-encoding", "content-length", "etag", "vary"):
            assert response.headers.get(name) == headers.get(name), name
