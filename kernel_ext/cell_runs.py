"""Following each cell run: what it defines, what it owns, how it changed the app.

IPython's ``pre_run_cell``/``post_run_cell`` events and the app's change listener
drive a :class:`CellRunTracker`, so that each run is kept in the history, a cell
owns what it defines, what it no longer defines is removed, and each run that
changes the route table prints a one-line diff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from protoweb import App

from . import definitions
from .cells import cell_run
from .history import CellHistory
from .ownership import Item, TableSnapshot, format_diff, snapshot, table_diff

if TYPE_CHECKING:
    from IPython.core.interactiveshell import ExecutionInfo, ExecutionResult


def prompt_number(shell: Any) -> int:
    """The ``In [N]`` of the cell about to run, from ``pre_run_cell``.

    IPython's input history (``In``) is indexed by prompt number, and takes this
    cell's input only after ``pre_run_cell``, on every IPython. The execution
    counter is no guide: IPython 9 advances it before ``pre_run_cell``, 8 after
    the cell has run. ``post_run_cell`` then checks the number against the
    result's ``execution_count``, which is final.
    """
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None)
    if isinstance(history, list) and history:
        return len(history)
    return int(shell.execution_count)


@dataclass
class CellRunState:
    """What one cell run has done so far."""

    cell_id: str | None
    execution_count: int
    raw_cell: str
    before: TableSnapshot
    info_stored: bool = True
    defined: set[Item] = field(default_factory=set)
    #: Hooks, filters, handlers and blueprint items before the run.
    before_definitions: dict[Item, Any] = field(default_factory=dict)
    #: ``(kind, name)`` of the app's change events for those, during the run.
    events: set[tuple[str, str]] = field(default_factory=set)


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
        #: The run that ended last, and whether it succeeded.
        self.last_run: tuple[CellRunState, bool] | None = None
        self._removing = False

    def pre_run_cell(self, info: ExecutionInfo) -> None:
        """IPython event: a cell is about to run."""
        count = prompt_number(self.shell)
        cell_id = getattr(info, "cell_id", None) or None
        raw = info.raw_cell or ""
        stored = bool(info.store_history and not info.silent)
        self.run = CellRunState(cell_id, count, raw, snapshot(self.app), stored)
        self.run.before_definitions = self._definitions()
        if stored:
            transformer = getattr(self.shell, "input_transformer_manager", None)
            self.history.cells.append(cell_run(raw, count, cell_id, transformer))

    def app_changed(self, kind: str, name: str) -> None:
        """App change listener: note what the running cell defines."""
        if self._removing:
            return
        if self.run is not None and kind in definitions.KINDS:
            self.run.events.add((kind, name))
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
        self.last_run = None
        if run is None:
            return
        self._note_definitions(run)
        final = getattr(result, "execution_count", None)
        if run.info_stored and isinstance(final, int) and final != run.execution_count:
            self._renumber(run, final)
        success = result.error_before_exec is None and result.error_in_exec is None
        self.last_run = (run, success)
        if not success and run.execution_count:
            self.history.failed_cells.add(run.execution_count)
        ownership = self.history.ownership
        if run.cell_id is not None:
            if success:
                stale = ownership.settle(run.cell_id, run.defined)
                kept = {
                    item
                    for item in stale
                    if item[0] in definitions.KINDS
                    and definitions.still_named(item, run.raw_cell)
                }
                for item in kept:
                    ownership.claim(run.cell_id, item)
                self._remove(stale - kept)
            else:
                for item in run.defined:
                    ownership.claim(run.cell_id, item)
        changes = table_diff(run.before, snapshot(self.app))
        if changes:
            print(format_diff(changes))
        if changes or run.defined:
            self.notify()

    def _definitions(self) -> dict[Item, Any]:
        return definitions.definitions(self.app, self.shell.user_ns)

    def _note_definitions(self, run: CellRunState) -> None:
        """Add the hooks, filters, handlers and blueprint items the run defined."""
        after = self._definitions()
        defined = definitions.changed(run.before_definitions, after)
        defined |= definitions.touched(run.events, after)
        for item in run.before_definitions.keys() - after.keys():
            self.history.ownership.forget(item)
        run.defined |= defined
        for kind, key in defined:
            if kind == "bp_route":
                view = self.history.views.get(key)
                if view is None or view.execution_count != run.execution_count:
                    self.history.route_changed(key, run.execution_count)
                else:
                    self.history.view_cells[key] = run.execution_count

    def _renumber(self, run: CellRunState, final: int) -> None:
        """Give what the run recorded its final prompt number (IPython's own)."""
        provisional, run.execution_count = run.execution_count, final
        history = self.history
        for index in range(len(history.cells) - 1, -1, -1):
            if history.cells[index].execution_count == provisional:
                history.cells[index] = replace(
                    history.cells[index], execution_count=final
                )
                break
        for kind, endpoint in run.defined:
            if kind not in definitions.ROUTE_KINDS:
                continue
            view = history.views.get(endpoint)
            if view is not None and view.execution_count == provisional:
                history.views[endpoint] = replace(view, execution_count=final)
            if history.view_cells.get(endpoint) == provisional:
                history.view_cells[endpoint] = final

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
                elif kind in definitions.KINDS:
                    definitions.remove_definition(
                        self.app, self.shell.user_ns, kind, name
                    )
        finally:
            self._removing = False
