"""Serving: the live server in a background thread, and a blocking ``run``."""

from __future__ import annotations

import errno
import socket
import threading
from typing import TYPE_CHECKING, Any

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.serving import run_simple as _werkzeug_run_simple

if TYPE_CHECKING:
    from .app import App


class PortInUseError(OSError):
    """The port asked for is taken by another program."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(
            errno.EADDRINUSE,
            f"port {port} on {host} is already in use; pick another port"
            " (or port=0 for any free one)",
        )
        self.host = host
        self.port = port


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def bind_server(host: str, port: int, app: Any) -> BaseWSGIServer:
    """Werkzeug's threaded server bound to ``host:port``, or :class:`PortInUseError`.

    Werkzeug prints a message and calls ``sys.exit`` when the port is taken; that
    is turned into an exception a caller can handle.
    """
    try:
        return make_server(host, port, app, threaded=True)
    except SystemExit:
        raise PortInUseError(host, port) from None


class LiveServer:
    """The app served from a daemon thread, started and stopped at will.

    :param app: the :class:`~protoweb.App` to serve.
    :param host: the interface to bind; loopback unless told otherwise.
    :param port: ``0`` picks a free port; a restart takes the same one again.
    """

    def __init__(
        self, app: App, host: str = "127.0.0.1", port: int = 0, *, dev: bool = True
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.dev = dev
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        state = self.url if self.running else "stopped"
        return f"<LiveServer {state}>"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def url(self) -> str:
        """The server's base URL, e.g. ``http://127.0.0.1:54321``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def wsgi_app(self) -> Any:
        """The WSGI callable actually served (the app, with dev tools when on)."""
        return self.app

    def start(self) -> LiveServer:
        """Bind the port and serve in a daemon thread; returns once accepting."""
        if self.running:
            return self
        server = bind_server(self.host, self.port, self.wsgi_app())
        self.port = server.server_port
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"protoweb-server-{self.port}",
            daemon=True,
        )
        self._thread.start()
        self.app.server = self
        return self

    def stop(self) -> None:
        """Stop serving and close the socket; returns once the port is free."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        if self.app.server is self:
            self.app.server = None

    def restart(self) -> LiveServer:
        """Stop, then start again on the same port when it is free."""
        self.stop()
        if not _port_is_free(self.host, self.port):
            self.port = 0
        return self.start()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def run_simple(app: App, host: str, port: int, **options: Any) -> None:
    """Serve ``app`` until interrupted, without dev tools or debugger."""
    options.setdefault("threaded", True)
    options.pop("use_debugger", None)
    try:
        _werkzeug_run_simple(host, port, app, use_debugger=False, **options)
    except SystemExit:
        raise PortInUseError(host, port) from None
