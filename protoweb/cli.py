"""The ``protoweb`` command: ``--version``, ``serve module:app`` (and more to come)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from . import __version__
from .app import App

if TYPE_CHECKING:
    from .export.session import SessionSource


def load_app(spec: str) -> App:
    """Import ``module:attribute`` (attribute ``app`` by default) and return the App."""
    module_name, _, attribute = spec.partition(":")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    module = importlib.import_module(module_name)
    app = getattr(module, attribute or "app", None)
    if not isinstance(app, App):
        raise SystemExit(f"protoweb: {spec!r} is not a protoweb App")
    return app


def _serve(args: argparse.Namespace) -> int:
    app = load_app(args.app)
    port = args.port if args.port is not None else int(os.environ.get("PORT", 5000))
    app.run(host=args.host, port=port)
    return 0


def _repl(args: argparse.Namespace) -> int:
    try:
        from kernel_ext.repl import run_repl  # IPython is imported only here
    except ImportError as error:
        raise SystemExit(
            f"protoweb repl needs IPython and prompt_toolkit ({error});"
            ' install them with: pip install "protoweb[jupyter]"'
        ) from None

    from .serving import PortInUseError

    app = load_app(args.app) if args.app else None
    ipython_args = args.ipython_args
    if ipython_args[:1] == ["--"]:
        ipython_args = ipython_args[1:]
    try:
        return run_repl(app, host=args.host, port=args.port, ipython_argv=ipython_args)
    except PortInUseError as error:
        raise SystemExit(f"protoweb repl: {error.strerror}") from None


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


def _export(args: argparse.Namespace) -> int:
    from .export import ExportError, export_project

    try:
        with _notebook_session(args.notebook) as source:
            result = export_project(
                source, args.dir, name=args.name, target=args.target, force=args.force
            )
    except ExportError as error:
        raise SystemExit(f"protoweb export: {error}") from None
    print(result.summary())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="protoweb", description=__doc__)
    parser.add_argument(
        "--version", action="version", version=f"protoweb {__version__}"
    )
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="serve an app (module:app), blocking")
    serve.add_argument("app", help="the app to serve, as module:attribute")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default: $PORT or 5000")
    serve.set_defaults(handler=_serve)
    repl = commands.add_parser(
        "repl", help="IPython with the app served live and a status toolbar"
    )
    repl.add_argument("--app", help="adopt an existing app, as module:attribute")
    repl.add_argument("--host", default=None, help="default: 127.0.0.1")
    repl.add_argument(
        "--port", type=int, default=None, help="default: $PROTOWEB_PORT or a free one"
    )
    repl.add_argument(
        "ipython_args", nargs=argparse.REMAINDER, help="IPython's options, after --"
    )
    repl.set_defaults(handler=_repl)
    export = commands.add_parser(
        "export",
        help="run a notebook headless and export its app as a verified package",
    )
    export.add_argument("notebook", help="the notebook (.ipynb) to run and export")
    export.add_argument("dir", help="the project folder to write (new or empty)")
    export.add_argument("--name", help="the package name (default: from DIR)")
    export.add_argument("--target", choices=("protoweb", "flask"), default="protoweb")
    export.add_argument(
        "--force", action="store_true", help="write into a non-empty DIR"
    )
    export.set_defaults(handler=_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return int(args.handler(args))
