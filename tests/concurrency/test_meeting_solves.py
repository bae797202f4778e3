"""Two solves of one mission's meetings from two processes: the plan row's lease lets one
run and tells the other, on a real database shared by both."""

from __future__ import annotations

import asyncio
import multiprocessing
from datetime import UTC, datetime
from multiprocessing.synchronize import Event

import pytest

from eventhub.db.database import Database
from eventhub.db.services.meetings import PlanInput
from eventhub.db.services.registrations import SignupRequest
from eventhub.domain.errors import StateConflict
from eventhub.domain.meetings.plan import MeetingProblem, Plan, SolverOptions
from eventhub.domain.meetings.requests import ProfileFields
from eventhub.domain.meetings.solver import schedule
from eventhub.domain.programme import SessionKind
from eventhub.loader import LOADER
from eventhub.services import Services
from eventhub.settings import Settings
from tests.conftest import FrozenClock

pytestmark = pytest.mark.slow

SLUG = "bishkek-2026"
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


class HeldSolver:
    """The real scheduler, held until the other process has tried its own solve."""

    def __init__(self, started: Event, release: Event) -> None:
        self.started, self.release = started, release

    def __call__(self, problem: MeetingProblem, options: SolverOptions) -> Plan:
        self.started.set()
        if not self.release.wait(60):
            raise TimeoutError("never released")
        return schedule(problem, options)


def _solve_in_child(settings: Settings, started: Event, release: Event, placed: multiprocessing.Queue) -> None:
    async def run() -> None:
        database = Database(settings.database_url)
        services = Services.build(settings, database, FrozenClock(NOW), meeting_solver=HeldSolver(started, release))
        try:
            outcome = await services.meetings.schedule(SLUG, LOADER)
            placed.put(len(outcome.plan.meetings))
        except StateConflict as error:
            placed.put(error.code)
        finally:
            await database.dispose()

    asyncio.run(run())


async def _mission_with_accepted_requests(services: Services) -> None:
    await services.missions.create({
        "slug": SLUG, "title": "Bishkek", "host_country": "KG", "timezone": "Asia/Bishkek",
        "starts_on": datetime(2026, 12, 7).date(), "ends_on": datetime(2026, 12, 11).date(), "status": "published",
    }, LOADER)
    venue = (await services.venues.create(SLUG, {"name": "Technopark"}, LOADER)).id
    session = (await services.sessions.create(SLUG, {
        "title": "Welcome", "kind": SessionKind.WORKSHOP, "starts_at": "2026-12-08T09:00", "ends_at": "2026-12-08T10:00",
    }, LOADER)).session.id
    tokens = []
    for n in range(4):
        outcome = await services.registrations.register(
            SLUG, SignupRequest(f"Person {n}", f"person{n}@example.org", "", [session]), None
        )
        assert outcome.manage_token is not None
        tokens.append(outcome.manage_token)
    profiles = [
        (await services.meetings.save_profile(token, ProfileFields(f"Company {n}", "KG", "", "", ""))).profile.id
        for n, token in enumerate(tokens)
    ]
    for sender, recipient in ((0, 1), (2, 3), (0, 2)):
        asked = await services.meetings.ask(tokens[sender], profiles[recipient], "")
        await services.meetings.answer(tokens[recipient], asked.request.id, accept=True)
    await services.meetings.set_plan(
        SLUG, PlanInput(30, [("2026-12-09T09:00", "2026-12-09T11:00", venue)], [("Table 1", venue)]), LOADER
    )


async def test_two_processes_solving_one_mission_one_runs_and_the_other_is_told(
    services: Services, settings: Settings, clock: FrozenClock
) -> None:
    clock.now = NOW
    await _mission_with_accepted_requests(services)
    context = multiprocessing.get_context("spawn")
    started, release, placed = context.Event(), context.Event(), context.Queue()
    child = context.Process(target=_solve_in_child, args=(settings, started, release, placed))
    child.start()
    try:
        assert await asyncio.to_thread(started.wait, 60), "the other process never started its solve"
        with pytest.raises(StateConflict) as refused:
            await services.meetings.schedule(SLUG, LOADER)
        assert refused.value.code == "schedule_running"
    finally:
        release.set()
        result = await asyncio.to_thread(placed.get, True, 60)
        child.join(30)
    assert result == 3  # the other process's solve saved its plan
    assert len((await services.meetings.plan(SLUG, LOADER)).meetings) == 3
    again = await services.meetings.schedule(SLUG, LOADER)  # and the lease is free again
    assert again.plan.moves == 0
