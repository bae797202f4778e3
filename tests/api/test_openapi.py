"""The OpenAPI document is complete enough for a client that has never seen the code."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

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
    ("get", "/api/missions/{slug}/registrations.csv"),
    ("get", "/api/me"), ("delete", "/api/me/registrations/{session_id}"), ("post", "/api/me/feed-token"),
    ("get", "/health"),
}
# Calls anyone may make (attendees prove themselves with a manage token, not an organiser's).
PUBLIC_WRITES = {("post", "/api/missions/{slug}/registrations")}


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
    for name in ("MissionCreate", "MissionUpdate", "VenueCreate", "PersonCreate", "SessionCreate", "SessionUpdate"):
        assert schemas[name]["additionalProperties"] is False, name


async def test_interactive_docs_are_served(client: AsyncTestClient) -> None:
    assert (await client.get("/schema/swagger")).status_code == 200
