"""Interface texts and formats in the reader's language: gettext catalogs and CLDR.

Texts are marked in Python with `_()` / `ngettext()` / `pgettext()` (or `N_()` where a
text is only named at import time and translated later) and in templates with Jinja's
i18n extension; `make messages` extracts them into `locale/messages.pot` and updates the
`.po` catalogs, which are compiled to `.mo` at install time (see `eventhub.i18n.build`).

Two ways in:

- `translator(lang)` for code that knows whom it writes to (mail, feeds): a `Translator`
  with `gettext`, `ngettext`, `pgettext` and the CLDR formats of that language.
- The module-level `_()` etc. for code that runs inside a page request: they use the
  language negotiated for the request (`use(...)` sets it; `eventhub.web.language`
  does so for every page).

Placeholders are `%(name)s`, filled from keyword arguments, as in the templates.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.numbers import format_decimal
from babel.support import Translations

from eventhub.domain.languages import FALLBACK, LANGUAGES, supported

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# CLDR locale behind each interface language's formats. English pages are written in
# British English (day before month, 24-hour clock), so they take en_GB's formats.
FORMAT_LOCALES = {"en": "en_GB", "ru": "ru", "lv": "lv", "ky": "ky"}

logger = logging.getLogger("eventhub")


class Translator:
    """One language's texts and formats."""

    def __init__(self, language: str, catalog: NullTranslations) -> None:
        self.language = language
        self.locale = Locale.parse(FORMAT_LOCALES.get(language, language))
        self._catalog = catalog

    # --- texts ---------------------------------------------------------------------------------

    def gettext(self, message: str, **values: Any) -> str:
        text = self._catalog.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, num: int, **values: Any) -> str:
        """`%(num)s` is the number as the language writes it ("1 200" in Russian)."""
        text = self._catalog.ngettext(singular, plural, num)
        return text % {"num": self.number(num), **values}

    def plural_text(self, singular: str, plural: str, num: int) -> str:
        """The translated plural form for `num`, placeholders unfilled (for Jinja's ngettext)."""
        return self._catalog.ngettext(singular, plural, num)

    def plural_index(self, num: int) -> int:
        """Which of the catalog's plural forms `num` takes (its Plural-Forms rule)."""
        plural = getattr(self._catalog, "plural", None)
        return int(plural(num)) if plural is not None else int(num != 1)

    def pgettext(self, context: str, message: str, **values: Any) -> str:
        text = self._catalog.pgettext(context, message)
        return text % values if values else text

    # --- formats (CLDR, through Babel) --------------------------------------------------------

    def date(self, day: date | datetime, form: str = "long") -> str:
        """'7 December 2026', '7 декабря 2026 г.', '2026. gada 7. decembris'."""
        return format_date(day, form, locale=self.locale)

    def weekday_date(self, day: date | datetime) -> str:
        """The day with its weekday: 'Monday, 7 December 2026', 'понедельник, 7 декабря 2026 г.'."""
        return format_date(day, "full", locale=self.locale)

    def short_date(self, day: date | datetime) -> str:
        """Weekday, day and abbreviated month: 'Mon 7 Dec', 'пн, 7 дек.', 'pirmd., 7. dec.'."""
        return format_skeleton("MMMEd", day, locale=self.locale)

    def day_month(self, day: date | datetime) -> str:
        """'7 December', '7 декабря', '7. decembris'."""
        return format_skeleton("MMMMd", day, locale=self.locale)

    def date_range(self, start: date, end: date) -> str:
        """Two days as CLDR writes an interval: '7 – 11 Dec 2026', '7—11 дек. 2026 г.'."""
        if start == end:
            return self.date(start)
        return format_interval(start, end, "yMMMd", locale=self.locale)

    @staticmethod
    def clock(moment: datetime | time) -> str:
        """24-hour time in every language (CLDR's en has a 12-hour clock; the pages never do)."""
        return f"{moment:%H:%M}"

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.locale)

    def language_name(self, tag: str) -> str:
        """A content language ('lv', 'de-AT') named in this language; unknown tags as written."""
        primary = tag.replace("_", "-").split("-", 1)[0].lower()
        return self.locale.languages.get(primary, tag)


@lru_cache(maxsize=None)
def translator(language: str | None) -> Translator:
    """The Translator of an interface language (English for anything else)."""
    language = supported(language) or FALLBACK
    catalog: NullTranslations = NullTranslations()
    if language != FALLBACK:
        loaded = Translations.load(LOCALE_DIR, [language], DOMAIN)
        if isinstance(loaded, Translations):
            catalog = loaded
        else:
            logger.error(
                "no compiled catalog for %r in %s: run `make messages-compile` (or reinstall the package)",
                language,
                LOCALE_DIR,
            )
    return Translator(language, catalog)


# --- the request's language ------------------------------------------------------------------

_current: contextvars.ContextVar[Translator | None] = contextvars.ContextVar("eventhub_language", default=None)


def current() -> Translator:
    return _current.get() or translator(FALLBACK)


@contextmanager
def use(language: str | None) -> Iterator[Translator]:
    """Run the block in `language` (the negotiated one, for a page request)."""
    token = _current.set(translator(language))
    try:
        yield _current.get() or translator(FALLBACK)
    finally:
        _current.reset(token)


def switch(language: str | None) -> Translator:
    """Change the language of the running request (once its mission's default is known)."""
    chosen = translator(language)
    _current.set(chosen)
    return chosen


def gettext(message: str, **values: Any) -> str:
    return current().gettext(message, **values)


_ = gettext


def ngettext(singular: str, plural: str, num: int, **values: Any) -> str:
    return current().ngettext(singular, plural, num, **values)


def pgettext(context: str, message: str, **values: Any) -> str:
    return current().pgettext(context, message, **values)


def N_(message: str) -> str:
    """Marks a text for extraction where it is defined; translate it with `_()` where it is shown."""
    return message


__all__ = [
    "LANGUAGES",
    "N_",
    "Translator",
    "_",
    "current",
    "gettext",
    "ngettext",
    "pgettext",
    "switch",
    "translator",
    "use",
]
