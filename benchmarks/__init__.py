"""Benchmarks for protoweb's core, run with ``python -m benchmarks``.

This package imports no web framework at import time: each measurement runs the
framework it measures in a subprocess of its own, so imports cannot interfere.
"""

from __future__ import annotations


class BenchmarkError(Exception):
    """A benchmark could not run, or an app answered wrongly, so no number is given."""
