"""Production defaults the app factory applies: trusted hosts, CORS only when asked for,
small request bodies, and headers that keep API answers from being sniffed or cached."""

from __future__ import annotations

from litestar.config.cors import CORSConfig
from litestar.datastructures import Headers, MutableScopeHeaders
from litestar.exceptions import ClientException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from eventhub.settings import Settings

MAX_BODY_BYTES = 64 * 1024  # the largest legitimate body (a session with a long description) is a few KiB

class UntrustedHost(ClientException):
    status_code = 400
    problem_code = "invalid_host"


class TrustedHosts(ASGIMiddleware):
    """Refuses requests for other host names (DNS rebinding, poisoned links) with a
    problem+json 400, which Litestar's own allowed-hosts middleware does not give."""

    def __init__(self, hosts: list[str]) -> None:
        self._hosts = {h.lower() for h in hosts}

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        host = Headers.from_scope(scope).get("host", "").rsplit(":", 1)[0].strip("[]").lower()
        if host not in self._hosts:
            raise UntrustedHost(detail=f"This server does not answer for host {host!r}.")
        await next_app(scope, receive, send)


def trusted_hosts(settings: Settings) -> TrustedHosts:
    return TrustedHosts(settings.trusted_hosts)


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
