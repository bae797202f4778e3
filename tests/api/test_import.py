"""Importing a programme sheet: a bad row refuses the whole file with its row number and
column; the corrected file creates every session, venue and person it names."""

from __future__ import annotations

import io
from datetime import date, time
from typing import Any

from litestar.testing import AsyncTestClient
from openpyxl import Workbook

from tests.api.conftest import Api

SLUG = "bishkek-2026"
HEADER = ["title", "kind", "date", "start", "end", "venue", "speakers", "capacity", "registration", "language", "status", "description"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(rows: list[list[Any]]) -> bytes:
    """A workbook as Excel writes it: dates and times as typed cells."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [
    ["Common issues and collaboration", "workshop", date(2026, 12, 7), time(10, 0), time(12, 0),
     "Technopark Coworking Space", "Aida Ismailova; Ira Raciņa", 40, "open", "en", "published", "First stop."],
    ["Dialogue with the Honorary Consul", "meeting", date(2026, 12, 7), time(14, 0), time(15, 0),
     "Honorary Consulate of Latvia", "Arstanbeks Tazabekovs;Ira Raciņa", None, "none", "ru", "published", ""],
    ["Latvian IT market entry", "presentation", "2026-12-10", "16:00", "17:30",
     "High Technology Park", "Ira Raciņa", "120", "", "", "draft", "Later in the week."],
]


async def _import(client: AsyncTestClient, api: Api, content: bytes, query: str = "", name: str = "programme.xlsx") -> Any:
    return await client.post(
        f"/api/missions/{SLUG}/import{query}", files={"file": (name, content, XLSX)}, headers=api.auth
    )


async def _mission(api: Api, client: AsyncTestClient) -> None:
    await api.mission(SLUG, title="Bishkek", host_country="KG", timezone="Asia/Bishkek",
                      starts_on="2026-12-07", ends_on="2026-12-11")
    await api.venue(SLUG, "technopark coworking space", address="Ibraimov Street 103")  # matched ignoring case
    await api.person(SLUG, "Ira Raciņa")


async def test_a_bad_row_refuses_the_file_and_the_corrected_one_imports_everything(api: Api, client: AsyncTestClient) -> None:
    await _mission(api, client)
    bad = [list(r) for r in GOOD]
    bad[1][4] = time(13, 0)  # ends before it starts
    bad[2][1] = "keynote"  # no such kind
    bad[2][2] = "2026-12-20"  # and after the mission
    refused = await _import(client, api, xlsx(bad))
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["code"] == "import_invalid"
    assert [(r["row"], r["column"], r["code"]) for r in body["rows"]] == [
        (3, "end", "ends_before_start"), (4, "kind", "invalid_kind"),
    ]
    assert (await client.get(f"/api/missions/{SLUG}/sessions", headers=api.auth)).json() == []
    assert [v["name"] for v in (await client.get(f"/api/missions/{SLUG}/venues", headers=api.auth)).json()] == [
        "technopark coworking space"
    ]

    # Fixed but for the date: that error comes from the session rules, still by row and column.
    fixed = [list(r) for r in GOOD]
    fixed[2][2] = "2026-12-20"
    outside = (await _import(client, api, xlsx(fixed))).json()
    assert [(r["row"], r["column"], r["code"]) for r in outside["rows"]] == [(4, "start", "outside_mission_dates")]

    preview = await _import(client, api, xlsx(GOOD), "?dry_run=true")
    assert preview.status_code == 200, preview.text
    assert preview.json()["applied"] is False and preview.json()["sessions_created"] == 3
    assert preview.json()["venues_created"] == ["Honorary Consulate of Latvia", "High Technology Park"]
    assert preview.json()["people_created"] == ["Aida Ismailova", "Arstanbeks Tazabekovs"]
    assert (await client.get(f"/api/missions/{SLUG}/sessions", headers=api.auth)).json() == []

    done = await _import(client, api, xlsx(GOOD))
    assert done.status_code == 200 and done.json()["applied"] is True
    sessions = (await client.get(f"/api/missions/{SLUG}/sessions", headers=api.auth)).json()
    assert [(s["title"], s["starts_at"], s["venue"]["name"], s["status"]) for s in sessions] == [
        ("Common issues and collaboration", "2026-12-07T10:00:00+06:00", "technopark coworking space", "published"),
        ("Dialogue with the Honorary Consul", "2026-12-07T14:00:00+06:00", "Honorary Consulate of Latvia", "published"),
        ("Latvian IT market entry", "2026-12-10T16:00:00+06:00", "High Technology Park", "draft"),
    ]
    assert [s["name"] for s in sessions[0]["speakers"]] == ["Aida Ismailova", "Ira Raciņa"]
    assert sessions[0]["capacity"] == 40 and sessions[1]["registration"] == "none" and sessions[1]["language"] == "ru"
    people = (await client.get(f"/api/missions/{SLUG}/people", headers=api.auth)).json()
    assert sorted(p["name"] for p in people) == ["Aida Ismailova", "Arstanbeks Tazabekovs", "Ira Raciņa"]

    # The same file again changes the sessions it names instead of doubling them.
    again = (await _import(client, api, xlsx(GOOD))).json()
    assert (again["sessions_created"], again["sessions_updated"]) == (0, 3)
    assert len((await client.get(f"/api/missions/{SLUG}/sessions", headers=api.auth)).json()) == 3


async def test_csv_with_semicolons_conflicts_and_bad_headers(api: Api, client: AsyncTestClient) -> None:
    await _mission(api, client)
    csv = (
        "title;kind;date;start;end;venue;speakers\n"
        "Opening;seminar;2026-12-08;09:00;10:00;Technopark Coworking Space;Ira Raciņa\n"
        "Overlap;workshop;2026-12-08;09:30;10:30;Technopark Coworking Space;\n"
    ).encode()
    clash = await _import(client, api, csv, name="programme.csv")
    assert clash.status_code == 422
    assert {(r["row"], r["code"]) for r in clash.json()["rows"]} == {(2, "scheduling_conflict"), (3, "scheduling_conflict")}
    anyway = await _import(client, api, csv, "?allow_conflicts=true", name="programme.csv")
    assert anyway.status_code == 200 and anyway.json()["sessions_created"] == 2

    header = await _import(client, api, b"title,kind,when\nA,workshop,today\n", name="x.csv")
    assert [(r["row"], r["column"], r["code"]) for r in header.json()["rows"]] == [
        (1, "when", "unknown_column"), (1, "date", "missing_column"), (1, "start", "missing_column"),
        (1, "end", "missing_column"),
    ]
    junk = await _import(client, api, b"PK\x03\x04 not really a workbook", name="x.xlsx")
    assert junk.status_code == 422 and junk.json()["code"] == "unreadable_file"
    latin1 = await _import(client, api, "title\nCaf\xe9\n".encode("latin-1"), name="x.csv")
    assert latin1.status_code == 422 and latin1.json()["code"] == "unreadable_file"


async def test_import_needs_an_organiser(api: Api, client: AsyncTestClient) -> None:
    await _mission(api, client)
    response = await client.post(f"/api/missions/{SLUG}/import", files={"file": ("p.xlsx", xlsx(GOOD), XLSX)})
    assert response.status_code == 401


async def test_title_ru_style_columns_import_translations_in_the_missions_content_languages(
    api: Api, client: AsyncTestClient
) -> None:
    await _mission(api, client)
    await client.patch(f"/api/missions/{SLUG}", headers=api.auth, json={"content_languages": ["ru", "lv"]})
    csv = (
        "title,kind,date,start,end,title_ru,description_ru,title_lv\n"
        "Opening,seminar,2026-12-08,09:00,10:00,Открытие,Первый день.,Atklāšana\n"
        "Closing,seminar,2026-12-11,17:00,18:00,,,\n"
    ).encode()
    done = await client.post(f"/api/missions/{SLUG}/import", files={"file": ("p.csv", csv, "text/csv")}, headers=api.auth)
    assert done.status_code == 200, done.text
    opening, closing = (await client.get(f"/api/missions/{SLUG}/sessions", headers=api.auth)).json()
    assert opening["translations"] == {"ru": {"title": "Открытие", "description": "Первый день."}, "lv": {"title": "Atklāšana"}}
    assert closing["translations"] == {}
    ru = (await client.get(f"/api/missions/{SLUG}/sessions/{opening['id']}?lang=ru")).json()
    assert ru["title"] == "Открытие"

    not_offered = "title,kind,date,start,end,title_ky\nOpening,seminar,2026-12-08,09:00,10:00,Ачылыш\n".encode()
    refused = await client.post(
        f"/api/missions/{SLUG}/import", files={"file": ("p.csv", not_offered, "text/csv")}, headers=api.auth
    )
    assert refused.status_code == 422
    assert [(r["row"], r["column"], r["code"]) for r in refused.json()["rows"]] == [
        (2, "title_ky", "translation_language_not_offered")
    ]
    unknown = "title,kind,date,start,end,title_de\nOpening,seminar,2026-12-08,09:00,10:00,Eröffnung\n".encode()
    header = await client.post(f"/api/missions/{SLUG}/import", files={"file": ("p.csv", unknown, "text/csv")}, headers=api.auth)
    assert header.status_code == 422 and header.json()["rows"][0]["code"] == "unknown_column"
