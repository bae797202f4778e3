"""Dates, times, numbers and plural rules by CLDR (through Babel) in all four languages."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from eventhub.domain.languages import LANGUAGES
from eventhub.i18n import LOCALE_DIR, translator

MONDAY = date(2026, 12, 7)
NNBSP = "\u202f"  # CLDR keeps "г." with its year by a narrow no-break space


def test_long_dates_use_the_genitive_month_where_the_language_needs_it() -> None:
    assert translator("en").date(MONDAY) == "7 December 2026"
    assert translator("ru").date(MONDAY) == f"7 декабря 2026{NNBSP}г."
    assert translator("lv").date(MONDAY) == "2026. gada 7. decembris"
    assert translator("ky").date(MONDAY) == "2026-ж., 7-декабрь"


def test_day_headings_carry_the_weekday_in_the_readers_language() -> None:
    assert translator("en").weekday_date(MONDAY) == "Monday, 7 December 2026"
    assert translator("ru").weekday_date(MONDAY) == f"понедельник, 7 декабря 2026{NNBSP}г."
    assert translator("lv").weekday_date(MONDAY) == "pirmdiena, 2026. gada 7. decembris"
    assert translator("ky").weekday_date(MONDAY).endswith("дүйшөмбү")
    assert translator("ru").day_month(MONDAY) == "7 декабря"
    assert translator("lv").short_date(MONDAY) == "pirmd., 7. dec."


def test_times_are_24_hour_in_every_language() -> None:
    afternoon = datetime(2026, 12, 7, 14, 5)
    assert {translator(language).clock(afternoon) for language in LANGUAGES} == {"14:05"}


def test_numbers_and_date_ranges_follow_cldr() -> None:
    assert translator("ru").number(1200) == "1\xa0200"
    assert translator("en").number(1200) == "1,200"
    assert translator("ru").date_range(MONDAY, date(2026, 12, 11)) == f"7—11 дек. 2026{NNBSP}г."
    assert translator("lv").date_range(MONDAY, MONDAY) == "2026. gada 7. decembris"


def test_content_languages_are_named_in_the_readers_language() -> None:
    assert translator("ru").language_name("lv") == "латышский"
    assert translator("lv").language_name("ru-RU") == "krievu"
    assert translator("en").language_name("ky") == "Kyrgyz"
    assert translator("en").language_name("x-klingon") == "x-klingon"


def test_unknown_languages_get_english() -> None:
    assert translator("de").language == "en"
    assert translator(None).gettext("Skip to content") == "Skip to content"


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_each_catalogs_plural_rule_is_cldrs(language: str) -> None:
    """gettext picks a form by the catalog's Plural-Forms expression; it must agree with
    CLDR's categories (Latvian's zero form for 0, 10-20, 30...; Russian's few/many)."""
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale=language)
    categories = Locale.parse(language).plural_form
    order = {"ru": ["one", "few", "many"], "lv": ["zero", "one", "other"], "ky": ["one", "other"]}[language]
    pick = translator(language).plural_index
    assert catalog.num_plurals == len(order)
    for n in range(0, 1001):
        assert order[pick(n)] == categories(n), (language, n)
