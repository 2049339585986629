"""The ``protoweb`` command run as a user runs it: ``python -m protoweb`` in a new
process, with this checkout first on ``PYTHONPATH``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: Settings of the machine's environment that would change what a command does:
#: which app it loads, its port, its proxy prefix, a Python startup file.
OUTSIDE_SETTINGS = (
    "PROTOWEB_APP",
    "FLASK_APP",
    "PROTOWEB_PORT",
    "PROTOWEB_PUBLIC_URL",
    "JUPYTERHUB_SERVICE_PREFIX",
    "PYTHONSTARTUP",
)


def protoweb_environment(**settings: str) -> dict[str, str]:
    """This process's environment without :data:`OUTSIDE_SETTINGS`, with this
    checkout first on ``PYTHONPATH`` and ``settings`` added."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in OUTSIDE_SETTINGS
    }
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), environment.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    environment.update(settings)
    return environment


def run_protoweb(
    *arguments: str,
    cwd: Path,
    input: str | None = None,
    timeout: float = 180,
    **settings: str,
) -> subprocess.CompletedProcess[str]:
    """``python -m protoweb ARGUMENTS`` in ``cwd``, run to its end, its output
    captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "protoweb", *arguments],
        cwd=cwd,
        env=protoweb_environment(**settings),
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
