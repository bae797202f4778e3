"""The OpenAPI document is complete enough for a client that has never seen the code."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient

from eventhub.app import create_app

SPEC_ROUTES = {
    ("get", "/api/missions"), ("post", "/api/missions"),
    ("get", "/api/missions/{slug}"), ("patch", "/api/missions/{slug}"), ("delete", "/api/missions/{slug}"),
    ("get", "/api/missions/{slug}/venues"), ("post", "/api/missions/{slug}/venues"),
    ("patch", "/api/missions/{slug}/venues/{venue_id}"), ("delete", "/api/missions/{slug}/venues/{venue_id}"),
    ("get", "/api/missions/{slug}/people"), ("post", "/api/missions/{slug}/people"),
    ("patch", "/api/missions/{slug}/people/{person_id}"), ("delete", "/api/missions/{slug}/people/{person_id}"),
    ("get", "/api/missions/{slug}/sessions"), ("post", "/api/missions/{slug}/sessions"),
    ("get", "/api/missions/{slug}/sessions/{session_id}"), ("patch", "/api/missions/{slug}/sessions/{session_id}"),
    ("post", "/api/missions/{slug}/sessions/{session_id}/cancel"),
    ("get", "/api/missions/{slug}/travel-times"), ("put", "/api/missions/{slug}/travel-times"),
    ("get", "/api/missions/{slug}/conflicts"),
    ("post", "/api/missions/{slug}/registrations"), ("get", "/api/missions/{slug}/registrations"),
    ("post", "/api/missions/{slug}/group-registrations"),
    ("get", "/api/missions/{slug}/registrations.csv"),
    ("get", "/api/me"), ("delete", "/api/me/registrations/{session_id}"), ("post", "/api/me/feed-token"),
    ("get", "/health"),
}
# Calls anyone may make (attendees prove themselves with a manage token, not an organiser's).
PUBLIC_WRITES = {("post", "/api/missions/{slug}/registrations"), ("post", "/api/missions/{slug}/group-registrations")}


async def test_every_spec_route_is_documented_with_its_problem_statuses(client: AsyncTestClient) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    document = response.json()
    documented = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert SPEC_ROUTES <= documented
    for path, ops in document["paths"].items():
        for method, operation in ops.items():
            statuses = set(operation["responses"])
            assert operation.get("operationId"), (method, path)
            if path.startswith("/api/"):
                assert {"401", "503"} <= statuses, (method, path)
            organiser_write = method in ("post", "patch", "put", "delete") and (method, path) not in PUBLIC_WRITES
            if organiser_write and not path.startswith("/api/me"):
                assert {"401", "403"} <= statuses, (method, path)
                assert "404" in statuses or path == "/api/missions", (method, path)
            if method in ("post", "patch", "put") and "cancel" not in path and not path.startswith("/api/me"):
                assert "422" in statuses, (method, path)
    session_post = document["paths"]["/api/missions/{slug}/sessions"]["post"]
    conflict = session_post["responses"]["409"]["content"]["application/problem+json"]["schema"]
    assert conflict["$ref"].endswith("ConflictProblem")


async def test_request_bodies_are_documented_as_closed(client: AsyncTestClient) -> None:
    schemas = (await client.get("/schema/openapi.json")).json()["components"]["schemas"]
    for name in ("MissionCreate", "MissionUpdate", "VenueCreate", "PersonCreate", "SessionCreate", "SessionUpdate",
                 "GroupRegistrationCreate", "MemberCreate"):
        assert schemas[name]["additionalProperties"] is False, name


async def test_interactive_docs_are_served(client: AsyncTestClient) -> None:
    assert (await client.get("/schema/swagger")).status_code == 200


async def test_every_operation_declares_the_credential_it_takes(client: AsyncTestClient) -> None:
    """So that the docs' "Authorize" button works: the organiser's routes need the organiser
    token scheme, the attendee's the manage-token scheme (a request without one is a 401)."""
    document = (await client.get("/schema/openapi.json")).json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["organiserToken"]["scheme"] == schemes["attendeeManageToken"]["scheme"] == "bearer"
    for path, ops in document["paths"].items():
        for method, operation in ops.items():
            if not path.startswith("/api/"):
                continue
            required = [r for r in operation.get("security", [{}]) if r]
            anonymous = {} in operation.get("security", [{}])
            probe = await client.request(method.upper(), path.replace("{slug}", "no-such").replace("_id}", "").replace("{", "1"))
            if probe.status_code == 401 and not anonymous:
                assert required, (method, path)
            if path.startswith("/api/me"):
                assert operation["security"] == [{"attendeeManageToken": []}], (method, path)
            elif method != "get" and (method, path) not in PUBLIC_WRITES:
                assert operation["security"] == [{"organiserToken": []}], (method, path)


async def test_zones_dates_and_ids_are_bounded_in_the_document(client: AsyncTestClient) -> None:
    from eventhub.domain.time import zone_names

    document = (await client.get("/schema/openapi.json")).json()
    schemas = document["components"]["schemas"]
    zone = schemas["MissionCreate"]["properties"]["timezone"]
    assert set(zone["enum"]) == zone_names() and "Asia/Bishkek" in zone["enum"]
    assert schemas["MissionCreate"]["properties"]["starts_on"]["pattern"] == "^(?:20[0-9]{2}|2100)-"
    assert schemas["SessionCreate"]["properties"]["starts_at"]["pattern"] == "^(?:20[0-9]{2}|2100)-"
    day = next(p for p in document["paths"]["/api/missions/{slug}/sessions"]["get"]["parameters"] if p["name"] == "day")
    assert day["schema"]["pattern"] == "^(?:20[0-9]{2}|2100)-", day
    for path, ops in document["paths"].items():
        for operation in ops.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"].endswith("_id"):
                    bounded = parameter["schema"] if "maximum" in parameter["schema"] else parameter["schema"]["oneOf"][0]
                    assert bounded["maximum"] == 2**53 - 1, (path, parameter)


async def test_the_document_is_the_same_on_every_start(client: AsyncTestClient, settings: Any, clock: Any) -> None:
    """No generated (random) examples: two builds of the app document the same thing."""
    first = (await client.get("/schema/openapi.json")).content
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as other:
        assert (await other.get("/schema/openapi.json")).content == first


async def test_the_interactive_docs_work_offline(client: AsyncTestClient) -> None:
    """Swagger UI's assets come from this server (the swagger-ui-bundle package), none from
    another origin, so /schema/swagger works with no internet."""
    for path in ("/schema/swagger", "/schema"):
        page = await client.get(path)
        assert page.status_code == 200
        references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", page.text)
        assert references, page.text[:500]
        assert all(r.startswith("/") and not r.startswith("//") for r in references), references
        assert "https://" not in page.text.split("spec:")[0]  # nothing before the document loads from outside
        for reference in references:
            asset = await client.get(reference)
            assert asset.status_code == 200, reference
    script = await client.get("/schema/swagger-ui/swagger-ui-bundle.js")
    assert "SwaggerUIBundle" in script.text[:200_000]
