"""Request hooks and error handlers, replaced by name as cells are re-run.

Each registry is a dict swapped whole on every change (copy on write), so a
request iterating over one never sees it change under it, and re-running a cell
that defines ``@app.before_request def check(): ...`` replaces ``check`` instead of
adding a second one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.exceptions import HTTPException

Hook = Callable[..., Any]
ErrorKey = int | type[BaseException]

KINDS = ("before_request", "after_request", "teardown_request")


class Hooks:
    """The app's ``before_request``, ``after_request`` and ``teardown_request``
    hooks by name, and its error handlers by status code or exception class."""

    def __init__(self) -> None:
        self.before: dict[str, Hook] = {}
        self.after: dict[str, Hook] = {}
        self.teardown: dict[str, Hook] = {}
        self.error_handlers: dict[ErrorKey, Hook] = {}

    def add(self, kind: str, hook: Hook) -> None:
        """Register ``hook`` as a ``kind`` hook, replacing its namesake."""
        attribute = _attribute(kind)
        setattr(self, attribute, {**getattr(self, attribute), hook.__name__: hook})

    def remove(self, name: str) -> None:
        """Remove every hook named ``name``."""
        for kind in KINDS:
            attribute = _attribute(kind)
            hooks = getattr(self, attribute)
            setattr(self, attribute, {k: v for k, v in hooks.items() if k != name})

    def add_error_handler(self, key: ErrorKey, handler: Hook) -> ErrorKey:
        """Register ``handler`` for a code or exception class; returns the key used
        (an HTTP exception class is filed under its code)."""
        key = error_key(key)
        self.error_handlers = {**self.error_handlers, key: handler}
        return key

    def remove_error_handler(self, key: ErrorKey) -> ErrorKey:
        """Remove the handler for a code or exception class; returns the key used."""
        key = error_key(key)
        self.error_handlers = {k: v for k, v in self.error_handlers.items() if k != key}
        return key

    def error_handler_for(self, error: Exception) -> Hook | None:
        """The handler for ``error``: by its HTTP code, else by its class's MRO."""
        handlers = self.error_handlers
        if not handlers:
            return None
        if isinstance(error, HTTPException) and error.code in handlers:
            return handlers[error.code]
        for cls in type(error).__mro__:
            if cls in handlers:
                return handlers[cls]
        return None

    def snapshot(self) -> dict[str, tuple[Hook, ...]]:
        """Every hook and error handler now registered, by kind."""
        return {
            "before_request": tuple(self.before.values()),
            "after_request": tuple(self.after.values()),
            "teardown_request": tuple(self.teardown.values()),
            "errorhandler": tuple(self.error_handlers.values()),
        }


def error_key(key: ErrorKey) -> ErrorKey:
    """The key a handler is filed under: an HTTP exception class becomes its code."""
    if isinstance(key, type) and issubclass(key, HTTPException) and key.code:
        return key.code
    return key


def _attribute(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown hook kind {kind!r}; expected one of {KINDS}")
    return kind.partition("_")[0]
