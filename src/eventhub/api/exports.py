"""/missions/{slug}/schedule.xml and schedule.json: the public programme for conference apps."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from eventhub.api.deps import spec, problems
from eventhub.api.feeds import PUBLIC_CACHING
from eventhub.calendar.schedule import Schedule, render_schedule_json, render_schedule_xml
from eventhub.services import Services


@get("/missions/{slug:str}/schedule.xml", operation_id="scheduleXml", tags=["feeds"], media_type="application/xml",
     responses=problems(404))
async def schedule_xml(request: Request[Any, Any, Any], slug: FromPath[str], services: NamedDependency[Services]) -> Response[bytes]:
    """The published programme in the frab/Pentabarf format (Giggity, EventFahrplan, ConfClerk)."""
    return await _export(request, services, slug, render_schedule_xml, "application/xml")


@get("/missions/{slug:str}/schedule.json", operation_id="scheduleJson", tags=["feeds"], media_type="application/json",
     responses={200: spec(dict[str, Any], "The c3voc schedule.json document"),
                **problems(404)})
async def schedule_json(request: Request[Any, Any, Any], slug: FromPath[str], services: NamedDependency[Services]) -> Response[bytes]:
    """The published programme in the c3voc schedule.json format; cancelled sessions say so."""
    return await _export(request, services, slug, render_schedule_json, "application/json")


async def _export(
    request: Request[Any, Any, Any], services: Services, slug: str, render: Callable[[Schedule], bytes], media_type: str
) -> Response[bytes]:
    body = render(await services.exports.schedule(slug))
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": PUBLIC_CACHING, "Vary": "Accept-Encoding"}
    wanted = {tag.strip().removeprefix("W/") for tag in (request.headers.get("if-none-match") or "").split(",")}
    if etag in wanted or "*" in wanted:
        return Response(b"", status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)
