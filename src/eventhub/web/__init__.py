"""Public web pages: server-rendered HTML over the same services as the JSON API.

`build_web(settings)` returns the pieces that `eventhub.app` wires in: the page router
(with CSRF protection and HTML error pages), the static files router, the template
config, and the hook that sets security headers on every page.
"""

from eventhub.web.setup import Web, build_web

__all__ = ["Web", "build_web"]
