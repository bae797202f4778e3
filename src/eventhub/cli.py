"""The `eventhub` command: `serve`, `demo` (load the Bishkek fixture and serve it),
`db upgrade`, `load FILE`, `mail send [--loop]`, `token create|list|revoke` and
`organiser create`; `eventhub --help` lists them with their options."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import click
import uvicorn

from eventhub.app import create_app, system_clock
from eventhub.db.database import Database
from eventhub.db.migrate import upgrade
from eventhub.domain.errors import DomainError
from eventhub.domain.permissions import Role
from eventhub.domain.time import next_monday
from eventhub.loader import LoadError, load_mission, read_mission_file
from eventhub.logs import install_redaction, uvicorn_log_config
from eventhub.services import Services
from eventhub.settings import Settings
from eventhub.urls import Urls

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
    install_redaction()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="Server processes")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API, pages and feeds (run `eventhub db upgrade` first)."""
    run_server("eventhub.app:create_app_from_env", host=host, port=port, workers=workers)


WORKER_HEALTHCHECK_SECONDS = 60


def run_server(factory: str, *, host: str, port: int, workers: int) -> None:
    """The production server for an app factory ("module:function"); bench/ runs its
    baseline apps through this too, so that both sides of a comparison run on one server.

    uvicorn: side by side with granian on this machine, granian was not steadily faster for
    eventhub (bench/README.md, bench/RESULTS.md "Server choice"), and uvicorn already gives
    what we need: the client address from the local proxy's X-Forwarded-For (rate limits
    count per client), restarted workers, and access lines with attendees' tokens redacted.
    """
    uvicorn.run(
        factory, factory=True, host=host, port=port, workers=workers,
        proxy_headers=True, log_level="info", log_config=uvicorn_log_config(),
        # uvicorn kills a worker that does not answer its supervisor's ping within this many
        # seconds (default 5): on a busy machine a worker still importing the app misses it,
        # and is killed and restarted for ever, so `--workers 2` never came up under load.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )


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
    try:
        data = read_mission_file(file)
        slug = _with_services(settings, lambda s: load_mission(s, data, start=start_date, replace=replace))
    except LoadError as error:
        raise click.ClickException(f"{error}. Nothing was loaded.") from None
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
            await asyncio.gather(services.mail_sender.run_forever(), services.link_mail_sender.run_forever())
        return await services.mail_sender.drain() + await services.link_mail_sender.drain()

    handled = _with_services(settings, send)
    click.echo(f"handled {handled} message(s)")


@main.group()
def token() -> None:
    """Organiser tokens."""


ROLE_CHOICE = click.Choice([role.value for role in Role])


@token.command("create")
@click.option("--name", required=True, help="Who or what the token is for")
@click.option("--mission", "mission_slug", help="Scope the token to this mission")
@click.option("--all", "all_missions", is_flag=True, help="Let the token manage every mission")
@click.option("--role", type=ROLE_CHOICE, default=Role.OWNER.value, show_default=True,
              help="What the token may do in its mission (owner, editor, viewer)")
def token_create(name: str, mission_slug: str | None, all_missions: bool, role: str) -> None:
    """Create an organiser token; the secret is printed once, alone on the last line."""
    if bool(mission_slug) == all_missions:
        raise click.UsageError("Give exactly one of --mission SLUG or --all.")
    if all_missions and role != Role.OWNER:
        raise click.UsageError("A token for all missions is an owner everywhere; scope it with --mission for a --role.")
    settings = Settings()
    secret = _with_services(settings, lambda s: s.organiser_tokens.create(name, mission_slug, role=Role(role)))
    scope = f"mission {mission_slug} as {role}" if mission_slug else "all missions"
    click.echo(f"organiser token {name!r} for {scope} (shown once; only its digest is stored):")
    click.echo(secret)


@token.command("list")
def token_list() -> None:
    """Every organiser token: id, name, scope, role, owner, created, last used, revoked."""
    tokens = _with_services(Settings(), lambda s: s.organiser_tokens.list())
    if not tokens:
        click.echo("no organiser tokens")
    for t in tokens:
        scope = f"mission {t.mission_slug}" if t.mission_slug else "all missions"
        owner = f"account {t.account_name}" if t.account_name else "installation"
        used = t.last_used_at.isoformat(timespec="minutes") if t.last_used_at else "never"
        state = f"revoked {t.revoked_at.isoformat(timespec='minutes')}" if t.revoked_at else "active"
        click.echo(f"{t.id}\t{t.name}\t{scope}\t{t.role}\t{owner}\tcreated {t.created_at.isoformat(timespec='minutes')}"
                   f"\tlast used {used}\t{state}")


@token.command("revoke")
@click.argument("token_id", type=click.IntRange(min=1))
def token_revoke(token_id: int) -> None:
    """Revoke a token: every server process refuses it from the next request on."""
    revoked = _with_services(Settings(), lambda s: s.organiser_tokens.revoke(token_id))
    click.echo(f"revoked organiser token {revoked.id} ({revoked.name!r})")


@main.group()
def organiser() -> None:
    """Organiser accounts (they sign in at /organise)."""


@organiser.command("create")
@click.option("--email", required=True, help="The address they sign in with")
@click.option("--name", required=True, help="Their name, as the team and the history show it")
@click.option("--all", "all_missions", is_flag=True, help="Owner of every mission; may create missions")
@click.option("--mission", "mission_slug", help="A member of this mission's team")
@click.option("--role", type=ROLE_CHOICE, help="Their role in --mission (owner, editor, viewer)")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input")
def organiser_create(
    email: str, name: str, all_missions: bool, mission_slug: str | None, role: str | None, password_stdin: bool
) -> None:
    """Create an organiser account, e.g. `echo "$PASSWORD" | eventhub organiser create
    --email ira@example.lv --name "Ira Raciņa" --mission bishkek-2026 --role editor --password-stdin`."""
    if all_missions == bool(mission_slug):
        raise click.UsageError("Give exactly one of --all or --mission SLUG --role ROLE.")
    if mission_slug and role is None:
        raise click.UsageError("--mission needs --role (owner, editor or viewer).")
    if all_missions and role is not None:
        raise click.UsageError("--all is an owner of every mission; --role goes with --mission.")
    password = click.get_text_stream("stdin").readline().rstrip("\r\n")
    account = _with_services(Settings(), lambda s: s.accounts.create(
        email, name, password, all_missions=all_missions, mission_slug=mission_slug,
        role=Role(role) if role else None,
    ))
    scope = "every mission (owner)" if all_missions else f"mission {mission_slug} as {role}"
    click.echo(f"organiser {account.email} ({account.name}) for {scope}; they sign in at /organise/sign-in")


DEMO_ORGANISER_EMAIL = "organiser@demo.example.org"


async def demo_organiser(services: Services, password: str) -> None:
    """The demo's organiser of all missions, with this run's password."""
    if await services.accounts.find(DEMO_ORGANISER_EMAIL) is None:
        await services.accounts.create(DEMO_ORGANISER_EMAIL, "Demo Organiser", password, all_missions=True)
    else:
        await services.accounts.set_password(DEMO_ORGANISER_EMAIL, password)


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
        await demo_organiser(services, password)
        return await services.organiser_tokens.create("demo", None)

    password = secrets.token_urlsafe(12)  # new each run: the demo never has a known password
    secret = _with_services(settings, prepare)
    urls = Urls(settings.public_base)
    slug = data.mission.slug
    click.echo(
        "\n".join([
            f"eventhub demo: mission {slug!r} from {start} ({settings.database_url})",
            f"  agenda (JSON): {urls.mission_sessions_api(slug)}",
            f"  agenda (page): {urls.mission(slug)}",
            f"  feed:          {urls.mission_feed(slug)}",
            f"  API docs:      {settings.public_base}/schema/swagger",
            f"  back office:   {settings.public_base}/organise/sign-in",
            f"    e-mail:      {DEMO_ORGANISER_EMAIL}",
            f"    password:    {password}",
            f"  organiser token (Authorization: Bearer ...): {secret}",
        ])
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", log_config=uvicorn_log_config())
