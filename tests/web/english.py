"""The English interface texts (the catalog's msgids): a page in another language must
show none of them. Content (titles, names) is the mission's own and stays as written."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from xml.etree.ElementTree import Element

from babel.messages.pofile import read_po

from eventhub.i18n import LOCALE_DIR

_PLACEHOLDER = re.compile(r"%\(\w+\)s")
_LABELS = ("aria-label", "title", "alt", "placeholder", "value")


@lru_cache(maxsize=None)
def interface_texts(language: str) -> tuple[str, ...]:
    """Every English text, and every fixed part of one with placeholders (at least two
    words), that `language` translates differently."""
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=language)
    texts: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for english in ids:
            if english in strings:
                continue
            for part in _PLACEHOLDER.split(english):
                part = part.strip(" ,.:;()–“”")
                if part and (part == english.strip() or " " in part):
                    texts.add(part)
    return tuple(sorted(texts))


def page_strings(root: Element) -> list[str]:
    """What a reader sees or hears of a page: its text pieces and its labels."""
    found = []
    for element in root.iter():
        for piece in (element.text, element.tail):
            if piece and piece.strip():
                found.append(" ".join(piece.split()))
        for name in _LABELS:
            value = element.get(name)
            if value and element.get("type") not in ("hidden", "text", "email"):
                found.append(value)
    return found


def english_left(strings: Iterable[str], language: str) -> list[str]:
    """English interface texts among `strings`: a whole string, or inside a longer one."""
    shown = list(strings)
    joined = "\n".join(shown)
    left = []
    for text in interface_texts(language):
        whole = any(s.strip(" ,.:;()–") == text for s in shown)
        if whole or (len(text) >= 24 and text in joined):
            left.append(text)
    return left
