"""Tagged JSON, the session cookie's format (Flask's ``flask.json.tag``).

JSON keeps only dicts, lists, strings, numbers, booleans and null. A tag keeps
the type of a few more through a round trip: a one-key dict ``{" t": [...]}``
is a tuple, ``" b"`` bytes (base64), ``" m"`` Markup, ``" u"`` a UUID (hex),
``" d"`` a datetime (HTTP date), and ``" di"`` a one-key dict whose key looks
like a tag. The keys are Flask's, so Flask and protoweb read each other's
session cookies. Register a :class:`JSONTag` subclass for another type.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from datetime import datetime
from typing import Any
from uuid import UUID

from markupsafe import Markup
from werkzeug.http import http_date, parse_date

from . import dumps, loads


class JSONTag:
    """One tagged type: :attr:`key`, how to recognise it, how to convert it."""

    __slots__ = ("serializer",)

    #: The tag's key; an empty key marks a tag that only converts contents.
    key: str = ""

    def __init__(self, serializer: TaggedJSONSerializer) -> None:
        self.serializer = serializer

    def check(self, value: Any) -> bool:
        """Whether ``value`` is of this tag's type."""
        raise NotImplementedError

    def to_json(self, value: Any) -> Any:
        """``value`` as JSON data (the tag is added by :meth:`tag`)."""
        raise NotImplementedError

    def to_python(self, value: Any) -> Any:
        """The JSON data back as the tagged type."""
        raise NotImplementedError

    def tag(self, value: Any) -> Any:
        """``value`` as JSON data inside its tag."""
        return {self.key: self.to_json(value)}


class TagDict(JSONTag):
    """A one-key dict whose key is a tag's key: the key gets a ``__`` suffix."""

    __slots__ = ()
    key = " di"

    def check(self, value: Any) -> bool:
        return (
            isinstance(value, dict)
            and len(value) == 1
            and next(iter(value)) in self.serializer.tags
        )

    def to_json(self, value: Any) -> Any:
        ((key, item),) = value.items()
        return {f"{key}__": self.serializer.tag(item)}

    def to_python(self, value: Any) -> Any:
        ((key, item),) = value.items()
        return {key[:-2]: item}


class PassDict(JSONTag):
    """Any other dict: its values are tagged, the dict itself is not."""

    __slots__ = ()

    def check(self, value: Any) -> bool:
        return isinstance(value, dict)

    def to_json(self, value: Any) -> Any:
        return {key: self.serializer.tag(item) for key, item in value.items()}

    tag = to_json


class TagTuple(JSONTag):
    __slots__ = ()
    key = " t"

    def check(self, value: Any) -> bool:
        return isinstance(value, tuple)

    def to_json(self, value: Any) -> Any:
        return [self.serializer.tag(item) for item in value]

    def to_python(self, value: Any) -> Any:
        return tuple(value)


class PassList(JSONTag):
    """A list: its items are tagged."""

    __slots__ = ()

    def check(self, value: Any) -> bool:
        return isinstance(value, list)

    def to_json(self, value: Any) -> Any:
        return [self.serializer.tag(item) for item in value]

    tag = to_json


class TagBytes(JSONTag):
    __slots__ = ()
    key = " b"

    def check(self, value: Any) -> bool:
        return isinstance(value, bytes)

    def to_json(self, value: Any) -> Any:
        return b64encode(value).decode("ascii")

    def to_python(self, value: Any) -> Any:
        return b64decode(value)


class TagMarkup(JSONTag):
    """Anything with an ``__html__`` method; read back as :class:`Markup`."""

    __slots__ = ()
    key = " m"

    def check(self, value: Any) -> bool:
        return callable(getattr(value, "__html__", None))

    def to_json(self, value: Any) -> Any:
        return str(value.__html__())

    def to_python(self, value: Any) -> Any:
        return Markup(value)


class TagUUID(JSONTag):
    __slots__ = ()
    key = " u"

    def check(self, value: Any) -> bool:
        return isinstance(value, UUID)

    def to_json(self, value: Any) -> Any:
        return value.hex

    def to_python(self, value: Any) -> Any:
        return UUID(value)


class TagDateTime(JSONTag):
    __slots__ = ()
    key = " d"

    def check(self, value: Any) -> bool:
        return isinstance(value, datetime)

    def to_json(self, value: Any) -> Any:
        return http_date(value)

    def to_python(self, value: Any) -> Any:
        return parse_date(value)


class TaggedJSONSerializer:
    """Compact JSON that keeps tuples, bytes, Markup, UUIDs and datetimes."""

    __slots__ = ("tags", "order")

    default_tags: list[type[JSONTag]] = [
        TagDict,
        PassDict,
        TagTuple,
        PassList,
        TagBytes,
        TagMarkup,
        TagUUID,
        TagDateTime,
    ]

    def __init__(self) -> None:
        self.tags: dict[str, JSONTag] = {}
        self.order: list[JSONTag] = []
        for tag_class in self.default_tags:
            self.register(tag_class)

    def register(
        self, tag_class: type[JSONTag], force: bool = False, index: int | None = None
    ) -> None:
        """Add a tag, last in the checking order or at ``index``.

        :raises KeyError: its key is taken and ``force`` is false.
        """
        tag = tag_class(self)
        if tag.key:
            if tag.key in self.tags and not force:
                raise KeyError(f"Tag '{tag.key}' is already registered.")
            self.tags[tag.key] = tag
        if index is None:
            self.order.append(tag)
        else:
            self.order.insert(index, tag)

    def tag(self, value: Any) -> Any:
        """``value`` as JSON data, tagged where its type needs it."""
        for tag in self.order:
            if tag.check(value):
                return tag.tag(value)
        return value

    def untag(self, value: dict[str, Any]) -> Any:
        """A tagged one-key dict back as its type; other dicts as they are."""
        if len(value) != 1:
            return value
        key = next(iter(value))
        tag = self.tags.get(key)
        return value if tag is None else tag.to_python(value[key])

    def _untag_scan(self, value: Any) -> Any:
        if isinstance(value, dict):
            return self.untag({k: self._untag_scan(v) for k, v in value.items()})
        if isinstance(value, list):
            return [self._untag_scan(item) for item in value]
        return value

    def dumps(self, value: Any) -> str:
        """Tag ``value`` and write it as compact JSON."""
        return dumps(self.tag(value), separators=(",", ":"))

    def loads(self, value: str | bytes) -> Any:
        """Read JSON and turn tagged values back into their types."""
        return self._untag_scan(loads(value))
