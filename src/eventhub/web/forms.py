"""The registration form: the same field rules as the JSON API, with one message per field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, TypeVar

import msgspec
from litestar.enums import RequestEncodingType
from litestar.params import Body

from eventhub import i18n
from eventhub.i18n import _
from eventhub.schemas import MAX_ID, Email, Name, ShortText
from eventhub.db.services.registrations import GroupRequest, MemberRequest, SignupRequest
from eventhub.domain.errors import InvalidInput
from eventhub.domain.registration import check_delegation

FormT = TypeVar("FormT")
# A page handler's `data`: a browser's POSTed form, read into a dataclass of strings.
PostedForm = Annotated[FormT, Body(media_type=RequestEncodingType.URL_ENCODED)]

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


@dataclass(slots=True)
class ProgrammeForm(RegistrationForm):
    """The agenda's "my programme" selection: one checkbox per session (a lone one posts a string)."""

    session_ids: list[str] | str = field(default_factory=list)

    @property
    def chosen(self) -> list[int]:
        """The chosen session ids in the order given, without repeats; junk is dropped
        (a session that is not there is refused by the service like any other)."""
        raw = [self.session_ids] if isinstance(self.session_ids, str) else self.session_ids
        ids = [int(v) for v in raw if v.strip().isdigit() and 1 <= int(v) <= MAX_ID]
        return list(dict.fromkeys(ids))


@dataclass(slots=True)
class DelegationForm(ProgrammeForm):
    """The head's details and sessions, and one row per member (the rows' fields arrive
    as parallel lists, empty rows included)."""

    member_name: list[str] | str = field(default_factory=list)
    member_email: list[str] | str = field(default_factory=list)

    def rows(self) -> list[tuple[str, str]]:
        names, emails = _listed(self.member_name), _listed(self.member_email)
        width = max(len(names), len(emails))
        names, emails = names + [""] * (width - len(names)), emails + [""] * (width - len(emails))
        return [(n.strip(), e.strip()) for n, e in zip(names, emails, strict=True)]


def _listed(value: list[str] | str) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def validate_member(name: str, email: str, field_prefix: str, errors: dict[str, str]) -> MemberRequest | None:
    """One member row: a name, and an address only if given."""
    if not name:
        errors[f"{field_prefix}-name"] = _("Enter the member's name.")
    elif not fits(name, Name):
        errors[f"{field_prefix}-name"] = _("A name can be at most %(max)s characters long.", max=NAME_MAX)
    if email and (problem := email_error(email)) is not None:
        errors[f"{field_prefix}-email"] = problem
    return MemberRequest(name, email or None) if f"{field_prefix}-name" not in errors and (
        f"{field_prefix}-email" not in errors) else None


def validate_delegation(form: DelegationForm) -> tuple[GroupRequest | None, FormState, int]:
    """(the request, the state to show, the number of member rows to show)."""
    head, state = validate(form, form.chosen)
    errors, values = dict(state.errors), dict(state.values)
    rows = form.rows()
    members: list[MemberRequest] = []
    numbers = []  # the row number of each member
    for number, (name, email) in enumerate(rows, start=1):
        values[f"member-{number}-name"], values[f"member-{number}-email"] = name, email
        if name or email:
            member = validate_member(name, email, f"member-{number}", errors)
            if member is not None:
                members.append(member)
                numbers.append(number)
    if not numbers and not any(name.startswith("member-") for name in errors):
        errors["member-1-name"] = _("Add at least one member.")
    if not errors:
        try:
            check_delegation(values["email"], [m.email for m in members])
        except InvalidInput as repeated:
            number = numbers[repeated.extra["position"]]
            errors[f"member-{number}-email"] = _("Each person needs an address of their own: this one is given twice.")
    shown = FormState(values, errors)
    if errors or head is None:
        return None, shown, len(rows)
    return GroupRequest(head, members), shown, len(rows)


@dataclass(slots=True)
class EmailForm:
    email: str = ""


def email_error(email: str) -> str | None:
    """What is wrong with an address typed into a form, or None."""
    if not email:
        return _("Enter your e-mail address.")
    if len(email) > EMAIL_MAX:
        return _("An e-mail address can be at most %(max)s characters long.", max=EMAIL_MAX)
    if not fits(email, Email):
        return _("Enter an e-mail address in the form name@example.org.")
    return None


def validate(form: RegistrationForm, session_ids: list[int]) -> tuple[SignupRequest | None, FormState]:
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
    if (problem := email_error(values["email"])) is not None:
        errors["email"] = problem
    if len(values["organisation"]) > ORGANISATION_MAX:
        errors["organisation"] = _("The organisation can be at most %(max)s characters long.", max=ORGANISATION_MAX)
    elif not fits(values["organisation"], ShortText):
        errors["organisation"] = _("Write the organisation on one line, without control characters.")
    if not session_ids:
        errors["sessions"] = _("Choose at least one session.")
    state = FormState(values, errors)
    if errors:
        return None, state
    # A new attendee's mail and personal feed speak the language of the page they signed up on.
    request = SignupRequest(
        values["name"], values["email"], values["organisation"] or None, session_ids, i18n.current().language
    )
    return request, state
