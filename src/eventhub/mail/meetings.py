"""What a meeting mail says, in the recipient's language: a request to answer, an answer,
an expiry, and the plan's news (scheduled, moved, cancelled) with its calendar entry."""

from __future__ import annotations

from dataclasses import dataclass

from eventhub.calendar.itip import ItipMethod
from eventhub.calendar.meetings import MeetingFacts
from eventhub.domain.mail import MailKind
from eventhub.i18n import Translator

MEETING_KINDS = frozenset({
    MailKind.MEETING_REQUESTED, MailKind.MEETING_ACCEPTED, MailKind.MEETING_DECLINED,
    MailKind.MEETING_REQUEST_EXPIRED, MailKind.MEETING_REQUEST_CANCELLED, MailKind.MEETING_SCHEDULED,
    MailKind.MEETING_MOVED, MailKind.MEETING_CANCELLED,
})


@dataclass(frozen=True, slots=True)
class MeetingNews:
    """The facts of one meeting mail, plain."""

    kind: MailKind
    mission_title: str
    other_name: str
    other_organisation: str
    other_country: str
    message: str
    expires_at_local: str  # when an unanswered request expires, as the reader reads it
    meeting: MeetingFacts | None  # the published meeting, for scheduled, moved and cancelled
    when: str = ""  # the meeting's time, as the reader reads it
    changes: tuple[str, ...] = ()  # a moved meeting's old and new time, place or table, worded


@dataclass(frozen=True, slots=True)
class MeetingText:
    subject: str
    paragraphs: list[str]
    method: ItipMethod | None  # the calendar part to attach, if any


def meeting_text(news: MeetingNews, t: Translator) -> MeetingText:
    who = f"{news.other_name} ({news.other_organisation}, {news.other_country})"
    name = news.other_name
    kind = news.kind
    said = [t.gettext("Their message: %(text)s", text=news.message)] if news.message else []
    if kind == MailKind.MEETING_REQUESTED:
        return MeetingText(t.gettext("Meeting request from %(name)s", name=name), [
            t.gettext("%(who)s would like to meet you one to one during %(mission)s.", who=who, mission=news.mission_title),
            *said,
            t.gettext("Accept or decline it on your page (the link below) before %(when)s; after that it expires.",
                      when=news.expires_at_local),
        ], None)
    if kind == MailKind.MEETING_ACCEPTED:
        return MeetingText(t.gettext("%(name)s accepted your meeting request", name=name), [
            t.gettext("%(who)s agreed to meet you. The organisers place the meeting in the plan; "
                      "you will get its time and table by mail.", who=who),
        ], None)
    if kind == MailKind.MEETING_DECLINED:
        return MeetingText(t.gettext("%(name)s declined your meeting request", name=name), [
            t.gettext("%(who)s cannot meet you this time.", who=who),
        ], None)
    if kind == MailKind.MEETING_REQUEST_EXPIRED:
        return MeetingText(t.gettext("Your meeting request to %(name)s expired", name=name), [
            t.gettext("%(who)s did not answer in time; the request has expired. You may ask again.", who=who),
        ], None)
    if kind == MailKind.MEETING_REQUEST_CANCELLED:
        return MeetingText(t.gettext("Meeting request cancelled: %(name)s", name=name), [
            t.gettext("The meeting request between you and %(who)s is cancelled: one of you left the meetings.",
                      who=who),
        ], None)
    facts = [_facts(news, news.meeting, t)] if news.meeting is not None else []
    if kind == MailKind.MEETING_CANCELLED:
        return MeetingText(t.gettext("Meeting cancelled: %(name)s", name=name), [
            t.gettext("Your meeting with %(who)s is cancelled.", who=who), *facts,
        ], ItipMethod.CANCEL if news.meeting is not None else None)
    if kind == MailKind.MEETING_MOVED:
        return MeetingText(t.gettext("Meeting moved: %(name)s", name=name), [
            t.gettext("Your meeting with %(who)s has a new time or table:", who=who), *news.changes, *facts,
        ], ItipMethod.REQUEST if news.meeting is not None else None)
    return MeetingText(t.gettext("Meeting scheduled: %(name)s", name=name), [
        t.gettext("Your meeting with %(who)s is in the plan:", who=who), *facts,
    ], ItipMethod.REQUEST if news.meeting is not None else None)


def _facts(news: MeetingNews, meeting: MeetingFacts, t: Translator) -> str:
    return t.gettext("%(when)s\n%(table)s, %(venue)s", when=news.when, table=meeting.table, venue=meeting.venue)
