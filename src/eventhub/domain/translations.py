"""Content in several languages: a mission's, a session's or a venue's own texts.

Organisers write each text once in the mission's default language (the original) and may
add translations for the mission's content languages, stored per record as
`{"ru": {"title": "...", "description": "..."}}`. A reader sees each field in their
language where that field is translated, else the original: a field is shown whole in
one language, never pieced together. Interface texts (buttons, headings) are not here:
they come from the gettext catalogs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from eventhub.domain.errors import InvalidInput
from eventhub.domain.languages import LANGUAGES

Translations = Mapping[str, Mapping[str, str]]
"""language -> field -> text."""


@dataclass(frozen=True, slots=True)
class Field:
    max_length: int
    single_line: bool


_TITLE = Field(200, single_line=True)
_LONG = Field(20_000, single_line=False)
MISSION_FIELDS: Mapping[str, Field] = {
    "title": _TITLE, "summary": _LONG, "host_city": _TITLE, "funding_note": _LONG,
}
SESSION_FIELDS: Mapping[str, Field] = {"title": _TITLE, "description": _LONG}
VENUE_FIELDS: Mapping[str, Field] = {"name": _TITLE, "address": _LONG}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BREAK = re.compile(r"[\r\n\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class Localized:
    text: str
    language: str | None
    """The language `text` is in; None: the original's, whatever the mission wrote it in."""


def localized(original: str, translations: Translations | None, field: str, language: str | None) -> Localized:
    """One field for a reader of `language`: its translation where there is one, else the original."""
    translated = ((translations or {}).get(language or "") or {}).get(field)
    if translated:
        return Localized(translated, language)
    return Localized(original, None)


def localize(
    originals: Mapping[str, str], translations: Translations | None, language: str | None
) -> dict[str, str]:
    """Every field of a record for a reader of `language` (see `localized`)."""
    return {field: localized(text, translations, field, language).text for field, text in originals.items()}


def check_content_languages(default_language: str, content_languages: Sequence[str]) -> list[str]:
    """A mission's translation languages: interface languages other than its default, each once."""
    if default_language not in LANGUAGES:
        raise InvalidInput(
            f"The default language must be one of {', '.join(LANGUAGES)}.",
            code="language_not_supported",
            field="default_language",
        )
    offered: list[str] = []
    for language in content_languages:
        if language not in LANGUAGES:
            raise InvalidInput(
                f"{language!r} is not one of {', '.join(LANGUAGES)}.",
                code="language_not_supported",
                field="content_languages",
            )
        if language != default_language and language not in offered:
            offered.append(language)
    return offered


def clean_translations(
    translations: Translations, *, fields: Mapping[str, Field], offered: Sequence[str], field_name: str = "translations"
) -> dict[str, dict[str, str]]:
    """Translations as stored: trimmed, blank entries dropped, each language one the
    mission offers, each text within its field's rules (as the original's)."""
    cleaned: dict[str, dict[str, str]] = {}
    for language, texts in translations.items():
        if language not in offered:
            raise InvalidInput(
                f"This mission does not offer {language!r} translations; add it to its content_languages first"
                f" (now: {', '.join(offered) or 'none'}).",
                code="translation_language_not_offered",
                field=f"{field_name}.{language}",
            )
        kept: dict[str, str] = {}
        for name, text in texts.items():
            rule = fields.get(name)
            where = f"{field_name}.{language}.{name}"
            if rule is None:
                raise InvalidInput(f"{name!r} cannot be translated.", code="field_not_translatable", field=where)
            text = text.strip()
            if not text:
                continue
            if len(text) > rule.max_length:
                raise InvalidInput(
                    f"At most {rule.max_length} characters.", code="translation_too_long", field=where
                )
            if _CONTROL.search(text) or (rule.single_line and _BREAK.search(text)):
                raise InvalidInput(
                    "Line breaks and control characters cannot be stored in this field.",
                    code="invalid_characters",
                    field=where,
                )
            kept[name] = text
        if kept:
            cleaned[language] = kept
    return cleaned


class FrozenTranslations(Mapping[str, Mapping[str, str]]):
    """Translations that can be hashed: the key of cached calendar events (eventhub.calendar.events)."""

    __slots__ = ("_items", "_hash")

    def __init__(self, items: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()) -> None:
        self._items = items
        self._hash = hash(items)

    @classmethod
    def of(cls, translations: Translations | None) -> FrozenTranslations:
        if isinstance(translations, FrozenTranslations):
            return translations
        return cls(tuple(sorted(
            (language, tuple(sorted(texts.items()))) for language, texts in (translations or {}).items()
        )))

    def __getitem__(self, language: str) -> Mapping[str, str]:
        for key, texts in self._items:
            if key == language:
                return dict(texts)
        raise KeyError(language)

    def __iter__(self) -> Iterator[str]:
        return (language for language, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenTranslations):
            return self._items == other._items
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    def __repr__(self) -> str:
        return f"FrozenTranslations({dict(self.items())!r})"
