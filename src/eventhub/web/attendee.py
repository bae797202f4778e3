"""What the attendee's own pages show (the answer page and the manage page).

Only these pages carry the attendee's name, address and tokens; the headers that keep
them out of caches, indexes and Referer headers are set by `eventhub.web.security`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from markupsafe import Markup

from eventhub.present import Presenter
from eventhub.schemas import MeOut, MeRegistration
from eventhub.db.models import Mission
from eventhub.db.services.delegations import Member
from eventhub.db.services.registrations import AttendeeView
from eventhub.db.services.sessions import SessionView
from eventhub.domain.programme import RegistrationStatus, SessionStatus
from eventhub.domain.time import zone
from eventhub import i18n
from eventhub.domain.languages import ENDONYMS, LANGUAGES
from eventhub.domain.reminders import Reminder
from eventhub.i18n.labels import reminder_label
from eventhub.domain.translations import localized
from eventhub.i18n import _
from eventhub.urls import PATHS
from eventhub.web.formatting import clock, short_day
from eventhub.web.qr import qr_svg
from eventhub.web.views import SessionCard, Subscribe, session_card, subscribe_box


@dataclass(frozen=True, slots=True)
class MyRegistration:
    session_id: int
    title: str
    path: str
    when: str
    status: RegistrationStatus
    status_text: str
    waitlist_position: int | None
    session_cancelled: bool
    can_cancel: bool
    check_in_code: str | None  # confirmed seats in sessions that take place: shown with its QR code
    check_in_qr: Markup | None

    @property
    def confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def tone(self) -> str:
        """The CSS state class (never the only cue: `status_text` says it in words)."""
        if self.session_cancelled:
            return "cancelled"
        return _TONES.get(self.status, "closed")


_TONES = {RegistrationStatus.CONFIRMED: "open", RegistrationStatus.WAITLISTED: "waitlist"}


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A delegation member on their head's manage page."""

    id: int
    name: str
    email: str
    registrations: list[MyRegistration]
    # Only for a member without an address: the head keeps their links.
    manage_url: str | None
    feed_url: str | None


def member_rows(members: Sequence[Member], present: Presenter) -> list[MemberRow]:
    lang = i18n.current().language
    rows = []
    for member in members:
        view = member.view
        registrations = [my_registration(item, view.mission) for item in present.me_registrations(view, lang)]
        if member.manage_token is None:  # their own codes are theirs: the head sees places only
            registrations = [replace(r, check_in_code=None, check_in_qr=None) for r in registrations]
        rows.append(MemberRow(
            id=view.attendee.id,
            name=view.attendee.name,
            email=view.attendee.email,
            registrations=registrations,
            manage_url=present.urls.manage(member.manage_token) if member.manage_token else None,
            feed_url=present.urls.personal_feed(member.feed_token) if member.feed_token else None,
        ))
    return rows


@dataclass(frozen=True, slots=True)
class AttendeePage:
    """The manage page and the answer page: the attendee's own data, shown only to them."""

    me: MeOut
    manage_url: str
    manage_path: str
    mission_title: str
    mission_path: str
    registrations: list[MyRegistration]
    subscribe: Subscribe
    can_add: list[SessionCard]  # sessions open for registration that the attendee is not in
    picked: list[SessionCard]  # of those, the ones this browser chose on the agenda before it was recognised
    languages: list[tuple[str, str, bool]]  # (code, name in itself, theirs) for their mail and feed
    reminders: list[tuple[str, str, bool]]  # (value, label, theirs) for their personal feed's alarms


def my_registration(item: MeRegistration, mission: Mission) -> MyRegistration:
    tz = zone(mission.timezone)
    starts, ends = item.starts_at.astimezone(tz), item.ends_at.astimezone(tz)
    session_cancelled = item.session_status == SessionStatus.CANCELLED
    status = RegistrationStatus(item.status)
    if status == RegistrationStatus.WAITLISTED:
        text = _("On the waitlist, position %(position)s", position=item.waitlist_position)
    elif status == RegistrationStatus.CONFIRMED:
        text = _("Confirmed")
    else:
        text = _("You cancelled")
    if session_cancelled:
        text = _("Session cancelled by the organisers")
    code = None if session_cancelled else item.check_in_code
    return MyRegistration(
        session_id=item.session_id,
        title=item.title,
        path=PATHS.session(mission.slug, item.session_id),
        when=f"{short_day(starts.date())}, {clock(starts)}–{clock(ends)}",
        status=status,
        status_text=text,
        waitlist_position=item.waitlist_position,
        session_cancelled=session_cancelled,
        can_cancel=status != RegistrationStatus.CANCELLED and not session_cancelled,
        check_in_code=code,
        check_in_qr=qr_svg(code, label=_("Check-in QR code for %(title)s", title=item.title)) if code else None,
    )


def attendee_page(
    view: AttendeeView,
    manage_token: str,
    present: Presenter,
    programme: Sequence[SessionView] = (),
    now: datetime | None = None,
    picked: Sequence[int] = (),
) -> AttendeePage:
    lang = i18n.current().language
    me = present.me(view, manage_token, lang)
    live = {r.session_id for r in me.registrations if r.status != RegistrationStatus.CANCELLED}
    cards = (
        [session_card(present.session(v, view.mission.slug, lang), view.mission, now) for v in programme]
        if now
        else []
    )
    can_add = [c for c in cards if c.availability.can_register and c.id not in live]
    return AttendeePage(
        me=me,
        manage_url=present.urls.manage(manage_token),
        manage_path=PATHS.manage(manage_token),
        mission_title=localized(view.mission.title, view.mission.translations, "title", lang).text,
        mission_path=PATHS.mission(view.mission.slug),
        registrations=[my_registration(item, view.mission) for item in me.registrations],
        subscribe=subscribe_box(me.subscribe, private=True),
        can_add=can_add,
        picked=[c for c in can_add if c.id in set(picked)],
        languages=[(code, ENDONYMS[code], code == me.language) for code in LANGUAGES],
        reminders=[(r.value, reminder_label(r), r == me.reminder) for r in Reminder],
    )
