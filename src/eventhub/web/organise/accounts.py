"""Signing in and out of the back office, and its home page (/organise)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from eventhub.db.services.access import Organiser
from eventhub.i18n import _
from eventhub.ratelimit import SignInRateLimited, enforce_sign_in_rate_limit
from eventhub.services import Services
from eventhub.web.forms import FormState
from eventhub.web.organise.guard import (
    COOKIE_PATH,
    HOME_PATH,
    SESSION_COOKIE,
    SIGN_IN_PATH,
    current_organiser,
    safe_next,
    session_secret,
)


@dataclass(slots=True)
class SignInForm:
    email: str = ""
    password: str = ""
    next: str = ""


SignInBody = Annotated[SignInForm, Body(media_type=RequestEncodingType.URL_ENCODED)]


def _session_cookie(services: Services, value: str, max_age: int) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE, value=value, path=COOKIE_PATH, max_age=max_age, httponly=True, samesite="lax",
        secure=services.settings.public_url.startswith("https://"),
    )


def _sign_in_page(form: FormState, next_path: str, *, status: int = 200, headers: dict[str, str] | None = None) -> Template:
    return Template("organise/sign_in.html", context={"form": form, "next": next_path}, status_code=status,
                    headers=headers or {})


class AccountPages(Controller):
    include_in_schema = False

    @get(SIGN_IN_PATH, name="organise_sign_in")
    async def sign_in_form(self, request: Request[Any, Any, Any], next: FromQuery[str | None] = None) -> Response[Any]:
        if await current_organiser(request) is not None:
            return Redirect(safe_next(next), status_code=303)
        return _sign_in_page(FormState(), safe_next(next))

    @post(SIGN_IN_PATH, name="organise_sign_in_post")
    async def sign_in(
        self, request: Request[Any, Any, Any], data: SignInBody, services: NamedDependency[Services]
    ) -> Response[Any]:
        email, next_path = data.email.strip(), safe_next(data.next)
        values = {"email": email}
        errors = {}
        if not email:
            errors["email"] = _("Enter your e-mail address.")
        if not data.password:
            errors["password"] = _("Enter your password.")
        if errors:
            return _sign_in_page(FormState(values, errors), next_path, status=422)
        try:
            await enforce_sign_in_rate_limit(request, email)
        except SignInRateLimited as limited:
            message = _("Too many sign-in attempts. Please wait a while and try again.")
            return _sign_in_page(FormState(values, {"": message}), next_path, status=429,
                                 headers={"Retry-After": str(limited.retry_after)})
        signed = await services.accounts.sign_in(email, data.password)
        if signed is None:
            # The same answer whether or not the address has an account.
            message = _("The e-mail address or the password is not right.")
            return _sign_in_page(FormState(values, {"": message}), next_path, status=401)
        max_age = int((signed.expires_at - services.clock()).total_seconds())
        return Redirect(next_path, status_code=303, cookies=[_session_cookie(services, signed.session_secret, max_age)])

    @post("/organise/sign-out", name="organise_sign_out")
    async def sign_out(self, request: Request[Any, Any, Any], services: NamedDependency[Services]) -> Response[Any]:
        secret = session_secret(request)
        if secret:
            await services.accounts.sign_out(secret)
        return Redirect(SIGN_IN_PATH, status_code=303, cookies=[_session_cookie(services, "", 0)])

    @post("/organise/sign-out-everywhere", name="organise_sign_out_everywhere")
    async def sign_out_everywhere(
        self, signed_in: NamedDependency[Organiser], services: NamedDependency[Services]
    ) -> Response[Any]:
        assert signed_in.account_id is not None  # sessions belong to accounts
        await services.accounts.sign_out_everywhere(signed_in.account_id)
        return Redirect(SIGN_IN_PATH, status_code=303, cookies=[_session_cookie(services, "", 0)])

    @get(HOME_PATH, name="organise_home")
    async def home(self, signed_in: NamedDependency[Organiser], services: NamedDependency[Services]) -> Template:
        glances = await services.accounts.missions_at_a_glance(signed_in)
        return Template("organise/home.html", context={"signed_in": signed_in, "glances": glances})
