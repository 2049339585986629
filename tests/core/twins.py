"""Run one scenario on real Flask and on protoweb, to compare what they do.

A scenario is a function of the framework module (``flask`` or ``protoweb``; both
have ``Flask``, ``Blueprint``, ``request``, ``url_for``, ...) that returns plain
data: :func:`same` runs it on both and checks the results are equal.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import flask

import protoweb

FRAMEWORKS: dict[str, ModuleType] = {"flask": flask, "protoweb": protoweb}


def same(scenario: Callable[[ModuleType], Any]) -> Any:
    """``scenario(flask)`` and ``scenario(protoweb)``, checked equal; the result."""
    results = {name: scenario(module) for name, module in FRAMEWORKS.items()}
    assert results["protoweb"] == results["flask"], results
    return results["protoweb"]


def answers(client: Any, *paths: str, method: str = "get") -> list[tuple[int, str]]:
    """``(status, text)`` for each path, through a test client."""
    out = []
    for path in paths:
        response = getattr(client, method)(path)
        out.append((response.status_code, response.get_data(as_text=True)))
    return out
