"""Werkzeug's threaded WSGI server, with tracked connections and a prompt stop.

:class:`LiveHTTPServer` serves every connection with the keep-alive handler
(:mod:`protoweb.serving.keepalive`) in a thread of its own, tracks those
connections so that :meth:`~LiveHTTPServer.close_connections` can end them all when
the live server stops, and wakes its accept loop at once on
:meth:`~LiveHTTPServer.shutdown`. It holds to its
:class:`~protoweb.serving.limits.ServerLimits`: past the connection cap a new
connection gets a quick 503, and out of file descriptors the accept loop backs
off instead of spinning.
"""

from __future__ import annotations

import errno
import logging
import os
import selectors
import socket
import threading
import time
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from .keepalive import KeepAliveRequestHandler
from .limits import ServerLimits

logger = logging.getLogger("protoweb.server")

#: ``accept`` errors that mean "no resources for one more connection right now".
_OUT_OF_RESOURCES = frozenset((errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM))
_BUSY_TEXT = b"Too many open connections to the live server; try again.\n"
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: %d\r\nRetry-After: 1\r\nConnection: close\r\n\r\n%b"
) % (len(_BUSY_TEXT), _BUSY_TEXT)


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

    :param limits: the idle timeout, request deadline, connection cap and
        accept back-off.
    """

    def __init__(
        self,
        host: str,
        port: int,
        app: Any,
        *,
        limits: ServerLimits | None = None,
        handler: type[WSGIRequestHandler] = KeepAliveRequestHandler,
    ) -> None:
        self.limits = limits or ServerLimits()
        self.max_connections = self.limits.connection_cap()
        #: How many connections were answered 503 for being over the cap.
        self.refused_connections = 0
        self._backoff = threading.Event()
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
        except OSError as error:
            if error.errno in _OUT_OF_RESOURCES:
                # The connection stays queued; spinning on it would take a core.
                logger.debug("accept: %s; backing off", error)
                self._backoff.wait(self.limits.accept_backoff)
            return
        if len(self._connections) >= self.max_connections:
            self._refuse(request)
            return
        try:
            self.process_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
            self.shutdown_request(request)

    def _refuse(self, connection: socket.socket) -> None:
        """A quick 503 to a connection over the cap, from the accept loop."""
        self.refused_connections += 1
        try:
            connection.setblocking(False)
            connection.send(_BUSY)
            connection.shutdown(socket.SHUT_WR)
            try:
                connection.recv(64 * 1024)
            except OSError:
                pass
        except OSError:
            pass
        finally:
            connection.close()

    def wait_serving(self, timeout: float | None = None) -> bool:
        """Block until :meth:`serve_forever` runs; ``False`` on timeout."""
        return self._serving.wait(timeout)

    def shutdown(self) -> None:
        """Stop the accept loop and wait for it to end."""
        self._stop_requested = True
        self._backoff.set()
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
