"""RFC 5545 TEXT values escaped exactly as written by the user.

icalendar's own vText reads a literal backslash-N as a line break (so "C:\\New"
would arrive as "C:" and "ew" on two lines) and lets control characters through,
which RFC 5545 forbids in TEXT. These subclasses keep icalendar's types, so the
library still folds and serializes them, but escape every character as typed.
"""

from __future__ import annotations

import re

from icalendar.prop import vCategory, vText

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # all but TAB and LF


def clean(text: str) -> str:
    """Normalize line breaks to LF and drop control characters clients choke on."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def escape(text: str) -> str:
    """RFC 5545 section 3.3.11: backslash first, so later escapes are not doubled."""
    return clean(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


class Text(vText):
    """A TEXT property value (SUMMARY, DESCRIPTION, LOCATION, NAME, ...)."""

    def to_ical(self) -> bytes:
        return escape(str(self)).encode("utf-8")


class TextList(vCategory):
    """A comma-separated list of TEXT values (CATEGORIES); commas inside are escaped."""

    def __init__(self, items: tuple[str, ...] | list[str]) -> None:
        super().__init__(list(items))
        self.items = tuple(items)

    def to_ical(self) -> bytes:
        return b",".join(escape(item).encode("utf-8") for item in self.items)
