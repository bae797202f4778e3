"""Plural forms by CLDR in every language: the cases that catch a wrong rule (1, 2, 5, 11,
21 and Latvian's zero form for 0, 10-20, 30...)."""

from __future__ import annotations

import pytest

from eventhub import i18n
from eventhub.web.views import seats_left_text

CASES = {
    "en": {1: "1 of 40 seats left", 2: "2 of 40 seats left", 5: "5 of 40 seats left", 11: "11 of 40 seats left",
           21: "21 of 40 seats left"},
    "ru": {1: "Свободно 1 место из 40", 2: "Свободно 2 места из 40", 5: "Свободно 5 мест из 40",
           11: "Свободно 11 мест из 40", 21: "Свободно 21 место из 40", 22: "Свободно 22 места из 40",
           12: "Свободно 12 мест из 40"},
    "lv": {0: "0 brīvu vietu no 40", 1: "1 brīva vieta no 40", 2: "2 brīvas vietas no 40",
           5: "5 brīvas vietas no 40", 10: "10 brīvu vietu no 40", 11: "11 brīvu vietu no 40",
           21: "21 brīva vieta no 40", 30: "30 brīvu vietu no 40"},
    "ky": {1: "40 орундан 1 бош", 2: "40 орундан 2 бош", 5: "40 орундан 5 бош", 11: "40 орундан 11 бош",
           21: "40 орундан 21 бош"},
}


@pytest.mark.parametrize(("language", "seats", "text"), [(l, n, t) for l, c in CASES.items() for n, t in c.items()])
def test_seats_left_take_the_plural_form_cldr_gives(language: str, seats: int, text: str) -> None:
    with i18n.use(language):
        assert seats_left_text(seats, 40) == text


def test_numbers_in_plural_texts_are_written_the_languages_way() -> None:
    with i18n.use("ru"):
        assert seats_left_text(1001, 2000) == "Свободно 1\xa0001 место из 2\xa0000"
    with i18n.use("en"):
        assert seats_left_text(1001, 2000) == "1,001 of 2,000 seats left"


def test_the_request_language_is_restored_after_a_block() -> None:
    with i18n.use("lv"):
        with i18n.use("ru"):
            assert i18n.current().language == "ru"
        assert i18n.current().language == "lv"
    assert i18n.current().language == "en"
