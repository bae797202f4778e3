"""Who is signed in to the back office, and the mission a page may act on.

Handlers under /organise take `signed_in: NamedDependency[Organiser]` (the dependency below): without a
valid session a GET is sent to the sign-in page, which returns the reader where they
were, and a POST is refused (403). `mission_for` authorizes an action through the same
`authorize` as the JSON API.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request
from litestar.response import Redirect

from eventhub.db.models import Mission
from eventhub.db.services.access import Organiser
from eventhub.domain.errors import Forbidden
from eventhub.domain.permissions import Action
from eventhub.services import Services

SESSION_COOKIE = "eventhub_session"
COOKIE_PATH = "/organise"
SIGN_IN_PATH = "/organise/sign-in"
HOME_PATH = "/organise"


class SignInRequired(Exception):
    """A page that needs a signed-in organiser, opened without one."""

    def __init__(self, next_path: str) -> None:
        super().__init__("sign in first")
        self.next_path = next_path


def safe_next(candidate: str | None) -> str:
    """Where to go after signing in: a back-office path of this site, never elsewhere
    (`//evil.example`, `/organise\\@evil`, a scheme) — else the back office's home."""
    if (
        not candidate
        or not candidate.startswith(HOME_PATH)
        or candidate.startswith("//")
        or any(c in candidate for c in "\\\r\n\t")
        or candidate.startswith(SIGN_IN_PATH)
    ):
        return HOME_PATH
    rest = candidate[len(HOME_PATH):]
    return candidate if rest == "" or rest[0] in "/?" else HOME_PATH


def sign_in_url(next_path: str) -> str:
    return f"{SIGN_IN_PATH}?next={quote(safe_next(next_path), safe='/')}"


def session_secret(request: Request[Any, Any, Any]) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


async def current_organiser(request: Request[Any, Any, Any]) -> Organiser | None:
    """The signed-in organiser, looked up once per request (the database decides: a
    session ended on one worker is ended on all)."""
    if "signed_in" in request.state:
        return request.state.signed_in
    secret = session_secret(request)
    services: Services = request.app.state.services
    organiser = await services.accounts.session_organiser(secret) if secret else None
    request.state.signed_in = organiser
    return organiser


async def signed_in(request: Request[Any, Any, Any]) -> Organiser:
    organiser = await current_organiser(request)
    if organiser is not None:
        return organiser
    if request.method in {"GET", "HEAD"}:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(path)
    raise Forbidden("Sign in to the back office first.", code="not_signed_in")


def to_sign_in(_request: Request[Any, Any, Any], exc: SignInRequired) -> Redirect:
    return Redirect(sign_in_url(exc.next_path), status_code=303)


async def mission_for(services: Services, slug: str, signed_in: Organiser, action: Action) -> Mission:
    """The mission if the signed-in organiser may do `action` in it: 404 for a mission they
    cannot see, 403 for a role that does not allow it (a viewer's POST)."""
    return await services.missions.authorized(slug, signed_in, action)
