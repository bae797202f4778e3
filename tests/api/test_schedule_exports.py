"""schedule.xml and schedule.json of the Bishkek fixture, validated against the c3voc
schemas in ../shared/schedule-formats, and what conference apps read from them."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
import xmlschema
from litestar.testing import AsyncTestClient

from eventhub.domain.programme import SessionStatus
from eventhub.loader import LOADER, load_mission, read_mission_file
from eventhub.services import Services
from tests.api.conftest import Api
from tests.conftest import FIXTURES

BISHKEK = "lv-it-cluster-bishkek-2026"


def schedule_formats() -> Path:
    """../shared/schedule-formats, next to this repository (or a parent of it)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "schedule-formats"
        if candidate.is_dir():
            return candidate
    pytest.fail("shared/schedule-formats is not next to the repository: the schemas to validate against are missing")


@pytest.fixture
async def bishkek(services: Services) -> str:
    await load_mission(services, read_mission_file(FIXTURES / "bishkek-2026.json"))
    return BISHKEK


async def test_bishkek_schedule_xml_is_valid_frab(client: AsyncTestClient, bishkek: str, services: Services) -> None:
    response = await client.get(f"/missions/{bishkek}/schedule.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    xmlschema.XMLSchema(schedule_formats() / "schedule.xml.xsd").validate(response.content)

    root = ElementTree.fromstring(response.content)
    assert root.findtext("conference/acronym") == "lv_it_cluster_bishkek_2026"
    assert root.findtext("conference/time_zone_name") == "Asia/Bishkek"
    days = root.findall("day")
    assert [d.get("date") for d in days] == ["2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11"]
    assert days[0].get("start") == "2026-12-07T00:00:00+06:00"
    _, views = await services.sessions.list(bishkek, LOADER)
    views = [v for v in views if v.session.status == SessionStatus.PUBLISHED]  # not the drafts
    events = root.findall("day/room/event")
    assert len(events) == len(views)
    first = views[0].session
    event = next(e for e in events if e.get("id") == str(first.id))
    assert event.get("guid") == first.uid
    assert event.findtext("start") == f"{first.starts_local:%H:%M}"
    assert event.findtext("date") == first.starts_local.isoformat() + "+06:00"
    assert event.findtext("room") == first.venue.name  # type: ignore[union-attr]
    names = [p.text for p in event.findall("persons/person")]
    assert names == [s.person.name for s in first.speakers]
    assert "@" not in response.text  # no e-mail address of anyone


async def test_bishkek_schedule_json_is_valid_c3voc(client: AsyncTestClient, bishkek: str, api: Api) -> None:
    sessions = (await client.get(f"/api/missions/{bishkek}/sessions")).json()
    await client.post(f"/api/missions/{bishkek}/sessions/{sessions[-1]['id']}/cancel", json={"reason": "Snow"}, headers=api.auth)
    response = await client.get(f"/missions/{bishkek}/schedule.json")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    document = response.json()
    schema = json.loads((schedule_formats() / "schedule.json.schema.json").read_text())
    jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER).validate(document)

    events = {e["guid"]: e for e in document["schedule"]["events"]}
    assert len(events) == len(sessions)
    cancelled = [e for e in events.values() if e["state"] == "CANCELED"]
    assert [e["title"] for e in cancelled] == [sessions[-1]["title"]]
    assert document["schedule"]["conference"]["time_zone_name"] == "Asia/Bishkek"
    first = sessions[0]
    [event] = [e for e in events.values() if e["url"].endswith(f"/sessions/{first['id']}")]
    assert (event["start"], event["end"]) == (first["starts_at"].replace("Z", "+00:00"), first["ends_at"])
    assert [p["name"] for p in event["participants"]] == [s["name"] for s in first["speakers"]]

    # The cancelled session has left schedule.xml (frab has no such state), and the XML still validates.
    xml = (await client.get(f"/missions/{bishkek}/schedule.xml")).content
    xmlschema.XMLSchema(schedule_formats() / "schedule.xml.xsd").validate(xml)
    assert len(ElementTree.fromstring(xml).findall("day/room/event")) == len(sessions) - 1


async def test_exports_are_public_only_for_published_missions_and_answer_304(client: AsyncTestClient, api: Api) -> None:
    await api.mission("draft-2026", status="draft")
    assert (await client.get("/missions/draft-2026/schedule.xml")).status_code == 404
    assert (await client.get("/missions/draft-2026/schedule.json", headers=api.auth)).status_code == 404
    await api.mission("open-2026")
    first = await client.get("/missions/open-2026/schedule.json")
    again = await client.get("/missions/open-2026/schedule.json", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
