"""The `eventhub` command: demo, serve, db upgrade, load, token create."""

from __future__ import annotations

import asyncio
import copy
import importlib
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
import uvicorn
from granian import Granian
from granian.constants import Interfaces, Loops
from granian.log import LOGGING_CONFIG as GRANIAN_LOGGING
from granian.log import LogLevels
from litestar.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from eventhub.app import create_app, system_clock
from eventhub.db.database import Database
from eventhub.db.migrate import upgrade
from eventhub.domain.errors import DomainError
from eventhub.domain.time import next_monday
from eventhub.loader import load_mission, read_mission_file
from eventhub.logs import RedactTokens, redact, uvicorn_log_config
from eventhub.services import Services
from eventhub.settings import Settings

T = TypeVar("T")

DEMO_FIXTURE = "bishkek-2026.json"


def fixtures_dir() -> Path:
    packaged = Path(__file__).parent / "fixtures"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "fixtures"


def _with_services(settings: Settings, work: Callable[[Services], Awaitable[T]]) -> T:
    async def run() -> T:
        database = Database(settings.database_url, lock_timeout_seconds=settings.lock_timeout_seconds)
        try:
            return await work(Services.build(settings, database, system_clock))
        finally:
            await database.dispose()

    try:
        return asyncio.run(run())
    except DomainError as error:
        raise click.ClickException(f"{error.detail} ({error.code})") from error


@click.group()
def main() -> None:
    """eventhub: mission programmes, registrations and calendar feeds."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="Server processes")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API, pages and feeds (run `eventhub db upgrade` first)."""
    run_server("eventhub.app:create_app_from_env", host=host, port=port, workers=workers)


# --- the production server ---------------------------------------------------------------------

SERVE_FACTORY = "EVENTHUB_SERVE_FACTORY"  # the app factory each worker builds (set by run_server)
TRUSTED_PROXY = "127.0.0.1"  # a reverse proxy on this host: its X-Forwarded-For is believed


def run_server(factory: str, *, host: str, port: int, workers: int) -> None:
    """Granian, with `workers` processes, serving an app factory ("module:function");
    bench/ runs its baselines through this too, so both sides of a comparison share a server.

    Granian rather than uvicorn: on this 2-core machine, side by side, it serves eventhub's
    warm feeds and 304s 1.4 to 1.6 times as fast, the same bytes from a bare app 1.25 times
    (bench/RESULTS.md, "Server choice").
    What uvicorn did for us stays: the client address comes from X-Forwarded-For when the
    proxy on this host sends it (rate limits count per client), a worker that dies is
    started again, and access lines are logged with attendees' tokens redacted.
    """
    os.environ[SERVE_FACTORY] = factory
    Granian(
        "eventhub.cli:behind_proxy", factory=True, address=host, port=port, workers=workers,
        interface=Interfaces.ASGI, loop=Loops.auto, respawn_failed_workers=True,
        log_level=LogLevels.info, log_access=True, log_dictconfig=granian_log_config(),
    ).serve()


def behind_proxy() -> ASGIApp:
    """Worker-side factory: the app of EVENTHUB_SERVE_FACTORY, seeing clients through the proxy."""
    module, _, name = os.environ.get(SERVE_FACTORY, "eventhub.app:create_app_from_env").partition(":")
    app: ASGIApp = getattr(importlib.import_module(module), name)()
    return ProxyHeadersMiddleware(app, trusted_hosts=TRUSTED_PROXY)  # type: ignore[arg-type]


class RedactAccessPaths(RedactTokens):
    """`RedactTokens` for granian's access lines, whose arguments come as a mapping."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, Mapping):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return super().filter(record)


def granian_log_config() -> dict[str, Any]:
    config = copy.deepcopy(GRANIAN_LOGGING)
    config.setdefault("filters", {})["redact_tokens"] = {"()": RedactAccessPaths}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_tokens")
    return config


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Migrate EVENTHUB_DATABASE_URL to the newest schema."""
    settings = Settings()
    upgrade(settings.database_url)
    click.echo("database is at the newest revision")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), help="Move the mission to start on this date")
@click.option("--replace", is_flag=True, help="Delete a mission with the same slug first")
def load(file: Path, start: object, replace: bool) -> None:
    """Load a mission file (see fixtures/)."""
    settings = Settings()
    start_date = start.date() if start is not None else None  # type: ignore[attr-defined]
    data = read_mission_file(file)
    slug = _with_services(settings, lambda s: load_mission(s, data, start=start_date, replace=replace))
    click.echo(f"loaded mission {slug}")


@main.group()
def mail() -> None:
    """The mail outbox."""


@mail.command("send")
@click.option("--loop", is_flag=True, help="Keep sending as mail becomes due (otherwise send what is due and stop)")
def mail_send(loop: bool) -> None:
    """Send due mail from the outbox (for cron, or when EVENTHUB_MAIL_SENDER=0)."""
    settings = Settings()

    async def send(services: Services) -> int:
        if loop:
            await services.mail_sender.run_forever()
        return await services.mail_sender.drain()

    handled = _with_services(settings, send)
    click.echo(f"handled {handled} message(s)")


@main.group()
def token() -> None:
    """Organiser tokens."""


@token.command("create")
@click.option("--name", required=True, help="Who or what the token is for")
@click.option("--mission", "mission_slug", help="Scope the token to this mission")
@click.option("--all", "all_missions", is_flag=True, help="Let the token manage every mission")
def token_create(name: str, mission_slug: str | None, all_missions: bool) -> None:
    """Create an organiser token; the secret is printed once, alone on the last line."""
    if bool(mission_slug) == all_missions:
        raise click.UsageError("Give exactly one of --mission SLUG or --all.")
    settings = Settings()
    secret = _with_services(settings, lambda s: s.organiser_tokens.create(name, mission_slug))
    scope = f"mission {mission_slug}" if mission_slug else "all missions"
    click.echo(f"organiser token {name!r} for {scope} (shown once; only its digest is stored):")
    click.echo(secret)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo(host: str, port: int) -> None:
    """Migrate the database, load the Bishkek mission starting next Monday, and serve."""
    if "EVENTHUB_PUBLIC_URL" not in os.environ:
        os.environ["EVENTHUB_PUBLIC_URL"] = f"http://{host}:{port}"
    settings = Settings()
    upgrade(settings.database_url)
    data = read_mission_file(fixtures_dir() / DEMO_FIXTURE)
    start = next_monday(date.today())

    async def prepare(services: Services) -> str:
        slug = data.mission.slug
        try:
            current = await services.missions.get(slug, None)
        except DomainError:
            current = None
        if current is None or current.starts_on != start:
            await load_mission(services, data, start=start, replace=True)
        return await services.organiser_tokens.create("demo", None)

    secret = _with_services(settings, prepare)
    base = settings.public_base
    slug = data.mission.slug
    click.echo(
        "\n".join([
            f"eventhub demo: mission {slug!r} from {start} ({settings.database_url})",
            f"  agenda (JSON): {base}/api/missions/{slug}/sessions",
            f"  agenda (page): {base}/missions/{slug}",
            f"  feed:          {base}/missions/{slug}/calendar.ics",
            f"  API docs:      {base}/schema/swagger",
            f"  organiser token (Authorization: Bearer ...): {secret}",
        ])
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", log_config=uvicorn_log_config())
