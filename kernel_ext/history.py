"""What ran in a notebook or terminal, kept for the panel, ``edit`` and the export.

Every fact has one owner here: :attr:`CellHistory.cells` the runs (as the
exporter's :class:`~protoweb.export.Cell`), :attr:`CellHistory.views` the views
whose source is in no cell (``%%route``, ``%protoweb edit``), written only by
:meth:`CellHistory.record_view`, and :attr:`CellHistory.view_cells` the run that
last registered each endpoint.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from protoweb.export import Cell, ViewSource

from .ownership import CellOwnership


def function_source(code: str, function_name: str) -> str | None:
    """The text of the top-level ``def function_name`` in ``code``, decorators first.

    The last definition wins, as it does when the code runs.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    found: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for node in tree.body:
        if (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name == function_name
        ):
            found = node
    if found is None or found.end_lineno is None:
        return None
    start = min([found.lineno, *(d.lineno for d in found.decorator_list)])
    lines = code.splitlines()[start - 1 : found.end_lineno]
    return "\n".join(lines) + "\n"


@dataclass
class CellHistory:
    """What the workbench knows about the notebook's past; survives ``%reload_ext``.

    :param cells: every cell run kept in IPython's history, in order.
    :param views: endpoint -> the source of a view made by ``%%route`` or
        ``%protoweb edit`` (a view defined in a cell is that cell's text).
    :param view_cells: endpoint -> the ``In [N]`` of the run that registered it.
    :param preamble: name -> the source that makes a name the extension put in the
        namespace itself (``app``, ``request``).
    """

    cells: list[Cell] = field(default_factory=list)
    views: dict[str, ViewSource] = field(default_factory=dict)
    view_cells: dict[str, int] = field(default_factory=dict)
    failed_cells: set[int] = field(default_factory=set)
    ownership: CellOwnership = field(default_factory=CellOwnership)
    preamble: dict[str, str] = field(default_factory=dict)

    def record_view(self, view: ViewSource) -> None:
        """Keep ``view`` as the source of its endpoint (the one writer of views)."""
        self.views[view.endpoint] = view

    def route_changed(self, endpoint: str, execution_count: int | None) -> None:
        """An endpoint was registered (by the run ``execution_count``, if any):
        the source kept for it, if any, no longer holds."""
        self.views.pop(endpoint, None)
        if execution_count is None:
            self.view_cells.pop(endpoint, None)
        else:
            self.view_cells[endpoint] = execution_count

    def forget_route(self, endpoint: str) -> None:
        """An endpoint was removed."""
        self.views.pop(endpoint, None)
        self.view_cells.pop(endpoint, None)

    def cell_label(self, endpoint: str | None) -> str | None:
        """``In [5]``: the run that registered ``endpoint``, when known."""
        count = self.view_cells.get(endpoint) if endpoint else None
        return f"In [{count}]" if count else None

    def preamble_cell(self) -> Cell | None:
        """The preamble as one cell, run before the first, or ``None``."""
        text = "\n".join(p.strip("\n") for p in self.preamble.values() if p.strip())
        if not text:
            return None
        return Cell(text, text, name="the extension's preamble")
