"""Starting fresh Python processes that import from this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import BenchmarkError

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


def start_module(
    module: str, *args: str, stderr: int | None = None
) -> subprocess.Popen[str]:
    """Start ``python -m module args`` with pipes for a line-based protocol."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=REPO_ROOT,
        env=python_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        bufsize=1,
    )


def start_server(
    what: str, module: str, *args: str, stderr: int | None = None
) -> tuple[subprocess.Popen[str], int]:
    """Start a server child that prints ``ready PORT``; the process and its port.

    Raises :class:`BenchmarkError` naming ``what`` (and ends the child) when the
    first line is anything else.
    """
    process = start_module(module, *args, stderr=stderr)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("ready "):
        process.kill()
        process.wait()
        raise BenchmarkError(f"{what} did not start: {line!r}")
    return process, int(line.split()[1])


def serve_changes(
    app: Any, change: Callable[[str, int], None], clock: Callable[[], float]
) -> None:
    """The child's side of :func:`start_server` for a live app that is changed.

    Serves ``app`` live, prints ``ready PORT``, then for each ``KIND N`` line on
    stdin calls ``change(KIND, N)`` and prints ``clock()``; stops when stdin closes.
    """
    from protoweb import LiveServer

    server = LiveServer(app).start()
    print(f"ready {server.port}", flush=True)
    for line in sys.stdin:
        kind, version = line.split()
        change(kind, int(version))
        print(clock(), flush=True)
    server.stop()
