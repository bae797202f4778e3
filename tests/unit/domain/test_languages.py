"""Choosing the reader's language: ?lang=, then the switcher's cookie, then
Accept-Language, then the mission's default, then English."""

from __future__ import annotations

import pytest

from eventhub.domain.languages import Choice, Source, accepted, negotiate, supported


@pytest.mark.parametrize(
    ("tag", "language"),
    [("ru", "ru"), ("ru-RU", "ru"), ("LV", "lv"), ("lv_LV", "lv"), ("ky-KG", "ky"), ("en-GB", "en"),
     ("de", None), ("", None), (None, None), ("ru;drop table", None), ("r", None), ("kk", None)],
)
def test_supported_maps_a_tag_to_an_interface_language(tag: str | None, language: str | None) -> None:
    assert supported(tag) == language


def test_accept_language_is_read_by_weight_then_by_order() -> None:
    assert accepted("de-DE,de;q=0.9,lv;q=0.8,ru;q=0.7,en;q=0.6") == ["lv", "ru", "en"]
    assert accepted("en;q=0.5, ky") == ["ky", "en"]
    assert accepted("ru-RU, lv") == ["ru", "lv"]  # equal weights keep the order written
    assert accepted("ru-RU,ru;q=0.9") == ["ru"]


def test_accept_language_drops_what_the_reader_refuses_and_what_it_cannot_read() -> None:
    assert accepted("ru;q=0, lv") == ["lv"]
    assert accepted("*, ru;q=0.1") == ["ru"]
    assert accepted("ru;q=abc, lv;q=0.5") == ["lv"]  # a broken weight counts as "not this"
    assert accepted(";;;,,,=") == []
    assert accepted(None) == [] and accepted("") == []
    assert accepted("de, fr, es") == []


def test_the_query_wins_over_everything() -> None:
    assert negotiate(query="lv", cookie="ru", accept_language="ky", default="en") == Choice("lv", Source.QUERY)


def test_the_switchers_cookie_wins_over_the_browser() -> None:
    assert negotiate(cookie="ky", accept_language="ru,en", default="lv") == Choice("ky", Source.COOKIE)


def test_the_browser_wins_over_the_missions_default() -> None:
    assert negotiate(accept_language="ru-RU,ru;q=0.9", default="lv") == Choice("ru", Source.ACCEPT_LANGUAGE)


def test_without_a_wish_the_mission_default_then_english_apply() -> None:
    assert negotiate(accept_language="de-DE", default="lv") == Choice("lv", Source.DEFAULT)
    assert negotiate() == Choice("en", Source.DEFAULT)
    assert negotiate(default="de") == Choice("en", Source.DEFAULT)


def test_an_unknown_query_or_cookie_is_passed_over_not_obeyed() -> None:
    assert negotiate(query="xx", cookie="fr", accept_language="lv") == Choice("lv", Source.ACCEPT_LANGUAGE)
    assert negotiate(query="", cookie="ru") == Choice("ru", Source.COOKIE)
