"""Composing one outbox message: plain text and HTML from the same paragraphs, UTF-8
headers, a stable Message-ID, and an iTIP calendar part that clients act on.

Invitations go out as METHOD:REQUEST with the attendee already ACCEPTED and RSVP=FALSE:
Gmail and Outlook add such an event to the calendar themselves (a PUBLISH attachment
is only offered as a file to import), and an update with the same UID and a higher
SEQUENCE moves the entry; METHOD:CANCEL removes it. Apple Mail handles all three.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import segno

from eventhub.calendar import EventStatus
from eventhub.calendar.events import calendar_event, registration_revision, venue_line
from eventhub.calendar.itip import ItipMethod, Party, render_itip
from eventhub.calendar.meetings import meeting_event
from eventhub.db.mail_facts import MeetingNote, TimeAndPlace
from eventhub.db.services.deliveries import Delivery
from eventhub.db.services.meetings import MeetingMail, MyMeeting, meeting_facts
from eventhub.mail.meetings import MeetingNews, meeting_text
from eventhub.domain.mail import MailKind, body_paragraphs
from eventhub.domain.programme import RegistrationStatus
from eventhub.domain.time import offset_label, with_offset, zone
from eventhub.domain.tokens import check_in_code_for, feed_token_for, manage_token_for
from eventhub.domain.translations import localized
from eventhub.i18n import Translator, translator
from eventhub.urls import Urls, webcal_url


@dataclass(frozen=True, slots=True)
class MailSettings:
    public_base: str
    public_host: str
    sender: str
    secret_key: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    link: str | None = None


class Composer:
    def __init__(self, settings: MailSettings) -> None:
        self._settings = settings
        self._urls = Urls(settings.public_base)

    def compose(self, delivery: Delivery, now: datetime) -> EmailMessage:
        attendee, mission = delivery.attendee, delivery.mission
        manage = manage_token_for(self._settings.secret_key, attendee.token_salt, attendee.manage_generation)
        manage_url = self._urls.manage(manage)
        feed_url = self._urls.personal_feed(feed_token_for(manage, attendee.feed_generation))
        t = translator(attendee.language)  # the language they registered in
        subject, paragraphs, method = self._content(delivery, t)
        recipient = delivery.recipient or attendee
        if recipient is not attendee:
            paragraphs.insert(0, Paragraph(t.gettext(
                "You receive this as the head of the delegation: %(member)s, a member without an e-mail address "
                "of their own, is registered through you.", member=attendee.name
            )))
        check_in = self._check_in_code(delivery)
        if check_in is not None:
            paragraphs.append(Paragraph(t.gettext(
                "Your check-in code: %(code)s\nShow it (or the QR code) at the door.", code=check_in
            )))
        paragraphs += [
            Paragraph(t.gettext("See and change your registrations:"), manage_url),
            Paragraph(
                t.gettext("Your personal calendar feed (subscribe once, it follows every change):"),
                webcal_url(feed_url),
            ),
        ]

        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = Address(display_name=delivery.facts.organiser_name or mission.title,
                                  addr_spec=self._settings.sender)
        message["To"] = Address(display_name=recipient.name, addr_spec=recipient.email)
        if mission.contact_email:
            message["Reply-To"] = mission.contact_email
        message["Message-ID"] = f"<{delivery.message.message_key}@{self._settings.public_host}>"
        message["Date"] = format_datetime(now)
        message["Auto-Submitted"] = "auto-generated"
        signature = localized(mission.title, mission.translations, "title", t.language).text
        message.set_content(_text(recipient.name, paragraphs, signature, t))
        qr_cid = make_msgid(domain=self._settings.public_host) if check_in is not None else None
        message.add_alternative(_html(recipient.name, paragraphs, signature, t, qr_cid), subtype="html")
        if check_in is not None and qr_cid is not None:
            html_part = message.get_payload()[1]  # type: ignore[index]
            html_part.add_related(_qr_png(check_in), maintype="image", subtype="png", cid=qr_cid,
                                  filename="check-in.png")
        ics = None
        if method is not None and delivery.meeting is not None and delivery.meeting.meeting is not None:
            ics = self._meeting_itip(delivery, delivery.meeting.meeting, method, t)
        # No invitation into the head's own calendar for each member: their page has the member's feed.
        elif method is not None and delivery.session is not None and recipient is attendee:
            ics = self._itip(delivery, method, t)
        if ics is not None:
            message.add_alternative(ics, maintype="text", subtype="calendar", params={"method": method.value, "charset": "utf-8"})
            message.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
        message["Content-Language"] = t.language  # last: set_content() and friends drop Content-* headers
        return message

    def _check_in_code(self, d: Delivery) -> str | None:
        """Confirmations carry the code behind the check-in QR code."""
        if d.message.kind not in (MailKind.REGISTERED, MailKind.PROMOTED):
            return None
        if d.facts.status != RegistrationStatus.CONFIRMED:
            return None
        registration_id = d.facts.registration_id or (d.registration.id if d.registration is not None else None)
        return None if registration_id is None else check_in_code_for(self._settings.secret_key, registration_id)

    def _content(self, d: Delivery, t: Translator) -> tuple[str, list[Paragraph], ItipMethod | None]:
        kind, session = d.message.kind, d.session
        mission_title = localized(d.mission.title, d.mission.translations, "title", t.language).text
        if d.meeting is not None:
            return self._meeting_content(d, d.meeting, mission_title, t)
        if kind == MailKind.ORGANISER_MESSAGE and d.organiser_message is not None:
            # The organisers' own words, as they wrote them; around them, the reader's language.
            written = d.organiser_message
            about = [Paragraph(
                t.gettext("About: %(title)s", title=localized(session.title, session.translations, "title", t.language).text),
                self._urls.session(d.mission.slug, session.id, t.language),
            )] if session else []
            return (written.subject, [*(Paragraph(p) for p in body_paragraphs(written.body)), *about], None)
        if kind == MailKind.MANAGE_LINK:
            return (t.gettext("Your registration link for %(mission)s", mission=mission_title), [Paragraph(t.gettext(
                "Someone (perhaps you) asked to register with this address. You are already registered; "
                "use the link below to see or change your sessions. If it wasn't you, you can ignore this mail."
            ))], None)
        if kind == MailKind.FEED_ROTATED:
            return (t.gettext("Your new calendar feed link"), [Paragraph(t.gettext(
                "Your personal calendar feed has a new address; the old one no longer works. "
                "Subscribe again with the link below."
            ))], None)
        note, facts = d.facts.session, d.facts
        assert session is not None and note is not None
        title = facts.localized_title(t.language)
        lines = [title, _when_at(note.slot, t), _where(note.slot, t)]
        details = [Paragraph("\n".join(line for line in lines if line)),
                   Paragraph(t.gettext("Session details:"), self._urls.session(d.mission.slug, session.id, t.language))]
        confirmed = facts.status == RegistrationStatus.CONFIRMED
        if kind == MailKind.REGISTERED and facts.status == RegistrationStatus.WAITLISTED:
            position = facts.waitlist_position
            return (t.gettext("Waitlisted (#%(position)s): %(title)s", position=position, title=title), [Paragraph(
                t.gettext(
                    "The session is full; you are number %(position)s on the waitlist. "
                    "When a seat frees up you move up automatically and we write to you.",
                    position=position,
                )), *details], None)
        if kind == MailKind.REGISTERED:
            return (t.gettext("Confirmed: %(title)s", title=title), [
                Paragraph(t.gettext("Your seat is confirmed.")), *details], ItipMethod.REQUEST)
        if kind == MailKind.PROMOTED:
            return (t.gettext("A seat opened up: %(title)s", title=title), [Paragraph(t.gettext(
                "Good news: a seat freed up and you moved up from the waitlist. Your seat is confirmed.")), *details],
                ItipMethod.REQUEST if confirmed else None)
        if kind == MailKind.REGISTRATION_CANCELLED:
            return (t.gettext("Registration cancelled: %(title)s", title=title), [Paragraph(t.gettext(
                "Your registration for this session is cancelled.")), *details], ItipMethod.CANCEL)
        if kind == MailKind.SESSION_CANCELLED:
            reason = (
                [Paragraph(t.gettext("The reason they give: %(reason)s", reason=note.cancel_reason))]
                if note.cancel_reason else []
            )
            return (t.gettext("Cancelled: %(title)s", title=title), [Paragraph(t.gettext(
                "The organisers have cancelled this session. We are sorry for the change of plans.")), *reason, *details],
                ItipMethod.CANCEL if confirmed else None)
        changed = [Paragraph(line) for line in what_changed(facts.was, note.slot, t)] if facts.was is not None else []
        return (t.gettext("Changed: %(title)s", title=title), [Paragraph(t.gettext(
            "The details of a session you registered for have changed."
        )), *changed, Paragraph(t.gettext("The new details:")), *details],
            ItipMethod.REQUEST if confirmed else None)

    def _meeting_content(
        self, d: Delivery, mail: MeetingMail, mission_title: str, t: Translator
    ) -> tuple[str, list[Paragraph], ItipMethod | None]:
        note, was = d.facts.meeting, d.facts.meeting_was
        facts = meeting_facts(mail.meeting, t.language, note) if mail.meeting is not None else None
        expires = with_offset(mail.request.expires_at.astimezone(zone(d.mission.timezone)).replace(tzinfo=None),
                              d.mission.timezone)
        news = MeetingNews(
            kind=d.message.kind, mission_title=mission_title, other_name=mail.other.name,
            other_organisation=mail.other.profile.organisation, other_country=mail.other.profile.country,
            message=mail.request.message if not mail.asked_by_me else "",
            expires_at_local=f"{t.weekday_date(expires)}, {t.clock(expires)} ({d.mission.timezone})",
            meeting=facts,
            when=_when(facts.starts_local, facts.ends_local, facts.timezone, t) if facts is not None else "",
            changes=tuple(meeting_changes(was, note, t)) if was is not None and note is not None else (),
        )
        text = meeting_text(news, t)
        return text.subject, [Paragraph(p) for p in text.paragraphs], text.method

    def _meeting_itip(self, d: Delivery, mine: MyMeeting, method: ItipMethod, t: Translator) -> bytes:
        event = meeting_event(meeting_facts(mine, t.language, d.facts.meeting), host=self._settings.public_host,
                              translator=t)
        return render_itip(event, method, self._organizer(d), Party(d.attendee.name, d.attendee.email))

    def _organizer(self, d: Delivery) -> Party:
        return Party(d.mission.organiser_name or d.mission.title, d.mission.contact_email or self._settings.sender)

    def _itip(self, d: Delivery, method: ItipMethod, t: Translator) -> bytes:
        assert d.session is not None
        revision = registration_revision(d.registration) if d.registration is not None else 0
        event = calendar_event(
            d.session,
            urls=self._urls,
            host=self._settings.public_host,
            slug=d.mission.slug,
            status=EventStatus.CANCELLED if method == ItipMethod.CANCEL else EventStatus.CONFIRMED,
            sequence=d.session.sequence + revision,
            last_modified=max(d.session.updated_at, d.registration.updated_at if d.registration else d.session.updated_at),
            translator=t,
            link_language=t.language,
        )
        return render_itip(event, method, self._organizer(d), Party(d.attendee.name, d.attendee.email))


def _when(starts: datetime, ends: datetime, zone_name: str, t: Translator) -> str:
    """Wall times in a zone, as the reader reads them (the offset of that day)."""
    return _when_aware(with_offset(starts, zone_name), with_offset(ends, zone_name), zone_name, t)


def _when_aware(start: datetime, end: datetime, zone_name: str, t: Translator) -> str:
    """'Tuesday, 2 June 2026, 10:00–12:00 (Europe/Riga, UTC+03:00)'."""
    return f"{t.weekday_date(start)}, {t.clock(start)}–{t.clock(end)} ({zone_name}, {offset_label(start)})"


def _when_at(slot: TimeAndPlace, t: Translator) -> str:
    return _when_aware(slot.starts_at, slot.ends_at, slot.timezone, t)


def _where(slot: TimeAndPlace, t: Translator) -> str:
    return venue_line(slot.venue, t.language) if slot.venue is not None else (slot.online_url or "")


def what_changed(was: TimeAndPlace, now: TimeAndPlace, t: Translator) -> list[str]:
    """What a "changed" mail says changed: the old and the new time, place, or both."""
    lines = []
    old_when, new_when = _when_at(was, t), _when_at(now, t)
    if old_when != new_when:
        lines.append(t.gettext("Time: was %(old)s, now %(new)s.", old=old_when, new=new_when))
    old_where, new_where = _where(was, t), _where(now, t)
    if old_where != new_where:
        nowhere = t.gettext("no place given")
        lines.append(t.gettext("Place: was %(old)s, now %(new)s.", old=old_where or nowhere, new=new_where or nowhere))
    return lines


def meeting_changes(was: MeetingNote, now: MeetingNote, t: Translator) -> list[str]:
    """What a "moved" meeting mail says changed: the time, the venue and the table, old and new."""
    lines = what_changed(was.slot, now.slot, t)
    if was.table != now.table:
        lines.append(t.gettext("Table: was %(old)s, now %(new)s.", old=was.table, new=now.table))
    return lines


def _text(name: str, paragraphs: list[Paragraph], signature: str, t: Translator) -> str:
    parts = [t.gettext("Hello %(name)s,", name=name)]
    parts += [f"{p.text}\n{p.link}" if p.link else p.text for p in paragraphs]
    parts.append(f"— {signature}")
    return "\n\n".join(parts) + "\n"


def _qr_png(code: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def _html(name: str, paragraphs: list[Paragraph], signature: str, t: Translator, qr_cid: str | None = None) -> str:
    def block(p: Paragraph) -> str:
        text = html.escape(p.text).replace("\n", "<br>")
        if p.link:
            link = html.escape(p.link, quote=True)
            text += f'<br><a href="{link}">{link}</a>'
        return f"<p>{text}</p>"

    body = "".join(block(p) for p in paragraphs)
    if qr_cid is not None:
        cid, alt = html.escape(qr_cid.strip("<>"), quote=True), html.escape(t.gettext("Check-in QR code"), quote=True)
        body += f'<p><img src="cid:{cid}" alt="{alt}" width="180" height="180"></p>'
    return (
        f'<!DOCTYPE html><html lang="{t.language}"><body><p>{html.escape(t.gettext("Hello %(name)s,", name=name))}</p>{body}'
        f"<p>— {html.escape(signature)}</p></body></html>\n"
    )
