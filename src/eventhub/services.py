"""The services an app instance runs with, built once from settings and a clock."""

from __future__ import annotations

from dataclasses import dataclass

from eventhub.db.database import Database
from eventhub.db.services.bulk import Bulk
from eventhub.db.services.cloning import MissionCopies
from eventhub.db.services.access import Clock
from eventhub.db.services.accounts import Accounts
from eventhub.db.services.attendees import Attendance
from eventhub.db.services.checkins import CheckIns
from eventhub.db.services.deliveries import Outbox
from eventhub.db.services.exports import ScheduleExports
from eventhub.db.services.feeds import Feeds
from eventhub.db.services.account_mail import LinkOutbox
from eventhub.db.services.history import History
from eventhub.db.services.team import TeamService
from eventhub.db.services.idempotency import IdempotencyStore
from eventhub.db.services.imports import Imports
from eventhub.db.services.meetings import Meetings, Solver
from eventhub.db.services.messages import Messages
from eventhub.db.services.missions import Missions
from eventhub.db.services.organisers import OrganiserTokens
from eventhub.db.services.records import People, Venues
from eventhub.db.services.delegations import Delegations
from eventhub.db.services.registrations import Registrations
from eventhub.db.services.sessions import Sessions, UidFactory, random_uid
from eventhub.db.services.travel import TravelTimesService
from eventhub.domain.meetings.solver import schedule
from eventhub.mail.compose import Composer, MailSettings
from eventhub.mail.account_mail import LinkComposer
from eventhub.mail.sender import MailSender
from eventhub.mail.transport import LogTransport, SmtpTransport, Transport
from eventhub.ratelimit import MemoryCounter, Rate, RateLimiter, RedisCounter, SignInLimits, parse_rate
from eventhub.settings import Settings


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    database: Database
    clock: Clock
    organiser_tokens: OrganiserTokens
    missions: Missions
    venues: Venues
    people: People
    sessions: Sessions
    bulk: Bulk
    copies: MissionCopies
    imports: Imports
    travel_times: TravelTimesService
    registrations: Registrations
    delegations: Delegations
    attendance: Attendance
    check_ins: CheckIns
    messages: Messages
    meetings: Meetings
    feeds: Feeds
    exports: ScheduleExports
    outbox: Outbox
    mail_sender: MailSender
    idempotency: IdempotencyStore
    rate_limiter: RateLimiter | None
    sign_in_limits: SignInLimits | None
    accounts: Accounts
    history: History
    team: TeamService
    link_mail_sender: MailSender

    @classmethod
    def build(
        cls,
        settings: Settings,
        database: Database,
        clock: Clock,
        new_uid: UidFactory = random_uid,
        transport: Transport | None = None,
        meeting_solver: Solver = schedule,
    ) -> Services:
        database.clock = clock
        return cls(
            settings=settings,
            database=database,
            clock=clock,
            organiser_tokens=OrganiserTokens(database, clock),
            missions=Missions(database, clock),
            venues=Venues(database, clock),
            people=People(database, clock),
            sessions=Sessions(database, clock, new_uid),
            bulk=Bulk(database, clock),
            copies=MissionCopies(database, clock, new_uid),
            imports=Imports(database, clock, new_uid),
            travel_times=TravelTimesService(database, clock),
            registrations=Registrations(database, clock, settings.secret_key),
            delegations=Delegations(database, clock, settings.secret_key),
            attendance=Attendance(database, clock, settings.secret_key),
            check_ins=CheckIns(database, clock, settings.secret_key),
            messages=Messages(database, clock),
            meetings=Meetings(database, clock, new_uid, meeting_solver),
            feeds=Feeds(database, clock, settings.public_base, settings.public_host),
            exports=ScheduleExports(database, settings.public_base),
            rate_limiter=_rate_limiter(settings),
            sign_in_limits=_sign_in_limits(settings),
            accounts=Accounts(database, clock),
            history=History(database, clock),
            team=TeamService(database, clock, settings.secret_key),
            outbox=(outbox := Outbox(database, clock)),
            mail_sender=MailSender(outbox, _composer(settings), (transport := transport or _transport(settings)), clock),
            link_mail_sender=MailSender(LinkOutbox(database, clock), LinkComposer(_mail_settings(settings)),  # type: ignore[arg-type]
                                        transport, clock),
            idempotency=IdempotencyStore(database, clock, settings.secret_key),
        )


def _mail_settings(settings: Settings) -> MailSettings:
    return MailSettings(settings.public_base, settings.public_host, settings.sender_address, settings.secret_key)


def _composer(settings: Settings) -> Composer:
    return Composer(_mail_settings(settings))


def _transport(settings: Settings) -> Transport:
    return SmtpTransport(settings.smtp_url) if settings.smtp_url else LogTransport()


def _rate_limiter(settings: Settings) -> RateLimiter | None:
    rate = parse_rate(settings.registration_rate_limit)
    if rate is None:
        return None
    return RateLimiter(rate, _counter(settings))


def _sign_in_limits(settings: Settings) -> SignInLimits | None:
    rate = parse_rate(settings.sign_in_rate_limit)
    if rate is None:
        return None
    per_client = Rate(rate.count * SignInLimits.CLIENT_FACTOR, rate.seconds)
    return SignInLimits(RateLimiter(rate, _counter(settings)), RateLimiter(per_client, _counter(settings)))


def _counter(settings: Settings) -> MemoryCounter | RedisCounter:
    # Redis when configured: several server processes share one exact count.
    return RedisCounter(settings.redis_url) if settings.redis_url else MemoryCounter()
