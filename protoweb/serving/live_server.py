"""Serving: the live server in a background thread, and a blocking ``run``.

The live server is Werkzeug's threaded server with HTTP/1.1 keep-alive
(:mod:`protoweb.serving.keepalive`), run from a daemon thread and owned by a
:class:`LiveServer`; in dev mode the dev tools (:mod:`protoweb.devtools`) wrap the
app. ``run`` is Werkzeug's plain ``run_simple``, without either.
"""

from __future__ import annotations

import errno
import sys
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.serving import run_simple as _werkzeug_run_simple

from ..devtools.log import RequestLog
from ..devtools.reload import ReloadHub
from .hosts import HostCheck, is_loopback_host
from .limits import ServerLimits

if TYPE_CHECKING:
    from ..app import App
    from .http_server import LiveHTTPServer

#: Seconds :meth:`LiveServer.stop` waits for requests still being answered.
STOP_GRACE_SECONDS = 2.0


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


def bind_server(
    host: str, port: int, app: Any, *, limits: ServerLimits | None = None
) -> LiveHTTPServer:
    """The live server's HTTP server bound to ``host:port``.

    :raises PortInUseError: the port is taken (Werkzeug would print a message and
        call ``sys.exit``; this is an exception a caller can handle).
    """
    from .http_server import BindError, LiveHTTPServer

    try:
        return LiveHTTPServer(host, port, app, limits=limits or ServerLimits())
    except BindError as error:
        if error.error.errno == errno.EADDRINUSE:
            raise PortInUseError(host, port) from None
        raise error.error from None
    except SystemExit:
        raise PortInUseError(host, port) from None


class LiveServer:
    """The app served from a daemon thread, started and stopped at will.

    :param app: the :class:`~protoweb.App` to serve.
    :param host: the interface to bind; loopback unless told otherwise.
    :param port: ``0`` picks a free port; a restart takes the same one again.
    :param dev: wrap the app in the dev tools: request log, traceback pages,
        live reload, a default ``MAX_CONTENT_LENGTH``, trusted loopback proxies.
    :param request_timeout: seconds a connection may idle, or stall mid-request,
        before it is closed.
    :param allowed_hosts: ``Host`` names answered besides the loopback ones,
        ``app.config["TRUSTED_HOSTS"]`` and ``PROTOWEB_ALLOWED_HOSTS`` (see
        :mod:`protoweb.serving.hosts`); the list can change while serving.
    :param limits: the request deadline and the connection cap
        (:class:`~protoweb.serving.limits.ServerLimits`).

    .. code-block:: python

        server = LiveServer(app).start()
        server.url                      # 'http://127.0.0.1:54321'
        server.request_log.latest()     # RequestRecord(method='GET', path='/', ...)
        server.stop()                   # returns once the port is closed
    """

    def __init__(
        self,
        app: App,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        dev: bool = True,
        request_timeout: float = 10.0,
        allowed_hosts: Iterable[str] = (),
        limits: ServerLimits | None = None,
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.dev = dev
        self.request_timeout = request_timeout
        #: Hosts answered besides loopback ones and the app's ``TRUSTED_HOSTS``.
        self.allowed_hosts: list[str] = list(allowed_hosts)
        self.limits = limits or ServerLimits()
        #: Every request answered in dev mode; kept across restarts.
        self.request_log = RequestLog()
        #: The live-reload stream; fed by the app's change listener while running.
        self.reload_hub = ReloadHub()
        # One bound method, so that remove_change_listener (by identity) finds it.
        self._notify_change = self.reload_hub.notify
        self._server: LiveHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()

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

    @property
    def connection_count(self) -> int:
        """Open connections (keep-alive ones and live-reload streams included)."""
        server = self._server
        return server.connection_count if server is not None else 0

    def wsgi_app(self) -> Any:
        """The WSGI callable actually served: the Host check, then the app (with
        the dev tools when on)."""
        served: Any = self.app
        if self.dev:
            from ..devtools.middleware import DevTools

            served = DevTools(self.app, self.request_log, self.reload_hub)
        return HostCheck(served, self.app, self._trusted_hosts)

    def _trusted_hosts(self) -> list[str]:
        """:attr:`allowed_hosts`, and the address bound when it names one host."""
        if self.host in ("0.0.0.0", "") or ":" in self.host:
            return self.allowed_hosts
        return [*self.allowed_hosts, self.host]

    def start(self) -> LiveServer:
        """Bind the port and serve in a daemon thread; returns once accepting.

        :raises PortInUseError: the port is taken.
        """
        with self._lock:
            if self.running:
                return self
            limits = self.limits.with_idle_timeout(self.request_timeout)
            server = bind_server(self.host, self.port, self.wsgi_app(), limits=limits)
            self.port = server.server_port
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever,
                name=f"protoweb-server-{self.port}",
                daemon=True,
            )
            self.reload_hub.open()
            if self.dev:
                self.app.add_change_listener(self._notify_change)
            self._thread.start()
            server.wait_serving()
            self.app.server = self
        if self.dev and not is_loopback_host(self.host):
            print(
                f"protoweb: serving on {self.host}, not a loopback address: dev pages"
                " (tracebacks, request log) are reachable from that network",
                file=sys.stderr,
            )
        return self

    def stop(self) -> None:
        """Stop serving, close the port and every open connection.

        Returns once the listening socket is closed and the connections' threads
        have ended (a view still running after :data:`STOP_GRACE_SECONDS` is left to
        finish on its own, its connection already shut).
        """
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
            self.app.remove_change_listener(self._notify_change)
            self.reload_hub.close()
            if server is not None:
                server.shutdown()
                server.server_close()
                server.close_connections(STOP_GRACE_SECONDS)
            if thread is not None:
                thread.join()
            if self.app.server is self:
                self.app.server = None

    def restart(self) -> LiveServer:
        """Stop, then start again on the same port, or a free one if it was taken."""
        with self._lock:
            self.stop()
            try:
                return self.start()
            except PortInUseError:
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
