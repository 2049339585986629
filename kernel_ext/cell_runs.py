"""Following each cell run: what it defines, what it owns, how it changed the app.

IPython's ``pre_run_cell``/``post_run_cell`` events and the app's change listener
drive a :class:`CellRunTracker`, so that each run is kept in the history, a cell
owns what it defines, what it no longer defines is removed, and each run that
changes the route table prints a one-line diff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from protoweb import App

from .cells import cell_run
from .history import CellHistory
from .ownership import Item, TableSnapshot, format_diff, snapshot, table_diff

if TYPE_CHECKING:
    from IPython.core.interactiveshell import ExecutionInfo, ExecutionResult


@dataclass
class CellRunState:
    """What one cell run has done so far."""

    cell_id: str | None
    execution_count: int
    raw_cell: str
    before: TableSnapshot
    defined: set[Item] = field(default_factory=set)


class CellRunTracker:
    """Follows the cell runs of one shell and keeps ``history`` up to date.

    :param shell: the IPython shell.
    :param app: the app the cells define.
    :param history: where executed cells, view sources and ownership are kept.
    :param notify: called after a run (or a change made outside one) changed the
        routes, templates or static files.
    """

    def __init__(
        self,
        shell: Any,
        app: App,
        history: CellHistory,
        notify: Callable[[], None],
    ) -> None:
        self.shell = shell
        self.app = app
        self.history = history
        self.notify = notify
        #: The cell running now, ``None`` between runs.
        self.run: CellRunState | None = None
        self._removing = False

    def pre_run_cell(self, info: ExecutionInfo) -> None:
        """IPython event: a cell is about to run."""
        count = self.shell.execution_count
        cell_id = getattr(info, "cell_id", None) or None
        raw = info.raw_cell or ""
        self.run = CellRunState(cell_id, count, raw, snapshot(self.app))
        if info.store_history and not info.silent:
            transformer = getattr(self.shell, "input_transformer_manager", None)
            self.history.cells.append(cell_run(raw, count, cell_id, transformer))

    def app_changed(self, kind: str, name: str) -> None:
        """App change listener: note what the running cell defines."""
        if self._removing:
            return
        exists = self._exists(kind, name)
        if exists is None:
            return
        item = (kind, name)
        if not exists:
            self.history.ownership.forget(item)
            if kind == "route":
                self.history.forget_route(name)
        else:
            if kind == "route":
                count = self.run.execution_count if self.run else None
                self.history.route_changed(name, count)
            if self.run is not None:
                self.run.defined.add(item)
        if self.run is None:
            self.notify()

    def _exists(self, kind: str, name: str) -> bool | None:
        if kind == "route":
            return name in self.app.endpoints
        if kind == "template":
            return name in self.app.templates
        if kind == "static":
            return name in self.app.static_files
        return None

    def post_run_cell(self, result: ExecutionResult) -> None:
        """IPython event: a cell has run; settle ownership and print the diff."""
        run, self.run = self.run, None
        if run is None:
            return
        success = result.error_before_exec is None and result.error_in_exec is None
        if not success and run.execution_count:
            self.history.failed_cells.add(run.execution_count)
        ownership = self.history.ownership
        if run.cell_id is not None:
            if success:
                stale = ownership.settle(run.cell_id, run.defined)
                self._remove(stale)
            else:
                for item in run.defined:
                    ownership.claim(run.cell_id, item)
        changes = table_diff(run.before, snapshot(self.app))
        if changes:
            print(format_diff(changes))
        if changes or run.defined:
            self.notify()

    def _remove(self, items: set[Item]) -> None:
        """Remove what a cell no longer defines."""
        self._removing = True
        try:
            for kind, name in sorted(items):
                if kind == "route" and name in self.app.endpoints:
                    self.app.remove_route(name)
                    self.history.forget_route(name)
                elif kind == "template" and name in self.app.templates:
                    del self.app.templates[name]
                elif kind == "static" and name in self.app.static_files:
                    del self.app.static_files[name]
        finally:
            self._removing = False
