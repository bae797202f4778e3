"""The warm mission feed is served from memory (a route middleware, no query) with exactly
what the handler would send, and a change made in this process shows at once."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from eventhub.db.services import feeds
from tests.api.conftest import Api

SLUG = "riga-2026"


@pytest.fixture
def api(client: AsyncTestClient, auth: dict[str, str]) -> Api:
    return Api(client, auth)


async def programme(api: Api) -> list[int]:
    await api.mission(SLUG)
    venue = await api.venue(SLUG, "Hall A", address="Brivibas 1", latitude=56.95, longitude=24.1)
    return [
        (await api.session(SLUG, title=f"Talk {n}", starts_at=f"2026-05-0{n}T10:00", ends_at=f"2026-05-0{n}T11:00",
                           venue_id=venue["id"]))["id"]
        for n in range(1, 4)
    ]


def answer(response: Any) -> tuple[int, dict[str, str], bytes]:
    headers = {k: v for k, v in response.headers.items() if k != "date"}
    return response.status_code, headers, response.content


async def test_a_warm_feed_answers_exactly_like_the_handler(
    api: Api, client: AsyncTestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await programme(api)
    path = f"/missions/{SLUG}/calendar.ics"
    first = await client.get(path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    requests: list[tuple[str, dict[str, str]]] = [
        ("GET", {}),
        ("HEAD", {}),
        ("GET", {"If-None-Match": etag}),
        ("GET", {"If-None-Match": f"W/{etag}, \"other\""}),
        ("HEAD", {"If-None-Match": etag}),
        ("GET", {"If-None-Match": '"stale"'}),
        ("GET", {"If-Modified-Since": modified}),
        ("GET", {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}),
        ("GET", {"If-Modified-Since": "not a date"}),
        ("GET", {"If-None-Match": '"stale"', "If-Modified-Since": modified}),
    ]
    for method, headers in requests:
        monkeypatch.setattr(feeds, "VERSION_TRUST_SECONDS", 0)  # the handler answers
        handled = answer(await client.request(method, path, headers=headers))
        monkeypatch.setattr(feeds, "VERSION_TRUST_SECONDS", 3600)  # the middleware answers from memory
        served = answer(await client.request(method, path, headers=headers))
        assert served == handled, (method, headers)
    assert answer(await client.get(path, headers={"If-None-Match": etag}))[0] == 304


async def test_a_change_made_in_this_process_shows_in_the_warm_feed_at_once(
    api: Api, client: AsyncTestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = await programme(api)
    monkeypatch.setattr(feeds, "VERSION_TRUST_SECONDS", 3600)
    path = f"/missions/{SLUG}/calendar.ics"
    before = await client.get(path)
    assert (await client.get(path)).content == before.content  # warm

    changed = await client.patch(f"/api/missions/{SLUG}/sessions/{sessions[1]}", json={"title": "Moved talk"},
                                 headers=auth)
    assert changed.status_code == 200, changed.text
    after = await client.get(path)
    assert b"SUMMARY:Moved talk" in after.content
    assert after.headers["etag"] != before.headers["etag"]
    stale = await client.get(path, headers={"If-None-Match": before.headers["etag"]})
    assert stale.status_code == 200


async def test_query_strings_and_unknown_missions_go_to_the_handler(
    api: Api, client: AsyncTestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await programme(api)
    monkeypatch.setattr(feeds, "VERSION_TRUST_SECONDS", 3600)
    await client.get(f"/missions/{SLUG}/calendar.ics")
    download = await client.get(f"/missions/{SLUG}/calendar.ics?download=1")
    assert download.headers["content-disposition"].startswith("attachment")
    invalid = await client.get(f"/missions/{SLUG}/calendar.ics?kind=nonsense")
    assert invalid.status_code in (400, 422) and invalid.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/missions/no-such-mission/calendar.ics")).status_code == 404


async def test_when_the_trust_runs_out_one_request_reads_the_version_while_the_others_are_served(
    api: Api, client: AsyncTestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await programme(api)
    path = f"/missions/{SLUG}/calendar.ics"
    identity = {"Accept-Encoding": "identity"}  # the ETag as the service knows it, without a coding's suffix
    warm = (await client.get(path, headers=identity)).headers["etag"]
    service = client.app.state.services.feeds
    monkeypatch.setattr(feeds, "VERSION_TRUST_SECONDS", 0)  # every validation has run out
    monkeypatch.setattr(feeds, "REVALIDATION_GRACE_SECONDS", 3600)

    assert service.warm_mission_feed(SLUG) is None  # the first asker validates again...
    others = [service.warm_mission_feed(SLUG) for _ in range(3)]
    assert [o.etag if o else None for o in others] == [warm] * 3  # ...the others are served meanwhile
    assert (await client.get(path, headers=identity)).headers["etag"] == warm  # a request served while it runs

    await client.get(f"{path}?download=1")  # the handler validates (it answers every query string)
    assert service.warm_mission_feed(SLUG) is None  # and the next one that runs out validates again

    monkeypatch.setattr(feeds, "REVALIDATION_GRACE_SECONDS", 0)  # a validation that takes too long
    assert service.warm_mission_feed(SLUG) is None  # is not waited for: the next asker validates too
