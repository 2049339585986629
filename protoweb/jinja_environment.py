"""The app's Jinja2 environment: globals that stay live and cost one dict copy.

Jinja2 gives each template a :class:`~collections.ChainMap` of its own globals over
the environment's, and copies it at every render, one key at a time in Python
code: with Flask's six template globals (``url_for``, ``request``, ``g``, ...)
beside Jinja2's own, that copy costs more than the rest of a small page's
overhead. Here each template gets a plain ``dict`` holding both layers, which the
render copies in one C call, and the environment's ``globals`` tells every such
dict when it changes, so a template global added while the app serves (a
notebook cell) is seen by templates already loaded, as with Jinja2's ChainMap.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from typing import Any

import jinja2


class TemplateGlobals(dict[str, Any]):
    """One template's globals: the environment's, overlaid with its own."""

    __slots__ = ("own", "__weakref__")

    def __init__(self, own: MutableMapping[str, Any], shared: Mapping[str, Any]):
        super().__init__(shared)
        self.own = dict(own)
        dict.update(self, self.own)

    def refresh(self, shared: Mapping[str, Any]) -> None:
        """Take the environment's new globals; the template's own still win.

        Keys are replaced, never cleared first, so a render running meanwhile
        sees the old or the new value of each name, never a missing one.
        """
        merged = {**shared, **self.own}
        dict.update(self, merged)
        for name in [name for name in self if name not in merged]:
            dict.pop(self, name, None)

    def __setitem__(self, name: str, value: Any) -> None:
        self.own[name] = value
        dict.__setitem__(self, name, value)

    def update(self, *args: Any, **kwargs: Any) -> None:
        new = dict(*args, **kwargs)
        self.own.update(new)
        dict.update(self, new)


class SharedGlobals(dict[str, Any]):
    """``jinja_env.globals``: a dict that refreshes every template's globals."""

    __slots__ = ("_changed",)

    def __init__(self, initial: Mapping[str, Any], changed: Callable[[], None]):
        super().__init__(initial)
        self._changed = changed

    def __setitem__(self, name: str, value: Any) -> None:
        dict.__setitem__(self, name, value)
        self._changed()

    def __delitem__(self, name: str) -> None:
        dict.__delitem__(self, name)
        self._changed()

    def update(self, *args: Any, **kwargs: Any) -> None:
        dict.update(self, *args, **kwargs)
        self._changed()

    def pop(self, name: str, *default: Any) -> Any:
        value = dict.pop(self, name, *default)
        self._changed()
        return value

    def setdefault(self, name: str, default: Any = None) -> Any:
        value = dict.setdefault(self, name, default)
        self._changed()
        return value

    def popitem(self) -> tuple[str, Any]:
        item = dict.popitem(self)
        self._changed()
        return item

    def clear(self) -> None:
        dict.clear(self)
        self._changed()

    def __ior__(self, other: Any) -> SharedGlobals:  # type: ignore[override,misc]
        self.update(other)
        return self


class Environment(jinja2.Environment):
    """Jinja2's environment with live, cheaply copied template globals."""

    def __init__(self, **options: Any) -> None:
        #: Every template's globals, by id (a dict is not hashable), weakly held.
        self._template_globals: dict[int, weakref.ref[TemplateGlobals]] = {}
        super().__init__(**options)

    @property
    def globals(self) -> SharedGlobals:
        return self._shared_globals

    @globals.setter
    def globals(self, value: Iterable[Any] | Mapping[str, Any]) -> None:
        self._shared_globals = SharedGlobals(dict(value), self._globals_changed)
        self._globals_changed()

    def _globals_changed(self) -> None:
        shared = getattr(self, "_shared_globals", None)
        if shared is None:
            return
        for reference in list(self._template_globals.values()):
            template_globals = reference()
            if template_globals is not None:
                template_globals.refresh(shared)

    def make_globals(
        self, d: MutableMapping[str, Any] | None
    ) -> MutableMapping[str, Any]:
        template_globals = TemplateGlobals(d or {}, self.globals)
        key = id(template_globals)
        registry = self._template_globals

        def forget(_: object) -> None:
            registry.pop(key, None)

        registry[key] = weakref.ref(template_globals, forget)
        return template_globals
