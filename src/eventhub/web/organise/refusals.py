"""The back office's form errors from the services' refusals, in the reader's language."""

from __future__ import annotations

from eventhub.domain.errors import InvalidInput, StateConflict
from eventhub.i18n import _


def field_message(error: InvalidInput | StateConflict) -> tuple[str, str]:
    """A service's refusal as (field, message in the reader's language)."""
    messages = {
        "invalid_email": _("Enter a single e-mail address such as name@example.org."),
        "already_member": _("This address is in the team already."),
        "role_above_yours": _("You cannot give a role above your own."),
        "password_too_short": _("A password needs at least 10 characters."),
        "password_too_long": _("That password is too long."),
        "password_too_common": _("That password is one of the first ones people try; choose another."),
        "wrong_password": _("That is not the password of your account."),
        "invalid_name": _("Enter your name (at most 200 characters)."),
        "last_owner": _("A mission keeps at least one owner: make someone else owner first."),
    }
    return str(error.extra.get("field", "")), messages.get(error.code, error.detail)
