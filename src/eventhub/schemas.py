"""Request and response bodies: the wire format the JSON API answers with, the pages lay
out and `eventhub load` reads. Requests refuse unknown fields (no mass assignment)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from eventhub.domain.errors import InvalidInput
from eventhub.domain.time import zone_names
from eventhub.domain.programme import (
    BulkAction,
    MissionStatus,
    RegistrationMode,
    SessionKind,
    SessionStatus,
    SpeakerRole,
)
from eventhub.domain.registration import MAX_DELEGATION_MEMBERS
from eventhub.domain.reminders import Reminder


# --- input rules (SPEC "Input rules") -------------------------------------------------------------
# Text is checked where it enters, once, for the API, the pages' forms and `eventhub load` alike:
# each kind of field is an Annotated type whose pattern the OpenAPI document shows. Character
# classes are spelled out rather than `\s`, which means different characters to Python (the
# validation) and to JSON Schema's ECMA regexes (the document). The validation anchors with `\Z`
# (a full match: Python's `$` also matches before a final newline), the document with `$`, which
# JSON Schema reads as the end of the string.

# Control characters mail headers and calendars cannot carry; multi-line text keeps tab and breaks.
CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
BREAKS = r"\t\n\r\u2028\u2029"
# What trimming takes off both ends (str.strip() would also leave U+FEFF and take other marks).
SPACES = " \t\n\r\x0b\x0c\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_SPACE_CLASS = r" \t\n\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
_YEAR = r"(?:20[0-9]{2}|2100)"


RULES: dict[str, str] = {}
"""What each pattern means, for the problem's message (msgspec names the regex itself)."""


def _pattern(body: str, rule: str, **meta: Any) -> Any:
    """A string type whose whole value matches `body` (the same rule in code and document)."""
    extra_schema = dict(meta.pop("extra_json_schema", {}))
    extra_schema["extra"] = {**extra_schema.get("extra", {}), "pattern": f"^{body}$"}
    extra_schema.setdefault("description", rule)
    RULES[f"^{body}\\Z"] = rule
    return Annotated[str, Meta(pattern=f"^{body}\\Z", extra_json_schema=extra_schema, **meta)]


def explain(message: str) -> str:
    """A validation message with the regex it names replaced by the rule in words."""
    for pattern, rule in RULES.items():
        message = message.replace(f"`str` matching regex {pattern!r}", rule)
    return message


def single_line(max_length: int, *, required: bool = False, **meta: Any) -> Any:
    """Names, titles, organisations: no control characters, no line breaks; `required`: not
    blank once trimmed."""
    char = f"[^{CONTROL}{BREAKS}]"
    if required:
        rule = "one line of text, not blank, without line breaks or control characters"
        return _pattern(f"{char}*[^{CONTROL}{BREAKS}{_SPACE_CLASS}]{char}*", rule, min_length=1, max_length=max_length, **meta)
    return _pattern(f"{char}*", "one line of text without line breaks or control characters", max_length=max_length, **meta)


def multi_line(max_length: int, *, required: bool = False, **meta: Any) -> Any:
    """Descriptions, summaries, messages: line breaks and tabs, no other control characters."""
    char = f"[^{CONTROL}]"
    if required:
        rule = "text, not blank, without control characters (line breaks and tabs are fine)"
        return _pattern(f"{char}*[^{CONTROL}{_SPACE_CLASS}]{char}*", rule, min_length=1, max_length=max_length, **meta)
    return _pattern(f"{char}*", "text without control characters (line breaks and tabs are fine)", max_length=max_length, **meta)


# A single mailbox (no list, no display name, no quoted or non-ASCII local part, which mail
# without SMTPUTF8 cannot carry). Internationalised domains are written in their ASCII
# (`xn--`) form; the Unicode form is refused, so that what is stored is what is sent.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_PATTERN = rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?"


def in_year_range(value: date) -> bool:
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR


def check_day(value: date | None, field: str) -> date | None:
    """A date from a query parameter, bounded as the document says (DAY_PATTERN)."""
    if value is not None and not in_year_range(value):
        raise InvalidInput(
            f"{field} must be in the years {EARLIEST_YEAR} to {LATEST_YEAR}.", code="date_out_of_range", field=field
        )
    return value


class Input(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    def __post_init__(self) -> None:
        # Strings are stored trimmed, with one kind of line break; dates within the range
        # feeds and mail can carry (the document says so with a pattern on each date).
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if isinstance(value, str):
                if any("\ud800" <= c <= "\udfff" for c in value):
                    raise ValueError(f"`{name}` contains a lone surrogate, which is not text")
                setattr(self, name, value.replace("\r\n", "\n").replace("\r", "\n").strip(SPACES))
            elif isinstance(value, date) and not in_year_range(value):
                raise ValueError(f"`{name}` must be in the years {EARLIEST_YEAR} to {LATEST_YEAR}")

    def set_fields(self) -> dict[str, Any]:
        """The fields the client actually sent (PATCH semantics), nested objects as plain
        dicts (translations: {"ru": {"title": ...}})."""
        return {
            f: msgspec.to_builtins(v) if isinstance(v, msgspec.Struct) else v
            for f in self.__struct_fields__
            if (v := getattr(self, f)) is not UNSET
        }


Slug = Annotated[str, Meta(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=2, max_length=80)]
Title = single_line(200, required=True)
Name = single_line(200, required=True)
ShortText = single_line(200)
LongText = multi_line(20_000)
CountryCode = Annotated[str, Meta(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2", examples=["KG"])]
# The document lists the zones the server takes (eventhub.domain.time.zone_names); the code
# refuses any other with its own code, `unknown_timezone`.
ZoneName = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=64,
        extra_json_schema={
            "description": "IANA time zone",
            "examples": ["Asia/Bishkek"],
            "extra": {"enum": sorted(zone_names())},
        },
    ),
]
Email = _pattern(
    EMAIL_PATTERN,
    "one e-mail address such as ira@example.lv (no name, no list; a non-ASCII domain in its xn-- form)",
    max_length=254,
    extra_json_schema={"examples": ["ira@example.lv"]},
)
Url = _pattern(rf"https?://[^{_SPACE_CLASS}{CONTROL}]+", "an http(s) URL without spaces", max_length=500)
LanguageTag = Annotated[str, Meta(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=35, examples=["en"])]
# Litestar 2 leaves two kinds of constraint out of the OpenAPI document: a bound of 0 on an
# optional field, and the constraints of a list's items. Its msgspec plugin copies the
# keywords under `extra` of `extra_json_schema` into the document, so they are repeated there.
Count = Annotated[int, Meta(ge=0, le=1_000_000, extra_json_schema={"extra": {"minimum": 0}})]
Latitude = Annotated[float, Meta(ge=-90, le=90)]
Longitude = Annotated[float, Meta(ge=-180, le=180)]
Minutes = Annotated[int, Meta(ge=0, le=24 * 60)]
MAX_ID = 2**53 - 1  # the largest integer every JSON client keeps exactly; ids are 64-bit in the database
Id = Annotated[int, Meta(ge=1, le=MAX_ID)]
# A calendar date in the years feeds can carry (Input.__post_init__ checks the same).
DAY_PATTERN = f"^{_YEAR}-"
Day = Annotated[
    date, Meta(extra_json_schema={"extra": {"pattern": DAY_PATTERN}, "examples": ["2026-12-07"]})
]
LocalDateTime = Annotated[
    str,
    Meta(
        max_length=40,
        pattern=f"^{_YEAR}-",
        description="Wall-clock time in the session's zone (2026-12-08T10:00), or with an offset to convert;"
        f" years {EARLIEST_YEAR} to {LATEST_YEAR}",
        examples=["2026-12-08T10:00"],
    ),
]


# --- languages ----------------------------------------------------------------------------------

InterfaceLanguage = Literal["en", "ru", "lv", "ky"]
"""A language pages, mail and feeds speak (eventhub.domain.languages.LANGUAGES)."""
# Content translations, language -> field -> text (eventhub.domain.translations): objects
# with named properties, so that the OpenAPI document says which languages and fields there
# are; the field rules (lengths, single lines) are checked per field when they are written.


class MissionTexts(Input, omit_defaults=True):
    title: LongText | None = None
    summary: LongText | None = None
    host_city: LongText | None = None
    funding_note: LongText | None = None


class SessionTexts(Input, omit_defaults=True):
    title: LongText | None = None
    description: LongText | None = None


class VenueTexts(Input, omit_defaults=True):
    name: LongText | None = None
    address: LongText | None = None


class MissionTranslations(Input, omit_defaults=True):
    en: MissionTexts | None = None
    ru: MissionTexts | None = None
    lv: MissionTexts | None = None
    ky: MissionTexts | None = None


class SessionTranslations(Input, omit_defaults=True):
    en: SessionTexts | None = None
    ru: SessionTexts | None = None
    lv: SessionTexts | None = None
    ky: SessionTexts | None = None


class VenueTranslations(Input, omit_defaults=True):
    en: VenueTexts | None = None
    ru: VenueTexts | None = None
    lv: VenueTexts | None = None
    ky: VenueTexts | None = None


ContentLanguages = Annotated[list[InterfaceLanguage], Meta(max_length=4)]


# --- missions -----------------------------------------------------------------------------------


class MissionCreate(Input, kw_only=True):
    slug: Slug
    title: Title
    summary: LongText = ""
    host_city: ShortText = ""
    host_country: CountryCode
    timezone: ZoneName
    starts_on: Day
    ends_on: Day
    organiser_name: ShortText = ""
    contact_email: Email | None = None
    funding_note: LongText = ""
    status: MissionStatus = MissionStatus.DRAFT
    default_language: InterfaceLanguage = "en"
    content_languages: ContentLanguages = []
    translations: MissionTranslations | None = None


class MissionUpdate(Input, kw_only=True):
    title: Title | UnsetType = UNSET
    summary: LongText | UnsetType = UNSET
    host_city: ShortText | UnsetType = UNSET
    host_country: CountryCode | UnsetType = UNSET
    timezone: ZoneName | UnsetType = UNSET
    starts_on: Day | UnsetType = UNSET
    ends_on: Day | UnsetType = UNSET
    organiser_name: ShortText | UnsetType = UNSET
    contact_email: Email | UnsetType = UNSET
    funding_note: LongText | UnsetType = UNSET
    status: MissionStatus | UnsetType = UNSET
    default_language: InterfaceLanguage | UnsetType = UNSET
    content_languages: ContentLanguages | UnsetType = UNSET
    translations: MissionTranslations | UnsetType = UNSET


class SubscribeLinksOut(msgspec.Struct, kw_only=True):
    """One feed, in every form calendar apps take (new Outlook fails on webcal://)."""

    https: str
    webcal: str
    google: str
    outlook: str
    outlook_office: str


class MissionOut(msgspec.Struct, kw_only=True):
    id: int
    slug: str
    title: str
    summary: str
    host_city: str
    host_country: str
    timezone: str
    starts_on: Day
    ends_on: Day
    organiser_name: str
    contact_email: str
    funding_note: str
    status: MissionStatus
    default_language: str
    content_languages: list[str]
    translations: dict[str, dict[str, str]]
    lang: str | None
    """The language asked for with `?lang=`: title, summary, host_city and funding_note are in
    it where translated, else as written; None: all as written."""
    url: str
    sessions_url: str
    feed_url: str
    webcal_url: str
    subscribe: SubscribeLinksOut
    created_at: datetime
    updated_at: datetime


# --- venues and people --------------------------------------------------------------------------


class VenueCreate(Input, kw_only=True):
    name: Name
    address: LongText = ""
    capacity: Count | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    timezone: ZoneName | None = None
    translations: VenueTranslations | None = None


class VenueUpdate(Input, kw_only=True):
    name: Name | UnsetType = UNSET
    address: LongText | UnsetType = UNSET
    capacity: Count | None | UnsetType = UNSET
    latitude: Latitude | None | UnsetType = UNSET
    longitude: Longitude | None | UnsetType = UNSET
    timezone: ZoneName | None | UnsetType = UNSET
    translations: VenueTranslations | UnsetType = UNSET


class VenueOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    address: str
    capacity: int | None
    latitude: float | None
    longitude: float | None
    timezone: str | None
    effective_timezone: str
    translations: dict[str, dict[str, str]] = {}


class PersonCreate(Input, kw_only=True):
    name: Name
    affiliation: ShortText = ""
    role_title: ShortText = ""
    email: Email | None = None


class PersonUpdate(Input, kw_only=True):
    name: Name | UnsetType = UNSET
    affiliation: ShortText | UnsetType = UNSET
    role_title: ShortText | UnsetType = UNSET
    email: Email | None | UnsetType = UNSET


class PersonOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    id: int
    name: str
    affiliation: str
    role_title: str
    email: str | None = None  # organisers only; never public


# --- sessions -----------------------------------------------------------------------------------


class SpeakerIn(Input, kw_only=True):
    person_id: Id
    role: SpeakerRole = SpeakerRole.SPEAKER


class SessionCreate(Input, kw_only=True):
    title: Title
    kind: SessionKind
    description: LongText = ""
    starts_at: LocalDateTime
    ends_at: LocalDateTime
    venue_id: Id | None = None
    online_url: Url | None = None
    speakers: Annotated[list[SpeakerIn], Meta(max_length=50)] = []
    capacity: Count | None = None
    registration: RegistrationMode = RegistrationMode.OPEN
    registration_opens_at: LocalDateTime | None = None
    registration_closes_at: LocalDateTime | None = None
    language: LanguageTag | None = None
    status: SessionStatus = SessionStatus.PUBLISHED
    translations: SessionTranslations | None = None


class SessionUpdate(Input, kw_only=True):
    title: Title | UnsetType = UNSET
    kind: SessionKind | UnsetType = UNSET
    description: LongText | UnsetType = UNSET
    starts_at: LocalDateTime | UnsetType = UNSET
    ends_at: LocalDateTime | UnsetType = UNSET
    venue_id: Id | None | UnsetType = UNSET
    online_url: Url | None | UnsetType = UNSET
    speakers: Annotated[list[SpeakerIn], Meta(max_length=50)] | UnsetType = UNSET
    capacity: Count | None | UnsetType = UNSET
    registration: RegistrationMode | UnsetType = UNSET
    registration_opens_at: LocalDateTime | None | UnsetType = UNSET
    registration_closes_at: LocalDateTime | None | UnsetType = UNSET
    language: LanguageTag | None | UnsetType = UNSET
    status: SessionStatus | UnsetType = UNSET
    translations: SessionTranslations | UnsetType = UNSET


class SpeakerOut(msgspec.Struct, kw_only=True):
    person_id: int
    role: SpeakerRole
    name: str
    affiliation: str


class VenueRef(msgspec.Struct, kw_only=True):
    id: int
    name: str
    address: str


class SessionOut(msgspec.Struct, kw_only=True):
    id: int
    mission_slug: str
    title: str
    kind: SessionKind
    description: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    starts_at_utc: datetime
    ends_at_utc: datetime
    venue_id: int | None
    venue: VenueRef | None
    online_url: str | None
    speakers: list[SpeakerOut]
    capacity: int | None
    seats_left: int | None
    waitlist_length: int
    registration: RegistrationMode
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    language: str | None
    status: SessionStatus
    cancel_reason: str | None
    sequence: int
    translations: dict[str, dict[str, str]]
    lang: str | None
    """The language asked for with `?lang=`: title, description and the venue's name and
    address are in it where translated, else as written."""
    url: str
    ics_url: str
    created_at: datetime
    updated_at: datetime


ReasonText = multi_line(2_000)


class SessionCancel(Input, kw_only=True):
    reason: ReasonText | None = None


class BulkIn(Input, kw_only=True):
    """One change to several sessions, in one transaction: all or none."""

    action: BulkAction
    session_ids: Annotated[
        list[Id],
        Meta(
            min_length=1,
            max_length=1_000,
            extra_json_schema={"extra": {"items": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}},
        ),
    ]
    minutes: Annotated[int, Meta(ge=-7 * 24 * 60, le=7 * 24 * 60)] | None = None  # for "shift"
    venue_id: Id | None = None  # for "venue"; none: no venue
    reason: ReasonText | None = None  # for "cancel"


class ChangeSummaryOut(msgspec.Struct, kw_only=True):
    """What subscribers and registrants see of a change (before it is made, with dry_run)."""

    applied: bool
    moved: int
    cancelled: int
    published: int
    reinstated: int
    withdrawn: int
    changed: int
    attendees_mailed: int
    session_ids: list[int]


class CloneIn(Input, kw_only=True):
    slug: Slug
    starts_on: Day


# --- travel and conflicts -----------------------------------------------------------------------


class TravelTimeIn(Input, kw_only=True):
    from_venue_id: Id
    to_venue_id: Id
    minutes: Minutes


class TravelTimeOut(msgspec.Struct, kw_only=True):
    from_venue_id: int
    to_venue_id: int
    minutes: int


class ConflictingSession(msgspec.Struct, kw_only=True):
    session_id: int
    title: str
    starts_at: datetime
    ends_at: datetime


class ConflictOut(msgspec.Struct, kw_only=True):
    reason: str
    sessions: list[ConflictingSession]
    venue_id: int | None
    person_ids: list[int]
    travel_minutes: int | None


# --- problems -----------------------------------------------------------------------------------


class Problem(msgspec.Struct, kw_only=True):
    """RFC 9457 problem details; `code` is stable and machine-readable."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    instance: str | None = None


class ConflictEntry(msgspec.Struct, kw_only=True):
    session_id: int
    title: str
    reason: str
    venue_id: int | None = None
    person_ids: list[int] = []
    travel_minutes: int | None = None
    of_session_id: int | None = None  # in a change of several sessions: which one clashes


class ConflictProblem(Problem, kw_only=True):
    conflicts: list[ConflictEntry] = []


class Health(msgspec.Struct, kw_only=True):
    status: str
    database: str


# --- registrations ------------------------------------------------------------------------------


class RegistrationCreate(Input, kw_only=True):
    name: Name | None = None
    email: Email | None = None
    organisation: ShortText | None = None
    session_ids: Annotated[
        list[Id],
        Meta(
            min_length=1,
            max_length=50,
            extra_json_schema={"extra": {"items": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}},
        ),
    ]
    language: InterfaceLanguage | None = None
    """The language for a new attendee's mail and personal feed (default: the mission's)."""
    reminder: Reminder | None = None
    """A new attendee's reminder before each of their sessions, in their personal feed
    (`15m`, `1h`, `1d`; default `none`)."""


class MemberCreate(Input, kw_only=True):
    name: Name
    email: Email | None = None
    """Optional: a member without an address is managed from the head's manage page."""


class GroupRegistrationCreate(RegistrationCreate, kw_only=True):
    """A head of delegation (name, email, organisation) registers themselves and their
    members for the same sessions, in one transaction."""

    members: Annotated[list[MemberCreate], Meta(min_length=1, max_length=MAX_DELEGATION_MEMBERS)]


class SessionResultOut(msgspec.Struct, kw_only=True):
    session_id: int
    status: str
    waitlist_position: int | None
    code: str | None


class ScheduleWarningOut(msgspec.Struct, kw_only=True):
    kind: str
    session_id: int
    other_session_id: int
    other_title: str
    travel_minutes: int | None
    message: str


class RegistrationAnswer(msgspec.Struct, kw_only=True, omit_defaults=True):
    results: list[SessionResultOut]
    warnings: list[ScheduleWarningOut]
    attendee_id: int
    manage_token: str | None = None  # only for a new attendee, only in this answer
    manage_url: str | None = None
    feed_url: str | None = None
    webcal_url: str | None = None
    subscribe: SubscribeLinksOut | None = None


class MemberAnswer(msgspec.Struct, kw_only=True, omit_defaults=True):
    name: str
    email: str | None = None
    attendee_id: int | None = None  # none: the address is registered already; its owner is mailed their link
    results: list[SessionResultOut]
    # Only for a member without an address, whose links the head keeps (the others get theirs by mail).
    manage_url: str | None = None
    feed_url: str | None = None


class GroupRegistrationAnswer(RegistrationAnswer, kw_only=True, omit_defaults=True):
    members: list[MemberAnswer] = []


class RegistrationAccepted(msgspec.Struct, kw_only=True):
    status: str
    detail: str


class MeRegistration(msgspec.Struct, kw_only=True):
    session_id: int
    status: str
    waitlist_position: int | None
    code: str | None
    check_in_code: str | None  # behind the check-in QR code, for confirmed registrations
    title: str
    session_status: SessionStatus
    starts_at: datetime
    ends_at: datetime
    timezone: str
    registered_at: datetime
    session_url: str


class MeOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    email: str
    organisation: str
    language: str
    """The language of the attendee's mail and personal feed."""
    reminder: Reminder
    """How long before each session their personal feed reminds them (`none`: never)."""
    mission_slug: str
    registrations: list[MeRegistration]
    feed_url: str
    webcal_url: str
    subscribe: SubscribeLinksOut


class MePreferences(Input, kw_only=True):
    """The attendee's preferences; a field left out stays as it is."""

    language: InterfaceLanguage | None = None
    """The language of their mail and personal feed."""
    reminder: Reminder | None = None
    """How long before each session their personal feed reminds them (`none`: never)."""


class FeedTokenOut(msgspec.Struct, kw_only=True):
    feed_url: str
    webcal_url: str
    subscribe: SubscribeLinksOut


class ManageTokenOut(msgspec.Struct, kw_only=True):
    manage_token: str
    manage_url: str


class RegistrationRow(msgspec.Struct, kw_only=True):
    id: int
    session_id: int
    session_title: str
    session_starts_at: datetime
    session_status: SessionStatus
    attendee_id: int
    name: str
    email: str
    organisation: str
    status: str
    waitlist_position: int | None
    created_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    checked_in_at: datetime | None


# --- outbox -------------------------------------------------------------------------------------


class OutboxFailure(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    status: str
    attendee_id: int
    session_id: int | None
    attempts: int
    last_error: str | None
    next_attempt_at: datetime


class OutboxReportOut(msgspec.Struct, kw_only=True):
    counts: dict[str, int]
    failures: list[OutboxFailure]


# --- organisers' changes by hand, check-in, messages ----------------------------------------------

# A subject becomes a mail header: one line. Blank ones are the domain's `subject_blank` and
# `body_blank` (eventhub.domain.mail.check_message), which pages show next to the field.
Subject = single_line(200, min_length=1)
MessageBody = multi_line(20_000, min_length=1)
CheckInCode = Annotated[str, Meta(min_length=1, max_length=64, examples=["42-K7QXM2PA"])]


class PromotionOut(msgspec.Struct, kw_only=True):
    registration_id: int
    session_id: int
    status: str
    capacity_before: int | None
    capacity: int | None
    capacity_raised: bool  # the session was full: one seat was added for this person
    passed_over: int  # how many were ahead of them on the waitlist


class AttendeeAdd(Input, kw_only=True):
    name: Name
    email: Email
    organisation: ShortText = ""


class MoveCreate(Input, kw_only=True):
    session_id: Id
    allow_waitlist: bool = False  # else a full target session is a 409 (session_full)


class SeatedOut(msgspec.Struct, kw_only=True):
    registration_id: int
    attendee_id: int
    session_id: int
    status: str
    waitlist_position: int | None
    new_attendee: bool


class MovedOut(msgspec.Struct, kw_only=True):
    cancelled_registration_id: int
    seated: SeatedOut
    promoted_registration_ids: list[int]


class SessionAttendeeOut(msgspec.Struct, kw_only=True):
    registration_id: int
    attendee_id: int
    name: str
    email: str
    organisation: str
    status: str
    waitlist_position: int | None
    registered_at: datetime
    checked_in_at: datetime | None


class SessionAttendeesOut(msgspec.Struct, kw_only=True):
    session_id: int
    title: str
    status: SessionStatus
    capacity: int | None
    seats_left: int | None
    checked_in: int
    confirmed: list[SessionAttendeeOut]
    waitlist: list[SessionAttendeeOut]  # in queue order


class CheckInCreate(Input, kw_only=True):
    code: CheckInCode
    session_id: Id


class CheckInOut(msgspec.Struct, kw_only=True):
    registration_id: int
    session_id: int
    attendee_id: int
    name: str
    organisation: str
    checked_in_at: datetime


class MessageCreate(Input, kw_only=True):
    subject: Subject
    body: MessageBody
    session_id: Id | None = None  # none: the attendees of every session that takes place
    include_waitlisted: bool = False


class MessageOut(msgspec.Struct, kw_only=True):
    id: int
    session_id: int | None
    subject: str
    include_waitlisted: bool
    recipients: int
    sent_by: str
    created_at: datetime
