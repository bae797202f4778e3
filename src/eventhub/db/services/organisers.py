"""Organiser API tokens: made from the command line or the back office, stored as digests,
checked against the database on every request (so a revoked token is refused at once by
every worker)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

from sqlalchemy import or_, select, update

from eventhub.db.database import Database, DatabaseBusy, DatabaseUnavailable
from eventhub.db.models import Account, Mission, OrganiserToken
from eventhub.db.services.access import Clock, Organiser, managed_mission
from eventhub.db.services.accounts import organiser_of
from eventhub.domain.errors import AuthenticationRequired, NotFound
from eventhub.domain.permissions import Action, Role, authorize, lesser
from eventhub.domain.tokens import new_token, token_digest

ORGANISER_TOKEN_PREFIX = "eho"
# "Last used" is a day-to-day hint, not an audit: written at most this often per token,
# so that API reads do not each take a write lock.
LAST_USED_GRANULARITY = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: int
    name: str
    mission_slug: str | None  # None: every mission
    role: Role
    account_id: int | None
    account_name: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class OrganiserTokens:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def create(
        self, name: str, mission_slug: str | None, *, role: Role | None = None, account_id: int | None = None,
        by: Organiser | None = None,
    ) -> str:
        """A new token for one mission (or all when `mission_slug` is None), with at most
        `role` there (owner when None); returns the secret once. `by`: the organiser who
        makes it in the back office (an owner of the mission; the history names them)."""
        token = new_token(ORGANISER_TOKEN_PREFIX)
        async with self._database.write() as db:
            mission_id = None
            if by is not None and mission_slug is not None:
                mission_id = (await managed_mission(db, mission_slug, by, action=Action.MANAGE_TOKENS)).id
            elif mission_slug is not None:
                mission_id = await db.scalar(select(Mission.id).where(Mission.slug == mission_slug))
                if mission_id is None:
                    raise NotFound(f"No mission {mission_slug!r}.", code="mission_not_found")
            db.add(OrganiserToken(
                name=name, token_hash=token_digest(token), mission_id=mission_id, created_at=self._clock(),
                role=None if role in (None, Role.OWNER) else role, account_id=account_id,
            ))
        return token

    async def authenticate(self, token: str) -> Organiser:
        now = self._clock()
        async with self._database.read() as db:
            row = await db.scalar(select(OrganiserToken).where(
                OrganiserToken.token_hash == token_digest(token), OrganiserToken.revoked_at.is_(None)
            ))
            if row is None:
                raise AuthenticationRequired("The organiser token is not valid.", code="invalid_token")
            account = await db.get(Account, row.account_id) if row.account_id is not None else None
            organiser = _token_organiser(row, await organiser_of(db, account) if account else None)
        if row.last_used_at is None or row.last_used_at < now - LAST_USED_GRANULARITY:
            await self._mark_used(row.id, now)
        return organiser

    async def _mark_used(self, token_id: int, now: datetime) -> None:
        try:
            async with self._database.write() as db:
                await db.execute(update(OrganiserToken).where(
                    OrganiserToken.id == token_id,
                    or_(OrganiserToken.last_used_at.is_(None), OrganiserToken.last_used_at < now - LAST_USED_GRANULARITY),
                ).values(last_used_at=now))
        except (DatabaseBusy, DatabaseUnavailable):
            # Another request is writing, or the database takes no writes right now (read
            # only, disk full): "last used" can wait, the request itself is a read.
            pass

    async def check_scope(self, organiser: Organiser, slug: str, action: Action = Action.VIEW) -> None:
        """403 when the token may not do `action` in an existing mission (a missing one is a 404 later)."""
        async with self._database.read() as db:
            mission_id = await db.scalar(select(Mission.id).where(Mission.slug == slug))
        if mission_id is not None:
            authorize(organiser, action, mission_id)

    async def list(self, *, mission_slug: str | None = None, include_revoked: bool = True) -> list[TokenInfo]:
        """Every token (the CLI), or those scoped to one mission (its tokens page)."""
        query = (
            select(OrganiserToken, Mission.slug, Account.name)
            .outerjoin(Mission, Mission.id == OrganiserToken.mission_id)
            .outerjoin(Account, Account.id == OrganiserToken.account_id)
            .order_by(OrganiserToken.id)
        )
        if mission_slug is not None:
            query = query.where(Mission.slug == mission_slug)
        if not include_revoked:
            query = query.where(OrganiserToken.revoked_at.is_(None))
        async with self._database.read() as db:
            rows = (await db.execute(query)).all()
        return [
            TokenInfo(t.id, t.name, slug, t.role or Role.OWNER, t.account_id, account_name, t.created_at,
                      t.last_used_at, t.revoked_at)
            for t, slug, account_name in rows
        ]

    async def revoke(self, token_id: int, *, mission_slug: str | None = None, by: Organiser | None = None) -> TokenInfo:
        """Revoke a token (within one mission's tokens when `mission_slug` is given); it is
        refused from the next request on, on every worker. Revoking twice is harmless."""
        async with self._database.write() as db:
            if by is not None and mission_slug is not None:
                await managed_mission(db, mission_slug, by, action=Action.MANAGE_TOKENS)
            query = select(OrganiserToken).where(OrganiserToken.id == token_id)
            if mission_slug is not None:
                query = query.join(Mission, Mission.id == OrganiserToken.mission_id).where(Mission.slug == mission_slug)
            row = await db.scalar(query)
            if row is None:
                raise NotFound(f"No token {token_id}.", code="token_not_found")
            if row.revoked_at is None:
                row.revoked_at = self._clock()
        return next(t for t in await self.list(mission_slug=mission_slug) if t.id == token_id)


def _token_organiser(row: OrganiserToken, account: Organiser | None) -> Organiser:
    """A token acts within its scope, with at most its role, and never above its account."""
    cap = row.role or Role.OWNER
    if account is None:  # the installation's token (CLI)
        if row.mission_id is None:
            return Organiser(name=row.name, token_id=row.id, all_missions=True)
        return Organiser(name=row.name, token_id=row.id, roles=MappingProxyType({row.mission_id: cap}))
    name = f"{account.name} ({row.name})"
    if account.all_missions and row.mission_id is None and cap == Role.OWNER:
        return Organiser(name=name, token_id=row.id, account_id=account.account_id, all_missions=True)
    reach = [row.mission_id] if row.mission_id is not None else [*account.mission_ids]
    roles = {}
    for mission_id in reach:
        role = account.role_in(mission_id)
        if role is not None:
            roles[mission_id] = lesser(role, cap)
    return Organiser(name=name, token_id=row.id, account_id=account.account_id, roles=MappingProxyType(roles))
