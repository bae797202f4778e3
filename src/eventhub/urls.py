"""Every URL the service prints, in one place: pages, the JSON API, mail and feeds call it.

`Urls(public_base)` gives absolute URLs (API bodies, mail, calendar events);
`PATHS = Urls("")` the same addresses relative to the site (links inside pages and
redirects). A feed's subscription forms (webcal://, and the one-click links Google and
Outlook accept) come from `subscribe_links`. Imports only the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlsplit, urlunsplit

_GOOGLE = "https://calendar.google.com/calendar/render?cid="
_OUTLOOK_LIVE = "https://outlook.live.com/calendar/0/addfromweb"
_OUTLOOK_OFFICE = "https://outlook.office.com/calendar/0/addfromweb"


@dataclass(frozen=True, slots=True)
class Urls:
    """The service's addresses under `base` (no trailing slash; "" for site-relative paths)."""

    base: str = ""

    # `lang`: the address of that page or feed in one interface language (`?lang=`), as
    # pages link their subscribe buttons and mail links its pages; None: the reader's own.

    def mission(self, slug: str, lang: str | None = None) -> str:
        return _in(f"{self.base}/missions/{slug}", lang)

    def mission_feed(self, slug: str, lang: str | None = None) -> str:
        return _in(f"{self.base}/missions/{slug}/calendar.ics", lang)

    def mission_sessions_api(self, slug: str) -> str:
        return f"{self.base}/api/missions/{slug}/sessions"

    def session(self, slug: str, session_id: int, lang: str | None = None) -> str:
        return _in(f"{self.base}/missions/{slug}/sessions/{session_id}", lang)

    def session_feed(self, slug: str, session_id: int, lang: str | None = None) -> str:
        return _in(f"{self.base}/missions/{slug}/sessions/{session_id}/calendar.ics", lang)

    def manage(self, manage_token: str) -> str:
        return f"{self.base}/manage/{manage_token}"

    def personal_feed(self, feed_token: str, lang: str | None = None) -> str:
        return _in(f"{self.base}/feeds/{feed_token}/calendar.ics", lang)


def _in(url: str, lang: str | None) -> str:
    return f"{url}?lang={quote(lang, safe='')}" if lang else url


PATHS = Urls("")


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
