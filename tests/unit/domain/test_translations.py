"""Content translations: a reader's language where a field has one, else the original."""

from __future__ import annotations

import pytest

from eventhub.domain.errors import InvalidInput
from eventhub.domain.translations import (
    SESSION_FIELDS,
    FrozenTranslations,
    Localized,
    check_content_languages,
    clean_translations,
    localize,
    localized,
)

TRANSLATIONS = {"ru": {"title": "Тестовые лаборатории"}, "lv": {"title": "Testa laboratorijas", "description": "Kā."}}


def test_a_field_is_shown_in_the_readers_language_where_translated() -> None:
    assert localized("Test labs", TRANSLATIONS, "title", "ru") == Localized("Тестовые лаборатории", "ru")


def test_an_untranslated_field_falls_back_to_the_whole_original() -> None:
    assert localized("How to.", TRANSLATIONS, "description", "ru") == Localized("How to.", None)
    assert localized("Test labs", TRANSLATIONS, "title", "ky") == Localized("Test labs", None)
    assert localized("Test labs", None, "title", "ru") == Localized("Test labs", None)
    assert localized("Test labs", TRANSLATIONS, "title", None) == Localized("Test labs", None)


def test_each_field_is_resolved_on_its_own() -> None:
    originals = {"title": "Test labs", "description": "How to."}
    assert localize(originals, TRANSLATIONS, "ru") == {"title": "Тестовые лаборатории", "description": "How to."}
    assert localize(originals, TRANSLATIONS, "lv") == {"title": "Testa laboratorijas", "description": "Kā."}


def test_stored_translations_are_trimmed_and_blank_ones_dropped() -> None:
    cleaned = clean_translations(
        {"ru": {"title": "  Заголовок ", "description": "   "}, "ky": {"title": ""}},
        fields=SESSION_FIELDS, offered=["ru", "ky"],
    )
    assert cleaned == {"ru": {"title": "Заголовок"}}


@pytest.mark.parametrize(
    ("translations", "code"),
    [
        ({"lv": {"title": "x"}}, "translation_language_not_offered"),
        ({"ru": {"venue": "x"}}, "field_not_translatable"),
        ({"ru": {"title": "a\nb"}}, "invalid_characters"),
        ({"ru": {"description": "a\x00b"}}, "invalid_characters"),
        ({"ru": {"title": "x" * 201}}, "translation_too_long"),
    ],
)
def test_translations_breaking_a_rule_are_refused(translations: dict[str, dict[str, str]], code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_translations(translations, fields=SESSION_FIELDS, offered=["ru"])
    assert refused.value.code == code


def test_a_description_keeps_its_paragraphs() -> None:
    cleaned = clean_translations({"ru": {"description": "Один.\n\nДва."}}, fields=SESSION_FIELDS, offered=["ru"])
    assert cleaned["ru"]["description"] == "Один.\n\nДва."


def test_content_languages_exclude_the_default_and_repeats() -> None:
    assert check_content_languages("en", ["ru", "en", "ru", "ky"]) == ["ru", "ky"]
    with pytest.raises(InvalidInput):
        check_content_languages("de", [])
    with pytest.raises(InvalidInput):
        check_content_languages("en", ["fr"])


def test_frozen_translations_hash_and_read_like_the_dict() -> None:
    frozen = FrozenTranslations.of(TRANSLATIONS)
    assert frozen == FrozenTranslations.of(dict(reversed(list(TRANSLATIONS.items()))))
    assert hash(frozen) == hash(FrozenTranslations.of(TRANSLATIONS))
    assert localized("Test labs", frozen, "title", "lv").text == "Testa laboratorijas"
    assert dict(frozen["lv"]) == TRANSLATIONS["lv"] and frozen == TRANSLATIONS
