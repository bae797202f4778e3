"""The web layer's wiring, kept here so that app.py only plugs the pieces in."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from litestar import Router
from litestar.di import Provide
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from litestar.types import BeforeMessageSendHookHandler

from eventhub import i18n
from eventhub.domain.registration import ALREADY_REGISTERED
from eventhub.errors import EXCEPTION_HANDLERS
from eventhub.i18n.labels import mission_status_label, team_role_label
from eventhub.settings import Settings
from eventhub.web.errors import page_handlers, pages_for_browsers
from eventhub.web.formatting import clock
from eventhub.web.language import LanguageMiddleware, LanguageSwitch, Languages, languages_for
from eventhub.web.meetings import MeetingPages
from eventhub.web.organise import ORGANISE_ROUTES
from eventhub.web.organise.guard import SignInRequired, signed_in, to_sign_in
from eventhub.web.pages import ManagePages, ProgrammePages, RegistrationPages, SessionPages
from eventhub.web.delegation import DelegationManagement, DelegationPages
from eventhub.web.programme import ProgrammeSelection
from eventhub.web.views import refusal_text
from eventhub.web.security import CSRF_FIELD, csrf_config, ids_in_range, page_headers

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


@dataclass(frozen=True, slots=True)
class Web:
    pages: Router
    static: Router
    templates: TemplateConfig[JinjaTemplateEngine]
    before_send: BeforeMessageSendHookHandler
    exception_handlers: dict[type[Exception] | int, Any]
    """App-level handlers: the API's, except that browsers asking for an unknown page get one."""
    middleware: list[Any]
    """App-level: pages (error pages too) in the reader's language."""


def build_web(settings: Settings) -> Web:
    pages = Router(
        path="/",
        route_handlers=[
            ProgrammePages, SessionPages, ProgrammeSelection, DelegationPages, RegistrationPages, ManagePages,
            DelegationManagement, MeetingPages, LanguageSwitch, *ORGANISE_ROUTES,
        ],
        # CSRF on the page routes only: API clients post JSON with bearer tokens and
        # never see the cookie; feeds and static files stay cookie-free and cacheable.
        middleware=[DefineMiddleware(CSRFMiddleware, config=csrf_config(settings))],
        guards=[ids_in_range],
        exception_handlers={**page_handlers(EXCEPTION_HANDLERS), SignInRequired: to_sign_in},
        dependencies={"signed_in": Provide(signed_in)},
        include_in_schema=False,
    )
    static = create_static_files_router(
        path="/static",
        directories=[STATIC],
        cache_control=CacheControlHeader(max_age=86400, public=True),
        include_in_schema=False,
    )
    handlers = {**EXCEPTION_HANDLERS, HTTPException: pages_for_browsers(EXCEPTION_HANDLERS[HTTPException])}
    engine = _engine(settings.public_base)
    return Web(pages, static, TemplateConfig(instance=engine), page_headers, handlers, [LanguageMiddleware])


def _engine(public_base: str) -> JinjaTemplateEngine:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a misspelt name fails the page tests instead of rendering blank
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # {{ _("...") }}, {{ ngettext(...) }} and {% trans %} in the request's language; babel.cfg
    # extracts with the same whitespace policy.
    environment.policies["ext.i18n.trimmed"] = True
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: i18n.current().gettext(message),
        ngettext=lambda singular, plural, n: i18n.current().plural_text(singular, plural, n),
        pgettext=lambda context, message: i18n.current().pgettext(context, message),
        newstyle=True,
    )

    @pass_context
    def languages(context: Context) -> Languages:
        return languages_for(context["request"], public_base)

    environment.globals["languages"] = languages
    environment.globals["static"] = static_url
    environment.globals["csrf_field"] = CSRF_FIELD
    environment.globals["ALREADY_REGISTERED"] = ALREADY_REGISTERED  # a signup result's code, from the domain
    environment.globals["mission_status_label"] = mission_status_label
    environment.globals["team_role_label"] = team_role_label
    environment.globals["refusal_text"] = refusal_text
    environment.filters["hhmm"] = clock
    return JinjaTemplateEngine.from_environment(environment)


@lru_cache(maxsize=32)
def static_url(name: str) -> str:
    """/static/<name>?v=<content hash>: cached for a day, yet a changed file is fetched at once."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"/static/{name}?v={digest}"
