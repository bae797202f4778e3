"""Names of the domain's values as readers see them (a session's kind, a speaker's role,
a mission's status, an organiser's role),
in any interface language: pages, feeds (CATEGORIES) and mail use the same words."""

from __future__ import annotations

from eventhub.domain.mail import MailKind, MailStatus
from eventhub.domain.permissions import Role
from eventhub.domain.programme import MissionStatus, RegistrationStatus, SessionKind, SessionStatus, SpeakerRole
from eventhub.domain.reminders import Reminder
from eventhub.i18n import N_, Translator, current

KIND_LABELS: dict[SessionKind, str] = {
    SessionKind.WORKSHOP: N_("Workshop"),
    SessionKind.SEMINAR: N_("Seminar"),
    SessionKind.PRESENTATION: N_("Presentation"),
    SessionKind.INTERACTIVE: N_("Interactive"),
    SessionKind.MEETING: N_("Meeting"),
    SessionKind.SITE_VISIT: N_("Site visit"),
    SessionKind.NETWORKING: N_("Networking"),
    SessionKind.OTHER: N_("Other"),
}
ROLE_LABELS: dict[SpeakerRole, str] = {
    SpeakerRole.SPEAKER: N_("speaker"),
    SpeakerRole.HOST: N_("host"),
    SpeakerRole.MODERATOR: N_("moderator"),
}


REMINDER_LABELS: dict[Reminder, str] = {
    Reminder.NONE: N_("No reminder"),
    Reminder.MINUTES_15: N_("15 minutes before"),
    Reminder.HOUR_1: N_("1 hour before"),
    Reminder.DAY_1: N_("1 day before"),
}


def reminder_label(reminder: Reminder | str, translator: Translator | None = None) -> str:
    return (translator or current()).gettext(REMINDER_LABELS[Reminder(reminder)])


def kind_label(kind: SessionKind, translator: Translator | None = None) -> str:
    return (translator or current()).gettext(KIND_LABELS[SessionKind(kind)])


def role_label(role: SpeakerRole | str, translator: Translator | None = None) -> str:
    return (translator or current()).gettext(ROLE_LABELS[SpeakerRole(role)])


MISSION_STATUS_LABELS: dict[MissionStatus, str] = {
    MissionStatus.DRAFT: N_("Draft"),
    MissionStatus.PUBLISHED: N_("Published"),
    MissionStatus.ARCHIVED: N_("Archived"),
}
TEAM_ROLE_LABELS: dict[Role, str] = {
    Role.OWNER: N_("Owner"),
    Role.EDITOR: N_("Editor"),
    Role.VIEWER: N_("Viewer"),
}


def mission_status_label(status: MissionStatus | str, translator: Translator | None = None) -> str:
    return (translator or current()).gettext(MISSION_STATUS_LABELS[MissionStatus(status)])


def team_role_label(role: Role | str, translator: Translator | None = None) -> str:
    """An organiser's role in a mission's team (not a speaker's role in a session)."""
    return (translator or current()).gettext(TEAM_ROLE_LABELS[Role(role)])


REGISTRATION_STATUS_LABELS: dict[RegistrationStatus, str] = {
    RegistrationStatus.CONFIRMED: N_("Confirmed"),
    RegistrationStatus.WAITLISTED: N_("Waitlisted"),
    RegistrationStatus.CANCELLED: N_("Cancelled"),
}
SESSION_STATUS_LABELS: dict[SessionStatus, str] = {
    SessionStatus.DRAFT: N_("Draft"),
    SessionStatus.PUBLISHED: N_("Published"),
    SessionStatus.CANCELLED: N_("Cancelled"),
}
MAIL_STATUS_LABELS: dict[MailStatus, str] = {
    MailStatus.PENDING: N_("Waiting to be sent"),
    MailStatus.SENDING: N_("Being sent"),
    MailStatus.SENT: N_("Sent"),
    MailStatus.FAILED: N_("Failed"),
}
MAIL_KIND_LABELS: dict[MailKind, str] = {
    MailKind.REGISTERED: N_("Registration confirmation"),
    MailKind.PROMOTED: N_("Seat from the waitlist"),
    MailKind.REGISTRATION_CANCELLED: N_("Registration cancelled"),
    MailKind.SESSION_CHANGED: N_("Session changed"),
    MailKind.SESSION_CANCELLED: N_("Session cancelled"),
    MailKind.MANAGE_LINK: N_("Manage link"),
    MailKind.FEED_ROTATED: N_("New calendar link"),
    MailKind.ORGANISER_MESSAGE: N_("Message from the organisers"),
}


def registration_status_label(status: RegistrationStatus | str, translator: Translator | None = None) -> str:
    return (translator or current()).gettext(REGISTRATION_STATUS_LABELS[RegistrationStatus(status)])


def session_status_label(status: SessionStatus | str, translator: Translator | None = None) -> str:
    return (translator or current()).gettext(SESSION_STATUS_LABELS[SessionStatus(status)])


def mail_status_label(status: MailStatus | str, translator: Translator | None = None) -> str:
    return (translator or current()).gettext(MAIL_STATUS_LABELS[MailStatus(status)])


def mail_kind_label(kind: MailKind | str, translator: Translator | None = None) -> str:
    return (translator or current()).gettext(MAIL_KIND_LABELS[MailKind(kind)])
