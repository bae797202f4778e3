"""Organiser accounts: creation, sign-in, server-side browser sessions, and the
`Organiser` identity an account acts as (its roles per mission)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

import msgspec
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.database import Database
from eventhub.db.models import Account, Membership, Mission, ProgrammeSession, WebSession
from eventhub.db.services.access import Clock, Organiser
from eventhub.db.services.registrations import email_key
from eventhub.domain.errors import InvalidInput, NotFound, StateConflict
from eventhub.domain.passwords import (
    MIN_LENGTH,
    decoy_hash,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from eventhub.domain.permissions import Role
from eventhub.domain.tokens import new_token, token_digest
from eventhub.schemas import Email, Name

SESSION_LIFETIME = timedelta(days=7)
SESSION_PREFIX = "ehs"

_PASSWORD_MESSAGES = {
    "password_too_short": f"A password needs at least {MIN_LENGTH} characters.",
    "password_too_long": "That password is too long.",
    "password_too_common": "That password is one of the first ones people try; choose another.",
}


def check_password(password: str, *, email: str = "", name: str = "") -> None:
    problem = password_problem(password, email=email, name=name)
    if problem is not None:
        raise InvalidInput(_PASSWORD_MESSAGES[problem], code=problem, field="password")


def clean_email(email: str) -> str:
    email = email.strip()
    try:
        return msgspec.convert(email, Email)
    except msgspec.ValidationError:
        raise InvalidInput("Enter a single e-mail address such as name@example.org.", code="invalid_email",
                           field="email") from None


def clean_name(name: str) -> str:
    name = name.strip()
    try:
        return msgspec.convert(name, Name)
    except msgspec.ValidationError:
        raise InvalidInput("Enter a name of at most 200 characters.", code="invalid_name", field="name") from None


@dataclass(frozen=True, slots=True)
class NewSession:
    organiser: Organiser
    session_secret: str  # the cookie's value: shown to the browser once, stored as a digest
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class MissionGlance:
    """A row of /organise: a mission the organiser may see, with its registrations."""

    mission: Mission
    role: Role
    sessions: int
    confirmed: int
    waitlisted: int


async def organiser_of(db: AsyncSession, account: Account) -> Organiser:
    """The identity an account acts as: its roles, read afresh (a removed member's next
    request already has no role)."""
    rows = await db.execute(select(Membership.mission_id, Membership.role).where(Membership.account_id == account.id))
    roles = MappingProxyType({mission_id: Role(role) for mission_id, role in rows})
    return Organiser(name=account.name, account_id=account.id, all_missions=account.all_missions, roles=roles)


class Accounts:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def create(
        self, email: str, name: str, password: str, *, all_missions: bool = False,
        mission_slug: str | None = None, role: Role | None = None,
    ) -> Account:
        """A new account (the CLI's `organiser create`); with a mission, a member of it."""
        email, name = clean_email(email), clean_name(name)
        check_password(password, email=email, name=name)
        password_hash = hash_password(password)  # before the transaction: it takes a while
        async with self._database.write() as db:
            if await db.scalar(select(Account.id).where(Account.email_key == email_key(email))):
                raise StateConflict(f"An account for {email} already exists.", code="account_exists")
            mission_id = None
            if mission_slug is not None:
                mission_id = await db.scalar(select(Mission.id).where(Mission.slug == mission_slug))
                if mission_id is None:
                    raise NotFound(f"No mission {mission_slug!r}.", code="mission_not_found")
            now = self._clock()
            account = Account(email=email, email_key=email_key(email), name=name, password_hash=password_hash,
                              all_missions=all_missions, created_at=now)
            db.add(account)
            await db.flush()
            if mission_id is not None:
                db.add(Membership(account_id=account.id, mission_id=mission_id, role=role or Role.OWNER,
                                  created_at=now))
        return account

    async def set_password(self, email: str, password: str) -> Account:
        """A new password for the account with this address; every session it had ends."""
        account = await self.find(email)
        if account is None:
            raise NotFound(f"No account for {email}.", code="account_not_found")
        check_password(password, email=account.email, name=account.name)
        password_hash = hash_password(password)
        async with self._database.write() as db:
            row = await db.get_one(Account, account.id)
            row.password_hash = password_hash
            await end_sessions(db, account.id, self._clock())
        return row

    async def find(self, email: str) -> Account | None:
        async with self._database.read() as db:
            return await db.scalar(select(Account).where(Account.email_key == email_key(email)))

    async def sign_in(self, email: str, password: str) -> NewSession | None:
        """A new session for the right address and password; None otherwise (an unknown
        address costs the same hash as a wrong password, and answers the same)."""
        account = await self.find(email)
        if account is None:
            verify_password(decoy_hash(), password)
            return None
        if not verify_password(account.password_hash, password):
            return None
        rehashed = hash_password(password) if needs_rehash(account.password_hash) else None
        return await self.start_session(account.id, new_password_hash=rehashed)

    async def start_session(self, account_id: int, *, new_password_hash: str | None = None) -> NewSession:
        secret = new_token(SESSION_PREFIX)
        now = self._clock()
        async with self._database.write() as db:
            account = await db.get_one(Account, account_id)
            if new_password_hash is not None:
                account.password_hash = new_password_hash
            db.add(WebSession(account_id=account_id, digest=token_digest(secret), created_at=now,
                              expires_at=now + SESSION_LIFETIME))
            organiser = await organiser_of(db, account)
        return NewSession(organiser, secret, now + SESSION_LIFETIME)

    async def session_organiser(self, session_secret: str) -> Organiser | None:
        """Who a session cookie signs in: None once it is expired, revoked or made up.
        Read from the database on every request, so every worker agrees at once."""
        async with self._database.read() as db:
            account = await db.scalar(
                select(Account).join(WebSession, WebSession.account_id == Account.id).where(
                    WebSession.digest == token_digest(session_secret),
                    WebSession.revoked_at.is_(None),
                    WebSession.expires_at > self._clock(),
                )
            )
            return None if account is None else await organiser_of(db, account)

    async def sign_out(self, session_secret: str) -> None:
        async with self._database.write() as db:
            await db.execute(update(WebSession).where(
                WebSession.digest == token_digest(session_secret), WebSession.revoked_at.is_(None)
            ).values(revoked_at=self._clock()))

    async def sign_out_everywhere(self, account_id: int) -> int:
        """End every session of the account (all browsers); returns how many ended."""
        async with self._database.write() as db:
            return await end_sessions(db, account_id, self._clock())

    async def missions_at_a_glance(self, organiser: Organiser) -> list[MissionGlance]:
        """The missions the organiser may see, with sessions and registrations counted."""
        query = (
            select(
                Mission,
                func.count(ProgrammeSession.id),
                func.coalesce(func.sum(ProgrammeSession.confirmed_count), 0),
                func.coalesce(func.sum(ProgrammeSession.waitlisted_count), 0),
            )
            .outerjoin(ProgrammeSession, ProgrammeSession.mission_id == Mission.id)
            .group_by(Mission.id)
            .order_by(Mission.starts_on.desc(), Mission.slug)
        )
        if not organiser.all_missions:
            query = query.where(Mission.id.in_(organiser.mission_ids))
        async with self._database.read() as db:
            rows = (await db.execute(query)).all()
        glances = []
        for mission, sessions, confirmed, waitlisted in rows:
            role = organiser.role_in(mission.id)
            if role is not None:
                glances.append(MissionGlance(mission, role, int(sessions), int(confirmed), int(waitlisted)))
        return glances


async def end_sessions(db: AsyncSession, account_id: int, now: datetime) -> int:
    result = await db.execute(update(WebSession).where(
        WebSession.account_id == account_id, WebSession.revoked_at.is_(None)
    ).values(revoked_at=now))
    return result.rowcount or 0
