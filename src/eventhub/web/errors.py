"""Error pages: the same failures as the JSON API's problem documents, for people.

Page routes get these handlers in place of the problem+json ones; the app's own 404 for
an unknown address becomes a page only for browsers outside /api and /schema.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, PermissionDeniedException, ValidationException
from litestar.response import Template

from eventhub.db.database import DatabaseBusy, DatabaseUnavailable
from eventhub.domain.errors import (
    AuthenticationRequired,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    StateConflict,
)
from eventhub.i18n import N_, _
from eventhub.ratelimit import RateLimited
from eventhub.web.language import error_page_headers

logger = logging.getLogger("eventhub")

ExceptionHandler = Callable[[Request[Any, Any, Any], Any], Response[Any]]


@dataclass(frozen=True, slots=True)
class ErrorPage:
    status: int
    title: str
    message: str
    home: bool = True  # offer the way back to the programme


# Texts are marked here (N_) and translated when the page is rendered, in its reader's language.
_NOT_FOUND = ErrorPage(
    404, N_("Page not found"), N_("We could not find this page. The link may be mistyped, or the page has moved.")
)
_BAD_MANAGE_LINK = ErrorPage(
    404,
    N_("This link does not work"),
    N_(
        "We could not find a registration for this manage link. It may be mistyped or cut short, or it was "
        "replaced by a newer link: use the most recent one we e-mailed you."
    ),
)
_FORM_EXPIRED = ErrorPage(
    403,
    N_("This form has expired"),
    N_(
        "For your safety, forms here only work when they are sent from this site in the same browser. "
        "Go back, reload the page and send the form again."
    ),
)
_BUSY = ErrorPage(503, N_("We are busy right now"), N_("Please try again in a moment."))
_BROKEN = ErrorPage(
    500, N_("Something went wrong"), N_("Something went wrong on our side. Please try again later.")
)
_RATE_LIMITED = ErrorPage(
    429,
    N_("Please wait a moment"),
    N_("Too many registrations were sent from your network just now. Please wait a minute and try again."),
)
_BAD_ADDRESS = ErrorPage(400, N_("This address is not valid"), N_("Part of this page's address is not valid."))
_DOMAIN_STATUS: dict[type[DomainError], tuple[int, str]] = {
    InvalidInput: (422, N_("This cannot be done")),
    StateConflict: (409, N_("This cannot be done right now")),
    AuthenticationRequired: (401, N_("Not signed in")),
    Forbidden: (403, N_("Not allowed")),
}
_CANNOT_ANSWER = N_("This request cannot be answered")


def render_error(
    request: Request[Any, Any, Any], page: ErrorPage, headers: dict[str, str] | None = None
) -> Template:
    language = error_page_headers(request)  # first: it may set the language the texts are read in
    shown = replace(page, title=_(page.title), message=_(page.message) if page.message else page.message)
    return Template(
        "error.html",
        context={"error": shown},
        status_code=page.status,
        headers={**(headers or {}), **language},
        media_type="text/html",
    )


def page_for(request: Request[Any, Any, Any], exc: Exception) -> tuple[ErrorPage, dict[str, str] | None]:
    if isinstance(exc, NotFound):
        manage = request.scope["path"].startswith("/manage/") or exc.code == "attendee_not_found"
        return (_BAD_MANAGE_LINK if manage else _NOT_FOUND), None
    if isinstance(exc, DomainError):
        status, title = next(v for k, v in _DOMAIN_STATUS.items() if isinstance(exc, k))
        return ErrorPage(status, title, exc.detail), None
    if isinstance(exc, RateLimited):
        return _RATE_LIMITED, {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, DatabaseBusy | DatabaseUnavailable):
        return _BUSY, {"Retry-After": "2"}
    if isinstance(exc, PermissionDeniedException):
        return _FORM_EXPIRED, None  # the only 403 a page raises: the CSRF check
    if isinstance(exc, ValidationException):
        return _BAD_ADDRESS, None
    if isinstance(exc, HTTPException) and exc.status_code < 500:
        if exc.status_code == 404:
            return _NOT_FOUND, None
        return ErrorPage(exc.status_code, _CANNOT_ANSWER, exc.detail), None
    logger.exception("unhandled error on %s %s", request.method, request.scope["path"], exc_info=exc)
    return _BROKEN, None


def html_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    page, headers = page_for(request, exc)
    return render_error(request, page, headers)


def page_handlers(api_handlers: dict[type[Exception] | int, Any]) -> dict[type[Exception] | int, Any]:
    """The same keys as the API's map, so none of its problem+json handlers leaks onto a page."""
    return {key: html_error for key in api_handlers}


def wants_page(request: Request[Any, Any, Any]) -> bool:
    path = request.scope["path"]
    if path.startswith(("/api/", "/schema", "/feeds/", "/health")) or path == "/api" or path.endswith(".ics"):
        return False
    return (
        request.accept.best_match(["application/json", "text/html"], default="application/json")
        == "text/html"
    )


def pages_for_browsers(api_handler: ExceptionHandler) -> ExceptionHandler:
    """Wraps the app-level handler: a browser that asks for an unknown page gets a page."""

    def handler(request: Request[Any, Any, Any], exc: Any) -> Response[Any]:
        return html_error(request, exc) if wants_page(request) else api_handler(request, exc)

    return handler
