"""The ``protoweb`` command: ``--version``, ``serve module:app`` (and more to come)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from . import __version__
from .app import App


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
            ' install them with: pip install "protoweb-cells[jupyter]"'
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


def _export(args: argparse.Namespace) -> int:
    try:
        from kernel_ext.notebook_export import export_notebook  # runs IPython
    except ImportError as error:
        raise SystemExit(
            f"protoweb export runs the notebook with IPython ({error});"
            ' install it with: pip install "protoweb-cells[jupyter]"'
        ) from None

    from .export import ExportError

    try:
        result = export_notebook(
            args.notebook,
            args.dir,
            name=args.name,
            target=args.target,
            force=args.force,
            wheel=args.wheel,
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
    export.add_argument(
        "--wheel",
        action="store_true",
        help="also write protoweb's wheel into DIR/wheels (install without PyPI)",
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
