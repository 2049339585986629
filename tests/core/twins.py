"""Run one scenario on protoweb and on real Flask, to compare what each does.

Two ways, for two kinds of test:

- :func:`same` runs a scenario (a function of the framework module, ``protoweb``
  or ``flask``; both have ``Flask``, ``Blueprint``, ``request``, ``url_for``, ...)
  on both and checks the plain data it returns is equal;
- a test that takes the ``fw`` fixture runs twice, with ``fw`` wrapping
  ``protoweb``, then ``flask``; the assertions are the same for both.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import flask
import pytest

import protoweb

FRAMEWORKS: dict[str, ModuleType] = {"protoweb": protoweb, "flask": flask}


def same(scenario: Callable[[ModuleType], Any]) -> Any:
    """``scenario(protoweb)`` and ``scenario(flask)``, checked equal; the result."""
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


@dataclass
class Framework:
    """One of the two frameworks: its package and a few submodules."""

    name: str
    package: ModuleType

    def app(self, root: Path, **config: Any) -> Any:
        """A fresh app rooted in ``root`` (protoweb.App or flask.Flask)."""
        cls = self.package.App if self.name == "protoweb" else self.package.Flask
        app = cls(f"twin_{self.name}", root_path=str(root))
        app.config.update(config)
        return app

    def sub(self, name: str) -> ModuleType:
        """``flask.<name>`` or ``protoweb.<name>``."""
        return importlib.import_module(f"{self.name}.{name}")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.package, name)


@pytest.fixture(params=list(FRAMEWORKS))
def fw(request: pytest.FixtureRequest) -> Framework:
    """protoweb, then Flask."""
    return Framework(request.param, FRAMEWORKS[request.param])
