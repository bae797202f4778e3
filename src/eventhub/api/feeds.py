"""The .ics feeds: mission, single session, and the attendee's personal feed.

Conditional requests are answered from the validators alone (one cheap query), so a
304 never renders; If-None-Match wins over If-Modified-Since, as RFC 9110 says.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from collections.abc import Callable
from typing import Annotated, Any

from litestar import HttpMethod, Request, Response, route
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter

from eventhub.api.deps import problems
from eventhub.db.services.feeds import FeedFilter, PreparedFeed
from eventhub.domain.programme import SessionKind
from eventhub.services import Services

CALENDAR = "text/calendar"  # Litestar appends "; charset=utf-8" to text/* types
GET_HEAD = [HttpMethod.GET, HttpMethod.HEAD]
Download = Annotated[bool, QueryParameter(description="Send as an attachment to save, not to subscribe")]
FEED_PROBLEMS = problems(404, 422)


def operation_ids(name: str) -> Callable[..., str]:
    """One id per method of a GET+HEAD route (OpenAPI wants them unique)."""
    return lambda _handler, method, _components: name if method == HttpMethod.GET else f"{name}Head"


@route("/missions/{slug:str}/calendar.ics", http_method=GET_HEAD, operation_id=operation_ids("missionFeed"), tags=["feeds"],
       media_type=CALENDAR, responses=FEED_PROBLEMS)
async def mission_feed(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    services: NamedDependency[Services],
    kind: FromQuery[SessionKind | None] = None,
    venue_id: FromQuery[int | None] = None,
    language: FromQuery[str | None] = None,
    download: Download = False,
) -> Response[bytes]:
    """Every published session of the mission (cancelled ones as STATUS:CANCELLED)."""
    feed = await services.feeds.mission_feed(slug, FeedFilter(kind=kind, venue_id=venue_id, language=language))
    return await respond(request, feed, download)


@route("/missions/{slug:str}/sessions/{session_id:int}/calendar.ics", http_method=GET_HEAD,
       operation_id=operation_ids("sessionFeed"), tags=["feeds"], media_type=CALENDAR, responses=FEED_PROBLEMS)
async def session_feed(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    session_id: FromPath[int],
    services: NamedDependency[Services],
    download: Download = False,
) -> Response[bytes]:
    """One session, for "add to calendar"."""
    return await respond(request, await services.feeds.session_feed(slug, session_id), download)


@route("/feeds/{feed_token:str}/calendar.ics", http_method=GET_HEAD, operation_id=operation_ids("personalFeed"),
       tags=["feeds"], media_type=CALENDAR, responses=FEED_PROBLEMS)
async def personal_feed(
    request: Request[Any, Any, Any],
    feed_token: FromPath[str],
    services: NamedDependency[Services],
    download: Download = False,
) -> Response[bytes]:
    """The attendee's own sessions: confirmed, waitlisted as TENTATIVE, cancelled kept as cancelled."""
    return await respond(request, await services.feeds.personal_feed(feed_token), download)


async def respond(request: Request[Any, Any, Any], feed: PreparedFeed, download: bool) -> Response[bytes]:
    headers = {
        "ETag": feed.etag,
        "Last-Modified": http_date(feed.last_modified),
        "Cache-Control": ("private" if feed.private else "public") + ", max-age=300, must-revalidate",
        "Vary": "Accept-Encoding",
    }
    if feed.private:
        headers["X-Robots-Tag"] = "noindex"
    if not_modified(request, feed.etag, feed.last_modified):
        return Response(b"", status_code=304, headers=headers)
    rendered = await feed.render()
    headers["ETag"] = rendered.etag
    headers["Last-Modified"] = http_date(rendered.last_modified)
    disposition = "attachment" if download else "inline"
    headers["Content-Disposition"] = f'{disposition}; filename="{feed.filename}"'
    body = b"" if request.method == HttpMethod.HEAD else rendered.body
    if request.method == HttpMethod.HEAD:
        headers["Content-Length"] = str(len(rendered.body))
    return Response(body, media_type=CALENDAR, headers=headers)


def not_modified(request: Request[Any, Any, Any], etag: str, last_modified: datetime) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip() for t in if_none_match.split(",")}
        # Weak comparison is what RFC 9110 prescribes for If-None-Match.
        return "*" in tags or etag in tags or f"W/{etag}" in tags
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        client_time = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if client_time.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= client_time


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)
