"""Templates: an in-memory dict first, then the ``templates/`` folder.

``app.templates["page.html"] = source`` parses the source at once: a syntax error is
refused with the template's name and line, and the previous version stays. A
replaced template is used by the very next render.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

from jinja2 import BaseLoader, Environment, FileSystemLoader, TemplateNotFound
from jinja2 import TemplateSyntaxError as _JinjaSyntaxError

from .file_names import check_relative_name

if TYPE_CHECKING:
    from .app import App

AUTOESCAPE_SUFFIXES = (".html", ".htm", ".xml", ".j2")


def autoescape(name: str | None) -> bool:
    """Autoescape templates named .html/.htm/.xml/.j2, and string templates."""
    return name is None or name.endswith(AUTOESCAPE_SUFFIXES)


class TemplateSyntaxError(_JinjaSyntaxError, ValueError):
    """A template was refused because it does not parse."""


class TemplateStore(MutableMapping[str, str]):
    """``app.templates``: template sources by name, checked as they are set."""

    def __init__(self, environment: Environment, on_change: Callable[[str], None]):
        self._environment = environment
        self._sources: dict[str, str] = {}
        self._on_change = on_change

    def __setitem__(self, name: str, source: str) -> None:
        name = check_relative_name(name, "template")
        if not isinstance(source, str):
            raise TypeError(
                f"template {name!r} must be a str, not {type(source).__name__}"
            )
        try:
            self._environment.parse(source, name)
        except _JinjaSyntaxError as error:
            raise TemplateSyntaxError(
                f"template {name!r}, line {error.lineno}: {error.message}",
                error.lineno,
                name,
            ) from None
        self._sources[name] = source
        self._on_change(name)

    def __getitem__(self, name: str) -> str:
        return self._sources[name]

    def __delitem__(self, name: str) -> None:
        del self._sources[name]
        self._on_change(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)

    def __repr__(self) -> str:
        return f"<TemplateStore {sorted(self._sources)}>"


class AppLoader(BaseLoader):
    """Looks in the app's :class:`TemplateStore`, then its template folder."""

    def __init__(self, store: TemplateStore, folder: str) -> None:
        self.store = store
        self.folder = FileSystemLoader(folder)

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        sources = self.store._sources
        source = sources.get(template)
        if source is not None:
            return source, None, lambda: sources.get(template) is source
        try:
            text, filename, on_disk = self.folder.get_source(environment, template)
        except TemplateNotFound:
            raise TemplateNotFound(
                template,
                f"template {template!r} is neither in app.templates nor in"
                f" {os.path.join(self.folder.searchpath[0], '')}",
            ) from None

        def uptodate() -> bool:
            return template not in sources and (on_disk is None or on_disk())

        return text, filename, uptodate

    def list_templates(self) -> list[str]:
        names = set(self.store._sources)
        if os.path.isdir(self.folder.searchpath[0]):
            names.update(self.folder.list_templates())
        return sorted(names)


def create_environment(app: App) -> Environment:
    """The app's Jinja2 environment, with Flask's template globals."""
    from .context import g, request, session
    from .urls import url_for

    environment = Environment(autoescape=autoescape, auto_reload=True)
    environment.globals.update(
        url_for=url_for, request=request, g=g, session=session, config=app.config
    )
    return environment


def render_template(template_name: str, **context: Any) -> str:
    """Render a template of the current app with the given variables."""
    from .context import current_context

    app = current_context().app
    return app.jinja_env.get_template(template_name).render(context)


def render_template_string(source: str, **context: Any) -> str:
    """Render a template given as a string (autoescaped) with the given variables."""
    from .context import current_context

    app = current_context().app
    return app.jinja_env.from_string(source).render(context)
