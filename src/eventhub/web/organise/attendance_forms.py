"""The back office's attendee forms: adding someone by hand, moving someone, writing to
attendees. The field rules are the JSON API's (its Annotated types, the domain's message
check); a wrong field gets its message next to it."""

from __future__ import annotations

from dataclasses import dataclass

from eventhub.db.services.attendees import AttendeeDetails
from eventhub.db.services.messages import Audience, MessageDraft
from eventhub.domain.errors import DomainError, InvalidInput
from eventhub.domain.mail import check_body, check_subject
from eventhub.i18n import N_, _
from eventhub.schemas import Email, Name, ShortText
from eventhub.web.forms import EMAIL_MAX, NAME_MAX, ORGANISATION_MAX, FormState, fits

_CONTROL = {chr(c) for c in (*range(32), *range(127, 160))}


@dataclass(slots=True)
class AddAttendeeForm:
    name: str = ""
    email: str = ""
    organisation: str = ""


@dataclass(slots=True)
class MoveForm:
    session_id: str = ""
    allow_waitlist: str = ""  # a checkbox: "on" when ticked


@dataclass(slots=True)
class MessageForm:
    subject: str = ""
    body: str = ""
    session_id: str = ""  # "" for the whole mission
    include_waitlisted: str = ""
    recipients_seen: str = ""  # the count the preview showed, to notice a change before sending
    draft_key: str = ""  # one per preview: sending twice with it sends once


def _one_line(text: str) -> bool:
    return not any(c in _CONTROL for c in text)


def add_attendee(form: AddAttendeeForm) -> tuple[AttendeeDetails | None, FormState]:
    values = {"name": form.name.strip(), "email": form.email.strip(), "organisation": form.organisation.strip()}
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = _("Enter the attendee's name.")
    elif not fits(values["name"], Name) or not _one_line(values["name"]):
        errors["name"] = _("A name is one line of at most %(max)s characters.", max=NAME_MAX)
    if not values["email"]:
        errors["email"] = _("Enter the attendee's e-mail address: their links go there.")
    elif len(values["email"]) > EMAIL_MAX or not fits(values["email"], Email):
        errors["email"] = _("Enter one e-mail address in the form name@example.org.")
    if not fits(values["organisation"], ShortText) or not _one_line(values["organisation"]):
        errors["organisation"] = _("The organisation is one line of at most %(max)s characters.",
                                   max=ORGANISATION_MAX)
    state = FormState(values, errors)
    if errors:
        return None, state
    return AttendeeDetails(values["name"], values["email"], values["organisation"]), state


def move_target(form: MoveForm) -> int | None:
    return int(form.session_id) if form.session_id.isdigit() and len(form.session_id) < 16 else None


def audience_of(session_id: str, include_waitlisted: str) -> Audience | None:
    """The audience a form names, or None for a session id that cannot be one."""
    if not session_id:
        return Audience(None, bool(include_waitlisted))
    if not session_id.isdigit() or len(session_id) > 15:
        return None
    return Audience(int(session_id), bool(include_waitlisted))


def message_draft(form: MessageForm) -> tuple[MessageDraft | None, FormState]:
    values = {"subject": form.subject.strip(), "body": form.body, "session_id": form.session_id}
    errors: dict[str, str] = {}
    audience = audience_of(form.session_id, form.include_waitlisted)
    if audience is None:
        errors["session_id"] = _("Choose a session of this mission, or everyone.")
    for check, value in ((check_subject, form.subject), (check_body, form.body)):
        try:
            check(value)
        except InvalidInput as error:
            errors[str(error.extra.get("field") or "")] = _message_error(error.code)
    state = FormState(values, errors)
    if errors or audience is None:
        return None, state
    return MessageDraft(values["subject"], form.body, audience), state


def _message_error(code: str) -> str:
    if code == "subject_blank":
        return _("Write a subject.")
    if code == "subject_invalid":
        return _("The subject is one line of at most 200 characters.")
    if code == "body_blank":
        return _("Write the message.")
    return _("The message is text of at most 20,000 characters, without control characters.")


# What a refused by-hand change says on the page, by the service's stable code (its own
# detail is English, for the API).
_REFUSALS = {
    "already_registered": N_("This person is registered for this session already."),
    "session_cancelled": N_("The session is cancelled: nobody can be seated in it."),
    "session_full": N_("The other session is full. Tick “If it is full, join its waitlist” to move them onto its waitlist."),
    "same_session": N_("They are registered for this session already."),
    "registration_cancelled": N_("This registration was cancelled in the meantime."),
    "not_waitlisted": N_("This person is no longer on the waitlist (a freed seat may have reached them first)."),
    "no_recipients": N_("Nobody would receive this message: the audience has no confirmed attendees."),
    "message_sent": N_("This mail was sent already; it is never sent twice."),
    "message_sending": N_("This mail is being sent right now."),
    "session_not_found": N_("There is no such session in this mission."),
    "registration_not_found": N_("There is no such registration in this mission."),
    "message_not_found": N_("There is no such mail in this mission's outbox."),
}


def refusal_text(error: DomainError) -> str:
    return _(_REFUSALS[error.code]) if error.code in _REFUSALS else error.detail
