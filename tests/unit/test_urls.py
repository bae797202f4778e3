"""Subscribe links: each one must open the feed in the client it is meant for."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from eventhub.urls import PATHS, Urls, subscribe_links, webcal_url

FEED = "https://events.example.org/missions/bishkek-2026/calendar.ics?kind=workshop&venue_id=3"
NAME = "Latvian IT Cluster in Bishkek & partners"


def test_webcal_link_swaps_only_the_scheme():
    assert webcal_url(FEED) == "webcal://events.example.org/missions/bishkek-2026/calendar.ics?kind=workshop&venue_id=3"
    assert (
        webcal_url("http://127.0.0.1:8000/feeds/t0k/calendar.ics") == "webcal://127.0.0.1:8000/feeds/t0k/calendar.ics"
    )


def test_google_link_carries_the_whole_webcal_url_as_cid():
    link = subscribe_links(FEED, NAME).google
    assert link.startswith("https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2F")
    # the feed's own query (&venue_id=3) must not leak into Google's query
    assert parse_qs(urlsplit(link).query) == {"cid": [webcal_url(FEED)]}


@pytest.mark.parametrize(("form", "host"), [("outlook", "outlook.live.com"), ("outlook_office", "outlook.office.com")])
def test_outlook_links_carry_the_https_feed_and_its_name(form, host):
    link = getattr(subscribe_links(FEED, NAME), form)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", host, "/calendar/0/addfromweb")
    assert parse_qs(parts.query) == {"url": [FEED], "name": [NAME]}


def test_subscribe_links_bundle_all_forms_and_stay_ascii():
    links = subscribe_links(FEED, "Рига · Raciņa")
    assert (links.https, links.webcal) == (FEED, webcal_url(FEED))
    assert parse_qs(urlsplit(links.outlook).query)["name"] == ["Рига · Raciņa"]
    assert links.outlook.isascii() and links.outlook_office.isascii()
    assert links.google.isascii()


@pytest.mark.parametrize(
    "bad", ["ftp://example.org/x.ics", "/missions/x/calendar.ics", "webcal://example.org/x.ics", ""]
)
def test_links_need_an_absolute_http_feed_url(bad):
    with pytest.raises(ValueError, match="absolute http"):
        subscribe_links(bad, NAME)


def test_every_printed_address_is_the_site_path_under_the_public_base():
    absolute, paths = Urls("https://events.example.org"), PATHS
    pairs = {
        "mission": ("/missions/bishkek-2026", absolute.mission("bishkek-2026"), paths.mission("bishkek-2026")),
        "mission feed": ("/missions/bishkek-2026/calendar.ics", absolute.mission_feed("bishkek-2026"),
                         paths.mission_feed("bishkek-2026")),
        "sessions API": ("/api/missions/bishkek-2026/sessions", absolute.mission_sessions_api("bishkek-2026"),
                         paths.mission_sessions_api("bishkek-2026")),
        "session": ("/missions/bishkek-2026/sessions/7", absolute.session("bishkek-2026", 7),
                    paths.session("bishkek-2026", 7)),
        "session feed": ("/missions/bishkek-2026/sessions/7/calendar.ics", absolute.session_feed("bishkek-2026", 7),
                         paths.session_feed("bishkek-2026", 7)),
        "manage": ("/manage/ehm_t0k", absolute.manage("ehm_t0k"), paths.manage("ehm_t0k")),
        "personal feed": ("/feeds/ehf_t0k/calendar.ics", absolute.personal_feed("ehf_t0k"),
                          paths.personal_feed("ehf_t0k")),
    }
    for name, (path, url, relative) in pairs.items():
        assert (url, relative) == ("https://events.example.org" + path, path), name
