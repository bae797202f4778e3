"""The timetable editor of a 300-session mission: server time per page and page weight,
next to its baseline in the same run, the public agenda page of the same mission (the
same sessions, also laid out as a time × venue grid).

The mission is dense on purpose: 5 days, 6 venues, 10 sessions of 45 minutes a venue a
day (08:00 to 18:00), so every day's grid is full. In process (Litestar's test client on
a SQLite file, one organiser signed in), both pages requested in turn, run after run;
medians. Writes bench/timetable/results.json and RESULTS.md.

    .venv/bin/python bench/timetable.py [--runs 15]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import re
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
from litestar.testing import TestClient

from eventhub.app import create_app
from eventhub.db.database import Database
from eventhub.db.migrate import upgrade
from eventhub.loader import MissionFile, load_mission
from eventhub.services import Services
from eventhub.settings import Settings

OUT = Path(__file__).resolve().parent / "timetable"
DAYS, VENUES, PER_VENUE = 5, 6, 10
START = date(2026, 12, 7)
EMAIL, PASSWORD = "bench@example.org", "a bench organiser's passphrase"
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def dense_mission() -> dict[str, Any]:
    venues = [{"key": f"v{i}", "name": f"Hall {i + 1}", "address": "", "capacity": 80} for i in range(VENUES)]
    people = [{"key": f"p{i}", "name": f"Speaker {i + 1}", "affiliation": "", "role_title": ""} for i in range(VENUES)]
    sessions = []
    for day in range(DAYS):
        on = START + timedelta(days=day)
        for venue in range(VENUES):
            for slot in range(PER_VENUE):
                starts = datetime(on.year, on.month, on.day, 8) + timedelta(hours=slot)
                sessions.append({
                    "title": f"Session {day + 1}.{venue + 1}.{slot + 1}", "kind": "workshop", "description": "",
                    "starts_at": starts.isoformat(timespec="minutes"),
                    "ends_at": (starts + timedelta(minutes=45)).isoformat(timespec="minutes"),
                    "venue": f"v{venue}", "speakers": [{"person": f"p{venue}", "role": "speaker"}],
                    "capacity": 30, "registration": "open", "status": "draft" if slot == 9 else "published",
                })
    mission = {
        "slug": "timetable-bench", "title": "Timetable bench", "summary": "", "host_city": "Bishkek",
        "host_country": "KG", "timezone": "Asia/Bishkek", "starts_on": START.isoformat(),
        "ends_on": (START + timedelta(days=DAYS - 1)).isoformat(), "status": "published",
    }
    return {"mission": mission, "venues": venues, "people": people, "travel_times": [], "sessions": sessions}


async def seed(settings: Settings) -> str:
    database = Database(settings.database_url)
    services = Services.build(settings, database, lambda: datetime(2026, 11, 27, 9, tzinfo=UTC))
    try:
        slug = await load_mission(services, msgspec.convert(dense_mission(), MissionFile))
        await services.accounts.create(EMAIL, "Bench organiser", PASSWORD, all_missions=True)
    finally:
        await database.dispose()
    return slug


def timed(client: TestClient[Any], path: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    response = client.get(path, headers={"Accept": "text/html"})
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return elapsed, response.content


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{tmp}/bench.db", public_url="https://bench.example.org",
            registration_rate_limit="off", redis_url=None, secret_key="bench-secret", smtp_url=None, mail_sender=False,
            allowed_hosts=["testserver", "testserver.local", "bench.example.org"],
        )
        upgrade(settings.database_url)
        slug = asyncio.run(seed(settings))
        pages = {
            "editor, all days": f"/organise/missions/{slug}/timetable",
            "editor, one day": f"/organise/missions/{slug}/timetable?day={START.isoformat()}",
            "baseline: public agenda": f"/missions/{slug}",
        }
        times: dict[str, list[float]] = {name: [] for name in pages}
        bodies: dict[str, bytes] = {}
        with TestClient(app=create_app(settings), base_url="https://testserver.local") as client:
            form = client.get("/organise/sign-in", headers={"Accept": "text/html"})
            token = _CSRF.search(form.text).group(1)  # type: ignore[union-attr]
            signed = client.post("/organise/sign-in", data={"email": EMAIL, "password": PASSWORD, "_csrf_token": token},
                                 follow_redirects=False)
            assert signed.status_code == 303, signed.text[:300]
            for path in pages.values():  # warm: templates compiled, caches filled
                timed(client, path)
            for _run in range(runs):  # in turn, so that the machine's load falls on all alike
                for name, path in pages.items():
                    elapsed, bodies[name] = timed(client, path)
                    times[name].append(elapsed)
    base = "baseline: public agenda"
    results = {
        name: {
            "median_ms": round(statistics.median(times[name]), 1),
            "bytes": len(bodies[name]),
            "gzip_bytes": len(gzip.compress(bodies[name], 6)),
            "time_ratio_to_baseline": round(statistics.median(times[name]) / statistics.median(times[base]), 2),
            "bytes_ratio_to_baseline": round(len(bodies[name]) / len(bodies[base]), 2),
        }
        for name in pages
    }
    ran_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    summary = {"ran_at": ran_at, "load_average": load, "cpus": os.cpu_count(),
               "sessions": DAYS * VENUES * PER_VENUE, "days": DAYS, "venues": VENUES, "runs": runs, "pages": results}
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    lines = [
        "# Timetable editor, 300 sessions (bench/timetable.py)", "",
        f"{DAYS} days × {VENUES} venues × {PER_VENUE} sessions; {runs} runs per page, in turn; median server time "
        "in process (request to last byte through Litestar's test client, SQLite).", "",
        f"Run of {ran_at} on {os.cpu_count()} cores, load average {load} (1/5/15 min) at the end: the "
        "ratios compare pages measured in the same loop, so the load falls on all alike.", "",
        "| page | median ms | × baseline | HTML KiB | gzip KiB | bytes × baseline |", "|---|---|---|---|---|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['median_ms']} | {r['time_ratio_to_baseline']} | {r['bytes'] / 1024:.0f} | "
            f"{r['gzip_bytes'] / 1024:.0f} | {r['bytes_ratio_to_baseline']} |"
        )
    (OUT / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
