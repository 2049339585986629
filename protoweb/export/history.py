"""The session's cells as one list of analysed statements, in the order they ran.

``%%route`` cells are not Python: the view each one made comes from the session's
definitions and takes the cell's place. ``%%template``, ``%%static`` and other
cell magics contribute no code (templates and static files are written from the
app itself).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from .cells import CellCode, cell_to_python
from .errors import ExportError
from .session import Cell, SessionSource, ViewSource
from .statements import Registration, Statement, cell_statements


@dataclass
class SessionStatements:
    """Every top-level statement that ran, and which runs a later run replaced.

    :param superseded: indexes of runs of a cell that ran again later (same
        ``cell_id``): what such a run registered and no longer does is gone.
    """

    statements: list[Statement]
    runs: list[Cell]
    superseded: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


def _route_line(magic_line: str) -> tuple[str | None, str | None, frozenset[str]]:
    """``GET,POST /items --name add`` -> ``("add", "/items", {"GET", "POST"})``."""
    try:
        words = shlex.split(magic_line)
    except ValueError:
        return None, None, frozenset()
    name = None
    if "--name" in words:
        at = words.index("--name")
        name = words[at + 1] if at + 1 < len(words) else None
        del words[at : at + 2]
    if len(words) == 1:
        return name, words[0], frozenset({"GET"})
    if len(words) == 2:
        methods = frozenset(m.strip().upper() for m in words[0].split(",") if m.strip())
        return name, words[1], methods
    return name, None, frozenset()


def _matches(view: Registration, magic_line: str) -> bool:
    name, rule, methods = _route_line(magic_line)
    if name is not None:
        return name == view.key
    return rule == view.rule and methods == set(view.methods)


def _view_statements(
    view: ViewSource, run: int, label: str, app_name: str
) -> list[Statement]:
    try:
        return cell_statements(CellCode(view.source), run, label, app_name)
    except SyntaxError as error:
        raise ExportError(
            f"the generated source of view {view.endpoint!r} does not parse"
            f" (line {error.lineno}: {error.msg}):\n{view.source}"
        ) from None


def _place_views(
    views: list[ViewSource], runs: list[Cell], codes: list[CellCode], app_name: str
) -> dict[int, list[ViewSource]]:
    """Run index -> the ``%%route`` views written where that run was."""
    placed: dict[int, list[ViewSource]] = {}
    for view in views:
        probe = _view_statements(view, 0, "", app_name)
        registration = next(
            (r for s in probe for r in s.registers if r.kind == "route"), None
        )
        where = len(runs)
        for index in range(len(runs) - 1, -1, -1):
            code, run = codes[index], runs[index]
            if view.execution_count is not None:
                if run.execution_count == view.execution_count:
                    where = index
                    break
            elif code.magic != "route":
                continue
            elif registration is not None and _matches(registration, code.magic_line):
                where = index
                break
        if not view.magic and _written_in(view.source, runs, where):
            continue
        placed.setdefault(where, []).append(view)
    return placed


def _written_in(source: str, runs: list[Cell], where: int) -> bool:
    """Whether a view's source is text of the cell it came from (or of any cell)."""
    wanted = source.strip()
    if where < len(runs):
        return wanted in runs[where].source
    return any(wanted in run.source for run in runs)


def session_statements(source: SessionSource) -> SessionStatements:
    """Read every cell run (and ``%%route`` view) of ``source`` into statements."""
    runs = source.cell_runs()
    preamble = source.preamble_cell()
    if preamble is not None:
        runs.insert(0, preamble)
    codes = [cell_to_python(run.source) for run in runs]
    app_name = source.app_name
    placed = _place_views(source.view_sources(), runs, codes, app_name)
    result = SessionStatements([], runs)
    latest_run: dict[str, int] = {}
    for index, run in enumerate(runs):
        if run.cell_id is not None:
            if run.cell_id in latest_run:
                result.superseded.add(latest_run[run.cell_id])
            latest_run[run.cell_id] = index
    for index, (run, code) in enumerate(zip(runs, codes, strict=True)):
        label = "the extension's preamble" if run is preamble else run.label
        for view in placed.get(index, []):
            result.statements.extend(_view_statements(view, index, label, app_name))
        if not code.is_python or not code.python.strip():
            continue
        try:
            result.statements.extend(cell_statements(code, index, label, app_name))
        except SyntaxError as error:
            if code.export:
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
    return result
