"""The ``protoweb`` commands that run IPython: ``repl`` and ``export NOTEBOOK``.

IPython (and :mod:`kernel_ext`) is imported only when one of them runs, so the
rest of the command line, and ``import protoweb``, never loads it.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from .script_info import ScriptInfo


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
            ' install them with: pip install "protoweb-cells[jupyter]"'
        ) from None

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
@click.option(
    "--wheel",
    is_flag=True,
    help="Also write protoweb's wheel into DIR/wheels (install without PyPI).",
)
def export_command(
    notebook: str,
    directory: str,
    name: str | None,
    target: str,
    force: bool,
    wheel: bool,
) -> None:
    """Run NOTEBOOK (.ipynb) from the top and write its app into DIR, verified."""
    try:
        from kernel_ext.notebook_export import export_notebook  # runs IPython
    except ImportError as error:
        raise click.ClickException(
            f"protoweb export runs the notebook with IPython ({error});"
            ' install it with: pip install "protoweb-cells[jupyter]"'
        ) from None

    from .export import ExportError

    try:
        result = export_notebook(
            notebook, directory, name=name, target=target, force=force, wheel=wheel
        )
    except ExportError as error:
        raise click.ClickException(f"protoweb export: {error}") from None
    click.echo(result.summary())
