"""Werkzeug's threaded WSGI server, with tracked connections and a prompt stop.

:class:`LiveHTTPServer` serves every connection with the keep-alive handler
(:mod:`protoweb.serving.keepalive`) in a thread of its own, tracks those
connections so that :meth:`~LiveHTTPServer.close_connections` can end them all when
the live server stops, and wakes its accept loop at once on
:meth:`~LiveHTTPServer.shutdown`.
"""

from __future__ import annotations

import logging
import os
import selectors
import socket
import threading
import time
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from .keepalive import KeepAliveRequestHandler

logger = logging.getLogger("protoweb.server")


class BindError(Exception):
    """Binding the listening socket failed (wraps the :class:`OSError`).

    Not an ``OSError`` itself, so that Werkzeug's server does not turn it into a
    printed message and ``sys.exit``.
    """

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class LiveHTTPServer(ThreadedWSGIServer):
    """Werkzeug's threaded WSGI server, with tracked connections and a prompt stop.

    :param request_timeout: seconds a connection may sit idle or stall while
        sending a request before it is closed.
    """

    def __init__(
        self,
        host: str,
        port: int,
        app: Any,
        *,
        request_timeout: float = 10.0,
        handler: type[WSGIRequestHandler] = KeepAliveRequestHandler,
    ) -> None:
        self.request_timeout = request_timeout
        self._wake_read = self._wake_write = -1
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._connections_lock = threading.Lock()
        self._stop_requested = False
        self._serving = threading.Event()
        self._stopped = threading.Event()
        self._stopped.set()
        super().__init__(host, port, app, handler)
        self._wake_read, self._wake_write = os.pipe()

    def server_bind(self) -> None:
        # TCPServer's bind, without HTTPServer's reverse DNS lookup of the host.
        try:
            if self.allow_reuse_address:
                self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.socket.bind(self.server_address)
        except OSError as error:
            raise BindError(error) from error
        self.server_address = self.socket.getsockname()
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])

    def server_activate(self) -> None:
        try:
            super().server_activate()
        except OSError as error:
            raise BindError(error) from error

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Accept connections until :meth:`shutdown`, which wakes this loop at once."""
        self._stopped.clear()
        self._serving.set()
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self, selectors.EVENT_READ)
                selector.register(self._wake_read, selectors.EVENT_READ)
                while not self._stop_requested:
                    ready = selector.select(poll_interval)
                    if self._stop_requested:
                        break
                    for key, _ in ready:
                        if key.fileobj is self:
                            self._accept()
        finally:
            self._stopped.set()

    def _accept(self) -> None:
        """Take one waiting connection and hand it to a thread of its own."""
        try:
            request, client_address = self.get_request()
        except OSError:
            return
        try:
            self.process_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
            self.shutdown_request(request)

    def wait_serving(self, timeout: float | None = None) -> bool:
        """Block until :meth:`serve_forever` runs; ``False`` on timeout."""
        return self._serving.wait(timeout)

    def shutdown(self) -> None:
        """Stop the accept loop and wait for it to end."""
        self._stop_requested = True
        try:
            os.write(self._wake_write, b"x")
        except OSError:
            pass
        self._stopped.wait()

    def server_close(self) -> None:
        super().server_close()
        for fd in (self._wake_read, self._wake_write):
            if fd >= 0:
                os.close(fd)
        self._wake_read = self._wake_write = -1

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"protoweb-request-{self.server_port}",
            daemon=True,
        )
        with self._connections_lock:
            self._connections[request] = thread
        thread.start()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.pop(request, None)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("error on a connection from %s", client_address, exc_info=True)

    @property
    def connection_count(self) -> int:
        """Connections open right now (keep-alive and event streams included)."""
        return len(self._connections)

    def close_connections(self, timeout: float = 2.0) -> None:
        """End every open connection and wait (up to ``timeout``) for its thread.

        A view still running after ``timeout`` keeps its (daemon) thread until it
        returns; its connection is already shut.
        """
        with self._connections_lock:
            connections = list(self._connections.items())
        for connection, _ in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        current = threading.current_thread()
        for _, thread in connections:
            if thread is not current:
                thread.join(max(0.0, deadline - time.monotonic()))
