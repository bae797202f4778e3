"""Schemathesis fuzzes every operation of the OpenAPI document in-process (ASGI) with an
organiser token for all missions, over the Bishkek mission, and every default check holds:
no 500, only documented statuses, content types and headers, bodies that match their
schemas, invalid input refused and valid input accepted.

Schemathesis collects one test per operation when the module is imported, so the app is
built here with its own SQLite file; the fixtures below migrate, wipe and seed that file
before each operation (SQLite only: the contract does not depend on the dialect)."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import strategies as st

from eventhub.app import create_app
from eventhub.db.migrate import upgrade
from eventhub.db.services.registrations import SignupRequest
from eventhub.domain.programme import RegistrationMode
from eventhub.loader import LOADER, load_mission, read_mission_file
from eventhub.services import Services
from eventhub.settings import Settings
from tests.conftest import FIXTURES, PUBLIC_URL, FrozenClock

# Examples per operation and phase; raise it for a deeper run (200 takes about five minutes).
MAX_EXAMPLES = int(os.environ.get("EVENTHUB_FUZZ_EXAMPLES", "20"))
_DATABASE_DIR = tempfile.TemporaryDirectory(prefix="eventhub-fuzz-")  # removed when the process ends
DATABASE_URL = f"sqlite+aiosqlite:///{Path(_DATABASE_DIR.name) / 'fuzz.db'}"
CLOCK = FrozenClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
SETTINGS = Settings(
    database_url=DATABASE_URL,
    public_url=PUBLIC_URL,
    registration_rate_limit="off",
    redis_url=None,
    secret_key="fuzz-secret-key-not-for-production",
    smtp_url=None,
    mail_sender=False,
    allowed_hosts=["testserver"],  # the Host header of Schemathesis' in-process client
)

# Every default check runs; two are told what the document already says. Rules that JSON
# Schema cannot express (a zone name that exists, a session within its mission's dates, a
# venue of this mission) answer 422 to schema-valid input, and a body over 64 KiB is 413
# whatever its fields (20,000 escaped characters are 120 KB). `schema_and_validator_agree`
# keeps the 422 honest: it must name a rule, never the schema validation itself.
# Seeded and deterministic, so that every run (a fresh clone's too) fuzzes the same cases.
CONFIG = schemathesis.Config.from_str(
    """
seed = 20261201

[generation]
deterministic = true

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "413", "422", "429", "5xx"]

[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
"""
)

app = create_app(SETTINGS, clock=CLOCK)
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app, config=CONFIG)

# Filled per operation by the `known` fixture: real path values for the generator to aim at.
KNOWN: dict[str, Any] = {}


@schema.hook
def before_generate_path_parameters(context: Any, strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Half of the valid cases aim at objects that exist; the rest stay random (mostly 404s).
    Negative cases come wrapped (not a dict) and are left alone: they must stay invalid."""

    def aim(generated: Any) -> st.SearchStrategy[Any]:
        if not isinstance(generated, dict) or not generated:
            return st.just(generated)
        real = {name: KNOWN[name] for name in generated if name in KNOWN}
        return st.sampled_from([generated, {**generated, **real}])

    return strategy.flatmap(aim)


@pytest.fixture(scope="module")
def migrated() -> str:
    upgrade(DATABASE_URL)
    return DATABASE_URL


@pytest.fixture
def database_url(migrated: str) -> str:
    """The conftest's `database` (wiped per test) on the app's own file."""
    return migrated


@pytest.fixture
def clock() -> FrozenClock:
    return CLOCK


@pytest.fixture
def settings() -> Settings:
    return SETTINGS


@pytest.fixture
async def known(services: Services) -> dict[str, Any]:
    """The Bishkek mission with one registration (so deleting the mission is refused),
    and real ids and tokens of its objects."""
    slug = await load_mission(services, read_mission_file(FIXTURES / "bishkek-2026.json"))
    _mission, views = await services.sessions.list(slug, None)
    session_id = next(v.session.id for v in views if v.session.registration == RegistrationMode.OPEN)
    signup = SignupRequest("Ira Raciņa", "ira@example.lv", "Latvian IT Cluster", [session_id])
    outcome = await services.registrations.register(slug, signup, None)
    registrations = (await services.attendance.registrations(slug, LOADER)).items
    KNOWN.clear()
    KNOWN.update(
        slug=slug,
        session_id=session_id,
        venue_id=(await services.venues.list(slug, None))[1][-1].id,
        person_id=(await services.people.list(slug, None))[1][-1].id,
        registration_id=registrations[0].registration.id,
        feed_token=outcome.feed_token,
    )
    return KNOWN


@pytest.fixture
async def organiser(services: Services, known: dict[str, Any]) -> dict[str, str]:
    """A bearer token for all missions (made after the data it may see)."""
    return {"Authorization": f"Bearer {await services.organiser_tokens.create('fuzzer', None)}"}


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_keeps_its_contract(case: schemathesis.Case, organiser: dict[str, str]) -> None:
    case.call_and_validate(headers=organiser, additional_checks=[schema_and_validator_agree])


def schema_and_validator_agree(
    _ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """Input that the OpenAPI document accepts is never refused by the request validation:
    a 422 for it must come from a rule beyond the schema (a stable, specific `code`)."""
    if case.meta is None or not case.meta.generation.mode.is_positive or response.status_code != 422:
        return None
    problem = response.json()
    assert problem.get("code") != "validation_error", f"the document accepts what validation refuses: {problem}"
    return True
