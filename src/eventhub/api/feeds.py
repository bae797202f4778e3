"""The .ics feeds: mission, single session, and the attendee's personal feed.

The ETag is the digest of the bytes, so a feed is rendered (or found in the cache of
rendered feeds, keyed on the mission's version: one cheap query) before a conditional
request is answered; If-None-Match wins over If-Modified-Since, as RFC 9110 says.

A plain GET or HEAD of a warm mission feed (no query string: what calendar clients send)
is answered by a route middleware from memory, before Litestar parses parameters or
builds a Response: the same status, headers and bytes as the handler, at a fraction of
the cost. Anything else, and any feed not warm, goes to the handler.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from collections.abc import Callable
from functools import lru_cache
from typing import Annotated, Any

from litestar import HttpMethod, Request, Response, route
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.types import ASGIApp, Receive, Scope, Send

from eventhub.api.deps import Lang, PathId, QueryId, problems
from eventhub.db.services.feeds import ServedFeed
from eventhub.db.services.sessions import SessionFilter
from eventhub.domain.programme import SessionKind
from eventhub.services import Services

CALENDAR = "text/calendar"  # Litestar appends "; charset=utf-8" to text/* types
GET_HEAD = [HttpMethod.GET, HttpMethod.HEAD]
Download = Annotated[bool, QueryParameter(description="Send as an attachment to save, not to subscribe")]
FEED_PROBLEMS = problems(404, 422)
PUBLIC_CACHING = "public, max-age=300, must-revalidate"


def operation_ids(name: str) -> Callable[..., str]:
    """One id per method of a GET+HEAD route (OpenAPI wants them unique)."""
    return lambda _handler, method, _components: name if method == HttpMethod.GET else f"{name}Head"


def serve_warm_mission_feed(app: ASGIApp) -> ASGIApp:
    """Route middleware of the mission feed: a plain GET or HEAD of a warm feed is answered
    here, with what `respond` would send; everything else goes on to the handler."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        warm = None
        if not scope.get("query_string") and scope.get("method") in ("GET", "HEAD"):
            services: Services = scope["litestar_app"].state.services
            warm = services.feeds.warm_mission_feed(scope["path_params"]["slug"])
        if warm is None or not await _answer_warm(scope, send, warm):
            await app(scope, receive, send)

    return middleware


async def _answer_warm(scope: Scope, send: Send, warm: ServedFeed) -> bool:
    if_none_match = if_modified_since = None
    for name, value in scope["headers"]:
        if name == b"if-none-match" and if_none_match is None:
            if_none_match = value.decode("latin-1")
        elif name == b"if-modified-since" and if_modified_since is None:
            if_modified_since = value.decode("latin-1")
    validators = _validator_headers(warm.etag, warm.last_modified)
    if _not_modified(if_none_match, if_modified_since, warm.etag, warm.last_modified):
        await send({"type": "http.response.start", "status": 304, "headers": list(validators)})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return True
    rendered = warm.rendered
    length = str(len(rendered.body)).encode("latin-1")
    headers = [*validators, (b"content-disposition", _inline(warm.filename))]
    if scope["method"] == "HEAD":
        headers += [(b"content-length", length), (b"content-type", CALENDAR_TYPE)]
        body = b""
    else:
        headers += [(b"content-type", CALENDAR_TYPE), (b"content-length", length)]
        body = rendered.body
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
    return True


CALENDAR_TYPE = f"{CALENDAR}; charset=utf-8".encode("latin-1")


@lru_cache(maxsize=256)
def _validator_headers(etag: str, last_modified: datetime) -> tuple[tuple[bytes, bytes], ...]:
    return (
        (b"etag", etag.encode("latin-1")),
        (b"last-modified", http_date(last_modified).encode("latin-1")),
        (b"cache-control", PUBLIC_CACHING.encode("latin-1")),
        (b"vary", b"Accept-Encoding"),
    )


@lru_cache(maxsize=256)
def _inline(filename: str) -> bytes:
    return f'inline; filename="{filename}"'.encode("latin-1")


@route("/missions/{slug:str}/calendar.ics", http_method=GET_HEAD, operation_id=operation_ids("missionFeed"), tags=["feeds"],
       media_type=CALENDAR, responses=FEED_PROBLEMS, middleware=[serve_warm_mission_feed])
async def mission_feed(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    services: NamedDependency[Services],
    kind: FromQuery[SessionKind | None] = None,
    venue_id: QueryId = None,
    language: FromQuery[str | None] = None,
    lang: Lang = None,
    download: Download = False,
) -> Response[bytes]:
    """Every published session of the mission (cancelled ones as STATUS:CANCELLED). `lang`:
    the feed's language (texts and translations; the same UIDs); none: the mission's default."""
    where = SessionFilter(kind=kind, venue_id=venue_id, language=language)
    feed = await services.feeds.mission_feed(slug, where, lang)
    return await respond(request, feed, download)


@route("/missions/{slug:str}/sessions/{session_id:int}/calendar.ics", http_method=GET_HEAD,
       operation_id=operation_ids("sessionFeed"), tags=["feeds"], media_type=CALENDAR, responses=FEED_PROBLEMS)
async def session_feed(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    session_id: PathId,
    services: NamedDependency[Services],
    lang: Lang = None,
    download: Download = False,
) -> Response[bytes]:
    """One session, for "add to calendar"."""
    return await respond(request, await services.feeds.session_feed(slug, session_id, lang), download)


@route("/feeds/{feed_token:str}/calendar.ics", http_method=GET_HEAD, operation_id=operation_ids("personalFeed"),
       tags=["feeds"], media_type=CALENDAR, responses=FEED_PROBLEMS)
async def personal_feed(
    request: Request[Any, Any, Any],
    feed_token: FromPath[str],
    services: NamedDependency[Services],
    lang: Lang = None,
    download: Download = False,
) -> Response[bytes]:
    """The attendee's own sessions: confirmed, waitlisted as TENTATIVE, cancelled kept as
    cancelled; in the attendee's language unless `lang` asks for another."""
    return await respond(request, await services.feeds.personal_feed(feed_token, lang), download)


async def respond(request: Request[Any, Any, Any], feed: ServedFeed, download: bool) -> Response[bytes]:
    headers = {
        "ETag": feed.etag,
        "Last-Modified": http_date(feed.last_modified),
        "Cache-Control": ("private, max-age=300, must-revalidate" if feed.private else PUBLIC_CACHING),
        "Vary": "Accept-Encoding",
    }
    if feed.private:
        headers["X-Robots-Tag"] = "noindex"
    if not_modified(request, feed.etag, feed.last_modified):
        return Response(b"", status_code=304, headers=headers)
    rendered = feed.rendered
    disposition = "attachment" if download else "inline"
    headers["Content-Disposition"] = f'{disposition}; filename="{feed.filename}"'
    body = b"" if request.method == HttpMethod.HEAD else rendered.body
    if request.method == HttpMethod.HEAD:
        headers["Content-Length"] = str(len(rendered.body))
    return Response(body, media_type=CALENDAR, headers=headers)


def not_modified(request: Request[Any, Any, Any], etag: str, last_modified: datetime) -> bool:
    return _not_modified(
        request.headers.get("if-none-match"), request.headers.get("if-modified-since"), etag, last_modified
    )


def _not_modified(if_none_match: str | None, since: str | None, etag: str, last_modified: datetime) -> bool:
    if if_none_match is not None:
        tags = {t.strip() for t in if_none_match.split(",")}
        # Weak comparison is what RFC 9110 prescribes for If-None-Match.
        return "*" in tags or etag in tags or f"W/{etag}" in tags
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
