"""Subscribe links: each one must open the feed in the client it is meant for."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from eventhub.urls import subscribe_links, webcal_url

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
