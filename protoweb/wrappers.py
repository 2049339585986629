"""The request and response objects: Werkzeug's, with the few fields Flask adds."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as _WerkzeugResponse


class Request(_WerkzeugRequest):
    """The incoming request, as Werkzeug parses it.

    ``endpoint`` and ``view_args`` say which view matched and with what arguments;
    ``max_content_length`` comes from ``app.config['MAX_CONTENT_LENGTH']``.
    """

    endpoint: str | None = None
    view_args: dict[str, Any] | None = None


class Response(_WerkzeugResponse):
    """The response a view returns; HTML unless told otherwise."""

    default_mimetype = "text/html"
