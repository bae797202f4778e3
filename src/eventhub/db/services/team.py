"""A mission's team: members and their roles, invitations by mail, password resets.

Links (an invitation, a reset) are single-use and expire; their secret is derived from
the server key and the row's random message key, so only its digest is stored, and the
mail is composed with it at send time (`account_mail`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from eventhub.db.database import Database
from eventhub.db.models import Account, AccountLink, Membership, Mission
from eventhub.db.services.access import Clock, Organiser, act_as, managed_mission, require_organiser
from eventhub.db.services.accounts import check_password, clean_email, clean_name, end_sessions
from eventhub.db.services.history import record_change
from eventhub.db.services.registrations import email_key
from eventhub.domain.errors import InvalidInput, NotFound, StateConflict
from eventhub.domain.mail import MailStatus
from eventhub.domain.passwords import hash_password, verify_password
from eventhub.domain.permissions import Action, Role, outranks
from eventhub.domain.tokens import derived_token, token_digest

INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=1)
INVITATION, RESET = "invitation", "reset"
LINK_PREFIX = "ehl"


def link_token(secret_key: str, message_key: str) -> str:
    return derived_token(LINK_PREFIX, secret_key, f"account-link/{message_key}")


@dataclass(frozen=True, slots=True)
class Member:
    account_id: int
    name: str
    email: str
    role: Role


@dataclass(frozen=True, slots=True)
class Team:
    mission: Mission
    members: list[Member]
    invitations: list[AccountLink]  # pending: not used, not expired


@dataclass(frozen=True, slots=True)
class Invitation:
    link: AccountLink
    mission: Mission
    has_account: bool


def bad_link() -> NotFound:
    return NotFound("This link is not valid any more: it was used, it expired, or it is mistyped.",
                    code="link_not_valid")


class TeamService:
    def __init__(self, database: Database, clock: Clock, secret_key: str) -> None:
        self._database = database
        self._clock = clock
        self._secret_key = secret_key

    async def team(self, slug: str, organiser: Organiser | None) -> Team:
        now = self._clock()
        async with self._database.read() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.VIEW)
            rows = await db.execute(
                select(Account.id, Account.name, Account.email, Membership.role)
                .join(Membership, Membership.account_id == Account.id)
                .where(Membership.mission_id == mission.id)
                .order_by(Account.name, Account.id)
            )
            members = [Member(a, n, e, Role(r)) for a, n, e, r in rows]
            invitations = list(await db.scalars(select(AccountLink).where(
                AccountLink.mission_id == mission.id, AccountLink.purpose == INVITATION,
                AccountLink.used_at.is_(None), AccountLink.expires_at > now,
            ).order_by(AccountLink.id)))
        return Team(mission, members, invitations)

    async def invite(self, slug: str, email: str, role: Role, organiser: Organiser | None, *, language: str = "en") -> AccountLink:
        """Mail an invitation to join the team with `role` (never above the inviter's)."""
        email = clean_email(email)
        now = self._clock()
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, action=Action.MANAGE_TEAM)
            inviter = require_organiser(organiser)
            own = inviter.role_in(mission.id)
            if own is None or not outranks(own, role):
                raise InvalidInput("You cannot give a role above your own.", code="role_above_yours", field="role")
            member = await db.scalar(select(Membership.id).join(Account, Account.id == Membership.account_id).where(
                Membership.mission_id == mission.id, Account.email_key == email_key(email)))
            if member is not None:
                raise StateConflict(f"{email} is in the team already.", code="already_member", field="email")
            link = _link(INVITATION, email, now + INVITATION_LIFETIME, now, self._secret_key, language,
                         mission_id=mission.id, role=role, invited_by=inviter.name)
            db.add(link)
            await db.flush()
            await record_change(db, organiser, mission, subject="invitation", subject_id=link.id, change="invited",
                                at=now, fields={"email": [None, email], "role": [None, role]})
        return link

    async def change_role(self, slug: str, account_id: int, role: Role, organiser: Organiser | None) -> None:
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, lock=True, action=Action.MANAGE_TEAM)
            membership = await _membership(db, mission, account_id)
            if membership.role == Role.OWNER and role != Role.OWNER:
                await _not_the_last_owner(db, mission)
            membership.role = role

    async def remove(self, slug: str, account_id: int, organiser: Organiser | None) -> None:
        async with self._database.write() as db:
            mission = await managed_mission(db, slug, organiser, lock=True, action=Action.MANAGE_TEAM)
            membership = await _membership(db, mission, account_id)
            if membership.role == Role.OWNER:
                await _not_the_last_owner(db, mission)
            await db.delete(membership)

    async def invitation(self, token: str) -> Invitation:
        async with self._database.read() as db:
            link = await self._valid_link(db, token, INVITATION)
            mission = await db.get_one(Mission, link.mission_id)
            has_account = await db.scalar(select(Account.id).where(Account.email_key == email_key(link.email)))
        return Invitation(link, mission, has_account is not None)

    async def accept(self, token: str, *, name: str, password: str) -> Account:
        """Join the team: a new account (name, password) or, for an address that has one,
        the existing account (its password). The link is used up."""
        now = self._clock()
        async with self._database.read() as db:
            link = await self._valid_link(db, token, INVITATION)
            account = await db.scalar(select(Account).where(Account.email_key == email_key(link.email)))
        if account is None:
            name = clean_name(name)
            check_password(password, email=link.email, name=name)
            password_hash = hash_password(password)
        elif not verify_password(account.password_hash, password):
            raise InvalidInput("That is not the password of your account.", code="wrong_password", field="password")
        async with self._database.write() as db:
            link = await self._valid_link(db, token, INVITATION, lock=True)
            mission = await db.get_one(Mission, link.mission_id)
            if account is None:
                account = Account(email=link.email, email_key=email_key(link.email), name=name,
                                  password_hash=password_hash, all_missions=False, created_at=now)
                db.add(account)
                await db.flush()
            joined = Organiser(name=account.name, account_id=account.id)
            act_as(db, joined, mission.id)
            membership = await db.scalar(select(Membership).where(
                Membership.mission_id == mission.id, Membership.account_id == account.id))
            role = link.role or Role.VIEWER
            if membership is None:
                db.add(Membership(account_id=account.id, mission_id=mission.id, role=role, created_at=now))
            elif outranks(role, membership.role):
                membership.role = role
            link.used_at = now
        return account

    async def request_reset(self, email: str, *, language: str = "en") -> None:
        """Mail a reset link if the address has an account; the same silence otherwise."""
        now = self._clock()
        async with self._database.write() as db:
            account = await db.scalar(select(Account).where(Account.email_key == email_key(email.strip())))
            if account is None:
                return
            db.add(_link(RESET, account.email, now + RESET_LIFETIME, now, self._secret_key, language,
                         account_id=account.id))

    async def check_reset_link(self, token: str) -> None:
        async with self._database.read() as db:
            await self._valid_link(db, token, RESET)

    async def reset_password(self, token: str, password: str) -> Account:
        """A new password from a reset link: every session of the account ends, every
        other reset link of it is used up."""
        now = self._clock()
        async with self._database.read() as db:
            link = await self._valid_link(db, token, RESET)
            account = await db.get_one(Account, link.account_id)
        check_password(password, email=account.email, name=account.name)
        password_hash = hash_password(password)
        async with self._database.write() as db:
            link = await self._valid_link(db, token, RESET, lock=True)
            account = await db.get_one(Account, link.account_id)
            account.password_hash = password_hash
            await db.execute(update(AccountLink).where(
                AccountLink.account_id == account.id, AccountLink.purpose == RESET, AccountLink.used_at.is_(None)
            ).values(used_at=now))
            await end_sessions(db, account.id, now)
        return account

    async def _valid_link(self, db: AsyncSession, token: str, purpose: str, *, lock: bool = False) -> AccountLink:
        query = select(AccountLink).where(AccountLink.digest == token_digest(token), AccountLink.purpose == purpose)
        if lock:
            query = query.with_for_update()
        link = await db.scalar(query)
        if link is None or link.used_at is not None or link.expires_at <= self._clock():
            raise bad_link()
        return link


def _link(purpose: str, email: str, expires_at: datetime, now: datetime, secret_key: str, language: str,
          **fields: object) -> AccountLink:
    message_key = str(uuid.uuid4())
    return AccountLink(
        purpose=purpose, email=email, digest=token_digest(link_token(secret_key, message_key)),
        message_key=message_key, language=language, created_at=now, expires_at=expires_at,
        mail_status=MailStatus.PENDING, attempts=0, next_attempt_at=now, **fields,
    )


async def _membership(db: AsyncSession, mission: Mission, account_id: int) -> Membership:
    membership = await db.scalar(select(Membership).where(
        Membership.mission_id == mission.id, Membership.account_id == account_id))
    if membership is None:
        raise NotFound(f"No member {account_id} in this team.", code="member_not_found")
    return membership


async def _not_the_last_owner(db: AsyncSession, mission: Mission) -> None:
    owners = await db.scalar(select(func.count()).select_from(Membership).where(
        Membership.mission_id == mission.id, Membership.role == Role.OWNER))
    if (owners or 0) <= 1:
        raise StateConflict("A mission keeps at least one owner: make someone else owner first.", code="last_owner")
