"""Production defaults the app factory applies: trusted hosts, capped headers, JSON bodies read
strictly (415 for another media type, 400 when nested too deep, 422 for a wrong type), CORS
only when asked for, small request bodies, and headers that keep API answers from being sniffed
or cached."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.config.cors import CORSConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import RequestEncodingType
from litestar.exceptions import ClientException, ValidationException
from litestar.params import BodyKwarg
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from eventhub.settings import Settings

MAX_BODY_BYTES = 64 * 1024  # the largest legitimate body (a session with a long description) is a few KiB
MAX_HEADER_BYTES = 16 * 1024  # what nginx and most proxies take in all; a browser sends about 1 KiB
MAX_JSON_DEPTH = 32  # the deepest body the API reads (translations in a session) is 4


class Refusal(ClientException):
    """A request refused before any handler ran, with its problem code."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail=detail, status_code=status)
        self.problem_code = code

# RFC 9110 Host: a name (or IPv4 address), or an IPv6 literal in brackets, then an optional
# port of digits. Nothing else: no user info (`a@b`), no path, no second colon.
_HOST = re.compile(
    r"(?P<name>[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[(?P<ipv6>[0-9A-Fa-f:.]{2,45})\])(?::[0-9]{1,5})?"
)


def host_name(header: str) -> str | None:
    """The host a Host header names (lower case, IPv6 without brackets), None if malformed."""
    match = _HOST.fullmatch(header)
    if match is None:
        return None
    return (match["ipv6"] or match["name"]).lower()


class RequestEdge:
    """Checks of the request's shape, made before Litestar routes it (so for every path, a
    404 too, and before anything builds `request.url` from the Host header):

    - the Host names a host this server answers for (DNS rebinding, poisoned links), and is
      well-formed at all (`127.0.0.1:8320/x` made the URL parser raise): 400 `invalid_host`;
    - the headers are no larger than any client sends: 431 `headers_too_large`;
    - the path has no NUL byte, which names no resource and which file-system calls refuse
      (static files): 404.
    """

    def __init__(self, hosts: list[str]) -> None:
        self._hosts = {h.lower() for h in hosts}

    def refusal(self, scope: Scope) -> tuple[int, str, str] | None:
        headers = scope.get("headers", [])
        if sum(len(name) + len(value) for name, value in headers) > MAX_HEADER_BYTES:
            return 431, "headers_too_large", f"The request headers exceed {MAX_HEADER_BYTES // 1024} KiB."
        if "\x00" in scope.get("path", ""):
            return 404, "not_found", "No such path."
        raw = next((value for name, value in headers if name == b"host"), b"")
        host = host_name(raw.decode("latin-1"))
        if host is None:
            return 400, "invalid_host", "The Host header is malformed."
        if host not in self._hosts:
            return 400, "invalid_host", f"This server does not answer for host {host!r}."
        return None


# --- JSON bodies ---------------------------------------------------------------------------------

_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"')
_NOT_A_BRACKET = re.compile(rb"[^\[\]{}]++")


def json_depth_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether arrays and objects nest deeper than `limit`, measured without parsing (a parser
    recurses, and a thousand levels exhaust Python's stack)."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for bracket in _NOT_A_BRACKET.sub(b"", _JSON_STRING.sub(b"", body)):
        depth += 1 if bracket in b"[{" else -1
        if depth > limit:
            return True
    return False


def is_json(content_type: str) -> bool:
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


def _json_body_type(scope: Scope) -> Any:
    """The type a route reads its JSON body as, or None for a route without one."""
    handler = scope.get("route_handler")
    field = getattr(handler, "parsed_fn_signature", None) and handler.parsed_fn_signature.parameters.get("data")
    if field is None:
        return None
    kwarg = field.kwarg_definition
    if isinstance(kwarg, BodyKwarg) and kwarg.media_type != RequestEncodingType.JSON:
        return None  # a form or an upload
    return field.annotation


def _validation_problem(error: msgspec.ValidationError) -> ValidationException:
    message, _, where = str(error).rpartition(" - at `")
    key = where.rstrip("`") if message else "$"
    return ValidationException(detail=str(error), extra=[{"message": message or str(error), "key": key, "source": "body"}])


async def check_json_body(request: Request[Any, Any, Any]) -> None:
    """The SPEC's input rules for JSON bodies, for every route that reads one, after its
    guards (a missing token is 401 whatever the body) and before the body is parsed or any
    dependency, rate limit or handler runs: sent as JSON (else 415: a cross-site form cannot
    post text/plain that is then read as JSON), nested at most MAX_JSON_DEPTH deep (else 400;
    a parser recurses), and of exactly the declared types (strict decoding: `"5"` is not a
    number, 422)."""
    body_type = _json_body_type(request.scope)
    if body_type is None:
        return
    body = await request.body()  # kept in the scope: Litestar parses these same bytes
    if not body.strip():
        return
    if not is_json(request.headers.get("content-type", "")):
        raise Refusal(415, "unsupported_media_type", "Send the body as application/json.")
    if json_depth_exceeds(body):
        raise Refusal(400, "json_too_deep", f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.")
    try:
        value = msgspec.json.decode(body)
    except msgspec.DecodeError:
        raise Refusal(400, "malformed_json", "The request body is not valid JSON.") from None
    try:
        msgspec.convert(_integral_floats_as_ints(value), body_type, strict=True)
    except msgspec.ValidationError as error:
        raise _validation_problem(error) from None


def _integral_floats_as_ints(value: Any) -> Any:
    """JSON Schema counts 5.0 as an integer (and so do the generated clients); a string is
    not a number, which is what strict conversion is for."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, list):
        return [_integral_floats_as_ints(v) for v in value]
    if isinstance(value, dict):
        return {k: _integral_floats_as_ints(v) for k, v in value.items()}
    return value


async def read_body(receive: Receive) -> bytes:
    """The whole request body, refused past MAX_BODY_BYTES (413) as Litestar would."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise Refusal(413, "request_too_large", "The request body is too large.")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands on a body already read, then the connection's own messages."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed  # type: ignore[return-value]


def request_edge(settings: Settings) -> RequestEdge:
    return RequestEdge(settings.trusted_hosts)


def cors(settings: Settings) -> CORSConfig | None:
    if not settings.cors_origins:
        return None
    return CORSConfig(
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
        allow_credentials=False,
    )


async def api_headers(message: Message, scope: Scope) -> None:
    """before_send hook for the JSON API and feeds (pages set their own)."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    if "x-content-type-options" not in headers:
        headers["X-Content-Type-Options"] = "nosniff"
    if scope.get("path", "").startswith("/api"):
        # API answers may carry an attendee's data or tokens: no cache keeps them.
        headers["Referrer-Policy"] = "no-referrer"
        if "cache-control" not in headers:
            headers["Cache-Control"] = "no-store"
