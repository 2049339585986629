"""``Listeners``: callbacks added and removed by copy, called in order."""

from __future__ import annotations

import pytest

from protoweb.listeners import Listeners


def test_listeners_are_called_in_order_once_each_and_removed() -> None:
    calls: list[tuple[str, int]] = []
    listeners: Listeners[[int]] = Listeners()

    def first(n: int) -> None:
        calls.append(("first", n))

    def second(n: int) -> None:
        calls.append(("second", n))

    listeners.add(first)
    listeners.add(second)
    listeners.add(first)
    listeners.notify(1)
    listeners.remove(first)
    listeners.notify(2)
    listeners.remove(first)
    assert calls == [("first", 1), ("second", 1), ("second", 2)]
    assert len(listeners) == 1 and listeners


def test_a_listener_removed_while_notifying_does_not_disturb_the_round() -> None:
    calls: list[str] = []
    listeners: Listeners[[]] = Listeners()

    def remover() -> None:
        calls.append("remover")
        listeners.remove(other)

    def other() -> None:
        calls.append("other")

    listeners.add(remover)
    listeners.add(other)
    listeners.notify()
    listeners.notify()
    assert calls == ["remover", "other", "remover"]


def test_errors_propagate_unless_a_handler_is_given() -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    seen: list[str] = []
    strict: Listeners[[]] = Listeners()
    strict.add(broken)
    with pytest.raises(RuntimeError):
        strict.notify()
    lenient: Listeners[[]] = Listeners(lambda listener, error: seen.append(str(error)))
    lenient.add(broken)
    lenient.add(lambda: seen.append("after"))
    lenient.notify()
    assert seen == ["boom", "after"]
