"""Run one scenario on protoweb and on real Flask, to compare what each does.

A test that takes the ``fw`` fixture runs twice: once with ``fw`` wrapping
``protoweb``, once wrapping ``flask``; the assertions are the same for both.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest


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


@pytest.fixture(params=["protoweb", "flask"])
def fw(request: pytest.FixtureRequest) -> Framework:
    """protoweb, then Flask."""
    return Framework(request.param, importlib.import_module(request.param))
