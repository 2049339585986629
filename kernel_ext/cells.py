"""Cell runs as the exporter's :class:`~protoweb.export.Cell`: text typed, and Python.

IPython's own input transformer (:class:`TransformerManager`, the one the shell
runs every cell through) turns ``%magic``, ``!shell``, ``x = !cmd`` and ``obj?``
into calls on ``get_ipython()``, line for line; the exporter leaves those out. A
``%%magic`` cell holds no Python, except the body of ``%%time``, ``%%capture``
and ``%%prun``, which runs in the namespace like any cell.
"""

from __future__ import annotations

import re
from typing import Protocol

from IPython.core.inputtransformer2 import TransformerManager

from protoweb.export import Cell

#: Cell magics whose body runs as ordinary code in the notebook's namespace.
PYTHON_BODY_MAGICS = frozenset({"time", "capture", "prun"})
_CELL_MAGIC = re.compile(r"\s*%%(?P<name>[\w.-]+)")


class Transformer(Protocol):
    def transform_cell(self, cell: str) -> str: ...


_default_transformer = TransformerManager()


def cell_python(source: str, transformer: Transformer | None = None) -> str:
    """The Python a cell ran as: its lines where the typed text has them."""
    transformer = transformer or _default_transformer
    lines = source.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return ""
    magic = _CELL_MAGIC.match(lines[first])
    if magic is None:
        return _transformed(source, transformer)
    if magic.group("name") not in PYTHON_BODY_MAGICS:
        return ""
    body = "\n".join(lines[first + 1 :])
    return "\n" * (first + 1) + _transformed(body, transformer)


def _transformed(source: str, transformer: Transformer) -> str:
    try:
        return str(transformer.transform_cell(source))
    except Exception:  # IPython's transformer may fail on broken input
        return source


def cell_run(
    source: str,
    execution_count: int | None = None,
    cell_id: str | None = None,
    transformer: Transformer | None = None,
) -> Cell:
    """The :class:`Cell` of one run of ``source``."""
    return Cell(
        source, cell_python(source, transformer), execution_count, cell_id or None
    )
