"""``Listeners``: callbacks added and removed from any thread, called without a lock.

Adding or removing swaps in a new tuple, so a caller iterating the old one (a
request thread, say) is never disturbed and never sees a half-made change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, ParamSpec

P = ParamSpec("P")


class Listeners(Generic[P]):
    """Callbacks taking ``P``, each added once, called in the order added.

    :param on_error: called with the listener and the exception when a listener
        raises, and the others are still called; without it the error propagates.
    """

    def __init__(
        self, on_error: Callable[[Callable[P, object], Exception], None] | None = None
    ) -> None:
        self._items: tuple[Callable[P, object], ...] = ()
        self._on_error = on_error

    def add(self, listener: Callable[P, object]) -> None:
        """Call ``listener`` from now on (a second add of the same one is a no-op)."""
        if listener not in self._items:
            self._items = (*self._items, listener)

    def remove(self, listener: Callable[P, object]) -> None:
        """Stop calling ``listener``; unknown listeners are ignored."""
        self._items = tuple(item for item in self._items if item != listener)

    def notify(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Call every listener with the arguments given."""
        for listener in self._items:
            if self._on_error is None:
                listener(*args, **kwargs)
                continue
            try:
                listener(*args, **kwargs)
            except Exception as error:
                self._on_error(listener, error)

    def __iter__(self) -> Iterator[Callable[P, object]]:
        return iter(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __len__(self) -> int:
        return len(self._items)
