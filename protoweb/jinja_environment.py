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

import os
import weakref
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2 import BaseLoader, FileSystemLoader, TemplateNotFound
from jinja2 import TemplateSyntaxError as _JinjaSyntaxError

from .templating import autoescape

if TYPE_CHECKING:
    from .app import App


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
        shared = self._shared_globals
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


class TemplateSyntaxError(_JinjaSyntaxError, ValueError):
    """A template was refused because it does not parse."""


class AppLoader(BaseLoader):
    """Looks in ``app.templates``, then the app's template folder, then the
    template folders of its blueprints (in registration order), as Flask."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.store = app.templates
        folder = app.template_folder
        self.folder = (
            FileSystemLoader(os.path.join(app.root_path, folder))
            if folder is not None
            else None
        )

    def _loaders(self) -> list[BaseLoader]:
        own: list[BaseLoader] = [self.folder] if self.folder is not None else []
        return [*own, *self.app.blueprint_template_loaders]

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        sources = self.store._sources
        source = sources.get(template)
        if source is not None:
            return source, None, lambda: sources.get(template) is source
        for loader in self._loaders():
            try:
                text, filename, on_disk = loader.get_source(environment, template)
            except TemplateNotFound:
                continue

            def uptodate(on_disk: Callable[[], bool] | None = on_disk) -> bool:
                return template not in sources and (on_disk is None or on_disk())

            return text, filename, uptodate
        where = (
            os.path.join(self.folder.searchpath[0], "")
            if self.folder is not None
            else "no template folder"
        )
        raise TemplateNotFound(
            template,
            f"template {template!r} is neither in app.templates nor in {where}",
        )

    def list_templates(self) -> list[str]:
        names = set(self.store._sources)
        for loader in self._loaders():
            try:
                names.update(loader.list_templates())
            except (TypeError, OSError):
                continue
        return sorted(names)


#: Flask's name for the app's loader.
DispatchingJinjaLoader = AppLoader


def create_environment(app: App) -> Environment:
    """The app's Jinja2 environment, with Flask's template globals."""
    from .context import g, request, session
    from .helpers import get_flashed_messages
    from .urls import url_for

    options = {"autoescape": autoescape, "auto_reload": True, **app.jinja_options}
    environment = app.jinja_environment(**options)
    environment.globals.update(
        url_for=url_for,
        get_flashed_messages=get_flashed_messages,
        request=request,
        g=g,
        session=session,
        config=app.config,
    )
    return environment
