"""The ``protoweb`` commands that run IPython: ``repl`` and ``export NOTEBOOK``.

IPython (and :mod:`kernel_ext`) is imported only when one of them runs, so the
rest of the command line, and ``import protoweb``, never loads it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from .app import App

if TYPE_CHECKING:
    from .export.session import SessionSource


@click.command(
    "repl",
    short_help="IPython with the app served live and a status toolbar.",
    context_settings={"ignore_unknown_options": True},
)
@click.option("--app", "app_path", help="Adopt an existing app, as module:name.")
@click.option("--host", default=None, help="Default: 127.0.0.1.")
@click.option("--port", type=int, default=None, help="Default: $PROTOWEB_PORT or free.")
@click.argument("ipython_args", nargs=-1, type=click.UNPROCESSED)
@click.pass_obj
def repl_command(
    info: Any,
    app_path: str | None,
    host: str | None,
    port: int | None,
    ipython_args: tuple[str, ...],
) -> None:
    """IPython with protoweb loaded; IPython's own options go after '--'."""
    try:
        from kernel_ext.repl import run_repl  # IPython is imported only here
    except ImportError as error:
        raise click.ClickException(
            f"protoweb repl needs IPython and prompt_toolkit ({error});"
            ' install them with: pip install "protoweb[jupyter]"'
        ) from None

    from .cli import ScriptInfo
    from .serving import PortInUseError

    if info is None:
        info = ScriptInfo()
    if app_path is not None:
        info.app_import_path = app_path
    app = info.load_app() if info.app_import_path or info.create_app else None
    try:
        status = run_repl(app, host=host, port=port, ipython_argv=list(ipython_args))
    except PortInUseError as error:
        raise click.ClickException(f"protoweb repl: {error.strerror}") from None
    sys.exit(status)


@click.command(
    "export", short_help="Run a notebook headless and export its app as a package."
)
@click.argument("notebook")
@click.argument("directory", metavar="DIR")
@click.option("--name", help="The package name (default: from DIR).")
@click.option(
    "--target",
    type=click.Choice(("protoweb", "flask")),
    default="protoweb",
    show_default=True,
)
@click.option("--force", is_flag=True, help="Write into a non-empty DIR.")
def export_command(
    notebook: str, directory: str, name: str | None, target: str, force: bool
) -> None:
    """Run NOTEBOOK (.ipynb) from the top and write its app into DIR, verified."""
    from .export import ExportError, export_project

    try:
        with _notebook_session(notebook) as source:
            result = export_project(
                source, directory, name=name, target=target, force=force
            )
    except ExportError as error:
        raise click.ClickException(f"protoweb export: {error}") from None
    click.echo(result.summary())


@contextmanager
def _notebook_session(path: str) -> Iterator[SessionSource]:
    """Run a notebook's code cells in an in-process IPython shell; yield its session.

    The notebook runs in its own folder (where its ``templates/`` and ``static/``
    are) with the extension loaded, as in Jupyter. Should the extension not load,
    the cells run against a plain protoweb ``app``, without the magics.
    """
    from IPython.core.interactiveshell import InteractiveShell  # only here
    from IPython.utils.capture import capture_output
    from traitlets.config import Config

    from .export import ExportError
    from .export.notebook import read_notebook
    from .export.session import SessionSource, session_source

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
        for number, cell in enumerate(cells, start=1):
            source = _without_extension(cell.source) if loaded else cell.source
            with capture_output() as captured:
                result = shell.run_cell(
                    source, store_history=True, cell_id=cell.cell_id
                )
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
        if loaded is None:
            from kernel_ext import current_session

            yield session_source(current_session(shell))
        else:
            yield SessionSource(
                app=shell.user_ns["app"],
                cells=cells,
                preamble=["from protoweb import App\n\napp = App(__name__)\n"],
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
