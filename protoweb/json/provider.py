"""``app.json``: Flask's JSON provider classes.

:class:`DefaultJSONProvider` writes what Flask's does, byte for byte: sorted keys,
ASCII only, compact (indented in debug mode), a trailing newline in responses, and
dates as HTTP dates, UUIDs and ``Decimal`` as strings, dataclasses as dicts,
``__html__`` objects as their HTML.

For the dispatch's fast path (a view returning a ``dict`` or ``list``),
:func:`fast_dumps` gives a function that produces exactly the body
``app.json.response(rv)`` would, or ``None`` when the app's provider is not the
default one with default settings (then call ``app.json.response(rv)``)::

    dumps = fast_dumps(app.json)
    body = dumps(rv).encode() if dumps is not None else app.json.response(rv)
"""

from __future__ import annotations

import datetime
import json
import sys
import weakref
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from werkzeug.http import http_date

if TYPE_CHECKING:
    from ..wrappers import Response

#: The ``Content-Type`` of JSON responses.
JSON_MIMETYPE = "application/json"


def _default(value: Any) -> Any:
    """What :func:`json.dumps` cannot write by itself, as Flask converts it."""
    if isinstance(value, datetime.date):
        return http_date(value)
    # A Decimal or UUID exists only once its module is imported: don't import
    # them here (``import protoweb`` stays light).
    decimal, uuid = sys.modules.get("decimal"), sys.modules.get("uuid")
    if (decimal and isinstance(value, decimal.Decimal)) or (
        uuid and isinstance(value, uuid.UUID)
    ):
        return str(value)
    if hasattr(type(value), "__dataclass_fields__"):
        import dataclasses

        return dataclasses.asdict(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_COMPACT = json.JSONEncoder(
    separators=(",", ":"), sort_keys=True, ensure_ascii=True, default=_default
)


def dumps_json(value: Any) -> str:
    """The body of ``app.json.response(value)`` with the default provider."""
    return _COMPACT.encode(value) + "\n"


def response_value(args: tuple[Any, ...], kwargs: dict[str, Any], caller: str) -> Any:
    """The value a JSON response of ``args`` or ``kwargs`` writes: the one
    argument, the tuple of several (a list), the keywords, or ``None``; ``caller``
    names the function in the error for giving both."""
    if args and kwargs:
        raise TypeError(f"{caller} takes either args or kwargs, not both")
    if len(args) == 1:
        return args[0]
    return args or kwargs or None


class JSONProvider:
    """The JSON operations of an app (``app.json``); subclass to use another
    library, and set ``App.json_provider_class``.

    Subclasses implement :meth:`dumps` and :meth:`loads`; the rest builds on them.
    """

    def __init__(self, app: Any) -> None:
        self._app = weakref.proxy(app)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Serialize ``obj`` to a JSON string."""
        raise NotImplementedError

    def dump(self, obj: Any, fp: IO[str], **kwargs: Any) -> None:
        """Serialize ``obj`` to the text file ``fp``."""
        fp.write(self.dumps(obj, **kwargs))

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse a JSON string or UTF-8 bytes."""
        raise NotImplementedError

    def load(self, fp: IO[Any], **kwargs: Any) -> Any:
        """Parse JSON from the file ``fp`` (text or UTF-8 bytes)."""
        return self.loads(fp.read(), **kwargs)

    def _prepare_response_obj(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        return response_value(args, kwargs, "app.json.response()")

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """A JSON response of one value, several (a list) or keywords (a dict)."""
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self.dumps(obj), mimetype=JSON_MIMETYPE)


class DefaultJSONProvider(JSONProvider):
    """JSON with Python's :mod:`json`, as Flask's default provider writes it.

    Beyond JSON's own types it writes dates (``datetime.date`` and
    ``datetime.datetime``) as HTTP dates (RFC 822), ``uuid.UUID`` and
    ``decimal.Decimal`` as strings, dataclasses as dicts, and objects with an
    ``__html__`` method (``Markup``) as that HTML.
    """

    #: Called for objects :mod:`json` cannot write; returns a JSON value or raises
    #: ``TypeError``.
    default: Callable[[Any], Any] = staticmethod(_default)
    #: Escape non-ASCII characters.
    ensure_ascii = True
    #: Sort the keys of dicts (they must all be strings).
    sort_keys = True
    #: ``True``: responses without whitespace; ``False``: indented; ``None``:
    #: indented in debug mode only.
    compact: bool | None = None
    #: The mimetype :meth:`response` sets.
    mimetype = JSON_MIMETYPE

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """:func:`json.dumps` with this provider's ``default``, ``ensure_ascii``
        and ``sort_keys`` unless given."""
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return json.dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """:func:`json.loads`."""
        return json.loads(s, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """A JSON response (see :meth:`JSONProvider.response`), indented when
        :attr:`compact` is ``False``, or ``None`` in debug mode."""
        obj = self._prepare_response_obj(args, kwargs)
        if self.compact is False or (self.compact is None and self._app.debug):
            body = self.dumps(obj, indent=2)
        else:
            body = self.dumps(obj, separators=(",", ":"))
        return self._app.response_class(f"{body}\n", mimetype=self.mimetype)


def fast_dumps(provider: JSONProvider) -> Callable[[Any], str] | None:
    """A function giving ``provider.response(value)``'s body for one value, or
    ``None`` if ``provider`` is customised (a subclass, changed attributes) or
    its app is in debug mode (indented output)."""
    cls = DefaultJSONProvider
    if type(provider) is not cls or len(vars(provider)) != 1:
        return None
    if (
        cls.compact is not None
        or cls.sort_keys is not True
        or cls.ensure_ascii is not True
        or cls.default is not _default
        or cls.mimetype != JSON_MIMETYPE
    ):
        return None
    if provider._app.debug:
        return None
    return dumps_json
