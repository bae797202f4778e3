"""PostgreSQL restarted under load: a throwaway cluster of the test's own (initdb, pg_ctl, a free
port) behind a real `eventhub serve`. While readers and registrants keep sending requests the
cluster stops for a few seconds and starts again. Every answer is a 2xx or a 503 with
Retry-After and a problem body — never a 500, never a dropped connection — /health says 503
while the database is away, and the service answers 2xx again by itself (pool pre-ping)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from eventhub.db.migrate import upgrade
from tests.faults.conftest import Cluster, Programme, ServerProcess, publish_programme

pytestmark = pytest.mark.slow

WORKERS_PER_KIND = 3
PACE_SECONDS = 0.02  # between one worker's requests, so an outage is not thousands of instant 503s
MAX_REQUESTS_PER_WORKER = 3_000
REQUEST_TIMEOUT = 10.0
DOWN_SECONDS = 3.0  # how long the database stays away while requests keep coming
PHASE_SECONDS = 15.0  # bound of every wait for something to be observed
RECOVERED_AFTER = 3  # consecutive 2xx answers per kind that count as recovered


@dataclass(frozen=True)
class Answer:
    kind: str
    at: float
    status: int | None  # None: no HTTP answer at all
    detail: str
    headers: dict[str, str]
    body: Any = None


class Traffic:
    """Readers and registrants sending requests one after another until told to stop."""

    def __init__(self, client: httpx.AsyncClient, programme: Programme) -> None:
        self.client = client
        self.programme = programme
        self.answers: list[Answer] = []
        self.registered: list[str] = []
        self.stopping = asyncio.Event()

    def by(self, kind: str, since: float = 0.0) -> list[Answer]:
        return [a for a in self.answers if a.kind == kind and a.at >= since]

    async def _record(self, kind: str, request: Awaitable[httpx.Response]) -> httpx.Response | None:
        try:
            response = await request
        except httpx.HTTPError as error:
            self.answers.append(Answer(kind, time.monotonic(), None, repr(error), {}))
            return None
        body = response.json() if "json" in response.headers.get("content-type", "") else None
        self.answers.append(Answer(kind, time.monotonic(), response.status_code, response.text[:300],
                                   dict(response.headers), body))
        return response

    async def _loop(self, send: Callable[[int], Awaitable[None]]) -> None:
        for n in range(MAX_REQUESTS_PER_WORKER):
            if self.stopping.is_set():
                return
            await send(n)
            await asyncio.sleep(PACE_SECONDS)

    async def reader(self, worker: int) -> None:
        slug, sessions = self.programme.slug, self.programme.session_ids

        async def send(n: int) -> None:
            path = (f"/api/missions/{slug}/sessions" if n % 2 == 0
                    else f"/api/missions/{slug}/sessions/{sessions[n % len(sessions)]}")
            await self._record("read", self.client.get(path))

        await self._loop(send)

    async def registrant(self, worker: int) -> None:
        slug, sessions = self.programme.slug, self.programme.session_ids

        async def send(n: int) -> None:
            email = f"w{worker}-{n}@example.kg"
            body = {"name": f"Attendee {worker}-{n}", "email": email, "session_ids": [sessions[n % len(sessions)]]}
            response = await self._record("register", self.client.post(f"/api/missions/{slug}/registrations", json=body))
            if response is not None and response.status_code == 201:
                self.registered.append(email)

        await self._loop(send)

    def recovered(self, since: float) -> bool:
        for kind in ("read", "register"):
            recent = self.by(kind, since)[-RECOVERED_AFTER:]
            if len(recent) < RECOVERED_AFTER or any(a.status is None or a.status >= 300 for a in recent):
                return False
        return True


async def until(condition: Callable[[], bool], what: str, seconds: float = PHASE_SECONDS) -> float:
    """Poll `condition` until it holds; fails after `seconds`. Returns the time it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            pytest.fail(f"not within {seconds:.0f} s: {what}")
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def health_until(client: httpx.AsyncClient, status: int, seconds: float = PHASE_SECONDS) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            response = await client.get("/health")
        except httpx.HTTPError as error:
            last = repr(error)
        else:
            if response.status_code == status:
                return dict(response.json())
            last = f"{response.status_code} {response.text}"
        await asyncio.sleep(0.1)
    pytest.fail(f"/health did not answer {status} within {seconds:.0f} s (last: {last})")


async def test_postgres_restart_under_load_answers_2xx_or_503_and_recovers_by_itself(
    cluster: Cluster, serve: Callable[..., ServerProcess]
) -> None:
    url = cluster.url("eventhub")
    await asyncio.to_thread(upgrade, url)
    server = serve(url)
    await asyncio.to_thread(server.start)
    auth = {"Authorization": f"Bearer {await asyncio.to_thread(server.organiser_token)}"}
    # Below the server's 5 s keep-alive: reusing a connection as the server closes it would
    # lose a request to the harness, not to the restart.
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=50, keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=REQUEST_TIMEOUT, limits=limits) as client:
        programme = await publish_programme(client, auth, [None, 5_000, None])
        traffic = Traffic(client, programme)
        workers = [asyncio.create_task(traffic.reader(i)) for i in range(WORKERS_PER_KIND)]
        workers += [asyncio.create_task(traffic.registrant(i)) for i in range(WORKERS_PER_KIND)]
        try:
            await until(lambda: traffic.recovered(0.0), "requests are served before the restart")

            down_at = time.monotonic()  # from the moment the shutdown begins
            await asyncio.to_thread(cluster.stop, "fast")
            assert await health_until(client, 503) == {"status": "unavailable", "database": "unavailable"}
            await until(lambda: all(any(a.status == 503 for a in traffic.by(kind, down_at))
                                    for kind in ("read", "register")),
                        "reads and registrations answer 503 while the database is down")
            await asyncio.sleep(max(0.0, down_at + DOWN_SECONDS - time.monotonic()))  # keep requesting

            await asyncio.to_thread(cluster.start)
            up_at = time.monotonic()
            recovery = await until(lambda: traffic.recovered(up_at), "2xx again after the database came back")
            assert await health_until(client, 200) == {"status": "ok", "database": "ok"}
        finally:
            traffic.stopping.set()
            await asyncio.gather(*workers)

        dropped = [a for a in traffic.answers if a.status is None]
        assert not dropped, f"{len(dropped)} requests got no HTTP answer, e.g. {dropped[:3]}"
        unexpected = [a for a in traffic.answers if a.status not in (200, 201, 503)]
        assert not unexpected, f"{len(unexpected)} unexpected answers, e.g. {unexpected[:3]}"
        unavailable = [a for a in traffic.answers if a.status == 503]
        for answer in unavailable:
            assert int(answer.headers.get("retry-after", "0")) > 0, answer
            assert answer.headers["content-type"].startswith("application/problem+json"), answer
            assert answer.body["code"] in ("database_unavailable", "database_busy"), answer
        assert all(down_at <= a.at for a in unavailable), "503 answers before the database went down"
        print(f"{len(traffic.answers)} answers, {len(unavailable)} of them 503; "
              f"recovered {recovery:.2f} s after the database came back")

        export = await client.get(f"/api/missions/{programme.slug}/registrations", headers=auth)
        assert export.status_code == 200, export.text
        assert set(traffic.registered) <= {row["email"] for row in export.json()}, "an acknowledged registration is lost"
