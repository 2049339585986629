"""The app's contexts: making them (``app_context``, ``request_context``,
``test_request_context``) and what runs when an app context ends
(``teardown_appcontext``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any, TypeVar, cast

from werkzeug.exceptions import HTTPException

from . import context as _context
from .context import AppContext, RequestContext, _current
from .scaffold import endpoint_from_view

if TYPE_CHECKING:
    from .app import App

F = TypeVar("F", bound=Callable[..., Any])

#: The app's own logger for view and teardown errors (see :mod:`protoweb.app`).
logger = logging.getLogger("protoweb.app")


class ContextMethods:
    """Contexts and app-context teardown, mixed into :class:`~protoweb.App`."""

    def app_context(self) -> AppContext:
        """A context for ``url_for``, templates and ``g`` outside a request."""
        return AppContext(cast("App", self))

    def request_context(self, environ: dict[str, Any]) -> RequestContext:
        """The context of the request ``environ``, matched as Flask matches it
        (``request.endpoint``, ``url_rule``, ``view_args`` and ``blueprint`` are
        set when a rule matches)."""
        app = cast("App", self)
        table = app._table
        context = RequestContext(app, table, environ)
        try:
            rule, args = context.url_adapter().match(return_rule=True)
        except HTTPException as error:
            context.request.routing_exception = error
            return context
        context.url_rule = rule
        context.view_args = dict(args)
        context.endpoint = rule.endpoint
        return context

    def test_request_context(self, *args: Any, **kwargs: Any) -> RequestContext:
        """A request context for a made-up request; the arguments are
        :class:`~protoweb.testing.EnvironBuilder`'s (path, method, json, ...)."""
        from .testing import EnvironBuilder

        builder = EnvironBuilder(cast("App", self), *args, **kwargs)
        try:
            return self.request_context(builder.get_environ())
        finally:
            builder.close()

    def _own_context(self) -> AbstractContextManager[AppContext]:
        """This app's current context (a request's, say) if any, else a new one."""
        current = _current.get(None)
        if current is not None and current.app is self:
            return nullcontext(current)
        return self.app_context()

    def teardown_appcontext(self, f: F) -> F:
        """Run ``f(error_or_None)`` when each app context ends (after each request,
        and when a ``with app.app_context():`` block ends); replaced by name."""
        app = cast("App", self)
        name = endpoint_from_view(f)
        _context.enable_extras()
        with app._registry.lock:
            app._appcontext_teardowns = {
                **app._appcontext_teardowns,
                name: app.ensure_sync(f),
            }
        app._changed("hook", name)
        return f

    @property
    def teardown_appcontext_funcs(self) -> tuple[Callable[..., Any], ...]:
        """The :meth:`teardown_appcontext` functions, in registration order (a
        snapshot: register with the decorator, which replaces by name)."""
        return tuple(cast("App", self)._appcontext_teardowns.values())

    def has_appcontext_teardown(self) -> bool:
        """Whether any :meth:`teardown_appcontext` function is registered."""
        return bool(cast("App", self)._appcontext_teardowns)

    def do_teardown_appcontext(self, exc: BaseException | None = None) -> None:
        """Run the ``teardown_appcontext`` functions (last registered first) and
        send ``appcontext_tearing_down``; called when an app context ends."""
        app = cast("App", self)
        for function in reversed(app._appcontext_teardowns.values()):
            try:
                function(exc)
            except Exception:
                logger.exception("teardown_appcontext function %r failed", function)
        signals = _context.signals
        if signals is not None:
            signals.appcontext_tearing_down.send(
                app, _async_wrapper=app.ensure_sync, exc=exc
            )
