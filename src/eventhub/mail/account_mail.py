"""Composing the mail of an account link: a team invitation or a password reset, in the
language of the page it was asked from. The link is derived again here, never stored."""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from eventhub.db.services.account_mail import LinkDelivery
from eventhub.db.services.team import INVITATION, link_token
from eventhub.i18n import translator
from eventhub.i18n.labels import team_role_label
from eventhub.mail.compose import MailSettings


class LinkComposer:
    def __init__(self, settings: MailSettings) -> None:
        self._settings = settings

    def url(self, delivery: LinkDelivery) -> str:
        link = delivery.link
        token = link_token(self._settings.secret_key, link.message_key)
        where = "invitations" if link.purpose == INVITATION else "reset-password"
        return f"{self._settings.public_base}/organise/{where}/{token}"

    def compose(self, delivery: LinkDelivery, now: datetime) -> EmailMessage:
        link, mission = delivery.link, delivery.mission
        t = translator(link.language)
        url = self.url(delivery)
        if link.purpose == INVITATION and mission is not None:
            subject = t.gettext("Join the team of %(mission)s", mission=mission.title)
            body = [
                t.gettext("%(name)s invites you to the team of %(mission)s on eventhub, as %(role)s.",
                          name=link.invited_by, mission=mission.title,
                          role=team_role_label(link.role or "viewer", t)),
                t.gettext("Accept the invitation (the link works once, for a week):"),
                url,
            ]
        else:
            subject = t.gettext("Set a new eventhub password")
            body = [
                t.gettext("Someone asked to set a new password for the eventhub account of this address."),
                t.gettext("Choose a new password here (the link works once, for an hour):"),
                url,
                t.gettext("If it was not you, ignore this message: your password stays as it is."),
            ]
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = Address(display_name="eventhub", addr_spec=self._settings.sender)
        message["To"] = Address(addr_spec=link.email)
        message["Message-ID"] = f"<{link.message_key}@{self._settings.public_host}>"
        message["Date"] = format_datetime(now)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content("\n\n".join(body) + "\n")
        message["Content-Language"] = t.language
        return message
