"""Flask's ``flask.ctx``: the app and request contexts and their helpers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from .context import AppContext as AppContext
from .context import AppCtxGlobals as AppCtxGlobals
from .context import RequestContext as RequestContext
from .context import _current_request_context, enable_extras
from .context import has_app_context as has_app_context
from .context import has_request_context as has_request_context

F = TypeVar("F", bound=Callable[..., Any])

#: Flask's name for the class of ``g``.
_AppCtxGlobals = AppCtxGlobals


def after_this_request(f: F) -> F:
    """Call ``f(response)`` on this request's response, before the app's
    ``after_request`` hooks; it returns the response to send.

    .. code-block:: python

        @app.route("/")
        def index():
            @after_this_request
            def add_header(response):
                response.headers["X-Foo"] = "Parachute"
                return response

            return "Hello World!"
    """
    context = _current_request_context("after_this_request")
    functions = getattr(context, "_after", None)
    if functions is None:
        context._after = [f]
        enable_extras()
    else:
        functions.append(f)
    return f


def copy_current_request_context(f: F) -> F:
    """Wrap ``f`` so it runs in a copy of the current request context (same
    request, same session), e.g. in another thread the view starts."""
    context = _current_request_context("copy_current_request_context").copy()

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with context:
            return context.app.ensure_sync(f)(*args, **kwargs)

    return functools.update_wrapper(wrapper, f)  # type: ignore[return-value]
