"""Starting fresh Python processes that import from this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BYTECODE_CACHE = Path(tempfile.gettempdir()) / "protoweb-benchmarks-pycache"


def python_env() -> dict[str, str]:
    """The environment for a child interpreter: this checkout first on the path.

    Children read and write bytecode caches under :data:`BYTECODE_CACHE` only, for
    every package alike (even where ``PYTHONDONTWRITEBYTECODE`` is set), so imports
    are timed warm and fairly, and nothing is written into the source tree.
    """
    env = dict(os.environ)
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + path if path else "")
    env["PYTHONPYCACHEPREFIX"] = str(BYTECODE_CACHE)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONSTARTUP", None)
    return env


def start_module(module: str, *args: str) -> subprocess.Popen[str]:
    """Start ``python -m module args`` with pipes for a line-based protocol."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=REPO_ROOT,
        env=python_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
