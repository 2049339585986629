"""The app's Jinja registration: template filters, tests and globals (each in a
decorator and an ``add_`` form, as Flask), the template context, and the
environment and loader hooks Flask subclasses override."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar, cast

from .context import _current
from .templating import autoescape

if TYPE_CHECKING:
    from jinja2 import Environment

    from .app import App
    from .jinja_environment import AppLoader

F = TypeVar("F", bound=Callable[..., Any])


class TemplateMethods:
    """Template registration and context, mixed into :class:`~protoweb.App`."""

    @cached_property
    def jinja_env(self) -> Environment:
        """The app's Jinja2 environment, made on first use (so an app that renders
        nothing never loads Jinja2), with the app's loader."""
        environment = self.create_jinja_environment()
        environment.loader = self.create_global_jinja_loader()
        return environment

    def render_template(self, template_name: str, **context: Any) -> str:
        """Render one of this app's templates, with or without a request."""
        from .templating import render

        app = cast("App", self)
        with app._own_context():
            return render(app, self.jinja_env.get_template(template_name), context)

    def template_filter(self, name: str | None = None) -> Callable[[F], F]:
        """Decorate a Jinja filter (named ``name``, or the function's name)."""
        return _jinja_decorator(self.add_template_filter, name)

    def add_template_filter(self, f: Callable[..., Any], name: str | None = None):
        """Register a Jinja filter; a filter of the same name is replaced."""
        self._add_jinja("filters", f, name)

    def template_test(self, name: str | None = None) -> Callable[[F], F]:
        """Decorate a Jinja test (``{% if x is name %}``)."""
        return _jinja_decorator(self.add_template_test, name)

    def add_template_test(self, f: Callable[..., Any], name: str | None = None):
        """Register a Jinja test; a test of the same name is replaced."""
        self._add_jinja("tests", f, name)

    def template_global(self, name: str | None = None) -> Callable[[F], F]:
        """Decorate a function available in every template."""
        return _jinja_decorator(self.add_template_global, name)

    def add_template_global(self, f: Callable[..., Any], name: str | None = None):
        """Register a template global; a global of the same name is replaced."""
        self._add_jinja("globals", f, name)

    def remove_template_filter(self, name: str) -> None:
        """Remove the Jinja filter ``name`` (as a re-run notebook cell does).

        :raises KeyError: there is no such filter.
        """
        self._remove_jinja("filters", name)

    def remove_template_test(self, name: str) -> None:
        """Remove the Jinja test ``name``.

        :raises KeyError: there is no such test.
        """
        self._remove_jinja("tests", name)

    def remove_template_global(self, name: str) -> None:
        """Remove the template global ``name``.

        :raises KeyError: there is no such global.
        """
        self._remove_jinja("globals", name)

    def _remove_jinja(self, kind: str, name: str) -> None:
        app = cast("App", self)
        table = getattr(app.jinja_env, kind)
        if name not in table:
            raise KeyError(f"no template {kind[:-1]} named {name!r}")
        del table[name]
        app._changed("template_" + kind, name)

    def _add_jinja(self, kind: str, f: Callable[..., Any], name: str | None) -> None:
        app = cast("App", self)
        name = name or f.__name__
        getattr(app.jinja_env, kind)[name] = f
        app._changed("template_" + kind, name)

    def create_global_jinja_loader(self) -> AppLoader:
        """The Jinja loader of the app: ``app.templates``, its folder, then its
        blueprints' folders."""
        from .jinja_environment import AppLoader

        return AppLoader(cast("App", self))

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Whether a template is autoescaped: string templates and ``.html``,
        ``.htm``, ``.xml``, ``.xhtml``, ``.svg`` and ``.j2`` files."""
        return autoescape(filename)

    def create_jinja_environment(self) -> Environment:
        """A new Jinja environment for this app (``jinja_options`` applied)."""
        from .jinja_environment import create_environment

        return create_environment(cast("App", self))

    def update_template_context(self, context: dict[str, Any]) -> None:
        """Add what the context processors return (the app's, then the request's
        blueprints'); the variables passed to the render win."""
        app = cast("App", self)
        if not app._table.context_processors:
            return
        current = _current.get(None)
        if current is not None and current.app is self:
            name = getattr(current, "endpoint", None)
            endpoint = current.table.endpoints.get(name) if name else None
            plan = endpoint.plan if endpoint is not None else current.table.plans(None)
        else:
            plan = app._table.plans(None)
        if not plan.context_processors:
            return
        original = context.copy()
        for processor in plan.context_processors:
            context.update(processor())
        context.update(original)


def _jinja_decorator(
    add: Callable[[Callable[..., Any], str | None], None], name: Any
) -> Callable[[F], F]:
    if callable(name):  # used bare: @app.template_filter
        add(name, None)
        return name

    def decorator(f: F) -> F:
        add(f, name)
        return f

    return decorator
