"""The interactive API docs (Swagger UI) served by eventhub itself, so that they work with no
internet: its scripts and styles come from the swagger-ui-bundle package (installed from
PyPI with the project, not copied into the repository) through our own static route."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router

ASSETS_PATH = "/schema/swagger-ui"
ASSETS = Path(swagger_ui_bundle.swagger_ui_path)


def swagger_ui() -> SwaggerRenderPlugin:
    """Swagger UI at /schema and /schema/swagger, every asset from this server."""
    return SwaggerRenderPlugin(
        path=["/", "/swagger"],
        js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        css_url=f"{ASSETS_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
        favicon="<link rel='icon' type='image/svg+xml' href='/static/favicon.svg'>",
    )


def swagger_ui_assets() -> Router:
    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[ASSETS],
        cache_control=CacheControlHeader(max_age=86400, public=True),
        include_in_schema=False,
    )
