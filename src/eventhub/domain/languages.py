"""Which language a reader gets: the interface languages and their negotiation.

Pure rules over plain strings. The order is SPEC's: an explicit `?lang=`, then the
language the switcher remembered in a cookie, then the browser's `Accept-Language`,
then the mission's default, then English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

LANGUAGES: tuple[str, ...] = ("en", "ru", "lv", "ky")
"""Interface languages, in the order the switcher lists them."""
FALLBACK = "en"

# Each language's name in itself, for the switcher (a reader who cannot read the
# current page must still find their own language).
ENDONYMS = {"en": "English", "ru": "Русский", "lv": "Latviešu", "ky": "Кыргызча"}

_TAG = re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*")
MAX_ACCEPT_LANGUAGE = 64  # entries read from one header; the rest is ignored


class Source(StrEnum):
    QUERY = "query"
    COOKIE = "cookie"
    ACCEPT_LANGUAGE = "accept-language"
    DEFAULT = "default"  # the mission's default, or English where there is no mission


@dataclass(frozen=True, slots=True)
class Choice:
    language: str
    source: Source


def supported(tag: str | None) -> str | None:
    """The interface language for a BCP 47 tag ("ru-RU" -> "ru"), or None."""
    if not tag or not _TAG.fullmatch(tag.strip()):
        return None
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else None


def accepted(header: str | None) -> list[str]:
    """The interface languages an Accept-Language header asks for, best first.

    RFC 9110 section 12.5.4: entries weighted by `q` (default 1; `q=0` means "not this"),
    ties kept in the order written. `*` matches nothing in particular, so it adds nothing.
    """
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    refused: set[str] = set()
    for position, entry in enumerate(header.split(",")[:MAX_ACCEPT_LANGUAGE]):
        tag, *params = (part.strip() for part in entry.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        language = supported(tag)
        if language is None:
            continue
        if weight <= 0:
            refused.add(language)
        else:
            weighted.append((-min(weight, 1.0), position, language))
    best: list[str] = []
    for _, _, language in sorted(weighted):
        if language not in best and language not in refused:
            best.append(language)
    return best


def negotiate(
    *,
    query: str | None = None,
    cookie: str | None = None,
    accept_language: str | None = None,
    default: str | None = None,
) -> Choice:
    """The reader's language: the first of these that names an interface language."""
    if (language := supported(query)) is not None:
        return Choice(language, Source.QUERY)
    if (language := supported(cookie)) is not None:
        return Choice(language, Source.COOKIE)
    if wanted := accepted(accept_language):
        return Choice(wanted[0], Source.ACCEPT_LANGUAGE)
    return Choice(supported(default) or FALLBACK, Source.DEFAULT)
