"""``protoweb.json``: Flask's ``flask.json`` functions.

Inside an app context they use the current app's provider (``app.json``), so an
app that sets its own provider gets it everywhere; outside one they use the
defaults of :class:`~protoweb.json.provider.DefaultJSONProvider`.
"""

from __future__ import annotations

import json as _json
from typing import IO, TYPE_CHECKING, Any

from ..context import _current
from .provider import JSON_MIMETYPE, _default, dumps_json, response_value

if TYPE_CHECKING:
    from ..wrappers import Response


def _current_app() -> Any:
    """The current app, or ``None`` outside an app context."""
    context = _current.get(None)
    return None if context is None else context.app


def dumps(obj: Any, **kwargs: Any) -> str:
    """Serialize ``obj`` to a JSON string (``app.json.dumps`` in an app context)."""
    app = _current_app()
    if app is not None:
        return app.json.dumps(obj, **kwargs)
    kwargs.setdefault("default", _default)
    return _json.dumps(obj, **kwargs)


def dump(obj: Any, fp: IO[str], **kwargs: Any) -> None:
    """Serialize ``obj`` as JSON to the text file ``fp``."""
    app = _current_app()
    if app is not None:
        app.json.dump(obj, fp, **kwargs)
    else:
        kwargs.setdefault("default", _default)
        _json.dump(obj, fp, **kwargs)


def loads(s: str | bytes, **kwargs: Any) -> Any:
    """Parse a JSON string or UTF-8 bytes (``app.json.loads`` in an app context)."""
    app = _current_app()
    if app is not None:
        return app.json.loads(s, **kwargs)
    return _json.loads(s, **kwargs)


def load(fp: IO[Any], **kwargs: Any) -> Any:
    """Parse JSON from the file ``fp``."""
    app = _current_app()
    if app is not None:
        return app.json.load(fp, **kwargs)
    return _json.load(fp, **kwargs)


def jsonify(*args: Any, **kwargs: Any) -> Response:
    """A JSON response: ``jsonify(value)``, ``jsonify(a, b)`` (a list) or
    ``jsonify(key=value)`` (a dict), written by ``current_app.json.response``.

    Outside an app context it writes what the default provider writes.
    """
    app = _current_app()
    if app is not None:
        return app.json.response(*args, **kwargs)
    from ..wrappers import Response

    value = response_value(args, kwargs, "jsonify()")
    return Response(dumps_json(value), mimetype=JSON_MIMETYPE)
