"""The ways an app is driven from outside a request: served live (``serve``),
run until interrupted (``run``), tested (``test_client``, ``test_cli_runner``)
and given commands (``cli``, the ``shell`` namespace)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from .app import App
    from .cli import AppGroup
    from .serving import LiveServer
    from .testing import TestClient

F = TypeVar("F", bound=Callable[..., Any])


class EntryPoints:
    """Serving, testing and CLI entry points, mixed into :class:`~protoweb.App`."""

    @property
    def cli(self) -> AppGroup:
        """The app's click command group: ``@app.cli.command("init-db")`` adds a
        command that ``protoweb --app module init-db`` runs (click loads here)."""
        app = cast("App", self)
        group: AppGroup | None = app.__dict__.get("_cli")
        if group is None:
            from .cli import AppGroup

            group = app.__dict__["_cli"] = AppGroup(app.name)
        return group

    def shell_context_processor(self, f: F) -> F:
        """Add ``f()``'s dict to the namespace of the ``shell`` command."""
        cast("App", self).shell_context_processors.append(f)
        return f

    def make_shell_context(self) -> dict[str, Any]:
        """The ``shell`` command's namespace: ``app``, ``g`` and what the shell
        context processors return."""
        from .context import g

        namespace: dict[str, Any] = {"app": self, "g": g}
        for processor in cast("App", self).shell_context_processors:
            namespace.update(processor())
        return namespace

    def test_client(self, use_cookies: bool = True, **kwargs: Any) -> TestClient:
        """A test client for this app (:attr:`test_client_class`, by default
        :class:`~protoweb.testing.TestClient`)."""
        from .testing import TestClient

        app = cast("App", self)
        cls = app.test_client_class or TestClient
        return cls(app, app.response_class, use_cookies=use_cookies, **kwargs)

    def test_cli_runner(self, **kwargs: Any) -> Any:
        """A click runner for ``app.cli`` commands (:attr:`test_cli_runner_class`,
        by default ``protoweb.testing.FlaskCliRunner``)."""
        from . import testing

        cls = cast("App", self).test_cli_runner_class or testing.FlaskCliRunner
        return cls(self, **kwargs)

    def serve(
        self, host: str = "127.0.0.1", port: int = 0, *, dev: bool = True
    ) -> LiveServer:
        """Start the live server in a background thread and return it at once.

        :param port: ``0`` picks a free port; ``server.url`` says which.
        :param dev: dev tools on (request log, traceback pages, live reload).
        """
        from .serving import LiveServer

        app = cast("App", self)
        if app.server is not None and app.server.running:
            raise RuntimeError(f"{app!r} is already serving at {app.server.url}")
        server = LiveServer(app, host=host, port=port, dev=dev)
        server.start()
        return server

    def run(
        self,
        host: str | None = None,
        port: int | None = None,
        debug: bool | None = None,
        load_dotenv: bool = True,
        **options: Any,
    ) -> None:
        """Serve until interrupted (blocking), with Flask's arguments.

        ``host`` and ``port`` default to ``SERVER_NAME``'s, else
        ``127.0.0.1:5000``; ``debug`` sets :attr:`debug` (errors propagate to the
        server). Werkzeug's debugger and reloader are never started:
        ``use_debugger`` and ``use_reloader`` are accepted and ignored (in a
        notebook, :meth:`serve` reloads live instead). ``load_dotenv`` loads
        ``.env``/``.flaskenv`` if python-dotenv is installed. Other options go to
        Werkzeug's ``run_simple`` (``threaded``, ``ssl_context``, ...).
        Production deployments use any WSGI server with ``app`` as the callable.
        """
        from .helpers import get_debug_flag, get_load_dotenv
        from .serving.live_server import run_simple

        app = cast("App", self)
        if get_load_dotenv(load_dotenv):
            _load_dotenv()
            if "FLASK_DEBUG" in os.environ:
                app.debug = get_debug_flag()
        if debug is not None:
            app.debug = bool(debug)
        server_name = app.config.get("SERVER_NAME") or ""
        name_host, _, name_port = server_name.partition(":")
        host = host or name_host or "127.0.0.1"
        if port is None:
            port = int(name_port) if name_port else 5000
        options.pop("use_reloader", None)
        options.pop("use_debugger", None)
        options.pop("use_evalex", None)
        run_simple(app, host, int(port), **options)


def _load_dotenv() -> None:
    """Load ``.env`` and ``.flaskenv`` with python-dotenv, if it is installed."""
    try:
        import dotenv
    except ImportError:
        return
    for name in (".flaskenv", ".env"):
        path = dotenv.find_dotenv(name, usecwd=True)
        if path:
            dotenv.load_dotenv(path, encoding="utf-8")
