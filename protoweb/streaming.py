"""Streaming responses that keep the request: :func:`stream_with_context`."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from . import context as _context


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
