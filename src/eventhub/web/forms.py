"""The registration form: the same field rules as the JSON API, with one message per field."""

from __future__ import annotations

from dataclasses import dataclass, field

import msgspec

from eventhub import i18n
from eventhub.i18n import _
from eventhub.schemas import Email, Name, ShortText
from eventhub.db.services.registrations import SignupRequest

NAME_MAX = 200
EMAIL_MAX = 254
ORGANISATION_MAX = 200


@dataclass(slots=True)
class RegistrationForm:
    """What the browser posts (the CSRF field is read by the middleware)."""

    name: str = ""
    email: str = ""
    organisation: str = ""


@dataclass(frozen=True, slots=True)
class FormState:
    """Values to show again and errors keyed by field name ('' for the form as a whole)."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def field_errors(self) -> list[tuple[str, str]]:
        return [(name, message) for name, message in self.errors.items() if name]


def fits(value: str, rule: object) -> bool:
    # The API's Annotated types carry the rules (pattern, lengths); checking each field
    # alone lets the page report every wrong field at once, next to the field.
    try:
        msgspec.convert(value, rule)
    except msgspec.ValidationError:
        return False
    return True


def validate(form: RegistrationForm, session_id: int) -> tuple[SignupRequest | None, FormState]:
    values = {
        "name": form.name.strip(),
        "email": form.email.strip(),
        "organisation": form.organisation.strip(),
    }
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = _("Enter your name.")
    elif len(values["name"]) > NAME_MAX:
        errors["name"] = _("Your name can be at most %(max)s characters long.", max=NAME_MAX)
    elif not fits(values["name"], Name):
        errors["name"] = _("Write your name on one line, without control characters.")
    if not values["email"]:
        errors["email"] = _("Enter your e-mail address.")
    elif len(values["email"]) > EMAIL_MAX:
        errors["email"] = _("An e-mail address can be at most %(max)s characters long.", max=EMAIL_MAX)
    elif not fits(values["email"], Email):
        errors["email"] = _("Enter an e-mail address in the form name@example.org.")
    if len(values["organisation"]) > ORGANISATION_MAX:
        errors["organisation"] = _("The organisation can be at most %(max)s characters long.", max=ORGANISATION_MAX)
    elif not fits(values["organisation"], ShortText):
        errors["organisation"] = _("Write the organisation on one line, without control characters.")
    state = FormState(values, errors)
    if errors:
        return None, state
    # A new attendee's mail and personal feed speak the language of the page they signed up on.
    request = SignupRequest(
        values["name"], values["email"], values["organisation"] or None, [session_id], i18n.current().language
    )
    return request, state
