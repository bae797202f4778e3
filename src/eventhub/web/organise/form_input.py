"""Back-office forms read through the JSON API's own request schemas (`eventhub.schemas`):
a page refuses exactly what the API refuses, reports every wrong field at once, and puts
each message next to its field. The rules' own refusals (`InvalidInput` with a `field`)
land next to their field the same way, in the reader's language."""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec
from msgspec import inspect as types

from eventhub.domain.errors import DomainError
from eventhub.i18n import N_, _
from eventhub.schemas import Input
from eventhub.web.forms import FormState

# What a refusal by code means, for people; the service's English detail is the fallback.
RULE_TEXTS: dict[str, str] = {
    "ends_before_start": N_("The end must be after the start."),
    "outside_mission_dates": N_("The session must lie within the mission's dates."),
    "sessions_outside_dates": N_("Some sessions would fall outside these dates: move them first."),
    "nonexistent_local_time": N_("This time does not exist in the session's zone (the clocks skip it)."),
    "invalid_datetime": N_("Enter a date and time."),
    "missing_times": N_("Enter the start and the end."),
    "unknown_timezone": N_("Enter a time zone such as Asia/Bishkek or Europe/Riga."),
    "slug_taken": N_("Another mission already has this address."),
    "venue_name_taken": N_("Another venue already has this name."),
    "venue_in_use": N_("Sessions take place here: move them to another venue first."),
    "person_in_use": N_("This person is on sessions: take them off those sessions first."),
    "duplicate_speaker": N_("A person can be listed only once."),
    "unknown_venue": N_("Choose a venue of this mission."),
    "unknown_person": N_("Choose a person of this mission."),
    "registration_window_invalid": N_("Registration must close after it opens."),
    "capacity_below_confirmed": N_("More people are already confirmed than this capacity."),
    "session_has_registrations": N_("People have registered for this session: cancel it instead, so that they are told."),
    "mission_has_registrations": N_("This mission has registrations; archive it instead."),
    "no_sessions_chosen": N_("Choose at least one session."),
    "shift_minutes_required": N_("Enter a number of minutes other than 0."),
    "same_venue": N_("A travel time joins two different venues."),
    "language_not_supported": N_("Choose one of the languages offered."),
}

_PATTERN_TEXTS: dict[str, str] = {
    "slug": N_("Use lower-case letters, digits and single hyphens, such as riga-2027."),
    "host_country": N_("Enter the two-letter country code, such as KG or LV."),
    "contact_email": N_("Enter an e-mail address in the form name@example.org."),
    "email": N_("Enter an e-mail address in the form name@example.org."),
    "online_url": N_("Enter an address starting with https://."),
    "language": N_("Enter a language tag such as en, ru or lv."),
}


def rule_text(error: DomainError) -> str:
    text = RULE_TEXTS.get(error.code)
    return _(text) if text else error.detail


def refusal_state(values: Mapping[str, str], error: DomainError) -> FormState:
    """A rule's refusal as form errors: next to its field, else for the form as a whole."""
    field = str(error.extra.get("field", ""))
    return FormState(dict(values), {field: rule_text(error)})


def read_form(
    schema: type[Input], raw: Mapping[str, str], names: Sequence[str], *, extra: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any] | None, FormState]:
    """`names`' values (text as typed) checked against `schema`'s field rules, one field at a
    time. Blank means none where the schema allows none, "" where it allows "", and is a
    missing value where the field is required; otherwise, and for a field the form does
    not have, the field is not sent (its default, or unchanged on an update). `extra` are fields read otherwise (lists), sent as
    they are. Returns the fields as the service takes them (`set_fields()`), or None."""
    info = {f.name: f for f in types.type_info(schema).fields}  # type: ignore[attr-defined]
    hints = typing.get_type_hints(schema, include_extras=True)
    shown = {name: raw.get(name, "").strip() for name in names}
    values: dict[str, Any] = dict(extra or {})
    errors: dict[str, str] = {}
    for name, text in shown.items():
        field = info[name]
        if name not in raw:  # not on this form: a required one is missing, any other is left as it is
            if field.required:
                errors[name] = _("Fill in this field.")
            continue
        if text == "":
            if _nullable(field.type):
                values[name] = None
            elif _accepts(hints[name], ""):
                values[name] = ""
            elif field.required or _needs_text(field.type):
                errors[name] = _("Fill in this field.")
            continue
        try:
            values[name] = msgspec.convert(text, hints[name], strict=False)
        except msgspec.ValidationError:
            errors[name] = _explain(name, field.type, text)
    if errors:
        return None, FormState(shown, errors)
    try:
        parsed = msgspec.convert(values, schema, strict=False)
    except msgspec.ValidationError as error:  # a rule across fields, or in a list
        return None, FormState(shown, {_path_field(str(error)): _("Check this value.")})
    return parsed.set_fields(), FormState(shown)


def _accepts(hint: Any, value: str) -> bool:
    try:
        msgspec.convert(value, hint, strict=False)
    except msgspec.ValidationError:
        return False
    return True


def _members(kind: Any) -> list[Any]:
    kinds = kind.types if isinstance(kind, types.UnionType) else (kind,)
    return [k.type if isinstance(k, types.Metadata) else k for k in kinds]


def _nullable(kind: Any) -> bool:
    return any(isinstance(k, types.NoneType) for k in _members(kind))


def _needs_text(kind: Any) -> bool:
    """A name or title: blank is never a value, on an update neither."""
    return any(isinstance(k, types.StrType) and (k.min_length or 0) >= 1 for k in _members(kind))


def _explain(name: str, kind: Any, text: str) -> str:
    """Why `text` does not fit: said from the field's own constraints."""
    member = next((k for k in _members(kind) if not isinstance(k, types.NoneType)), None)
    if isinstance(member, types.IntType):
        return _range_text(N_("Enter a whole number from %(min)s to %(max)s."), member)
    if isinstance(member, types.FloatType):
        return _range_text(N_("Enter a number from %(min)s to %(max)s."), member)
    if isinstance(member, types.DateType):
        return _("Enter a date as YYYY-MM-DD.")
    if isinstance(member, types.EnumType | types.LiteralType):
        return _("Choose one of the options.")
    if isinstance(member, types.StrType):
        if member.max_length is not None and len(text) > member.max_length:
            return _("At most %(max)s characters.", max=member.max_length)
        if member.pattern is not None:
            return _(_PATTERN_TEXTS.get(name, N_("This is not in the expected form.")))
    return _("Check this value.")


def _range_text(message: str, kind: Any) -> str:
    low = kind.ge if kind.ge is not None else kind.gt
    high = kind.le if kind.le is not None else kind.lt
    if low is None or high is None:
        return _("Enter a number.")
    return _(message, min=low, max=high)


def _path_field(message: str) -> str:
    """'… - at `$.speakers[0].person_id`' → 'speakers'."""
    path = message.rpartition("`$.")[2] if "`$." in message else ""
    return path.split("[", 1)[0].split(".", 1)[0].rstrip("`")
