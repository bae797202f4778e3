"""Names of the domain's values as readers see them (a session's kind, a speaker's role,
a mission's status, an organiser's role),
in any interface language: pages, feeds (CATEGORIES) and mail use the same words."""

from __future__ import annotations

from eventhub.domain.permissions import Role
from eventhub.domain.programme import MissionStatus, SessionKind, SpeakerRole
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
