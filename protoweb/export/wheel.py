"""``--wheel``: the protoweb the session used, built as a wheel beside the export.

The exported project depends on protoweb by its distribution name; with the wheel
in ``wheels/``, ``pip install --find-links wheels -e .`` installs it on a machine
that cannot reach (or does not yet have) a published copy.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import ExportError

#: Seconds ``pip wheel`` may take (it may fetch setuptools to build).
WHEEL_TIMEOUT = 300
WHEELS_FOLDER = "wheels"


def protoweb_source_root() -> Path:
    """The folder holding the ``pyproject.toml`` of the protoweb imported now.

    :raises ExportError: protoweb was not imported from a source checkout.
    """
    root = Path(__file__).resolve().parents[2]
    if not (root / "pyproject.toml").is_file() or not (root / "protoweb").is_dir():
        raise ExportError(
            f"--wheel builds protoweb from its source, but the protoweb in use"
            f" ({root / 'protoweb'}) is not a source checkout; download its wheel"
            " (pip download --no-deps protoweb-cells) into the export's wheels/"
            " instead"
        )
    return root


def build_protoweb_wheel(folder: Path) -> Path:
    """``pip wheel`` the protoweb in use into ``folder``; the wheel's path.

    :raises ExportError: pip failed (its output's last lines say why).
    """
    root = protoweb_source_root()
    folder.mkdir(parents=True, exist_ok=True)
    before = set(folder.glob("*.whl"))
    with tempfile.TemporaryDirectory(prefix="protoweb-wheel-") as scratch:
        source = Path(scratch) / "source"
        _copy_source(root, source)
        command = [
            sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
            "--wheel-dir", str(folder.resolve()), str(source),
        ]  # fmt: skip
        try:
            completed = subprocess.run(
                command, capture_output=True, text=True, timeout=WHEEL_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            raise ExportError(
                f"building protoweb's wheel took more than {WHEEL_TIMEOUT} s"
            ) from None
    built = sorted(set(folder.glob("*.whl")) - before) or sorted(folder.glob("*.whl"))
    if completed.returncode != 0 or not built:
        tail = "\n".join((completed.stdout + completed.stderr).splitlines()[-20:])
        raise ExportError(f"could not build protoweb's wheel from {root}:\n{tail}")
    return built[-1]


def _copy_source(root: Path, source: Path) -> None:
    """What the build reads, copied so that it writes nothing into the checkout."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (root / name).is_file():
            shutil.copy2(root / name, source / name)
    for package in ("protoweb", "kernel_ext"):
        if (root / package).is_dir():
            shutil.copytree(root / package, source / package, ignore=ignore)
