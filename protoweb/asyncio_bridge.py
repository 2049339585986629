"""Running ``async def`` views, hooks and error handlers from the WSGI dispatch.

A coroutine is awaited to completion for its request on the request's thread, in
an event loop of its own (never the caller's: a Jupyter kernel's main thread runs
one). If the calling thread already runs a loop, the coroutine runs in a fresh loop
on a helper thread instead, with a copy of the caller's contextvars, so
``request``, ``g`` and ``current_app`` work inside it either way. Wrapping happens
once, at registration (:func:`ensure_sync`), so sync views pay nothing.
"""

from __future__ import annotations

import contextvars
import functools
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import asyncio

# asyncio is imported where a coroutine is run, not with protoweb: an app with no
# async views never loads it (``import protoweb`` stays as fast as ``import flask``).

T = TypeVar("T")


def ensure_sync(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` itself if it is synchronous, else :func:`async_to_sync` of it."""
    import inspect  # at registration only: not worth its import time up front

    if inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func):
        return async_to_sync(func)
    return func


def async_to_sync(func: Callable[..., Any]) -> Callable[..., Any]:
    """A plain function that calls ``func`` and waits for its coroutine's result.

    An async generator (from an ``async def`` with ``yield``, or returned by a
    coroutine) comes back as a plain iterator, so it streams like a generator.
    """
    import inspect

    if inspect.isasyncgenfunction(func):

        def stream(*args: Any, **kwargs: Any) -> Iterator[Any]:
            return iterate_async(func(*args, **kwargs))

        wrapper = stream
    else:

        def run(*args: Any, **kwargs: Any) -> Any:
            result = run_coroutine(func(*args, **kwargs))
            if isinstance(result, AsyncIterator):
                return iterate_async(result)
            return result

        wrapper = run
    functools.update_wrapper(wrapper, func)
    wrapper.__protoweb_async__ = func  # type: ignore[attr-defined]
    return wrapper


def run_coroutine(awaitable: Awaitable[T]) -> T:
    """Await ``awaitable`` to completion in a new event loop and return its result.

    On a thread that already runs a loop, the new loop runs on a helper thread
    (the caller waits for it), with a copy of the caller's contextvars.
    """
    if _loop_running():
        context = contextvars.copy_context()
        return _in_helper_thread(lambda: context.run(_run_in_new_loop, awaitable))
    return _run_in_new_loop(awaitable)


def iterate_async(
    iterator: AsyncIterator[T], context: contextvars.Context | None = None
) -> Iterator[T]:
    """A plain iterator over an async iterator, each step awaited in a loop of its
    own (one loop for the whole iteration), in a copy of the contextvars current
    now (or ``context``): the request stays visible while the response streams."""
    context = context if context is not None else contextvars.copy_context()
    return _AsyncIteration(iterator, context)


class _AsyncIteration(Iterator[Any]):
    """Drives an async iterator step by step from synchronous code."""

    def __init__(self, iterator: AsyncIterator[Any], context: contextvars.Context):
        self._iterator = iterator
        self._context = context
        self._loop: asyncio.AbstractEventLoop | None = None

    def __iter__(self) -> _AsyncIteration:
        return self

    def __next__(self) -> Any:
        if self._iterator is None:
            raise StopIteration
        try:
            return self._step(self._iterator.__anext__())
        except StopAsyncIteration:
            self.close()
            raise StopIteration from None
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Close the async iterator (its ``finally`` blocks run) and the loop."""
        iterator, self._iterator = self._iterator, None  # type: ignore[assignment]
        if self._loop is None:
            return
        try:
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                self._step(aclose())
            self._step(self._loop.shutdown_asyncgens())
        finally:
            self._loop.close()
            self._loop = None

    def _step(self, awaitable: Awaitable[Any]) -> Any:
        if self._loop is None:
            import asyncio

            self._loop = asyncio.new_event_loop()
        loop = self._loop

        def step() -> Any:
            task = loop.create_task(_await(awaitable), context=self._context)
            return loop.run_until_complete(task)

        if _loop_running():
            return _in_helper_thread(step)
        return step()


async def _await(awaitable: Awaitable[T]) -> T:
    return await awaitable


def _loop_running() -> bool:
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _run_in_new_loop(awaitable: Awaitable[T]) -> T:
    import asyncio

    with asyncio.Runner() as runner:
        return runner.run(_await(awaitable))


def _in_helper_thread(call: Callable[[], T]) -> T:
    """``call()`` on a new thread (which has no running loop); its result or
    exception comes back here."""
    outcome: list[Any] = []

    def target() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as error:
            outcome.append((False, error))

    thread = threading.Thread(target=target, name="protoweb-async", daemon=True)
    thread.start()
    thread.join()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value
