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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return int(args.handler(args))
