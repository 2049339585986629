"""The request and response objects: Werkzeug's, with the fields Flask adds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as _WerkzeugResponse

from .routing import blueprint_of

if TYPE_CHECKING:
    from werkzeug.exceptions import HTTPException
    from werkzeug.routing import Rule


class Request(_WerkzeugRequest):
    """The incoming request, as Werkzeug parses it.

    ``endpoint``, ``url_rule`` and ``view_args`` say which view matched and with
    what arguments; ``max_content_length`` comes from
    ``app.config['MAX_CONTENT_LENGTH']``.
    """

    endpoint: str | None = None
    url_rule: Rule | None = None
    view_args: dict[str, Any] | None = None
    #: The error routing gave this request (a 404, 405 or redirect), if any.
    routing_exception: HTTPException | None = None

    @property
    def blueprint(self) -> str | None:
        """The (dotted) name of the blueprint whose view matched, if any."""
        return blueprint_of(self.endpoint)

    @property
    def blueprints(self) -> list[str]:
        """The matched blueprint and its parents, innermost first
        (``["admin.users", "admin"]``)."""
        name = self.blueprint
        if name is None:
            return []
        parts = name.split(".")
        return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


class Response(_WerkzeugResponse):
    """The response a view returns; HTML unless told otherwise."""

    default_mimetype = "text/html"
