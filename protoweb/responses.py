"""Turning what a view returns into a response, and Flask's response helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, NoReturn

from werkzeug.datastructures import Headers
from werkzeug.exceptions import abort as _werkzeug_abort
from werkzeug.utils import redirect as _werkzeug_redirect
from werkzeug.wrappers import Response as _WerkzeugResponse

from .json import jsonify as jsonify
from .json.provider import JSON_MIMETYPE, fast_dumps
from .wrappers import Response

_HTMLResponse = Response

StartResponse = Callable[..., Any]

HTML_TYPE = "text/html; charset=utf-8"


def write_plain(
    rv: Any, environ: dict[str, Any], start_response: StartResponse, app: Any
) -> Iterable[bytes] | None:
    """Answer a plain ``str``/``bytes``/``dict``/``list`` return with no objects built.

    Returns ``None`` when ``rv`` needs the general path (:func:`to_response`): a
    ``dict`` or ``list`` does unless ``app.json`` is the default provider with
    default settings (so the bytes are those ``app.json.response(rv)`` makes).
    """
    kind = type(rv)
    if kind is str:
        body = rv.encode()
        content_type = HTML_TYPE
    elif kind is dict or kind is list:
        dumps = fast_dumps(app.json)
        if dumps is None:
            return None
        body = dumps(rv).encode()
        content_type = JSON_MIMETYPE
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
    rv: Any,
    endpoint: str | None,
    response_class: type[Response],
    environ: dict[str, Any] | None,
    json_response: Callable[[Any], _WerkzeugResponse],
) -> _WerkzeugResponse:
    """Convert a view's return value into a response, as Flask's ``make_response``.

    ``str``/``bytes`` are HTML, ``dict``/``list`` are JSON, an iterator is
    streamed, a ``response_class`` passes through, another Werkzeug response or a
    WSGI callable is converted; a ``(body, status)``, ``(body, headers)`` or
    ``(body, status, headers)`` tuple sets status and headers on any of them.

    :param json_response: makes the JSON response (the app's ``json.response``).
    """
    status: Any = None
    headers: Any = None
    if isinstance(rv, tuple):
        if len(rv) == 3:
            rv, status, headers = rv
        elif len(rv) == 2:
            if isinstance(rv[1], (Headers, dict, tuple, list)):
                rv, headers = rv
            else:
                rv, status = rv
        else:
            raise TypeError(
                "The view function did not return a valid response tuple. The tuple"
                " must have the form (body, status, headers), (body, status), or"
                " (body, headers)."
            )
    if rv is None:
        raise TypeError(
            f"The view function for {endpoint!r} did not return a valid response."
            " The function either returned None or ended without a return"
            " statement."
        )
    if not isinstance(rv, response_class):
        if isinstance(rv, (str, bytes, bytearray, Iterator)):
            rv = response_class(rv, status=status, headers=headers)  # type: ignore[arg-type]
            status = headers = None
        elif isinstance(rv, (dict, list)):
            rv = json_response(rv)
        elif isinstance(rv, _WerkzeugResponse) or callable(rv):
            try:
                rv = response_class.force_type(rv, environ)
            except TypeError as error:
                raise TypeError(f"{error}\n{_wrong_type(endpoint, rv)}") from None
        else:
            raise TypeError(_wrong_type(endpoint, rv))
    if status is not None:
        if isinstance(status, (str, bytes, bytearray)):
            rv.status = status
        else:
            rv.status_code = status
    if headers:
        rv.headers.update(headers)
    return rv


def _wrong_type(endpoint: str | None, rv: Any) -> str:
    """The error message for a view that returned something of the wrong type."""
    return (
        f"The view function for {endpoint!r} did not return a valid response. The"
        " return type must be a string, dict, list, tuple with headers or status,"
        " Response instance, or WSGI callable, but it was a"
        f" {type(rv).__name__}."
    )


def redirect(
    location: str, code: int = 302, Response: type[_WerkzeugResponse] | None = None
) -> _WerkzeugResponse:
    """A redirect response to ``location`` (a 302 unless told otherwise); the
    current app's :meth:`~protoweb.App.redirect` when there is one, as Flask."""
    from .context import _current

    context = _current.get(None)
    if context is not None:
        return context.app.redirect(location, code)
    return _werkzeug_redirect(location, code, Response=Response or _HTMLResponse)


def abort(code: int | _WerkzeugResponse, *args: Any, **kwargs: Any) -> NoReturn:
    """Stop the request with an HTTP error, e.g. ``abort(404)``; the current app's
    :attr:`~protoweb.App.aborter` when there is one, as Flask."""
    from .context import _current

    context = _current.get(None)
    if context is not None:
        context.app.aborter(code, *args, **kwargs)
    _werkzeug_abort(code, *args, **kwargs)
    raise AssertionError("unreachable")  # pragma: no cover


def make_response(*args: Any) -> _WerkzeugResponse:
    """A response from what a view could return, to set headers or cookies on it
    (the current app's :meth:`~protoweb.App.make_response`)."""
    from .context import current_context

    app = current_context().app
    if not args:
        return app.response_class()
    return app.make_response(args[0] if len(args) == 1 else args)
