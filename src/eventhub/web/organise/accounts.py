"""Signing in and out of the back office, and its home page (/organise)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from eventhub.db.services.access import Organiser
from eventhub.db.services.accounts import NewSession
from eventhub import i18n
from eventhub.domain.errors import InvalidInput
from eventhub.i18n import _
from eventhub.ratelimit import SignInRateLimited, enforce_sign_in_rate_limit
from eventhub.services import Services
from eventhub.web.forms import FormState, PostedForm
from eventhub.web.organise.refusals import field_message
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


SignInBody = PostedForm[SignInForm]


def _session_cookie(services: Services, value: str, max_age: int) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE, value=value, path=COOKIE_PATH, max_age=max_age, httponly=True, samesite="lax",
        secure=services.settings.public_url.startswith("https://"),
    )


def _signed_in_at(services: Services, signed: NewSession, next_path: str) -> Redirect:
    max_age = int((signed.expires_at - services.clock()).total_seconds())
    return Redirect(next_path, status_code=303, cookies=[_session_cookie(services, signed.session_secret, max_age)])


async def start_session(services: Services, account_id: int, next_path: str) -> Redirect:
    """Sign a browser in (after joining a team, after setting a new password)."""
    return _signed_in_at(services, await services.accounts.start_session(account_id), next_path)


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
        return _signed_in_at(services, signed, next_path)

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


@dataclass(slots=True)
class ForgotForm:
    email: str = ""


@dataclass(slots=True)
class NewPasswordForm:
    password: str = ""


ForgotBody = PostedForm[ForgotForm]
NewPasswordBody = PostedForm[NewPasswordForm]
FORGOT_PATH = "/organise/forgot-password"


class PasswordPages(Controller):
    include_in_schema = False

    @get(FORGOT_PATH, name="organise_forgot_password")
    async def forgot_form(self, sent: FromQuery[bool] = False) -> Template:
        return Template("organise/forgot_password.html", context={"form": FormState(), "sent": sent})

    @post(FORGOT_PATH, name="organise_forgot_password_post")
    async def forgot(self, request: Request[Any, Any, Any], data: ForgotBody,
                     services: NamedDependency[Services]) -> Response[Any]:
        email = data.email.strip()
        if not email:
            form = FormState({}, {"email": _("Enter your e-mail address.")})
            return Template("organise/forgot_password.html", context={"form": form, "sent": False}, status_code=422)
        try:  # counted like sign-in attempts: nobody mails an address a hundred links
            await enforce_sign_in_rate_limit(request, email)
        except SignInRateLimited as limited:
            form = FormState({"email": email}, {"": _("Too many attempts. Please wait a while and try again.")})
            return Template("organise/forgot_password.html", context={"form": form, "sent": False}, status_code=429,
                            headers={"Retry-After": str(limited.retry_after)})
        await services.team.request_reset(email, language=i18n.current().language)
        # The same answer whether or not the address has an account.
        return Redirect(f"{FORGOT_PATH}?sent=true", status_code=303)

    @get("/organise/reset-password/{token:str}", name="organise_reset_password")
    async def reset_form(self, token: FromPath[str], services: NamedDependency[Services]) -> Template:
        await services.team.check_reset_link(token)
        return Template("organise/reset_password.html", context={"form": FormState(), "token": token})

    @post("/organise/reset-password/{token:str}", name="organise_reset_password_post")
    async def reset(self, token: FromPath[str], data: NewPasswordBody, services: NamedDependency[Services]) -> Response[Any]:
        try:
            account = await services.team.reset_password(token, data.password)
        except InvalidInput as refused:
            name, message = field_message(refused)
            form = FormState({}, {name or "password": message})
            return Template("organise/reset_password.html", context={"form": form, "token": token}, status_code=422)
        return await start_session(services, account.id, HOME_PATH)
