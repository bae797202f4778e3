"""How a browser that has registered before is recognised, and what it picked meanwhile.

- The manage page leaves its token in a cookie limited to its mission's pages
  (`/missions/<slug>`), HttpOnly: a registration form sent from that browser with the
  same address adds the sessions to that attendee at once (the service checks the
  address, see `Registrations.register`). Nothing in a page depends on it, so the agenda
  and session pages stay the same for everyone.
- A returning address without that cookie is mailed its manage link; what it picked
  waits in a signed cookie limited to `/manage`, so that opening the mailed link in the
  same browser offers to add exactly those sessions with one button.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.datastructures import Cookie

from eventhub.urls import PATHS
from eventhub.web import answer as sealing

ATTENDEE_COOKIE = "eventhub_attendee"
ATTENDEE_MAX_AGE = 120 * 86400  # a mission's registration season
PICKED_COOKIE = "eventhub_picked"
PICKED_PATH = "/manage"
PICKED_MAX_AGE = 2 * 86400


class Picked(msgspec.Struct, array_like=True, forbid_unknown_fields=True):
    """Sessions picked by a returning address that was sent its link instead."""

    mission_slug: str
    session_ids: list[int]
    issued_at: int


def _cookie(key: str, value: str, path: str, max_age: int, secure: bool) -> Cookie:
    return Cookie(key=key, value=value, path=path, max_age=max_age, httponly=True, secure=secure, samesite="lax")


def remember(manage_token: str, slug: str, *, secure: bool) -> Cookie:
    return _cookie(ATTENDEE_COOKIE, manage_token, PATHS.mission(slug), ATTENDEE_MAX_AGE, secure)


def remembered(request: Request[Any, Any, Any]) -> str | None:
    """The manage token this browser keeps for the mission of the page (the path limits it)."""
    return request.cookies.get(ATTENDEE_COOKIE) or None


def keep_picked(slug: str, session_ids: list[int], key: bytes, now: int, *, secure: bool) -> Cookie:
    sealed = sealing.seal(Picked(slug, session_ids, now), key)
    return _cookie(PICKED_COOKIE, sealed, PICKED_PATH, PICKED_MAX_AGE, secure)


def picked(request: Request[Any, Any, Any], key: bytes, now: Any, slug: str) -> list[int]:
    found = sealing.unseal(request.cookies.get(PICKED_COOKIE), key, now, Picked, PICKED_MAX_AGE)
    return found.session_ids if found is not None and found.mission_slug == slug else []


def forget_picked(*, secure: bool) -> Cookie:
    return _cookie(PICKED_COOKIE, "", PICKED_PATH, 0, secure)
