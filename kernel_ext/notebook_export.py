"""``protoweb export NOTEBOOK.ipynb DIR``: run a notebook headless, export what ran.

The notebook's code cells (nbformat 4 JSON, read without Jupyter) run in a fresh
in-process IPython shell with the extension loaded, in the notebook's own folder
(where its ``templates/`` and ``static/`` are); the workbench they fill is then
exported: what the notebook does when run from the top, not the outputs it
happens to have saved.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from traitlets.config import Config

from protoweb import App
from protoweb.export import ExportError, ExportResult, Prototype, export_project

from .cells import cell_run


@dataclass(frozen=True)
class NotebookCell:
    """A code cell of a saved notebook: its text and the front end's id."""

    source: str
    cell_id: str | None = None


def read_notebook(path: str | Path) -> list[NotebookCell]:
    """The notebook's code cells, in order, with their ids.

    :raises ExportError: the file is missing or is not a notebook.
    """
    notebook = Path(path)
    try:
        data = json.loads(notebook.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExportError(f"{notebook}: no such notebook") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExportError(f"{notebook} is not a readable notebook: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise ExportError(f"{notebook} is not a Jupyter notebook (no 'cells' list)")
    if data.get("nbformat", 4) < 4:
        raise ExportError(
            f"{notebook} is in notebook format {data.get('nbformat')}; save it in"
            " format 4 (any current Jupyter does) and export again"
        )
    cells = []
    for cell in data["cells"]:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        cells.append(NotebookCell(text, cell.get("id")))
    return cells


@contextmanager
def notebook_prototype(path: str) -> Iterator[Prototype]:
    """Run a notebook's code cells in an in-process IPython shell; yield what
    they made, as the exporter's :class:`~protoweb.export.Prototype`.

    Should the extension not load, the cells run against a plain protoweb
    ``app``, without the magics.

    :raises ExportError: the notebook cannot be read, or a cell fails.
    """
    from .extension import APP_PREAMBLE, current_workbench

    cells = read_notebook(path)
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    shell: Any = InteractiveShell.instance(config=config)
    folder, previous = os.path.dirname(os.path.abspath(path)), os.getcwd()
    os.chdir(folder)
    sys.path.insert(0, folder)
    loaded: Exception | None = None
    try:
        with capture_output():
            try:
                shell.extension_manager.load_extension("protoweb")
            except Exception as problem:
                loaded = problem
                shell.user_ns["app"] = App("__main__")
        ran = []
        for number, cell in enumerate(cells, start=1):
            source = _without_extension(cell.source) if loaded else cell.source
            with capture_output() as captured:
                result = shell.run_cell(
                    source, store_history=True, cell_id=cell.cell_id
                )
            ran.append(cell_run(source, number, cell.cell_id))
            error = result.error_before_exec or result.error_in_exec
            if error is not None:
                lines = [
                    f"code cell {number} of {path} failed when the notebook ran"
                    f" from the top: {type(error).__name__}: {error}",
                    *captured.stdout.strip().splitlines()[-20:],
                ]
                if loaded is not None:
                    lines.append(f"(the notebook extension did not load: {loaded})")
                raise ExportError("\n".join(lines))
        bench = current_workbench(shell) if loaded is None else None
        if bench is not None:
            yield bench.prototype()
        else:
            yield Prototype(
                app=shell.user_ns["app"],
                cells=[cell_run(APP_PREAMBLE), *ran],
            )
    finally:
        if loaded is None:
            with capture_output():
                shell.extension_manager.unload_extension("protoweb")
        shell.history_manager.end_session()
        InteractiveShell.clear_instance()
        sys.path.remove(folder)
        os.chdir(previous)


def _without_extension(source: str) -> str:
    """A cell without the lines that need the notebook extension."""
    lines = source.split("\n")
    return "\n".join(
        "pass"
        if line.lstrip().startswith(("%load_ext protoweb", "%protoweb"))
        else line
        for line in lines
    )


def export_notebook(
    path: str,
    dest: str,
    *,
    name: str | None = None,
    target: str = "protoweb",
    force: bool = False,
    wheel: bool = False,
) -> ExportResult:
    """Run the notebook at ``path`` from the top and export what it made to
    ``dest`` (see :func:`protoweb.export.export_project`).

    A relative ``dest`` is relative to the working directory, as for any command,
    though the notebook runs in its own folder.
    """
    dest = os.path.abspath(dest)
    with notebook_prototype(path) as prototype:
        return export_project(
            prototype, dest, name=name, target=target, force=force, wheel=wheel
        )
