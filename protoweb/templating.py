"""Templates: an in-memory dict first, then the ``templates/`` folder.

``app.templates["page.html"] = source`` parses the source at once: a syntax error is
refused with the template's name and line, and the previous version stays. A
replaced template is used by the very next render.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

from . import context as _context
from .file_names import check_relative_name

if TYPE_CHECKING:
    import jinja2
    from jinja2 import Template

    from .app import App
    from .jinja_environment import AppLoader as AppLoader
    from .jinja_environment import DispatchingJinjaLoader as DispatchingJinjaLoader
    from .jinja_environment import Environment as Environment
    from .jinja_environment import TemplateSyntaxError as TemplateSyntaxError
    from .jinja_environment import create_environment as create_environment

#: Names that live with Jinja2 (imported on first use, so ``import protoweb``
#: does not load Jinja2 for an app that renders nothing).
_JINJA_NAMES = (
    "AppLoader",
    "Environment",
    "DispatchingJinjaLoader",
    "TemplateSyntaxError",
    "create_environment",
)


def __getattr__(name: str) -> Any:
    if name in _JINJA_NAMES:
        from . import jinja_environment

        return getattr(jinja_environment, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


AUTOESCAPE_SUFFIXES = (".html", ".htm", ".xml", ".xhtml", ".svg", ".j2")


def autoescape(name: str | None) -> bool:
    """Autoescape string templates and .html/.htm/.xml/.xhtml/.svg/.j2 files."""
    return name is None or name.endswith(AUTOESCAPE_SUFFIXES)


class TemplateStore(MutableMapping[str, str]):
    """``app.templates``: template sources by name, checked as they are set."""

    def __init__(
        self,
        environment: Callable[[], jinja2.Environment],
        on_change: Callable[[str], None],
    ):
        #: Gives the app's environment (made on first use).
        self._environment = environment
        self._sources: dict[str, str] = {}
        self._on_change = on_change

    def __setitem__(self, name: str, source: str) -> None:
        name = check_relative_name(name, "template")
        if not isinstance(source, str):
            raise TypeError(
                f"template {name!r} must be a str, not {type(source).__name__}"
            )
        from jinja2 import TemplateSyntaxError as JinjaSyntaxError

        from .jinja_environment import TemplateSyntaxError

        try:
            self._environment().parse(source, name)
        except JinjaSyntaxError as error:
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
