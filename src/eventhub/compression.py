"""Compressed responses: `br` where the client offers it, else `gzip`, else the bytes as
they are; one ASGI middleware for feeds, exports, pages and static files alike.

Compressed bytes are cached per process under what identifies the uncompressed bytes:
the response's strong ETag (with its path and query), else a digest of the body. So a
feed is compressed once per change (its ETag changes with its bytes) however often it is
fetched, and an unchanged page (the agenda between two signups) once, not per request.

The ETag differs per coding: RFC 9110 (8.8.3) makes a strong validator unique across
the representations of a resource, and the gzip bytes are another representation than
the identity bytes (a cache keeps both under one Vary: Accept-Encoding key set and must
not mix them up on a 304). So `"abc"` is sent as `"abc-br"` or `"abc-gzip"`. The
handlers never see a suffix: an If-None-Match tag for the coding this request gets is
given to them without it (so a 304 still costs no rendering), and the 304 answers with
the very tag the client sent. A tag for another coding does not match: the client is
sent the representation it now asks for.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Iterable

import brotli
from litestar.types import ASGIApp, Message, Receive, Scope, Send

BR = "br"
GZIP = "gzip"
IDENTITY = "identity"
CODINGS = (BR, GZIP)  # in order of preference when the client weighs them alike
# Below this, compression saves less than a packet and costs a cache entry.
MIN_SIZE = 1024
# Buffered at most: anything longer streams through as it is.
MAX_SIZE = 8 * 1024 * 1024
# Quality 11 took 100 times as long as 5 (500 ms against 5 ms for the 300-session feed) for
# 15 % fewer bytes (bench/agenda.py): pages are compressed on the request that finds the
# cache cold, and a 500 ms stall of the event loop on every feed change is not worth it.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
# Compressing this much or more runs in a worker thread (zlib and brotli release the GIL).
THREAD_SIZE = 64 * 1024
COMPRESSIBLE = (b"text/", b"application/json", b"application/javascript", b"application/xml", b"image/svg+xml")


def negotiate(accept_encoding: str | None) -> str:
    """The coding to send for an Accept-Encoding header: the acceptable one with the highest
    q-value (br before gzip on a tie); q=0 refuses a coding, `*` stands for the ones not
    named. No header, or nothing acceptable but identity: the bytes as they are (RFC 9110
    12.5.3 allows a 415 when identity is refused too; a calendar client is better served
    by readable bytes)."""
    if not accept_encoding:
        return IDENTITY
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, _, parameters = item.partition(";")
        name = name.strip().lower()
        if not name:
            continue
        weight = 1.0
        for parameter in parameters.split(";"):
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value.strip())
                except ValueError:
                    weight = 0.0
        weights[name] = weight if 0.0 <= weight <= 1.0 else 0.0
    best, best_weight = IDENTITY, 0.0
    for coding in CODINGS:
        weight = weights.get(coding, weights.get("*", 0.0))
        if weight > best_weight:
            best, best_weight = coding, weight
    return best


def variant_etag(etag: str, coding: str) -> str:
    """`"abc"` as sent in `coding` (`W/"abc"` stays weak)."""
    if coding == IDENTITY or not etag.endswith('"'):
        return etag
    return f'{etag[:-1]}-{coding}"'


def compress(body: bytes, coding: str) -> bytes:
    if coding == BR:
        return brotli.compress(body, quality=BROTLI_QUALITY)
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)  # mtime 0: the same bytes every time


class CompressedBodies:
    """Per-process LRU of compressed bodies; `compressions` and `hits` count what it did."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self._items: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
        self._bytes = 0
        self._max_bytes = max_bytes
        self.compressions = 0
        self.hits = 0

    async def get(self, key: tuple[object, ...], body: bytes, coding: str) -> bytes:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
            self.hits += 1
            return found
        self.compressions += 1
        if len(body) >= THREAD_SIZE:
            compressed = await asyncio.to_thread(compress, body, coding)
        else:
            compressed = compress(body, coding)
        self._items[key] = compressed
        self._bytes += len(compressed)
        while self._bytes > self._max_bytes and self._items:
            _, dropped = self._items.popitem(last=False)
            self._bytes -= len(dropped)
        return compressed


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _tags(value: str) -> list[str]:
    return [tag.strip() for tag in value.split(",") if tag.strip()]


class CompressionMiddleware:
    """ASGI middleware: negotiates the coding, hands If-None-Match to the app without the
    coding's suffix, and compresses 200 answers of text types (cached, see above)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope["headers"]
        accept = _header(headers, b"accept-encoding")
        coding = negotiate(accept.decode("latin-1")) if accept else IDENTITY
        sent_tags: set[str] = set()
        if_none_match = _header(headers, b"if-none-match")
        if if_none_match is not None and coding != IDENTITY:
            suffix = f'-{coding}"'
            tags = _tags(if_none_match.decode("latin-1"))
            sent_tags = {t for t in tags if t.endswith(suffix)}
            if sent_tags:
                plain = [t[: -len(suffix)] + '"' for t in sent_tags]
                value = ", ".join([*tags, *plain]).encode("latin-1")
                scope = {**scope, "headers": [(k, value if k.lower() == b"if-none-match" else v) for k, v in headers]}
        head = scope["method"] == "HEAD" and coding != IDENTITY
        if head:
            # HEAD answers with GET's headers (RFC 9110 9.3.2), the compressed length and ETag
            # included: the app answers a GET, whose body is not sent. HEAD is rare.
            scope = {**scope, "method": "GET"}
        bodies: CompressedBodies = scope["litestar_app"].state.compressed
        await self.app(scope, receive, _Responder(bodies, scope, coding, sent_tags, send, head=head).send)


class _Responder:
    """The send side of one response: holds a compressible answer until its body is whole."""

    def __init__(
        self, bodies: CompressedBodies, scope: Scope, coding: str, sent_tags: set[str], send: Send, *, head: bool
    ) -> None:
        self._bodies = bodies
        self._head = head
        self._scope = scope
        self._coding = coding
        self._sent_tags = sent_tags
        self._send = send
        self._start: Message | None = None
        self._chunks: list[bytes] = []
        self._size = 0

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            await self._on_start(message)
        elif message["type"] == "http.response.body" and self._start is not None:
            await self._on_body(message)
        elif message["type"] == "http.response.body" and self._head:
            await self._send({**message, "body": b""})
        else:
            await self._send(message)

    async def _on_start(self, message: Message) -> None:
        status = message["status"]
        headers = list(message.get("headers", ()))
        if status == 304 and self._sent_tags:
            # Answer with the client's own tag for the variant it holds.
            etag = _header(headers, b"etag")
            if etag is not None:
                tagged = variant_etag(etag.decode("latin-1"), self._coding)
                if tagged in self._sent_tags:
                    headers = [(k, tagged.encode("latin-1") if k.lower() == b"etag" else v) for k, v in headers]
                    message = {**message, "headers": headers}
            await self._send(message)
            return
        content_type = _header(headers, b"content-type") or b""
        if status != 200 or not content_type.startswith(COMPRESSIBLE) or _header(headers, b"content-encoding"):
            await self._send(message)
            return
        message = {**message, "headers": _with_vary(headers)}
        if self._coding == IDENTITY:
            await self._send(message)
            return
        self._start = message

    async def _on_body(self, message: Message) -> None:
        chunk = message.get("body", b"")
        self._chunks.append(chunk)
        self._size += len(chunk)
        if message.get("more_body", False):
            if self._size > MAX_SIZE:
                await self._flush(message)
            return
        start, self._start = self._start, None
        assert start is not None
        body = b"".join(self._chunks)
        headers = list(start["headers"])
        if len(body) < MIN_SIZE:
            await self._send(start)
            await self._send({"type": "http.response.body", "body": b"" if self._head else body, "more_body": False})
            return
        etag = _header(headers, b"etag")
        if etag is not None and not etag.startswith(b"W/"):
            key: tuple[object, ...] = ("etag", self._scope["path"], self._scope.get("query_string", b""), etag, self._coding)
        else:
            key = ("digest", hashlib.sha256(body).digest(), self._coding)
        compressed = await self._bodies.get(key, body, self._coding)
        replaced = {b"content-length", b"etag"}
        headers = [(k, v) for k, v in headers if k.lower() not in replaced]
        headers += [(b"content-encoding", self._coding.encode("latin-1")),
                    (b"content-length", str(len(compressed)).encode("latin-1"))]
        if etag is not None:
            headers.append((b"etag", variant_etag(etag.decode("latin-1"), self._coding).encode("latin-1")))
        await self._send({**start, "headers": headers})
        await self._send({"type": "http.response.body", "body": b"" if self._head else compressed, "more_body": False})

    async def _flush(self, message: Message) -> None:
        """Too long to hold: the rest goes through as it is."""
        start, self._start = self._start, None
        assert start is not None
        await self._send(start)
        await self._send({"type": "http.response.body", "body": b"" if self._head else b"".join(self._chunks), "more_body": True})
        self._chunks = []


def _with_vary(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    vary = _header(headers, b"vary")
    if vary is None:
        return [*headers, (b"vary", b"Accept-Encoding")]
    if b"accept-encoding" in vary.lower() or vary.strip() == b"*":
        return headers
    return [(k, v + b", Accept-Encoding" if k.lower() == b"vary" else v) for k, v in headers]
