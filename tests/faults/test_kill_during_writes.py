"""kill -9 in the middle of writes: a real server with two workers takes a stream of concurrent
registrations and cancellations (on SQLite and on PostgreSQL); after some answers came back,
and while others are in flight, its whole process group gets SIGKILL. Then the database is
intact, its invariants hold, every acknowledged change is there, and a restarted server
serves and registers as before."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pytest

from tests.faults.conftest import (
    Programme,
    ServerProcess,
    broken_invariants,
    publish_programme,
    rows,
    sqlite_integrity,
    sqlite_path,
)

pytestmark = pytest.mark.slow

CAPACITIES = [2, 4, 6]  # small, so cancellations promote from real waitlists
SEED_ATTENDEES = 12
WORKERS = 24
MAX_REQUESTS_PER_WORKER = 200
KILL_AFTER_ANSWERS = 60
PHASE_SECONDS = 30.0


@dataclass
class Done:
    """What the server acknowledged before it died: (email, session_id) pairs."""

    registered: set[tuple[str, int]] = field(default_factory=set)
    cancelled: set[tuple[str, int]] = field(default_factory=set)
    statuses: list[int] = field(default_factory=list)
    cut_off: list[str] = field(default_factory=list)  # requests that got no answer

    def check(self, response: httpx.Response, *allowed: int) -> None:
        self.statuses.append(response.status_code)
        assert response.status_code in (*allowed, 503), f"{response.status_code} {response.text[:300]}"
        if response.status_code == 503:
            assert int(response.headers["retry-after"]) > 0


@dataclass
class Attendee:
    email: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def register(client: httpx.AsyncClient, slug: str, email: str, session_ids: list[int]) -> httpx.Response:
    body = {"name": "Kill Drill", "email": email, "session_ids": session_ids}
    return await client.post(f"/api/missions/{slug}/registrations", json=body)


async def writer(client: httpx.AsyncClient, programme: Programme, seeds: list[Attendee], done: Done, worker: int) -> None:
    """Registrations by newcomers, sessions added and cancelled by known attendees, until the
    server stops answering."""
    rng = random.Random(worker)
    slug = programme.slug
    for n in range(MAX_REQUESTS_PER_WORKER):
        session_id = rng.choice(programme.session_ids)
        action = rng.choice(("new", "new", "add", "cancel"))
        attendee = rng.choice(seeds)
        try:
            if action == "new":
                email = f"k{worker}-{n}@example.kg"
                response = await register(client, slug, email, [session_id])
                done.check(response, 201)
                if response.status_code == 201:
                    done.registered.add((email, session_id))
            elif action == "add":
                response = await client.post(f"/api/missions/{slug}/registrations", headers=attendee.auth,
                                             json={"session_ids": [session_id]})
                done.check(response, 200)
                if response.status_code == 200:
                    done.registered.add((attendee.email, session_id))
            else:
                response = await client.delete(f"/api/me/registrations/{session_id}", headers=attendee.auth)
                done.check(response, 200, 404)
                if response.status_code == 200:
                    done.cancelled.add((attendee.email, session_id))
        except httpx.TransportError as error:
            done.cut_off.append(repr(error))
            return


async def test_kill_9_during_registrations_leaves_a_consistent_database_and_a_server_that_restarts(
    database_for_server: str, serve: Callable[..., ServerProcess]
) -> None:
    url = database_for_server
    server = serve(url, workers=2)
    await asyncio.to_thread(server.cli, "db", "upgrade")
    await asyncio.to_thread(server.start)
    auth = {"Authorization": f"Bearer {await asyncio.to_thread(server.organiser_token)}"}
    done = Done()
    limits = httpx.Limits(max_connections=WORKERS + 5, max_keepalive_connections=WORKERS + 5)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=PHASE_SECONDS, limits=limits) as client:
        programme = await publish_programme(client, auth, CAPACITIES)
        seeds = []
        for n in range(SEED_ATTENDEES):
            email = f"seed-{n}@example.lv"
            answer = await register(client, programme.slug, email, programme.session_ids[:2])
            assert answer.status_code == 201, answer.text
            seeds.append(Attendee(email, answer.json()["manage_token"]))
            done.registered |= {(email, sid) for sid in programme.session_ids[:2]}

        tasks = [asyncio.create_task(writer(client, programme, seeds, done, w)) for w in range(WORKERS)]
        deadline = time.monotonic() + PHASE_SECONDS
        while len(done.statuses) < KILL_AFTER_ANSWERS and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        assert len(done.statuses) >= KILL_AFTER_ANSWERS, f"only {len(done.statuses)} answers in {PHASE_SECONDS} s"
        await asyncio.to_thread(server.kill)
        await asyncio.wait_for(asyncio.gather(*tasks), PHASE_SECONDS)

    assert done.cut_off, "no request was in flight when the server was killed"
    assert 201 in done.statuses and 200 in done.statuses

    if (path := sqlite_path(url)) is not None:
        sqlite_integrity(path)
    assert await broken_invariants(url) == {}
    stored = await rows(url, """
        SELECT a.email, r.session_id, r.status FROM registration r JOIN attendee a ON a.id = r.attendee_id
    """)
    assert done.registered <= {(email, sid) for email, sid, _ in stored}, "an acknowledged registration is lost"
    cancelled = {(email, sid) for email, sid, status in stored if status == "cancelled"}
    assert done.cancelled <= cancelled, "an acknowledged cancellation is lost"
    print(f"{len(done.statuses)} answers ({done.statuses.count(503)} of them 503), {len(done.cut_off)} cut off; "
          f"stored: {Counter(status for _, _, status in stored)}")

    await asyncio.to_thread(server.start)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=PHASE_SECONDS) as client:
        sessions = await client.get(f"/api/missions/{programme.slug}/sessions")
        assert sessions.status_code == 200 and len(sessions.json()) == len(CAPACITIES)
        after = await register(client, programme.slug, "after-restart@example.kg", programme.session_ids)
        assert after.status_code == 201, after.text
        assert {r["status"] for r in after.json()["results"]} <= {"confirmed", "waitlisted"}
        me = await client.get("/api/me", headers=seeds[0].auth)
        assert me.status_code == 200
        live = [r["session_id"] for r in me.json()["registrations"] if r["status"] != "cancelled"]
        if live:
            cancel = await client.delete(f"/api/me/registrations/{live[0]}", headers=seeds[0].auth)
            assert cancel.status_code == 200, cancel.text
    server.stop()
    assert await broken_invariants(url) == {}
