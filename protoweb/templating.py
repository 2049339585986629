"""Templates: an in-memory dict first, then the ``templates/`` folder.

``app.templates["page.html"] = source`` parses the source at once: a syntax error is
refused with the template's name and line, and the previous version stays. A
replaced template is used by the very next render.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

from jinja2 import (
    BaseLoader,
    Environment,
    FileSystemLoader,
    Template,
    TemplateNotFound,
)
from jinja2 import TemplateSyntaxError as _JinjaSyntaxError

from . import context as _context
from .file_names import check_relative_name

if TYPE_CHECKING:
    from .app import App

AUTOESCAPE_SUFFIXES = (".html", ".htm", ".xml", ".xhtml", ".svg", ".j2")


def autoescape(name: str | None) -> bool:
    """Autoescape string templates and .html/.htm/.xml/.xhtml/.svg/.j2 files."""
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
        self, environment: Environment, template: str
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


def render(app: App, template: Template, context: dict[str, Any]) -> str:
    """Render ``template`` with the context processors' variables added, sending
    the template signals if they are in use."""
    app.update_template_context(context)
    signals = _context.signals
    if signals is None:
        return template.render(context)
    signals.before_render_template.send(
        app, _async_wrapper=app.ensure_sync, template=template, context=context
    )
    rv = template.render(context)
    signals.template_rendered.send(
        app, _async_wrapper=app.ensure_sync, template=template, context=context
    )
    return rv


def _stream(app: App, template: Template, context: dict[str, Any]) -> Iterator[str]:
    """The template's output piece by piece; in a request, the request stays
    available to it while the response streams (see ``stream_with_context``)."""
    from .streaming import stream_with_context

    app.update_template_context(context)
    signals = _context.signals
    if signals is not None:
        signals.before_render_template.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )

    def generate() -> Iterator[str]:
        yield from template.generate(context)
        if signals is not None:
            signals.template_rendered.send(
                app, _async_wrapper=app.ensure_sync, template=template, context=context
            )

    if _context.has_request_context():
        return stream_with_context(generate())
    return generate()


def render_template(
    template_name_or_list: str | Template | list[str | Template], **context: Any
) -> str:
    """Render a template of the current app with the given variables."""
    app = _context.current_context().app
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return render(app, template, context)


def render_template_string(source: str, **context: Any) -> str:
    """Render a template given as a string (autoescaped) with the given variables."""
    from .context import current_context

    app = current_context().app
    return render(app, app.jinja_env.from_string(source), context)


def stream_template(
    template_name_or_list: str | Template | list[str | Template], **context: Any
) -> Iterator[str]:
    """Render a template piece by piece, as an iterator to return from a view
    (the response is streamed, with the request available to the template)."""
    from .context import current_context

    app = current_context().app
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _stream(app, template, context)


def stream_template_string(source: str, **context: Any) -> Iterator[str]:
    """:func:`stream_template` for a template given as a string."""
    from .context import current_context

    app = current_context().app
    return _stream(app, app.jinja_env.from_string(source), context)


def get_template_attribute(template_name: str, attribute: str) -> Any:
    """A macro (or variable) exported by a template, to call from Python:
    ``get_template_attribute("_macros.html", "hello")("World")``."""
    from .context import current_context

    app = current_context().app
    return getattr(app.jinja_env.get_template(template_name).module, attribute)
