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
    parts = _checked(https_url)
    return urlunsplit(("webcal", parts.netloc, parts.path, parts.query, ""))


def google_subscribe_url(feed_url: str) -> str:
    # Google's cid takes the webcal form; the whole URL is one query value, so
    # every reserved character in it is percent-encoded.
    return _GOOGLE + quote(webcal_url(feed_url), safe="")


def outlook_subscribe_url(feed_url: str, name: str) -> str:
    return _addfromweb(_OUTLOOK_LIVE, feed_url, name)


def outlook_office_subscribe_url(feed_url: str, name: str) -> str:
    return _addfromweb(_OUTLOOK_OFFICE, feed_url, name)


def subscribe_links(feed_url: str, name: str) -> SubscribeLinks:
    _checked(feed_url)
    return SubscribeLinks(
        https=feed_url,
        webcal=webcal_url(feed_url),
        google=google_subscribe_url(feed_url),
        outlook=outlook_subscribe_url(feed_url, name),
        outlook_office=outlook_office_subscribe_url(feed_url, name),
    )


def _addfromweb(base: str, feed_url: str, name: str) -> str:
    # Outlook fetches the feed itself, so it gets the http(s) URL, not webcal.
    parts = _checked(feed_url)
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    return f"{base}?url={quote(url, safe='')}&name={quote(name, safe='')}"


def _checked(feed_url: str) -> SplitResult:
    parts = urlsplit(feed_url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValueError(f"a feed URL is an absolute http(s) URL, not {feed_url!r}")
    return parts
