"""Content in several languages through the API and the feeds: `translations` per record,
reads with `?lang=`, each field whole in one language, the same UIDs in every feed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import icalendar
import pytest
from litestar.testing import AsyncTestClient

from tests.conftest import FrozenClock

SLUG = "bishkek-days"
RU_TITLE = "Тестовые лаборатории: опыт Латвии"


@pytest.fixture
async def programme(client: AsyncTestClient, auth: dict[str, str], clock: FrozenClock) -> dict[str, Any]:
    clock.now = datetime(2026, 11, 1, 9, tzinfo=UTC)
    mission = await client.post("/api/missions", headers=auth, json={
        "slug": SLUG, "title": "Bishkek Days", "summary": "A week of visits.", "host_country": "KG",
        "timezone": "Asia/Bishkek", "starts_on": "2026-12-07", "ends_on": "2026-12-11", "status": "published",
        "content_languages": ["ru", "ky"],
        "translations": {"ru": {"title": "Дни Бишкека"}},
    })
    assert mission.status_code == 201, mission.text
    venue = await client.post(f"/api/missions/{SLUG}/venues", headers=auth, json={
        "name": "Technopark", "address": "Ibraimov Street 103",
        "translations": {"ru": {"name": "Технопарк", "address": "ул. Ибраимова, 103"}},
    })
    assert venue.status_code == 201, venue.text
    translated = await client.post(f"/api/missions/{SLUG}/sessions", headers=auth, json={
        "title": "Test labs: lessons from Latvia", "kind": "workshop", "description": "How to set one up.",
        "starts_at": "2026-12-07T14:30", "ends_at": "2026-12-07T16:30", "venue_id": venue.json()["id"],
        "translations": {"ru": {"title": f"  {RU_TITLE}  "}},
    })
    plain = await client.post(f"/api/missions/{SLUG}/sessions", headers=auth, json={
        "title": "Networking evening", "kind": "networking",
        "starts_at": "2026-12-08T18:00", "ends_at": "2026-12-08T20:00",
    })
    assert translated.status_code == 201 and plain.status_code == 201, (translated.text, plain.text)
    return {"translated": translated.json(), "plain": plain.json(), "venue": venue.json()}


async def test_reads_take_lang_and_show_each_field_whole_in_one_language(
    client: AsyncTestClient, programme: dict[str, Any]
) -> None:
    sid = programme["translated"]["id"]
    original = (await client.get(f"/api/missions/{SLUG}/sessions/{sid}")).json()
    assert original["title"] == "Test labs: lessons from Latvia" and original["lang"] is None
    assert original["translations"] == {"ru": {"title": RU_TITLE}}  # stored trimmed
    russian = (await client.get(f"/api/missions/{SLUG}/sessions/{sid}?lang=ru")).json()
    assert russian["title"] == RU_TITLE and russian["lang"] == "ru"
    assert russian["description"] == "How to set one up."  # not translated: the original, whole
    assert russian["venue"] == {"id": programme["venue"]["id"], "name": "Технопарк", "address": "ул. Ибраимова, 103"}
    assert russian["ics_url"].endswith(f"/sessions/{sid}/calendar.ics?lang=ru")
    kyrgyz = (await client.get(f"/api/missions/{SLUG}/sessions/{sid}?lang=ky")).json()
    assert kyrgyz["title"] == "Test labs: lessons from Latvia"  # no Kyrgyz yet: the original
    mission = (await client.get(f"/api/missions/{SLUG}?lang=ru")).json()
    assert mission["title"] == "Дни Бишкека" and mission["summary"] == "A week of visits."
    assert mission["content_languages"] == ["ru", "ky"] and mission["default_language"] == "en"
    assert mission["feed_url"].endswith("/calendar.ics?lang=ru")
    assert (await client.get(f"/api/missions/{SLUG}/sessions?lang=xx")).status_code == 422


async def test_translations_are_refused_outside_the_missions_content_languages(
    client: AsyncTestClient, auth: dict[str, str], programme: dict[str, Any]
) -> None:
    sid = programme["translated"]["id"]
    path = f"/api/missions/{SLUG}/sessions/{sid}"
    latvian = await client.patch(path, headers=auth, json={"translations": {"lv": {"title": "Testa laboratorijas"}}})
    assert latvian.status_code == 422 and latvian.json()["code"] == "translation_language_not_offered"
    unknown_field = await client.patch(path, headers=auth, json={"translations": {"ru": {"speakers": "x"}}})
    assert unknown_field.status_code == 422
    broken = await client.patch(path, headers=auth, json={"translations": {"ru": {"title": "Две\nстроки"}}})
    assert broken.status_code == 422 and broken.json()["code"] == "invalid_characters"
    default = await client.patch(f"/api/missions/{SLUG}", headers=auth, json={"default_language": "de"})
    assert default.status_code == 422
    after = (await client.get(f"{path}?lang=ru")).json()
    assert after["title"] == RU_TITLE  # nothing half-written


async def test_feeds_in_another_language_keep_uids_and_fall_back_to_the_original(
    client: AsyncTestClient, programme: dict[str, Any]
) -> None:
    english = icalendar.Calendar.from_ical((await client.get(f"/missions/{SLUG}/calendar.ics")).content)
    russian_response = await client.get(f"/missions/{SLUG}/calendar.ics?lang=ru")
    russian = icalendar.Calendar.from_ical(russian_response.content)
    assert russian_response.headers["etag"] != (await client.get(f"/missions/{SLUG}/calendar.ics")).headers["etag"]
    by_uid = {str(e["UID"]): e for e in english.walk("VEVENT")}
    ru_by_uid = {str(e["UID"]): e for e in russian.walk("VEVENT")}
    assert by_uid.keys() == ru_by_uid.keys() and len(by_uid) == 2
    assert str(russian["X-WR-CALNAME"]) == "Дни Бишкека"
    summaries = {str(e["SUMMARY"]) for e in russian.walk("VEVENT")}
    assert summaries == {RU_TITLE, "Networking evening"}  # the untranslated session: its original
    for uid, event in ru_by_uid.items():
        assert event["SEQUENCE"] == by_uid[uid]["SEQUENCE"]
    workshop = next(e for e in russian.walk("VEVENT") if str(e["SUMMARY"]) == RU_TITLE)
    assert "Подробности и регистрация:" in str(workshop["DESCRIPTION"])
    assert str(workshop["LOCATION"]) == "Технопарк, ул. Ибраимова, 103"
    assert workshop["CATEGORIES"].cats == ["Воркшоп"]
    sid = programme["translated"]["id"]
    one = icalendar.Calendar.from_ical((await client.get(f"/missions/{SLUG}/sessions/{sid}/calendar.ics?lang=ru")).content)
    [event] = one.walk("VEVENT")
    assert str(event["SUMMARY"]) == RU_TITLE and str(event["UID"]) in by_uid


async def test_a_translated_title_change_raises_the_sequence_in_every_language(
    client: AsyncTestClient, auth: dict[str, str], programme: dict[str, Any]
) -> None:
    sid = programme["translated"]["id"]
    before = (await client.get(f"/api/missions/{SLUG}/sessions/{sid}")).json()["sequence"]
    changed = await client.patch(
        f"/api/missions/{SLUG}/sessions/{sid}", headers=auth, json={"translations": {"ru": {"title": "Новое название"}}}
    )
    assert changed.status_code == 200 and changed.json()["sequence"] == before + 1
