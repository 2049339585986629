"""A prototype's cells as one list of analysed statements, in the order they ran.

Each :class:`~protoweb.export.prototype.ViewSource` takes its place at the run
that made it (a ``%%route`` cell holds no Python of its own); templates and
static files are written from the app itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .blueprints import add_blueprint_registrations, blueprint_variables
from .errors import ExportError
from .prototype import Cell, Prototype, ViewSource
from .statements import Statement, cell_statements, marked_for_export


@dataclass
class CellStatements:
    """Every top-level statement that ran, and which runs a later run replaced.

    :param superseded: indexes of runs of a cell that ran again later (same
        ``cell_id``): what such a run registered and no longer does is gone.
    """

    statements: list[Statement]
    runs: list[Cell]
    superseded: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    #: The statements that add to a blueprint, with the blueprints' variables.
    blueprint_users: dict[Statement, set[str]] = field(default_factory=dict)


def _view_statements(
    view: ViewSource, run: int, label: str, app_name: str
) -> list[Statement]:
    try:
        return cell_statements(view.source, run, label, app_name)
    except SyntaxError as error:
        raise ExportError(
            f"the source of view {view.endpoint!r} does not parse"
            f" (line {error.lineno}: {error.msg}):\n{view.source}"
        ) from None


def _place_views(prototype: Prototype) -> dict[int, list[ViewSource]]:
    """Run index -> the views written where that run was (the end: after all)."""
    runs: dict[int | None, int] = {
        cell.execution_count: index
        for index, cell in enumerate(prototype.cells)
        if cell.execution_count is not None
    }
    placed: dict[int, list[ViewSource]] = {}
    for view in prototype.views:
        where = runs.get(view.execution_count, len(prototype.cells))
        placed.setdefault(where, []).append(view)
    return placed


def read_cells(prototype: Prototype) -> CellStatements:
    """Read every cell run (and view) of ``prototype`` into statements."""
    runs = list(prototype.cells)
    app_name = prototype.app_name
    placed = _place_views(prototype)
    result = CellStatements([], runs)
    latest_run: dict[str, int] = {}
    for index, run in enumerate(runs):
        if run.cell_id is not None:
            if run.cell_id in latest_run:
                result.superseded.add(latest_run[run.cell_id])
            latest_run[run.cell_id] = index
    for index, run in enumerate(runs):
        for view in placed.get(index, []):
            result.statements.extend(_view_statements(view, index, run.label, app_name))
        if not run.python.strip():
            continue
        try:
            result.statements.extend(
                cell_statements(run.python, index, run.label, app_name, run.typed_line)
            )
        except SyntaxError as error:
            if marked_for_export(run.python):
                raise ExportError(
                    f"{run.label} is marked '# protoweb: export' but does not parse"
                    f" (line {error.lineno}: {error.msg})"
                ) from None
            result.warnings.append(
                f"{run.label} was skipped: it does not parse as Python"
                f" (line {error.lineno}: {error.msg}), so it defined nothing"
            )
    for view in placed.get(len(runs), []):
        result.statements.extend(_view_statements(view, len(runs), "%%route", app_name))
    variables = blueprint_variables(result.statements)
    if variables:
        result.blueprint_users = add_blueprint_registrations(
            result.statements, variables
        )
    return result
