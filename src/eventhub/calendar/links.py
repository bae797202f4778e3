"""Subscription links for a feed: webcal://, and the one-click forms Google and Outlook accept."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlsplit, urlunsplit

_GOOGLE = "https://calendar.google.com/calendar/render?cid="
_OUTLOOK_LIVE = "https://outlook.live.com/calendar/0/addfromweb"
_OUTLOOK_OFFICE = "https://outlook.office.com/calendar/0/addfromweb"


@dataclass(frozen=True, slots=True)
class SubscribeLinks:
    https: str
    """The feed itself, to copy into any client."""
    webcal: str
    """Opens the system's calendar app (Apple Calendar, Thunderbird, desktop Outlook)."""
    google: str
    outlook: str
    """Outlook.com (personal accounts)."""
    outlook_office: str
    """Outlook on the web for Microsoft 365 (work and school accounts)."""


def webcal_url(https_url: str) -> str:
    """The same feed with the webcal scheme, e.g. webcal://host/missions/x/calendar.ics."""
    return _webcal(_checked(https_url))


def subscribe_links(feed_url: str, name: str) -> SubscribeLinks:
    parts = _checked(feed_url)
    webcal = _webcal(parts)
    # Outlook fetches the feed itself, so it gets the http(s) URL, not webcal; each
    # service takes the whole URL as one query value, so every reserved character in it
    # is percent-encoded.
    feed = quote(urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, "")), safe="")
    addfromweb = f"?url={feed}&name={quote(name, safe='')}"
    return SubscribeLinks(
        https=feed_url,
        webcal=webcal,
        google=_GOOGLE + quote(webcal, safe=""),  # Google's cid takes the webcal form
        outlook=_OUTLOOK_LIVE + addfromweb,
        outlook_office=_OUTLOOK_OFFICE + addfromweb,
    )


def _webcal(parts: SplitResult) -> str:
    return urlunsplit(("webcal", parts.netloc, parts.path, parts.query, ""))


def _checked(feed_url: str) -> SplitResult:
    parts = urlsplit(feed_url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValueError(f"a feed URL is an absolute http(s) URL, not {feed_url!r}")
    return parts
