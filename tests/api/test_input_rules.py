"""SPEC "Input rules" at write time, the same answer on SQLite and PostgreSQL: text that mail
and calendars cannot carry is a 422 when it is sent, never a 201 that breaks a mail or a feed
later; strings are stored trimmed; JSON types are strict; JSON bodies must say they are JSON."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.api.conftest import Api

SLUG = "riga-2026"
SESSION = {"title": "Open data", "kind": "workshop", "starts_at": "2026-12-01T10:00", "ends_at": "2026-12-01T11:00"}


async def _refused(client: AsyncTestClient, method: str, path: str, body: Any, auth: dict[str, str]) -> dict[str, Any]:
    response = await client.request(method, path, json=body, headers=auth)
    assert response.status_code == 422, (body, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


@pytest.mark.parametrize(
    "name", ["Ira\r\nBcc: victim@example.org", "Ira\nRaciņa", "Ira\x00", "Ira\x07", "Ira\u2028Raciņa", "   ", "\t"]
)
async def test_single_line_fields_refuse_breaks_control_characters_and_blanks(api: Api, client: AsyncTestClient, name: str) -> None:
    await api.mission(ends_on="2026-12-30")
    await _refused(client, "POST", f"/api/missions/{SLUG}/people", {"name": name}, api.auth)
    await _refused(client, "POST", f"/api/missions/{SLUG}/sessions", {**SESSION, "title": name}, api.auth)
    await _refused(client, "PATCH", f"/api/missions/{SLUG}", {"organiser_name": name.strip() + "\r\nX"}, api.auth)
    session = await api.session(SLUG, **{k: v for k, v in SESSION.items() if k != "title"})
    body = {"name": name, "email": "ira@example.lv", "session_ids": [session["id"]]}
    await _refused(client, "POST", f"/api/missions/{SLUG}/registrations", body, {})


@pytest.mark.parametrize(
    "email",
    [
        "eve;victim@example.org",
        "victim>,<eve@example.org",
        "eve@example.org, victim@example.org",
        "Eve <eve@example.org>",
        '"eve"@example.org',
        "evé@exämple.org",
        "eve@exämple.org",  # internationalised domains are written in their xn-- form
        "eve@example.org\n",
        "eve@localhost",
        "eve@example..org",
    ],
)
async def test_an_email_address_is_one_plain_mailbox(api: Api, client: AsyncTestClient, email: str) -> None:
    await api.mission(ends_on="2026-12-30")
    session = await api.session(SLUG, **{k: v for k, v in SESSION.items() if k != "title"})
    body = {"name": "Eve", "email": email, "session_ids": [session["id"]]}
    await _refused(client, "POST", f"/api/missions/{SLUG}/registrations", body, {})
    await _refused(client, "POST", f"/api/missions/{SLUG}/people", {"name": "Eve", "email": email}, api.auth)


async def test_plain_addresses_and_punycode_domains_are_taken(api: Api, client: AsyncTestClient) -> None:
    await api.mission(ends_on="2026-12-30")
    for email in ["o'brien+events@example.org", "ira.racina@xn--exmple-cua.lv"]:
        person = await api.person(SLUG, "Ira", email=email)
        assert person["email"] == email


async def test_multi_line_text_keeps_breaks_and_refuses_nul_and_control_characters(api: Api, client: AsyncTestClient) -> None:
    await api.mission(ends_on="2026-12-30")
    created = await api.session(SLUG, **SESSION, description="First line\r\n\tSecond line\n")
    assert created["description"] == "First line\n\tSecond line"
    for description in ["A\x00B", "bell\x07", "escape\x1b[31m"]:
        await _refused(client, "POST", f"/api/missions/{SLUG}/sessions", {**SESSION, "description": description}, api.auth)


async def test_strings_are_stored_trimmed(api: Api, client: AsyncTestClient) -> None:
    await api.mission(ends_on="2026-12-30")
    person = await api.person(SLUG, "  Ira Raciņa\u00a0", affiliation=" Latvian IT Cluster ")
    assert (person["name"], person["affiliation"]) == ("Ira Raciņa", "Latvian IT Cluster")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/missions", {"slug": "far-2026", "title": "Far", "host_country": "LV", "timezone": "Europe/Riga",
                           "starts_on": "9999-01-01", "ends_on": "9999-01-02"}),
        ("/api/missions", {"slug": "old-2026", "title": "Old", "host_country": "LV", "timezone": "Europe/Riga",
                           "starts_on": "1999-12-31", "ends_on": "2026-01-02"}),
        (f"/api/missions/{SLUG}/sessions", {**SESSION, "registration_opens_at": "9999-01-01T10:00"}),
        (f"/api/missions/{SLUG}/sessions", {**SESSION, "starts_at": "0001-12-01T10:00"}),
    ],
)
async def test_dates_outside_the_years_2000_to_2100_are_refused(api: Api, client: AsyncTestClient, path: str, body: Any) -> None:
    await api.mission(ends_on="2026-12-30")
    await _refused(client, "POST", path, body, api.auth)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (f"/api/missions/{SLUG}/venues", {"name": "Hall", "capacity": "5"}),
        (f"/api/missions/{SLUG}/venues", {"name": "Hall", "latitude": "56.9"}),
        (f"/api/missions/{SLUG}/sessions", {**SESSION, "venue_id": "8"}),
        (f"/api/missions/{SLUG}/sessions", {**SESSION, "capacity": 5.5}),
        (f"/api/missions/{SLUG}/sessions", {**SESSION, "registration": 1}),
    ],
)
async def test_json_types_are_strict(api: Api, client: AsyncTestClient, path: str, body: Any) -> None:
    await api.mission(ends_on="2026-12-30")
    problem = await _refused(client, "POST", path, body, api.auth)
    assert problem["code"] == "validation_error"


async def test_a_json_body_sent_as_another_media_type_is_415(api: Api, client: AsyncTestClient) -> None:
    await api.mission(ends_on="2026-12-30")
    session = await api.session(SLUG, **SESSION)
    body = b'{"name": "Eve", "email": "eve@example.org", "session_ids": [%d]}' % session["id"]
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None]:
        headers = {"content-type": content_type} if content_type else {}
        response = await client.post(f"/api/missions/{SLUG}/registrations", content=body, headers=headers)
        assert response.status_code == 415, (content_type, response.text)
        assert response.json()["code"] == "unsupported_media_type"
    registrations = await client.get(f"/api/missions/{SLUG}/registrations", headers=api.auth)
    assert registrations.json() == []
    json_charset = await client.post(
        f"/api/missions/{SLUG}/registrations", content=body, headers={"content-type": "application/json; charset=utf-8"}
    )
    assert json_charset.status_code == 201, json_charset.text
