"""Streaming responses that keep the request: :func:`stream_with_context` and
the template streams built on it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from jinja2 import Template

from . import context as _context
from .context import _current, current_context

if TYPE_CHECKING:
    from .app import App


def stream_with_context(
    generator_or_function: Iterable[Any] | Callable[..., Iterable[Any]],
) -> Any:
    """Keep the request context pushed while a streamed response is generated,
    so the generator can use ``request``, ``session`` and ``g``.

    .. code-block:: python

        @app.route("/stream")
        def streamed():
            @stream_with_context
            def generate():
                yield "Hello "
                yield request.args["name"]

            return generate()

    Takes a generator (or any iterable), or decorates a generator function.
    """
    try:
        iterator = iter(generator_or_function)  # type: ignore[arg-type]
    except TypeError:
        function: Callable[..., Iterable[Any]] = generator_or_function  # type: ignore[assignment]

        def decorator(*args: Any, **kwargs: Any) -> Any:
            return stream_with_context(function(*args, **kwargs))

        return functools.update_wrapper(decorator, function)
    context = _context._current_request_context("stream_with_context")
    outer = context.app_ctx
    return _stream(iterator, context, outer if outer is not context else None)


def _stream(
    iterator: Iterator[Any],
    context: _context.RequestContext,
    outer: _context.AppContext | None,
) -> Iterator[Any]:
    # Pushed when streaming starts (not now: the view's own context is still
    # current), the app context first so the request shares its g.
    if outer is not None:
        outer.push()
    try:
        with context:
            try:
                yield from iterator
            finally:
                close = getattr(iterator, "close", None)
                if close is not None:
                    close()
    finally:
        if outer is not None:
            outer.pop()


def stream_template(template_name_or_list: Any, **context: Any) -> Iterator[str]:
    """Render a template as a stream of strings (a response body that starts
    before the whole page is rendered); the request stays available to it."""
    app = current_context().app
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _stream_template(app, template, context)


def stream_template_string(source: str, **context: Any) -> Iterator[str]:
    """:func:`stream_template` for a template given as a string."""
    app = current_context().app
    return _stream_template(app, app.jinja_env.from_string(source), context)


def _stream_template(app: App, template: Template, context: dict[str, Any]) -> Any:
    update = getattr(app, "update_template_context", None)
    if update is not None:
        update(context)
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

    stream = generate()
    if isinstance(_current.get(None), _context.RequestContext):
        return stream_with_context(stream)
    return stream
