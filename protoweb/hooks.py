"""Request hooks, URL processors, context processors and error handlers.

:class:`Hooks` is one scope's registry (the app's own, or one blueprint's), by
function name, so re-running a cell that defines ``@app.before_request def check()``
replaces ``check`` instead of adding a second one. Each registry is swapped whole on
change (copy on write). :class:`Plan` is what the requests of one blueprint run,
worked out at registration time in Flask's order, so a request only walks tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from werkzeug.exceptions import HTTPException, default_exceptions

Hook = Callable[..., Any]
ErrorKey = int | type[BaseException]
#: An error handler's place: (HTTP code or None, exception class), as Flask files it.
HandlerKey = tuple[int | None, type[BaseException]]

KINDS = (
    "before_request",
    "after_request",
    "teardown_request",
    "url_value_preprocessor",
    "url_defaults",
    "context_processor",
)


class Hooks:
    """One scope's hooks by kind and function name, and its error handlers."""

    def __init__(self) -> None:
        self.funcs: dict[str, dict[str, Hook]] = {kind: {} for kind in KINDS}
        self.error_handlers: dict[HandlerKey, Hook] = {}

    def add(self, kind: str, hook: Hook) -> None:
        """Register ``hook`` as a ``kind`` hook, replacing its namesake."""
        _check_kind(kind)
        name = getattr(hook, "__name__", repr(hook))
        self.funcs = {**self.funcs, kind: {**self.funcs[kind], name: hook}}

    def remove(self, name: str, kind: str | None = None) -> bool:
        """Remove the hooks named ``name`` (of one ``kind``, or of every kind);
        whether there was one."""
        if kind is not None:
            _check_kind(kind)
        kinds = KINDS if kind is None else (kind,)
        found = any(name in self.funcs[k] for k in kinds)
        self.funcs = {
            k: {n: v for n, v in hooks.items() if n != name or k not in kinds}
            for k, hooks in self.funcs.items()
        }
        return found

    def of(self, kind: str) -> Iterable[Hook]:
        """The ``kind`` hooks, in registration order."""
        return self.funcs[kind].values()

    def add_error_handler(self, key: ErrorKey, handler: Hook) -> HandlerKey:
        """Register ``handler`` for a code or exception class; returns its place."""
        place = handler_key(key)
        self.error_handlers = {**self.error_handlers, place: handler}
        return place

    def remove_error_handler(self, key: ErrorKey) -> HandlerKey:
        """Remove the handler for a code or exception class; returns its place."""
        place = handler_key(key)
        self.error_handlers = {
            k: v for k, v in self.error_handlers.items() if k != place
        }
        return place

    def error_handler_for(self, error: BaseException) -> Hook | None:
        """This scope's handler for ``error`` (see :func:`find_error_handler`)."""
        return find_error_handler(error, (self.error_handlers,))

    def update(self, other: Hooks) -> None:
        """Add ``other``'s hooks and handlers to these (``other`` wins on names)."""
        self.funcs = {kind: {**self.funcs[kind], **other.funcs[kind]} for kind in KINDS}
        self.error_handlers = {**self.error_handlers, **other.error_handlers}

    def copy(self) -> Hooks:
        copy = Hooks()
        copy.update(self)
        return copy

    def __bool__(self) -> bool:
        return bool(self.error_handlers) or any(self.funcs.values())

    def snapshot(self) -> dict[str, tuple[Hook, ...]]:
        """Every hook and error handler now registered, by kind."""
        return {
            "before_request": tuple(self.of("before_request")),
            "after_request": tuple(self.of("after_request")),
            "teardown_request": tuple(self.of("teardown_request")),
            "url_value_preprocessor": tuple(self.of("url_value_preprocessor")),
            "url_defaults": tuple(self.of("url_defaults")),
            "context_processor": tuple(self.of("context_processor")),
            "errorhandler": tuple(self.error_handlers.values()),
        }


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown hook kind {kind!r}; expected one of {KINDS}")


def handler_key(key: ErrorKey) -> HandlerKey:
    """Where Flask files a handler: ``404`` and ``NotFound`` both become
    ``(404, NotFound)``; ``KeyError`` becomes ``(None, KeyError)``."""
    exc_class: Any
    if isinstance(key, int) and not isinstance(key, bool):
        try:
            exc_class = default_exceptions[key]
        except KeyError:
            raise ValueError(
                f"'{key}' is not a recognized HTTP error code. Use a subclass of"
                " HTTPException with that code instead."
            ) from None
    else:
        exc_class = key
    if isinstance(exc_class, BaseException):
        raise TypeError(
            f"{exc_class!r} is an instance, not a class. Handlers can only be"
            " registered for Exception classes or HTTP error codes."
        )
    if not isinstance(exc_class, type) or not issubclass(exc_class, Exception):
        name = getattr(exc_class, "__name__", repr(exc_class))
        raise ValueError(
            f"'{name}' is not a subclass of Exception. Handlers can only be"
            " registered for Exception classes or HTTP error codes."
        )
    if issubclass(exc_class, HTTPException):
        return exc_class.code, exc_class
    return None, exc_class


def find_error_handler(
    error: BaseException, handler_maps: Sequence[Mapping[HandlerKey, Hook]]
) -> Hook | None:
    """Flask's lookup: by HTTP code first, then by class, each time trying the
    scopes in order (innermost blueprint first, the app last) and the error's
    classes along its MRO."""
    code = error.code if isinstance(error, HTTPException) else None
    mro = type(error).__mro__
    for wanted in (code, None) if code is not None else (None,):
        for handlers in handler_maps:
            if not handlers:
                continue
            for cls in mro:
                handler = handlers.get((wanted, cls))
                if handler is not None:
                    return handler
    return None


class Plan:
    """The hooks that the requests of one blueprint (or the app) run, in order.

    Built at registration time from the scopes ``None`` (the app), then each
    enclosing blueprint, outer to inner: before-hooks run app first, after- and
    teardown-hooks innermost first, each scope's newest first (as Flask).
    """

    __slots__ = (
        "preprocess",
        "before",
        "after",
        "teardown",
        "context_processors",
        "url_defaults",
        "error_handlers",
    )

    def __init__(
        self,
        chain: Sequence[Hooks] = (),
        wrap: Callable[[Hook], Hook] = lambda f: f,
    ) -> None:
        def gather(kind: str, scopes: Iterable[Hooks], newest_first: bool) -> tuple:
            found: list[Hook] = []
            for scope in scopes:
                hooks = list(scope.of(kind))
                found.extend(reversed(hooks) if newest_first else hooks)
            return tuple(wrap(f) for f in found)

        inner_first = tuple(reversed(chain))
        self.preprocess = gather("url_value_preprocessor", chain, False)
        self.before = gather("before_request", chain, False)
        self.after = gather("after_request", inner_first, True)
        self.teardown = gather("teardown_request", inner_first, True)
        self.context_processors = gather("context_processor", chain, False)
        self.url_defaults = gather("url_defaults", chain, False)
        self.error_handlers = tuple(
            {key: wrap(f) for key, f in scope.error_handlers.items()}
            for scope in inner_first
            if scope.error_handlers
        )

    def error_handler_for(self, error: BaseException) -> Hook | None:
        """The handler for ``error`` in this plan's scopes (see
        :func:`find_error_handler`)."""
        return find_error_handler(error, self.error_handlers)


EMPTY_PLAN = Plan()


def blueprint_chain(blueprint: str | None) -> list[str | None]:
    """The scopes a blueprint's requests see: ``"a.b"`` -> ``[None, "a", "a.b"]``."""
    chain: list[str | None] = [None]
    if blueprint:
        parts = blueprint.split(".")
        chain.extend(".".join(parts[: i + 1]) for i in range(len(parts)))
    return chain


class PlanBook:
    """Plans by blueprint name, made on first use from the merged scopes."""

    def __init__(
        self, scopes: Mapping[str | None, Hooks], wrap: Callable[[Hook], Hook]
    ) -> None:
        self._scopes = scopes
        self._wrap = wrap
        self._plans: dict[str | None, Plan] = {}

    def __call__(self, blueprint: str | None) -> Plan:
        plan = self._plans.get(blueprint)
        if plan is None:
            chain = [
                self._scopes[name]
                for name in blueprint_chain(blueprint)
                if name in self._scopes and self._scopes[name]
            ]
            plan = Plan(chain, self._wrap) if chain else EMPTY_PLAN
            self._plans[blueprint] = plan
        return plan
