"""The page's language: negotiated for every page request, switched by the reader.

`LanguageMiddleware` wraps the whole app (error pages for unknown addresses are rendered
outside the page router) and, for page requests, runs the request in the language that
`eventhub.domain.languages.negotiate` picks from `?lang=`, the switcher's cookie and
`Accept-Language`. A page about a mission calls `settle(mission.default_language)`:
where the reader said nothing, the mission's default wins over English. The response
says which language it is in (`Content-Language`) and that it varies with the reader's
headers (`Vary`).

The switcher is a small POST form in every page's header (`POST /language`), so it works
without JavaScript and never puts the page's address, which may hold a manage token,
into a URL.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from litestar import Controller, Request, post
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.di import NamedDependency
from litestar.response import Redirect
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from eventhub import i18n
from eventhub.domain.languages import ENDONYMS, LANGUAGES, Choice, Source, negotiate, supported
from eventhub.services import Services
from eventhub.web.forms import PostedForm

COOKIE = "eventhub_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
QUERY = "lang"
# Not pages: the API and feeds take `?lang=` for their content explicitly, never a cookie.
NOT_PAGES = ("/api/", "/schema", "/feeds/", "/health", "/static/")
PRIVATE_PREFIXES = ("/manage/", "/registrations/answer")

_choice: contextvars.ContextVar[Choice | None] = contextvars.ContextVar("eventhub_language_choice", default=None)


def is_page(path: str) -> bool:
    return not (path.startswith(NOT_PAGES) or path == "/api" or path.endswith(".ics"))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def _cookie(scope: Scope, name: str) -> str | None:
    for part in (_header(scope, b"cookie") or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _query(scope: Scope) -> list[tuple[str, str]]:
    return parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)


def _negotiate(scope: Scope) -> Choice:
    return negotiate(
        query=next((v for k, v in _query(scope) if k == QUERY), None),
        cookie=_cookie(scope, COOKIE),
        accept_language=_header(scope, b"accept-language"),
    )


VARY = "Accept-Language, Cookie"


class LanguageMiddleware:
    """ASGI middleware: page requests run in their negotiated language."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_page(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        choice = _negotiate(scope)

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                headers["Content-Language"] = i18n.current().language
                vary = [v.strip() for v in headers.get("vary", "").split(",") if v.strip()]
                headers["Vary"] = ", ".join([*vary, *(v for v in ("Accept-Language", "Cookie") if v not in vary)])
            await send(message)

        token = _choice.set(choice)
        try:
            with i18n.use(choice.language):
                await self.app(scope, receive, send_with_language)
        finally:
            _choice.reset(token)


def error_page_headers(request: Request[Any, Any, Any]) -> dict[str, str]:
    """For an error page: Litestar runs app middleware only on matched routes, so an unknown
    address reaches its error page without LanguageMiddleware; negotiate here instead."""
    if _choice.get() is not None:
        return {}  # the middleware runs this request and sets the headers itself
    language = i18n.switch(_negotiate(request.scope).language).language
    return {"Content-Language": language, "Vary": VARY}


def settle(default_language: str | None) -> None:
    """A mission's page: its default language applies when the reader asked for none."""
    choice = _choice.get()
    if choice is not None and choice.source == Source.DEFAULT and supported(default_language):
        i18n.switch(default_language)


# --- what the templates show --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LanguageLink:
    code: str
    name: str  # in the language itself
    href: str  # this page in that language (absolute, for hreflang)
    current: bool


@dataclass(frozen=True, slots=True)
class Languages:
    current: str
    links: list[LanguageLink]
    alternates: bool  # whether to announce <link rel="alternate" hreflang>: public pages only
    next: str  # where the switcher returns to: this page, without `lang`
    default_href: str  # this page without `lang`: hreflang="x-default"


def languages_for(request: Request[Any, Any, Any], public_base: str) -> Languages:
    path = request.url.path
    query = [(k, v) for k, v in _query(request.scope) if k != QUERY]
    here = path + (f"?{urlencode(query)}" if query else "")

    def href(code: str) -> str:
        return f"{public_base}{path}?{urlencode([*query, (QUERY, code)])}"

    current = i18n.current().language
    return Languages(
        current=current,
        links=[LanguageLink(code, ENDONYMS[code], href(code), code == current) for code in LANGUAGES],
        alternates=not path.startswith(PRIVATE_PREFIXES) and request.method == "GET",
        next=here,
        default_href=f"{public_base}{here}",
    )


# --- the switcher ---------------------------------------------------------------------------------


@dataclass(slots=True)
class SwitchForm:
    lang: str = ""
    next: str = "/"


def safe_next(target: str) -> str:
    """Only a path on this site: never another host ('//evil', '/\\evil', 'https://...')."""
    if not target.startswith("/") or target.startswith(("//", "/\\")) or any(c in target for c in "\r\n\\"):
        return "/"
    return target


class LanguageSwitch(Controller):
    include_in_schema = False

    # Exempt from CSRF: it changes nothing but the reader's own display language, and must
    # work from every page, error pages outside the page router included.
    @post("/language", name="switch_language", exclude_from_csrf=True, status_code=303)
    async def switch(
        self,
        data: PostedForm[SwitchForm],
        services: NamedDependency[Services],
    ) -> Redirect:
        target = safe_next(data.next)
        language = supported(data.lang)
        if language is None:
            return Redirect(target, status_code=303)
        cookie = Cookie(
            key=COOKIE,
            value=language,
            path="/",
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            secure=services.settings.public_url.startswith("https://"),
            samesite="lax",
        )
        return Redirect(target, status_code=303, cookies=[cookie])
