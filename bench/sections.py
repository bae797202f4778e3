"""The sections of the benchmark suite, each measuring against its baseline with the
harness (bench/harness.py): (a, b, e) feeds and memory, the server comparison, (c)
rendering (bench/render_bench.py in a process of its own), (d) registrations. The
feed and registration missions are loaded with `eventhub load`, so their rows are the
ones the service writes (render_bench seeds its 1,000 sessions with bench/seed.py)."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from harness import (
    BENCH, EVENTHUB, PYTHON, ROOT, SERVERS, Pair, Server, Servers, alternate, base_env, cli, free_port, http, log,
    serve_command, wrk,
)

from eventhub.domain.time import next_monday

FEED_SESSIONS = 300
REGISTRATION_CAPACITY = 100  # each run's hot session fills up and the rest queue


def prepare_database(url: str, workdir: Path, label: str, *, load: bool = True) -> str:
    """Migrate, load the scaled fixture (through the real loader) and return its slug."""
    from scale import scaled

    env = base_env(url, 0)
    cli(env, "db", "upgrade")
    if not load:
        return ""
    fixture = workdir / f"bishkek-{FEED_SESSIONS}.json"
    fixture.write_text(json.dumps(scaled(FEED_SESSIONS), ensure_ascii=False), encoding="utf-8")
    started = time.monotonic()
    out = cli(env, "load", str(fixture), "--start", next_monday(date.today() + timedelta(days=14)).isoformat())
    log(f"{label}: {out.strip()} ({FEED_SESSIONS} sessions) in {time.monotonic() - started:.0f} s")
    return out.strip().rsplit(" ", 1)[-1]


def _load_hot_sessions(url: str, workdir: Path, label: str, runs: int) -> str:
    """A published mission with one open session per run, each with REGISTRATION_CAPACITY
    seats, loaded with `eventhub load`; returns its slug."""
    first = next_monday(date.today() + timedelta(days=28))
    sessions = []
    for n in range(runs):
        starts = datetime.combine(first, datetime.min.time()) + timedelta(hours=8 + n)
        sessions.append({
            "title": f"Popular workshop {n + 1}", "kind": "workshop",
            "starts_at": starts.isoformat(timespec="minutes"),
            "ends_at": (starts + timedelta(minutes=50)).isoformat(timespec="minutes"),
            "capacity": REGISTRATION_CAPACITY, "registration": "open",
        })
    mission = {
        "slug": "bench-registrations", "title": "Registration rush", "host_city": "Bishkek", "host_country": "KG",
        "timezone": "Asia/Bishkek", "starts_on": first.isoformat(),
        "ends_on": (first + timedelta(days=max(2, runs // 16 + 1))).isoformat(), "status": "published",
    }
    path = workdir / f"registrations-{label}.json"
    path.write_text(json.dumps({"mission": mission, "sessions": sessions}), encoding="utf-8")
    return cli(base_env(url, 0), "load", str(path), "--replace").strip().rsplit(" ", 1)[-1]


def _session_ids(base: str, slug: str) -> list[int]:
    """The mission's sessions in time order, as the API lists them."""
    status, _, body = http("GET", f"{base}/api/missions/{slug}/sessions")
    assert status == 200, (status, body[:200])
    return [int(s["id"]) for s in json.loads(body)]


async def _registration_counts(url: str, session_ids: list[int]) -> dict[int, dict[str, int]]:
    from sqlalchemy import func, select

    from eventhub.db.database import Database
    from eventhub.db.models import Registration

    database = Database(url)
    try:
        async with database.read() as db:
            rows = await db.execute(
                select(Registration.session_id, Registration.status, func.count())
                .where(Registration.session_id.in_(session_ids))
                .group_by(Registration.session_id, Registration.status)
            )
            counts: dict[int, dict[str, int]] = {}
            for session_id, status, count in rows:
                counts.setdefault(int(session_id), {})[str(status.value if hasattr(status, "value") else status)] = count
            return counts
    finally:
        await database.dispose()


# --- the sections ---------------------------------------------------------------------------------


@dataclass
class Options:
    runs: int
    duration: float
    workdir: Path
    main_server: str
    other_server: str | None


def warm(url: str, headers: dict[str, str] | None = None, times: int = 20) -> None:
    for _ in range(times):
        http("GET", url, headers)


def feed_section(opts: Options, servers: Servers, url: str, slug: str, label: str, server_kind: str) -> dict[str, Any]:
    """(a) warm feed vs same bytes, (b) 304 vs hello world, (e) peak memory; one worker each."""
    port, base_port = free_port(), free_port()
    env = base_env(url, port)
    command = [*EVENTHUB, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    app = servers.start(f"eventhub-{server_kind}-{label}", command, env, port, "/health")
    feed_url = f"{app.base}/missions/{slug}/calendar.ics"
    status, headers, body = http("GET", feed_url)
    assert status == 200 and body.startswith(b"BEGIN:VCALENDAR"), (status, body[:200])
    etag = headers["etag"]
    status, _, empty = http("GET", feed_url, {"If-None-Match": etag})
    assert status == 304 and empty == b"", status
    feed_file = opts.workdir / f"feed-{label}.ics"
    feed_file.write_bytes(body)

    base_env_ = {**env, "BENCH_FEED_FILE": str(feed_file)}
    base_command = [PYTHON, str(BENCH / "baseline.py"), "--port", str(base_port), "--workers", "1"]
    baseline = servers.start(f"baseline-{server_kind}-{label}", base_command, base_env_, base_port, "/hello")
    same = http("GET", f"{baseline.base}/feed.ics")[2]
    assert same == body, "the baseline must serve the very same bytes"
    warm(feed_url)
    warm(f"{baseline.base}/feed.ics")

    d = opts.duration
    feed = alternate(Pair("warm mission feed GET", target=0.70, extra={"bytes": len(body)}), opts.runs, d,
                     lambda: wrk(feed_url, d), lambda: wrk(f"{baseline.base}/feed.ics", d))
    revalidate = alternate(Pair("304 revalidation", target=0.80), opts.runs, d,
                           lambda: wrk(feed_url, d, headers={"If-None-Match": etag}),
                           lambda: wrk(f"{baseline.base}/hello", d))
    memory = {"eventhub": app.peak_rss_mb(), "baseline": baseline.peak_rss_mb()}
    servers.stop(baseline)
    servers.stop(app)
    return {"feed": feed, "revalidate": revalidate, "memory": memory}


def server_comparison(opts: Options, servers: Servers, url: str, slug: str) -> dict[str, Any]:
    """The same app and baselines on granian and on uvicorn, all four servers up at once and
    every figure taken in turn, run after run, so that both servers see the same moments."""
    started: dict[str, tuple[Server, Server]] = {}
    for kind in SERVERS:
        feed_file = opts.workdir / f"feed-compare-{kind}.ics"  # links carry the port: bytes per server
        port, base_port = free_port(), free_port()
        env = base_env(url, port)
        app = servers.start(f"compare-eventhub-{kind}", serve_command(kind, "eventhub.app:create_app_from_env", port, 1),
                            env, port, "/health")
        feed_file.write_bytes(http("GET", f"{app.base}/missions/{slug}/calendar.ics")[2])
        base = servers.start(f"compare-baseline-{kind}", serve_command(kind, "baseline:create_app", base_port, 1),
                             {**env, "BENCH_FEED_FILE": str(feed_file)}, base_port, "/hello")
        started[kind] = (app, base)
    targets: dict[str, dict[str, tuple[str, dict[str, str]]]] = {}
    for kind, (app, base) in started.items():
        feed_url = f"{app.base}/missions/{slug}/calendar.ics"
        status, headers, body = http("GET", feed_url)
        assert status == 200 and http("GET", f"{base.base}/feed.ics")[2] == body, kind
        warm(feed_url)
        targets[kind] = {
            "hello world": (f"{base.base}/hello", {}),
            "same-bytes feed": (f"{base.base}/feed.ics", {}),
            "eventhub warm feed": (feed_url, {}),
            "eventhub 304": (feed_url, {"If-None-Match": headers["etag"]}),
        }
    figures: dict[str, dict[str, list[float]]] = {kind: {name: [] for name in targets[kind]} for kind in targets}
    for _ in range(opts.runs):
        for name in targets[SERVERS[0]]:
            for kind in SERVERS:
                url_, headers_ = targets[kind][name]
                figures[kind][name].append(wrk(url_, opts.duration, headers=headers_).rps)
    for app, base in started.values():
        servers.stop(base)
        servers.stop(app)
    return {kind: {name: statistics.median(runs) for name, runs in by_name.items()} | {"runs": by_name}
            for kind, by_name in figures.items()}


def registration_section(opts: Options, servers: Servers, url: str, label: str) -> dict[str, Any]:
    """(d) registrations for one hot session, two workers, vs the bare locked insert."""
    import baseline as baseline_module

    slug = _load_hot_sessions(url, opts.workdir, label, opts.runs)
    seats = {1000 + n: REGISTRATION_CAPACITY for n in range(opts.runs)}
    asyncio.run(baseline_module.prepare(url, seats))

    port, base_port = free_port(), free_port()
    env = base_env(url, port)
    app = servers.start(f"eventhub-registrations-{label}",
                        [*EVENTHUB, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                        env, port, "/health")
    base = servers.start(f"baseline-registrations-{label}",
                         [PYTHON, str(BENCH / "baseline.py"), "--port", str(base_port), "--workers", "2"],
                         {**env, "BENCH_DATABASE_URL": url}, base_port, "/hello")
    session_ids = _session_ids(app.base, slug)
    assert len(session_ids) == opts.runs, session_ids
    script = BENCH / "lua" / "register.lua"
    d = opts.duration
    pair = Pair("registrations, one hot session, 2 workers", target=0.80)
    for run, (session_id, seat_id) in enumerate(zip(session_ids, seats, strict=True)):
        pair.subject.append(wrk(f"{app.base}/", d, script=script, env={
            "BENCH_TARGET": "eventhub", "BENCH_SLUG": slug, "BENCH_SESSION": str(session_id), "BENCH_RUN": f"e{run}"}))
        pair.baseline.append(wrk(f"{base.base}/", d, script=script, env={
            "BENCH_TARGET": "bare", "BENCH_SESSION": str(seat_id), "BENCH_RUN": f"b{run}"}))
    servers.stop(base)
    servers.stop(app)

    eventhub_counts = asyncio.run(_registration_counts(url, session_ids))
    bare_counts = asyncio.run(baseline_module.claim_counts(url))
    overbooked = {
        "eventhub": sum(max(0, c.get("confirmed", 0) - REGISTRATION_CAPACITY) for c in eventhub_counts.values()),
        "bare": sum(max(0, c.get("confirmed", 0) - REGISTRATION_CAPACITY) for c in bare_counts.values()),
    }
    created = [r.statuses.get(201, 0) for r in pair.subject]
    stored = [sum(eventhub_counts.get(sid, {}).values()) for sid in session_ids]
    pair.extra = {
        "capacity": REGISTRATION_CAPACITY,
        "eventhub_counts": {str(k): v for k, v in eventhub_counts.items()},
        "bare_counts": {str(k): v for k, v in bare_counts.items()},
        "overbooked": overbooked,
        "eventhub_201": created,
        "eventhub_rows": stored,
        "eventhub_statuses": [r.statuses for r in pair.subject],
        "bare_statuses": [r.statuses for r in pair.baseline],
    }
    return {"registrations": pair}


def render_section(opts: Options, urls: list[str]) -> dict[str, Any]:
    result = subprocess.run([PYTHON, str(BENCH / "render_bench.py"), str(max(5, opts.runs + 2)), *urls], check=False,
                            capture_output=True, text=True, timeout=400, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT / "src")])})
    if result.returncode != 0:
        raise RuntimeError(f"render_bench failed:\n{result.stdout}\n{result.stderr}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))
