"""Part (c) of the suite, in process: the cold render of a 1,000-session feed against
icalendar's own build-and-serialize of the same events, and the rebuild after one
session changed (the per-event cache at work). Median of runs, CPU-bound, no server.

Two levels are timed:
- renderer: `render_calendar` from `CalendarEvent`s (the unit the issue names);
- feed: the whole `Feeds` path on a database holding the 1,000 sessions (query, rows
  to events, render), cold (new process state) and after one session was changed.

Prints one JSON object; bench/run.py puts it in the results table.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import json
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import scaled

from eventhub.calendar import CalendarEvent, CalendarMeta, EventCache, EventStatus, render_calendar
from eventhub.calendar.render import vtimezone_bytes
from eventhub.domain.programme import SessionKind

SESSIONS = 1000
HOST = "bench.example.org"
BASE = f"https://{HOST}"


def cpu_ms(work: Callable[[], Any], setup: Callable[[], Any] | None = None) -> float:
    """CPU time of one call in this process (less disturbed by other work on the machine than wall time)."""
    if setup is not None:
        setup()
    gc.collect()
    started = time.process_time()
    work()
    return (time.process_time() - started) * 1000


def fixture_events(count: int) -> tuple[CalendarMeta, list[CalendarEvent]]:
    """The scaled Bishkek programme as the calendar layer sees it (published sessions)."""
    data = scaled(count + count // 4)  # drafts are left out below; take enough to keep `count`
    venues = {v["key"]: v for v in data["venues"]}
    people = {p["key"]: p for p in data["people"]}
    zone = data["mission"]["timezone"]
    stamp = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    events = []
    for index, session in enumerate(s for s in data["sessions"] if s.get("status", "published") == "published"):
        if len(events) == count:
            break
        venue = venues.get(session.get("venue") or "")
        speakers = [people[s["person"]] for s in session.get("speakers", [])]
        url = f"{BASE}/missions/{data['mission']['slug']}/sessions/{index + 1}"
        parts = [session["description"]] if session.get("description") else []
        if speakers:
            parts.append("Speakers: " + "; ".join(
                f"{p['name']} ({p['affiliation']})" if p.get("affiliation") else p["name"] for p in speakers))
        parts.append(f"Details and registration: {url}")
        events.append(CalendarEvent(
            uid=f"{uuid.UUID(int=index + 1)}@{HOST}",
            sequence=0,
            last_modified=stamp,
            starts_local=datetime.fromisoformat(session["starts_at"]),
            ends_local=datetime.fromisoformat(session["ends_at"]),
            timezone=zone,
            summary=session["title"],
            description="\n\n".join(parts),
            location=", ".join(p for p in (venue["name"], venue.get("address", "")) if p) if venue else None,
            geo=(venue["latitude"], venue["longitude"]) if venue and venue.get("latitude") is not None else None,
            categories=(SessionKind(session["kind"]).label,),
            status=EventStatus.CONFIRMED,
            url=url,
        ))
    meta = CalendarMeta(name=data["mission"]["title"], description=data["mission"]["summary"], timezone=zone)
    return meta, events


def icalendar_own(meta: CalendarMeta, events: list[CalendarEvent]) -> bytes:
    """What a plain icalendar user writes: one Calendar, one Event per session, the
    library's own VTIMEZONEs, one to_ical()."""
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", "-//bench//icalendar//EN")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("X-WR-CALNAME", meta.name)
    calendar.add("X-WR-TIMEZONE", meta.timezone)
    for event in events:
        zone = ZoneInfo(event.timezone)
        vevent = Event()
        vevent.add("UID", event.uid)
        vevent.add("DTSTAMP", event.last_modified)
        vevent.add("LAST-MODIFIED", event.last_modified)
        vevent.add("SEQUENCE", event.sequence)
        vevent.add("DTSTART", event.starts_local.replace(tzinfo=zone))
        vevent.add("DTEND", event.ends_local.replace(tzinfo=zone))
        vevent.add("SUMMARY", event.summary)
        vevent.add("DESCRIPTION", event.description)
        if event.location:
            vevent.add("LOCATION", event.location)
        if event.geo:
            vevent.add("GEO", event.geo)
        vevent.add("CATEGORIES", list(event.categories))
        vevent.add("STATUS", event.status.value)
        if event.url:
            vevent.add("URL", event.url)
        vevent.add("TRANSP", "OPAQUE")
        calendar.add_component(vevent)
    calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data


def renderer_figures(runs: int) -> dict[str, Any]:
    meta, events = fixture_events(SESSIONS)
    changed_index = len(events) // 2
    changed = list(events)
    changed[changed_index] = dataclasses.replace(
        events[changed_index], summary=events[changed_index].summary + " (moved)", sequence=1
    )
    body = render_calendar(meta, events)  # also warms the zone caches, as a running server has them
    own = icalendar_own(meta, events)

    warm_cache = EventCache()
    colds, libraries, rebuilds = [], [], []
    for _ in range(runs):  # alternating, so that a busy moment hits both sides alike
        colds.append(cpu_ms(lambda: render_calendar(meta, events, cache=EventCache())))
        libraries.append(cpu_ms(lambda: icalendar_own(meta, events)))
        rebuilds.append(cpu_ms(
            lambda: render_calendar(meta, changed, cache=warm_cache),
            setup=lambda: warm_cache.clear() or render_calendar(meta, events, cache=warm_cache),
        ))
    cold, library, rebuild = (statistics.median(x) for x in (colds, libraries, rebuilds))
    return {
        "events": len(events),
        "feed_bytes": len(body),
        "icalendar_bytes": len(own),
        "cold_ms": round(cold, 1),
        "icalendar_ms": round(library, 1),
        "rebuild_ms": round(rebuild, 2),
        "runs": runs,
        "cold_runs_ms": [round(x, 1) for x in colds],
        "icalendar_runs_ms": [round(x, 1) for x in libraries],
        "rebuild_runs_ms": [round(x, 2) for x in rebuilds],
    }


async def feed_figures(database_url: str, runs: int) -> dict[str, Any]:
    """The whole Feeds path on a database seeded with the same 1,000 sessions."""
    from seed import seed_mission

    from eventhub.db.database import Database
    from eventhub.db.services.feeds import Feeds
    from eventhub.db.services.sessions import SessionFilter

    database = Database(database_url)
    try:
        info = await seed_mission(database, SESSIONS * 18 // 17 + 1, slug="bench-render-1000")  # 1 in 18 is a draft
        clock = lambda: datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

        async def one(feeds: Feeds) -> bytes:
            return (await feeds.mission_feed(info.slug, SessionFilter())).rendered.body

        colds, rebuilds = [], []
        for run in range(runs):
            feeds = Feeds(database, clock, BASE, HOST)
            vtimezone_bytes(info.timezone, 2026, 2028)  # zone data warm, as in a running server
            gc.collect()
            started = time.perf_counter()
            await one(feeds)
            colds.append((time.perf_counter() - started) * 1000)
            await info.touch_one_session(database, run)
            gc.collect()
            started = time.perf_counter()
            await one(feeds)
            rebuilds.append((time.perf_counter() - started) * 1000)
        return {
            "sessions": info.sessions,
            "cold_ms": round(statistics.median(colds), 1),
            "rebuild_ms": round(statistics.median(rebuilds), 1),
            "runs": runs,
        }
    finally:
        await database.dispose()


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    result: dict[str, Any] = {"renderer": renderer_figures(runs)}
    for url in sys.argv[2:]:
        result["feed " + url.split(":", 1)[0]] = asyncio.run(feed_figures(url, max(3, runs // 2)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
