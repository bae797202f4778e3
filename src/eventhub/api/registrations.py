"""Registrations: signing up (public), the attendee's own calls under /api/me, and the
organiser's list and CSV export."""

from __future__ import annotations

from typing import Any

from litestar.openapi.datastructures import ResponseSpec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from eventhub import exports
from eventhub.api.deps import spec, ORGANISER_ONLY, PathId, bearer_token, problems, provide_presenter
from eventhub.present import Presenter
from eventhub.schemas import (
    FeedTokenOut,
    GroupRegistrationAnswer,
    GroupRegistrationCreate,
    ManageTokenOut,
    MeOut,
    MePreferences,
    Problem,
    RegistrationAccepted,
    RegistrationAnswer,
    RegistrationCreate,
)
from eventhub.db.services.access import Organiser
from eventhub.db.services.registrations import GroupRequest, MemberRequest, Outcome, SignupRequest
from eventhub.domain.errors import AuthenticationRequired
from eventhub.domain.permissions import Action
from eventhub.ratelimit import enforce_registration_rate_limit
from eventhub.services import Services


def manage_token(request: Request[Any, Any, Any]) -> str:
    token = bearer_token(request)
    if token is None:
        raise AuthenticationRequired("Send your manage token: 'Authorization: Bearer <token>'.")
    return token


ME_PROBLEMS = problems(401, 404)


def _signup_responses(answer: type, created: str, added: str) -> dict[int, ResponseSpec]:
    """What a public signup answers: 201 new, 200 with a manage token, 202 a known address."""
    return {
        201: spec(answer, created),
        200: spec(answer, added),
        202: spec(RegistrationAccepted, "The address is registered already; its owner gets their link by mail"),
        **problems(401, 404, 409, 413, 422),
        429: spec(Problem, "Too many registrations from this address", media_type="application/problem+json"),
    }


class RegistrationController(Controller):
    path = "/api/missions/{slug:str}/registrations"
    tags = ["registrations"]

    @post(
        "/",
        operation_id="register",
        status_code=201,
        responses=_signup_responses(
            RegistrationAnswer, "A new attendee: results, tokens and links",
            "Sessions added for the attendee of the manage token",
        ),
    )
    async def register(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: JSONBody[RegistrationCreate],
        services: NamedDependency[Services],
    ) -> Response[Any]:
        """Register for one or more sessions: a result per session, warnings for clashes.

        201 for a new attendee (with the manage token, shown only here), 200 with a
        manage token as bearer, 202 when the address exists (nothing is revealed or changed),
        409 when every session is refused (nothing is stored)."""
        await enforce_registration_rate_limit(request)
        # One dependency only: Litestar resolves two or more in a task group, a cost that
        # shows on this path in a registration rush (bench/README.md).
        present = provide_presenter(request)
        signup = SignupRequest(data.name, data.email, data.organisation, data.session_ids, data.language, data.reminder)
        outcome = await services.registrations.register(slug, signup, bearer_token(request))
        if outcome.outcome == Outcome.EXISTING_ADDRESS:
            return Response(present.accepted(), status_code=202)
        status = 201 if outcome.outcome == Outcome.CREATED else 200
        return Response(present.registration_answer(outcome), status_code=status)

    @get("/", guards=ORGANISER_ONLY, operation_id="listRegistrations",
         responses=problems(401, 403, 404), media_type="application/json")
    async def list_registrations(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
        present: NamedDependency[Presenter],
    ) -> Response[Any]:
        """Every registration of the mission; `Accept: text/csv` for a spreadsheet."""
        export = await services.attendance.registrations(slug, organiser)
        if request.accept.best_match(["application/json", "text/csv"], default="application/json") == "text/csv":
            return exports.csv_response(slug, export)
        return Response(present.registration_rows(export))

    @delete("/{registration_id:int}", guards=ORGANISER_ONLY, operation_id="cancelRegistration",
            opt={"action": Action.MANAGE_ATTENDEES}, responses=problems(401, 403, 404, 422))
    async def cancel_registration(
        self,
        slug: FromPath[str],
        registration_id: PathId,
        services: NamedDependency[Services],
        organiser: NamedDependency[Organiser | None],
    ) -> None:
        """Cancel an attendee's registration; the waitlist moves up in the same transaction."""
        await services.registrations.cancel_by_organiser(slug, registration_id, organiser)


class GroupRegistrationController(Controller):
    path = "/api/missions/{slug:str}/group-registrations"
    tags = ["registrations"]

    @post(
        "/",
        operation_id="registerGroup",
        status_code=201,
        responses=_signup_responses(
            GroupRegistrationAnswer, "A new head of delegation: results for them and each member",
            "Members added by the head of the manage token",
        ),
    )
    async def register_group(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: JSONBody[GroupRegistrationCreate],
        services: NamedDependency[Services],
    ) -> Response[Any]:
        """A head of delegation registers named members (each with a name, an address
        optional) for sessions: all seats in one transaction, confirmed while seats remain
        and the rest waitlisted in the order given (the head first). Members with an
        address get their own links by mail; the links of the others are in this answer
        and on the head's manage page. A member whose address is registered already is
        refused (`attendee_exists`) and mailed their link. 409 when nobody got anything."""
        await enforce_registration_rate_limit(request)
        present = provide_presenter(request)
        head = SignupRequest(data.name, data.email, data.organisation, data.session_ids, data.language, data.reminder)
        group = GroupRequest(head, [MemberRequest(m.name, m.email) for m in data.members])
        outcome = await services.registrations.register_group(slug, group, bearer_token(request))
        if outcome.head.outcome == Outcome.EXISTING_ADDRESS:
            return Response(present.accepted(), status_code=202)
        status = 201 if outcome.head.outcome == Outcome.CREATED else 200
        return Response(present.group_answer(outcome), status_code=status)


class MeController(Controller):
    path = "/api/me"
    tags = ["attendee"]

    @get("/", operation_id="getMe", responses=ME_PROBLEMS)
    async def get_me(
        self, request: Request[Any, Any, Any], services: NamedDependency[Services], present: NamedDependency[Presenter]
    ) -> MeOut:
        """The attendee of the manage token (bearer) and their registrations."""
        token = manage_token(request)
        return present.me(await services.registrations.me(token), token)

    @patch("/", operation_id="setMyPreferences", responses=problems(401, 404, 422))
    async def set_preferences(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[MePreferences],
        services: NamedDependency[Services],
        present: NamedDependency[Presenter],
    ) -> MeOut:
        """My preferences: the language of my mail and personal feed, and my reminder."""
        token = manage_token(request)
        return present.me(await services.registrations.set_preferences(token, data.language, data.reminder), token)

    @delete("/registrations/{session_id:int}", status_code=200, operation_id="cancelMyRegistration",
            responses=problems(401, 404, 422))
    async def cancel_mine(
        self,
        request: Request[Any, Any, Any],
        session_id: PathId,
        services: NamedDependency[Services],
        present: NamedDependency[Presenter],
    ) -> MeOut:
        """Cancel one of my registrations; a freed seat goes to the head of the waitlist."""
        token = manage_token(request)
        return present.me(await services.registrations.cancel_mine(token, session_id), token)

    @post("/feed-token", status_code=200, operation_id="rotateFeedToken", responses=ME_PROBLEMS)
    async def rotate_feed_token(
        self, request: Request[Any, Any, Any], services: NamedDependency[Services], present: NamedDependency[Presenter]
    ) -> FeedTokenOut:
        """A new personal feed URL; the old one stops working at once."""
        feed = await services.registrations.rotate_feed_token(manage_token(request))
        return present.feed_token(feed)

    @post("/manage-token", status_code=200, operation_id="rotateManageToken", responses=ME_PROBLEMS)
    async def rotate_manage_token(
        self, request: Request[Any, Any, Any], services: NamedDependency[Services], present: NamedDependency[Presenter]
    ) -> ManageTokenOut:
        """A new manage token (and with it a new feed URL); the old ones stop working at once."""
        manage, _feed = await services.registrations.rotate_manage_token(manage_token(request))
        return present.manage_token(manage)
