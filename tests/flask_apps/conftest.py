"""Each app's suite runs twice in one pytest run: on Flask, and on protoweb.

``framework`` is the module the app imports from (``flask`` or ``protoweb``), and
``import_app`` imports an app from a fresh copy of ``src/`` whose imports name that
framework (see ``framework_switch.py``); everything else is the same source.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from .framework_switch import FRAMEWORKS, copy_apps

#: The top-level modules under ``src/``, forgotten after each test.
APP_MODULES = ("jotter", "shop")


@pytest.fixture(params=FRAMEWORKS)
def framework(request: pytest.FixtureRequest) -> ModuleType:
    """``flask`` or ``protoweb``: what the test reads ``g``, ``session``... from."""
    return importlib.import_module(request.param)


@pytest.fixture
def import_app(
    framework: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], ModuleType]]:
    """Import an app module from ``src/``, its imports switched to ``framework``.

    Each test gets its own copy (so module-level state and the instance folder
    start fresh), and the app's modules are forgotten afterwards.
    """
    root = copy_apps(tmp_path / f"on_{framework.__name__}", framework.__name__)
    monkeypatch.syspath_prepend(str(root))
    yield importlib.import_module
    for name in list(sys.modules):
        if name.partition(".")[0] in APP_MODULES:
            del sys.modules[name]
