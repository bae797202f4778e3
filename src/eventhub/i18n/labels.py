"""Names of the domain's values as readers see them (a session's kind, a speaker's role),
in any interface language: pages, feeds (CATEGORIES) and mail use the same words."""

from __future__ import annotations

from eventhub.domain.programme import SessionKind, SpeakerRole
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
