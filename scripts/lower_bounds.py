"""The oldest versions protoweb says it supports, read from pyproject.toml.

``python scripts/lower_bounds.py constraints`` prints a pip constraints file that
pins each requirement of the core and of the ``jupyter`` extra to its ``>=`` bound;
``python scripts/lower_bounds.py tools`` prints the test extra's requirements that
the kernel and REPL tests need. ``scripts/test`` uses both to build the
oldest-versions environment.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import tomllib

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
#: The test tools the kernel and REPL tests import (the rest of the test extra,
#: JupyterLab and Flask among them, is for the other suites).
KERNEL_TEST_TOOLS = (
    "pytest",
    "pytest-timeout",
    "jupyter_client",
    "nbclient",
    "nbformat",
    "pexpect",
    "jupyter-server-proxy",
    "playwright",
)
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


def _name(requirement: str) -> str:
    match = _REQUIREMENT.match(requirement)
    if match is None:
        raise ValueError(f"cannot read the requirement {requirement!r}")
    return match.group(1).lower().replace("_", "-")


def lower_bound(requirement: str) -> str:
    """``ipython>=8.10`` -> ``ipython==8.10``.

    :raises ValueError: the requirement has no ``>=`` bound, so nothing says
        which version is the oldest supported.
    """
    match = _REQUIREMENT.match(requirement)
    bound = re.search(r">=\s*([0-9][^,;\s]*)", match.group(3)) if match else None
    if match is None or bound is None:
        raise ValueError(
            f"{requirement!r} in pyproject.toml has no '>=' lower bound: add one,"
            " the oldest-versions test job installs it"
        )
    return f"{match.group(1)}=={bound.group(1)}"


def main(argv: list[str]) -> int:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    extras = project["optional-dependencies"]
    if argv == ["constraints"]:
        for requirement in [*project["dependencies"], *extras["jupyter"]]:
            print(lower_bound(requirement))
        return 0
    if argv == ["tools"]:
        wanted = {name.replace("_", "-") for name in KERNEL_TEST_TOOLS}
        for requirement in extras["test"]:
            if _name(requirement) in wanted:
                print(requirement)
        return 0
    print("usage: python scripts/lower_bounds.py constraints|tools", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
