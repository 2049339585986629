"""Import time of protoweb next to Flask (and Bottle), in fresh interpreters.

Each sample is the wall time of ``python -c "import X"``; the median time of
``python -c "pass"`` is subtracted, leaving what the import itself costs. Runs are
interleaved (``pass``, then each module, then again) so that drift affects all alike,
and one untimed run of each comes first to fill the bytecode cache.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import BenchmarkError
from .subprocesses import REPO_ROOT, python_env

BASELINE = "pass"


def time_statement(statement: str) -> float:
    """Seconds for a fresh interpreter to run ``statement`` and exit."""
    start = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", statement],
        cwd=REPO_ROOT,
        env=python_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise BenchmarkError(f"python -c {statement!r} failed:\n{completed.stderr}")
    return elapsed


@dataclass
class ImportResult:
    """Median import times in seconds, net of interpreter start-up."""

    runs: int
    startup: float
    imports: dict[str, float]


def measure_import_time(
    modules: Sequence[str],
    runs: int,
    progress: Callable[[str], None] = lambda message: None,
) -> ImportResult:
    """Time ``import module`` for each of ``modules``, ``runs`` times, interleaved."""
    statements = [BASELINE, *(f"import {module}" for module in modules)]
    samples: dict[str, list[float]] = {statement: [] for statement in statements}
    for statement in statements:
        time_statement(statement)
    for run in range(runs):
        if run % 5 == 0:
            progress(f"import run {run + 1}/{runs}")
        shift = run % len(statements)
        for statement in statements[shift:] + statements[:shift]:
            samples[statement].append(time_statement(statement))
    startup = statistics.median(samples[BASELINE])
    imports = {
        module: statistics.median(samples[f"import {module}"]) - startup
        for module in modules
    }
    return ImportResult(runs, startup, imports)
