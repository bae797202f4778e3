"""ORM rows to response bodies. Times go out with their offset, in their zone, and in UTC."""

from __future__ import annotations

import msgspec

from eventhub.schemas import (
    ChangeSummaryOut,
    ConflictingSession,
    ConflictOut,
    FeedTokenOut,
    GroupRegistrationAnswer,
    ManageTokenOut,
    MemberAnswer,
    MeOut,
    MeRegistration,
    MissionOut,
    PersonOut,
    RegistrationAccepted,
    RegistrationAnswer,
    RegistrationRow,
    ScheduleWarningOut,
    SessionResultOut,
    SubscribeLinksOut,
    SessionOut,
    SpeakerOut,
    TravelTimeOut,
    VenueOut,
    VenueRef,
)
from eventhub.db.models import Mission, Person, TravelTime, Venue
from eventhub.db.services.attendees import MissionRegistrations
from eventhub.db.services.registrations import (
    AttendeeView,
    GroupOutcome,
    SessionResult,
    SignupOutcome,
)
from eventhub.domain.reminders import Reminder
from eventhub.domain.tokens import feed_token_for
from eventhub.db.services.bulk import ChangeSummary
from eventhub.db.services.sessions import SessionView
from eventhub.domain.programme import ChangeKind
from eventhub.domain.registration import ScheduleWarning, WarningKind, seats_left
from eventhub.domain.scheduling import ConflictPair, Slot
from eventhub.domain.time import zone, with_offset
from eventhub.domain.translations import localize, localized
from eventhub.urls import Urls, subscribe_links, webcal_url


class Presenter:
    def __init__(self, public_base: str) -> None:
        self.urls = Urls(public_base)

    def mission(self, mission: Mission, lang: str | None = None) -> MissionOut:
        """`lang`: the reader's language, for the translated texts and the feed links."""
        feed = self.urls.mission_feed(mission.slug, lang)
        texts = localize(
            {"title": mission.title, "summary": mission.summary, "host_city": mission.host_city,
             "funding_note": mission.funding_note},
            mission.translations,
            lang,
        )
        return MissionOut(
            id=mission.id,
            slug=mission.slug,
            title=texts["title"],
            summary=texts["summary"],
            host_city=texts["host_city"],
            host_country=mission.host_country,
            timezone=mission.timezone,
            starts_on=mission.starts_on,
            ends_on=mission.ends_on,
            organiser_name=mission.organiser_name,
            contact_email=mission.contact_email,
            funding_note=texts["funding_note"],
            status=mission.status,
            default_language=mission.default_language,
            content_languages=list(mission.content_languages),
            translations=dict(mission.translations),
            lang=lang,
            url=self.urls.mission(mission.slug, lang),
            sessions_url=self.urls.mission_sessions_api(mission.slug),
            feed_url=feed,
            webcal_url=webcal_url(feed),
            subscribe=self.subscribe(feed, texts["title"]),
            created_at=mission.created_at,
            updated_at=mission.updated_at,
        )

    def venue(self, venue: Venue, mission: Mission | None = None) -> VenueOut:
        return VenueOut(
            id=venue.id,
            name=venue.name,
            address=venue.address,
            capacity=venue.capacity,
            latitude=venue.latitude,
            longitude=venue.longitude,
            timezone=venue.timezone,
            effective_timezone=venue.timezone or (mission.timezone if mission else ""),
            translations=dict(venue.translations),
        )

    def person(self, person: Person, *, with_email: bool) -> PersonOut:
        out = msgspec.convert(person, PersonOut, from_attributes=True)
        return out if with_email else msgspec.structs.replace(out, email=None)

    def session(self, view: SessionView, mission_slug: str, lang: str | None = None) -> SessionOut:
        """`lang`: the reader's language, for the translated texts and the feed link."""
        s = view.session
        tz = zone(s.timezone)
        texts = localize({"title": s.title, "description": s.description}, s.translations, lang)
        return SessionOut(
            id=s.id,
            mission_slug=mission_slug,
            title=texts["title"],
            kind=s.kind,
            description=texts["description"],
            starts_at=with_offset(s.starts_local, s.timezone),
            ends_at=with_offset(s.ends_local, s.timezone),
            timezone=s.timezone,
            starts_at_utc=s.starts_at_utc,
            ends_at_utc=s.ends_at_utc,
            venue_id=s.venue_id,
            venue=VenueRef(
                id=s.venue.id, **localize({"name": s.venue.name, "address": s.venue.address}, s.venue.translations, lang)
            ) if s.venue else None,
            online_url=s.online_url,
            speakers=[
                SpeakerOut(person_id=sp.person_id, role=sp.role, name=sp.person.name, affiliation=sp.person.affiliation)
                for sp in s.speakers
            ],
            capacity=s.capacity,
            seats_left=seats_left(s.capacity, view.seats.confirmed),
            waitlist_length=view.seats.waitlisted,
            registration=s.registration,
            registration_opens_at=s.registration_opens_at.astimezone(tz) if s.registration_opens_at else None,
            registration_closes_at=s.registration_closes_at.astimezone(tz) if s.registration_closes_at else None,
            language=s.language,
            status=s.status,
            cancel_reason=s.cancel_reason,
            sequence=s.sequence,
            translations=dict(s.translations),
            lang=lang,
            url=self.urls.session(mission_slug, s.id, lang),
            ics_url=self.urls.session_feed(mission_slug, s.id, lang),
            created_at=s.created_at,
            updated_at=s.updated_at,
        )

    @staticmethod
    def change_summary(summary: ChangeSummary) -> ChangeSummaryOut:
        counts = summary.counts
        return ChangeSummaryOut(
            applied=summary.applied,
            moved=counts.get(ChangeKind.MOVED, 0),
            cancelled=counts.get(ChangeKind.CANCELLED, 0),
            published=counts.get(ChangeKind.PUBLISHED, 0),
            reinstated=counts.get(ChangeKind.REINSTATED, 0),
            withdrawn=counts.get(ChangeKind.WITHDRAWN, 0),
            changed=counts.get(ChangeKind.CHANGED, 0),
            attendees_mailed=summary.attendees_mailed,
            session_ids=list(summary.session_ids),
        )

    @staticmethod
    def subscribe(feed_url: str, name: str) -> SubscribeLinksOut:
        links = subscribe_links(feed_url, name)
        return SubscribeLinksOut(
            https=links.https, webcal=links.webcal, google=links.google,
            outlook=links.outlook, outlook_office=links.outlook_office,
        )

    def accepted(self) -> RegistrationAccepted:
        return RegistrationAccepted(
            status="accepted",
            detail="If this address is registered for the mission, its owner receives their manage link by e-mail.",
        )

    def registration_answer(self, outcome: SignupOutcome) -> RegistrationAnswer:
        assert outcome.attendee_id is not None
        answer = RegistrationAnswer(
            results=[_result(r) for r in outcome.results],
            warnings=[self.warning(w) for w in outcome.warnings],
            attendee_id=outcome.attendee_id,
        )
        if outcome.manage_token is not None and outcome.feed_token is not None:
            answer.manage_token = outcome.manage_token
            answer.manage_url = self.urls.manage(outcome.manage_token)
            answer.feed_url = self.urls.personal_feed(outcome.feed_token)
            answer.webcal_url = webcal_url(answer.feed_url)
            answer.subscribe = self.subscribe(answer.feed_url, f"My programme: {outcome.mission_title}")
        return answer

    def group_answer(self, outcome: GroupOutcome) -> GroupRegistrationAnswer:
        head = self.registration_answer(outcome.head)
        members = []
        for member in outcome.members:
            answer = MemberAnswer(name=member.name, email=member.email, attendee_id=member.attendee_id,
                                  results=[_result(r) for r in member.results])
            if member.manage_token is not None and member.feed_token is not None:
                answer.manage_url = self.urls.manage(member.manage_token)
                answer.feed_url = self.urls.personal_feed(member.feed_token)
            members.append(answer)
        return GroupRegistrationAnswer(**msgspec.structs.asdict(head), members=members)

    @staticmethod
    def warning(warning: ScheduleWarning) -> ScheduleWarningOut:
        if warning.kind == WarningKind.OVERLAP:
            message = f"Overlaps {warning.other_title!r}, which you are also registered for."
        else:
            message = (
                f"Leaves less than the {warning.travel_minutes} minutes needed to travel "
                f"from or to {warning.other_title!r}."
            )
        return ScheduleWarningOut(
            kind=warning.kind.value,
            session_id=warning.session_id,
            other_session_id=warning.other_session_id,
            other_title=warning.other_title,
            travel_minutes=warning.travel_minutes,
            message=message,
        )

    def me(self, view: AttendeeView, manage_token: str, lang: str | None = None) -> MeOut:
        """`lang`: the language of the page that shows it (titles); None: as written."""
        feed = self.urls.personal_feed(feed_token_for(manage_token, view.attendee.feed_generation))
        return MeOut(
            id=view.attendee.id,
            name=view.attendee.name,
            email=view.attendee.email,
            organisation=view.attendee.organisation,
            language=view.attendee.language,
            reminder=Reminder(view.attendee.reminder),
            mission_slug=view.mission.slug,
            registrations=self.me_registrations(view, lang),
            feed_url=feed,
            webcal_url=webcal_url(feed),
            subscribe=self.subscribe(feed, f"My programme: {view.mission.title}"),
        )

    def me_registrations(self, view: AttendeeView, lang: str | None = None) -> list[MeRegistration]:
        return [
            MeRegistration(
                session_id=item.session.id,
                status=item.registration.status.value,
                waitlist_position=item.waitlist_position,
                code=None,
                check_in_code=item.check_in_code,
                title=localized(item.session.title, item.session.translations, "title", lang).text,
                session_status=item.session.status,
                starts_at=with_offset(item.session.starts_local, item.session.timezone),
                ends_at=with_offset(item.session.ends_local, item.session.timezone),
                timezone=item.session.timezone,
                registered_at=item.registration.created_at,
                session_url=self.urls.session(view.mission.slug, item.session.id, lang),
            )
            for item in view.registrations
        ]

    def feed_token(self, feed_token: str) -> FeedTokenOut:
        url = self.urls.personal_feed(feed_token)
        return FeedTokenOut(feed_url=url, webcal_url=webcal_url(url), subscribe=self.subscribe(url, "My programme"))

    def manage_token(self, manage_token: str) -> ManageTokenOut:
        return ManageTokenOut(manage_token=manage_token, manage_url=self.urls.manage(manage_token))

    @staticmethod
    def registration_rows(export: MissionRegistrations) -> list[RegistrationRow]:
        return [
            RegistrationRow(
                id=item.registration.id,
                session_id=item.session.id,
                session_title=item.session.title,
                session_starts_at=with_offset(item.session.starts_local, item.session.timezone),
                session_status=item.session.status,
                attendee_id=item.attendee.id,
                name=item.attendee.name,
                email=item.attendee.email,
                organisation=item.attendee.organisation,
                status=item.registration.status.value,
                waitlist_position=item.waitlist_position,
                created_at=item.registration.created_at,
                confirmed_at=item.registration.confirmed_at,
                cancelled_at=item.registration.cancelled_at,
                checked_in_at=item.checked_in_at,
            )
            for item in export.items
        ]

    def travel_time(self, row: TravelTime) -> TravelTimeOut:
        return msgspec.convert(row, TravelTimeOut, from_attributes=True)

    def conflict(self, pair: ConflictPair) -> ConflictOut:
        return ConflictOut(
            reason=pair.reason.value,
            sessions=[self._conflicting(slot) for slot in (pair.first, pair.second)],
            venue_id=pair.venue_id,
            person_ids=list(pair.person_ids),
            travel_minutes=pair.travel_minutes,
        )

    @staticmethod
    def _conflicting(slot: Slot) -> ConflictingSession:
        tz = zone(slot.timezone)
        return ConflictingSession(
            session_id=slot.session_id,
            title=slot.title,
            starts_at=slot.starts_utc.astimezone(tz),
            ends_at=slot.ends_utc.astimezone(tz),
        )



def _result(result: SessionResult) -> SessionResultOut:
    return SessionResultOut(
        session_id=result.session_id,
        status=result.status,
        waitlist_position=result.waitlist_position,
        code=result.code,
    )
