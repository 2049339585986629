"""The one switch between Flask and protoweb: the same source, its imports changed.

The apps under ``src/`` are written for Flask (``from flask import Flask, g``). To
run one on protoweb, its source is copied with ``flask`` changed to ``protoweb`` in
its import lines and nowhere else, which is exactly what a user would do.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

SOURCE = Path(__file__).with_name("src")
FRAMEWORKS = ("flask", "protoweb")
#: ``from flask import ...`` and ``from flask.views import ...``, at any indent.
FROM_FLASK = re.compile(
    r"^(?P<indent>[ \t]*)from flask(?P<rest>(\.\w+)* import )", re.M
)
#: ``import flask`` would need the module's name changed in the code too.
IMPORT_FLASK = re.compile(r"^[ \t]*import flask\b", re.M)


def switch_imports(source: str, framework: str) -> str:
    """``source`` with its ``from flask... import`` lines taken from ``framework``."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {FRAMEWORKS}, not {framework!r}")
    if IMPORT_FLASK.search(source):
        raise ValueError(
            "write 'from flask import NAME' in the apps: 'import flask' would need"
            " the code changed too, not only its imports"
        )
    if framework == "flask":
        return source
    return FROM_FLASK.sub(rf"\g<indent>from {framework}\g<rest>", source)


def copy_apps(destination: Path, framework: str) -> Path:
    """Copy ``src/`` (templates and data too) into ``destination`` for ``framework``."""
    shutil.copytree(
        SOURCE, destination, ignore=shutil.ignore_patterns("__pycache__", "instance")
    )
    for module in destination.rglob("*.py"):
        module.write_text(switch_imports(module.read_text(), framework))
    return destination
