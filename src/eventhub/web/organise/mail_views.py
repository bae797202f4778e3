"""What the messages and outbox pages show: the composer with its audience and preview,
the messages sent, and every mail of the mission with how it went."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eventhub.db.models import Mission, OrganiserMessage
from eventhub.db.services.attendees import SessionFill
from eventhub.db.services.deliveries import OutboxEntry, OutboxReport
from eventhub.db.services.messages import Audience
from eventhub.domain.mail import MailStatus, body_paragraphs
from eventhub.domain.programme import SessionStatus
from eventhub.i18n import _, ngettext
from eventhub.i18n.labels import mail_kind_label, mail_status_label
from eventhub.web.forms import FormState
from eventhub.web.organise.attendance_views import back_office, local_time, session_when


@dataclass(frozen=True, slots=True)
class AudienceChoice:
    value: str  # "" for the whole mission, else the session id
    label: str
    selected: bool


@dataclass(frozen=True, slots=True)
class Preview:
    subject: str
    paragraphs: list[str]
    audience: str  # "the confirmed attendees of “Export clinic”"
    recipients: int
    recipients_text: str  # "This message goes to 20 people, one e-mail each."


@dataclass(frozen=True, slots=True)
class SentMessage:
    when: str
    subject: str
    audience: str
    recipients: str
    sent_by: str


@dataclass(frozen=True, slots=True)
class MessagesPage:
    path: str
    outbox_path: str
    form: FormState
    audiences: list[AudienceChoice]
    include_waitlisted: bool
    preview: Preview | None
    sent: list[SentMessage]
    just_sent: SentMessage | None
    can_write: bool


def audience_text(audience: Audience, titles: dict[int, str]) -> str:
    if audience.session_id is None:
        if audience.include_waitlisted:
            return _("everyone confirmed or waitlisted in the mission's sessions")
        return _("everyone confirmed in the mission's sessions")
    title = titles.get(audience.session_id, "?")
    if audience.include_waitlisted:
        return _("the confirmed and waitlisted attendees of “%(title)s”", title=title)
    return _("the confirmed attendees of “%(title)s”", title=title)


def preview(subject: str, body: str, audience: Audience, recipients: int, titles: dict[int, str]) -> Preview:
    return Preview(
        subject=subject.strip(),
        paragraphs=body_paragraphs(body),
        audience=audience_text(audience, titles),
        recipients=recipients,
        recipients_text=ngettext(
            "This message goes to %(num)s person, one e-mail.",
            "This message goes to %(num)s people, one e-mail each.",
            recipients,
        ),
    )


def session_titles(fills: Sequence[SessionFill]) -> dict[int, str]:
    return {f.session_id: f.title for f in fills}


def messages_page(
    mission: Mission,
    fills: Sequence[SessionFill],
    sent: Sequence[OrganiserMessage],
    *,
    form: FormState | None = None,
    audience: Audience | None = None,
    shown: Preview | None = None,
    just_sent: int | None = None,
    can_write: bool,
) -> MessagesPage:
    audience = audience or Audience()
    titles = session_titles(fills)
    rows = {m.id: _sent(mission, m, titles) for m in sent}
    choices = [AudienceChoice("", _("Everyone in the mission"), audience.session_id is None)]
    choices += [
        AudienceChoice(str(f.session_id), f"{session_when(f)} · {f.title}", f.session_id == audience.session_id)
        for f in fills if f.status != SessionStatus.CANCELLED
    ]
    return MessagesPage(
        path=back_office(mission.slug, "/messages"),
        outbox_path=back_office(mission.slug, "/outbox"),
        form=form or FormState(),
        audiences=choices,
        include_waitlisted=audience.include_waitlisted,
        preview=shown,
        sent=list(rows.values()),
        just_sent=rows.get(just_sent) if just_sent is not None else None,
        can_write=can_write,
    )


def _sent(mission: Mission, message: OrganiserMessage, titles: dict[int, str]) -> SentMessage:
    audience = Audience(message.session_id, message.include_waitlisted)
    return SentMessage(
        when=local_time(message.created_at, mission),
        subject=message.subject,
        audience=audience_text(audience, titles),
        recipients=ngettext("%(num)s person", "%(num)s people", message.recipients),
        sent_by=message.sent_by,
    )


# --- the outbox -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutboxRow:
    message_id: int
    created: str
    to_name: str
    to_email: str
    what: str  # the kind of mail, or the subject organisers wrote
    status: str  # pending | sending | sent | failed (a CSS class; status_text says it)
    status_text: str
    attempts: int
    detail: str  # when it went, or why it failed and when it is tried again
    can_retry: bool


@dataclass(frozen=True, slots=True)
class OutboxCount:
    status: str
    text: str
    count: int


@dataclass(frozen=True, slots=True)
class OutboxPage:
    path: str
    counts: list[OutboxCount]
    rows: list[OutboxRow]
    failed_only: bool
    retried: bool
    can_retry: bool
    messages_path: str


def outbox_page(
    mission: Mission, report: OutboxReport, entries: Sequence[OutboxEntry], *, failed_only: bool, retried: bool,
    can_retry: bool,
) -> OutboxPage:
    return OutboxPage(
        path=back_office(mission.slug, "/outbox"),
        counts=[OutboxCount(s.value, mail_status_label(s), report.counts.get(s.value, 0)) for s in MailStatus],
        rows=[_outbox_row(mission, e, can_retry) for e in entries],
        failed_only=failed_only,
        retried=retried,
        can_retry=can_retry,
        messages_path=back_office(mission.slug, "/messages"),
    )


def _outbox_row(mission: Mission, entry: OutboxEntry, can_retry: bool) -> OutboxRow:
    message = entry.message
    if message.status == MailStatus.SENT:
        detail = _("Sent %(time)s", time=local_time(message.sent_at, mission))
    elif message.last_error:
        detail = message.last_error
        if message.status == MailStatus.PENDING:
            detail += " · " + _("next try %(time)s", time=local_time(message.next_attempt_at, mission))
    else:
        detail = ""
    retryable = message.status == MailStatus.FAILED or (
        message.status == MailStatus.PENDING and message.last_error is not None
    )
    return OutboxRow(
        message_id=message.id,
        created=local_time(message.created_at, mission),
        to_name=entry.attendee.name,
        to_email=entry.attendee.email,
        what=entry.subject or mail_kind_label(message.kind),
        status=message.status.value,
        status_text=mail_status_label(message.status),
        attempts=message.attempts,
        detail=detail,
        can_retry=can_retry and retryable,
    )
