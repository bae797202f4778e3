"""Organiser tokens: created from the command line, stored as digests, checked per request."""

from __future__ import annotations

from sqlalchemy import select

from eventhub.db.database import Database
from eventhub.db.models import Mission, OrganiserToken
from eventhub.db.services.access import Clock, Organiser
from eventhub.domain.errors import AuthenticationRequired, Forbidden, NotFound
from eventhub.domain.tokens import new_token, token_digest

ORGANISER_TOKEN_PREFIX = "eho"


class OrganiserTokens:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def create(self, name: str, mission_slug: str | None) -> str:
        """A new token for one mission (or all when `mission_slug` is None); returns the secret once."""
        token = new_token(ORGANISER_TOKEN_PREFIX)
        async with self._database.write() as db:
            mission_id = None
            if mission_slug is not None:
                mission_id = await db.scalar(select(Mission.id).where(Mission.slug == mission_slug))
                if mission_id is None:
                    raise NotFound(f"No mission {mission_slug!r}.", code="mission_not_found")
            db.add(OrganiserToken(
                name=name, token_hash=token_digest(token), mission_id=mission_id, created_at=self._clock()
            ))
        return token

    async def authenticate(self, token: str) -> Organiser:
        async with self._database.read() as db:
            row = await db.scalar(select(OrganiserToken).where(OrganiserToken.token_hash == token_digest(token)))
        if row is None:
            raise AuthenticationRequired("The organiser token is not valid.", code="invalid_token")
        return Organiser(token_id=row.id, name=row.name, mission_id=row.mission_id)

    async def check_scope(self, organiser: Organiser, slug: str) -> None:
        """403 when the token is scoped to another existing mission (a missing one is a 404 later)."""
        async with self._database.read() as db:
            mission_id = await db.scalar(select(Mission.id).where(Mission.slug == slug))
        if mission_id is not None and not organiser.may_manage(mission_id):
            raise Forbidden(f"This token is not for mission {slug!r}.", code="wrong_mission")
