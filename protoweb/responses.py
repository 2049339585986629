"""Turning what a view returns into a response, and Flask's response helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NoReturn

from werkzeug.exceptions import abort as _werkzeug_abort
from werkzeug.utils import redirect as _werkzeug_redirect
from werkzeug.wrappers import Response as _WerkzeugResponse

from .json import jsonify as jsonify
from .json.provider import dumps_json
from .wrappers import Response

StartResponse = Callable[..., Any]

HTML_TYPE = "text/html; charset=utf-8"
JSON_TYPE = "application/json"


def write_plain(
    rv: Any, environ: dict[str, Any], start_response: StartResponse
) -> Iterable[bytes] | None:
    """Answer a plain ``str``/``bytes``/``dict``/``list`` return with no objects built.

    Returns ``None`` when ``rv`` needs the general path (:func:`to_response`).
    """
    kind = type(rv)
    if kind is str:
        body = rv.encode()
        content_type = HTML_TYPE
    elif kind is dict or kind is list:
        body = dumps_json(rv).encode()
        content_type = JSON_TYPE
    elif kind is bytes:
        body = rv
        content_type = HTML_TYPE
    else:
        return None
    start_response(
        "200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    )
    if environ["REQUEST_METHOD"] == "HEAD":
        return ()
    return (body,)


def to_response(
    rv: Any, endpoint: str | None, response_class: type[Response] = Response
) -> _WerkzeugResponse:
    """Convert a view's return value into a response, as the SPEC lists them.

    ``str``/``bytes`` are HTML, ``dict``/``list`` are JSON, a ``(body, status)`` or
    ``(body, status, headers)`` tuple sets status and headers, a Werkzeug
    ``Response`` passes through, and an iterator is streamed.
    """
    status: Any = None
    headers: Any = None
    if isinstance(rv, tuple):
        if len(rv) == 3:
            rv, status, headers = rv
        elif len(rv) == 2:
            rv, second = rv
            if isinstance(second, (Mapping, list)):
                headers = second
            else:
                status = second
        else:
            raise TypeError(
                f"The view function for {endpoint!r} returned a tuple of"
                f" {len(rv)} items; use (body, status), (body, headers) or"
                " (body, status, headers)."
            )
    if rv is None:
        raise TypeError(
            f"The view function for {endpoint!r} did not return a valid response:"
            " it returned None (did you forget a 'return'?)."
        )
    if isinstance(rv, _WerkzeugResponse):
        response = rv
    elif isinstance(rv, (str, bytes)):
        response = response_class(rv)
    elif isinstance(rv, bytearray):
        response = response_class(bytes(rv))
    elif isinstance(rv, (dict, list)):
        response = response_class(dumps_json(rv), mimetype=JSON_TYPE)
    elif isinstance(rv, Iterator):
        response = response_class(rv)
    else:
        raise TypeError(
            f"The view function for {endpoint!r} did not return a valid response:"
            f" it returned a {type(rv).__name__}. Return a str, bytes, dict, list,"
            " tuple, Response or iterator."
        )
    if status is not None:
        if isinstance(status, int):
            response.status_code = status
        else:
            response.status = status
    if headers:
        response.headers.update(headers)
    return response


def redirect(location: str, code: int = 302) -> _WerkzeugResponse:
    """A redirect response to ``location`` (a 302 unless told otherwise)."""
    return _werkzeug_redirect(location, code, Response=Response)


def abort(code: int | _WerkzeugResponse, *args: Any, **kwargs: Any) -> NoReturn:
    """Stop the request with an HTTP error, e.g. ``abort(404)``."""
    _werkzeug_abort(code, *args, **kwargs)
    raise AssertionError("unreachable")  # pragma: no cover


def make_response(*args: Any) -> _WerkzeugResponse:
    """A response from what a view could return, to set headers or cookies on it."""
    from .context import current_context

    if not args:
        return Response()
    rv = args[0] if len(args) == 1 else args
    context = current_context()
    return to_response(
        rv, getattr(context, "endpoint", None), context.app.response_class
    )
