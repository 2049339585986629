"""URLs both ways: ``url_for`` builds one for an endpoint (with the URL defaults
and build-error handlers), ``endpoint_for_path`` finds the endpoint of one."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import BuildError, RequestRedirect

if TYPE_CHECKING:
    from .app import App


class UrlMethods:
    """URL building and path lookup, mixed into :class:`~protoweb.App`."""

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        """The URL of ``endpoint`` (``".name"``: in the current blueprint),
        ``values`` filling its variables (the rest: query string).

        In a request the URL is relative to the request's root; outside one it
        uses ``SERVER_NAME``, ``APPLICATION_ROOT`` and ``PREFERRED_URL_SCHEME``,
        and is external.
        """
        from .urls import build_url

        app = cast("App", self)
        with app._own_context() as context:
            return build_url(
                app, context, endpoint, values, _anchor, _method, _scheme, _external
            )

    def inject_url_defaults(self, endpoint: str, values: dict[str, Any]) -> None:
        """Let the ``url_defaults`` functions of the app and of ``endpoint``'s
        blueprints fill in ``values``."""
        from .routing import blueprint_of

        table = cast("App", self)._table
        for function in table.plans(blueprint_of(endpoint)).url_defaults:
            function(endpoint, values)

    def handle_url_build_error(
        self, error: BuildError, endpoint: str, values: dict[str, Any]
    ) -> str:
        """``url_for`` could not build: ask each of
        :attr:`url_build_error_handlers`; the first URL one returns is used, else
        ``error`` is raised."""
        for handler in cast("App", self).url_build_error_handlers:
            try:
                rv = handler(error, endpoint, values)
            except BuildError as next_error:
                error = next_error
                continue
            if rv is not None:
                return rv
        if error is sys.exc_info()[1]:
            raise
        raise error

    def endpoint_for_path(self, path: str, method: str | None = None) -> str | None:
        """The endpoint that answers ``path``, or ``None`` when no route does.

        Redirects the routing makes (``/items`` to ``/items/``) are followed. With
        no ``method``, any method the path allows counts, GET first.
        """
        adapter = cast("App", self).url_map.bind("localhost")
        for _ in range(3):
            wanted = method
            if wanted is None:
                allowed = list(adapter.allowed_methods(path))
                named = [m for m in allowed if m not in ("HEAD", "OPTIONS")]
                wanted = "GET" if "GET" in allowed else (named or allowed or ["GET"])[0]
            try:
                endpoint, _ = adapter.match(path, method=wanted)
            except RequestRedirect as redirect:
                path = urlsplit(redirect.new_url).path or "/"
                continue
            except HTTPException:
                return None
            return str(endpoint)
        return None
