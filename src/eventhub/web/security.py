"""Cross-site request forgery protection and the headers every page is sent with."""

from __future__ import annotations

import hashlib
import hmac

from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders
from litestar.handlers import BaseRouteHandler
from litestar.types import Message, Scope

from eventhub.domain.errors import NotFound
from eventhub.schemas import MAX_ID
from eventhub.settings import Settings

CSRF_COOKIE = "eventhub_csrf"
CSRF_FIELD = "_csrf_token"  # the form field name Litestar's CSRF middleware reads

# Only this server's own styles, scripts, form targets and fetches (the timetable editor
# posts its moves); the QR codes are inline SVG elements, which need no source. No inline
# script or style anywhere.
_POLICY = (
    "default-src 'none'",
    "style-src 'self'",
    "script-src 'self'",
    "connect-src 'self'",
    "img-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
)
CONTENT_SECURITY_POLICY = "; ".join(_POLICY)

# Pages that carry an attendee's own tokens, and the back office: never cached, never
# indexed, never referred.
PRIVATE_PREFIXES = ("/manage/", "/registrations/answer", "/organise")
# Not pages: the JSON API keeps its own headers, the API docs load their own scripts.
NOT_PAGES = ("/api/", "/api", "/schema")


def csrf_config(settings: Settings) -> CSRFConfig:
    # Derived from the server secret so that every worker process accepts the same tokens.
    secret = hmac.new(settings.secret_key.encode("utf-8"), b"eventhub/web/csrf", hashlib.sha256).hexdigest()
    return CSRFConfig(
        secret=secret,
        cookie_name=CSRF_COOKIE,
        cookie_secure=settings.public_url.startswith("https://"),
        cookie_httponly=True,
        cookie_samesite="lax",
    )


async def page_headers(message: Message, scope: Scope) -> None:
    """before_send hook: also reaches error pages, which bypass route middleware."""
    if message["type"] != "http.response.start":
        return
    path: str = scope.get("path", "")
    if path.startswith(NOT_PAGES):
        return
    headers = MutableScopeHeaders.from_message(message)
    if headers.get("content-type", "").startswith("text/html"):
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        if "referrer-policy" not in headers:
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        if "cache-control" not in headers:
            headers["Cache-Control"] = "no-cache"  # seat counts change: always revalidate
    if path.startswith(PRIVATE_PREFIXES):
        headers["Cache-Control"] = "no-store"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Robots-Tag"] = "noindex, nofollow"


def ids_in_range(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
    """Guard on every page route: an id in the path that no row can have (beyond the API's
    bound, which the database's 64 bits hold) is the page's 404, never a driver error."""
    for value in connection.path_params.values():
        if isinstance(value, int) and not 1 <= value <= MAX_ID:
            raise NotFound("No such page.")
