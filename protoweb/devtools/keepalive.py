"""Werkzeug's threaded server with HTTP/1.1 keep-alive, and a clean stop.

Werkzeug's :class:`~werkzeug.serving.WSGIRequestHandler` closes the connection after
every response, because it cannot tell where a request body ends. This handler
frames every body (``Content-Length`` or chunked), drains what the app left unread,
and keeps the connection when the client allows it; a request it cannot frame
safely is answered and its connection closed. Every connection has a socket
timeout, so a stalled client only ever holds its own thread, and not for long.

:class:`LiveHTTPServer` tracks the connections it serves so that
:meth:`~LiveHTTPServer.close_connections` can end them all when the live server
stops, and its accept loop wakes at once on :meth:`~LiveHTTPServer.shutdown`.
"""

from __future__ import annotations

import io
import logging
import os
import re
import selectors
import socket
import threading
import time
from email.utils import formatdate
from typing import IO, Any, cast

from werkzeug.serving import DechunkedInput, ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wsgi import LimitedStream

logger = logging.getLogger("protoweb.server")

#: A body the app left unread is drained up to this size to keep the connection.
DRAIN_LIMIT = 1024 * 1024
#: Past :data:`DRAIN_LIMIT`, read and discard for this long so the client sees the
#: response (a 413, say) instead of a reset, then close.
DISCARD_SECONDS = 1.0
DISCARD_LIMIT = 64 * 1024 * 1024

#: environ key under which the handler passes the request's parsed headers (an
#: :class:`http.client.HTTPMessage`), so the dev tools need not rebuild them.
ENVIRON_REQUEST_HEADERS = "protoweb.request_headers"

_NO_BODY_STATUSES = frozenset((204, 304))
_VERSIONS = frozenset(("HTTP/1.0", "HTTP/1.1", "HTTP/0.9"))
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}(?:;[^\r\n]*)?\r?\n")


class _DateHeader:
    """The ``Date`` header value, formatted at most once a second."""

    second = -1
    value = ""

    @classmethod
    def now(cls) -> str:
        second = int(time.time())
        if second != cls.second:
            cls.value = formatdate(second, usegmt=True)
            cls.second = second
        return cls.value


class BindError(Exception):
    """Binding the listening socket failed (wraps the :class:`OSError`).

    Not an ``OSError`` itself, so that Werkzeug's server does not turn it into a
    printed message and ``sys.exit``.
    """

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class StrictDechunkedInput(DechunkedInput):
    """Werkzeug's chunked-body reader, refusing chunk sizes that are not plain hex
    (``int(x, 16)`` would take ``0x10``, ``1_0`` or `` 10 ``)."""

    def read_chunk_len(self) -> int:
        line = self._rfile.readline(1024)
        if _CHUNK_SIZE.fullmatch(line) is None:
            raise OSError("Invalid chunk header")
        return int(line.split(b";", 1)[0], 16)


class KeepAliveRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler, keeping HTTP/1.1 connections open between requests.

    Requests are not logged to the console: the live server's request log records
    them, and protocol errors go to the ``protoweb.server`` logger at debug level.
    """

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: LiveHTTPServer
    #: The request's body, when it has a ``Content-Length``.
    request_body: LimitedStream | None = None

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.request_timeout)

    def run_wsgi(self) -> None:
        if self.request_version == "HTTP/0.9":
            self.close_connection = True
            return
        environ = self.environ = self.make_environ()
        environ[ENVIRON_REQUEST_HEADERS] = self.headers
        body = self._body_stream(environ)
        if body is None:
            return
        if self.request_body is not None or "HTTP_TRANSFER_ENCODING" in environ:
            if self.headers.get("Expect", "").lower().strip() == "100-continue":
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        response = _ResponseWriter(self, environ["REQUEST_METHOD"] == "HEAD")
        try:
            response.run(self.server.app, environ)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
            return
        except Exception:
            self.close_connection = True
            logger.exception("error while serving %s %s", self.command, self.path)
            if not response.started:
                self._send_simple(500, b"Internal Server Error")
            return
        if not self.close_connection:
            try:
                self._finish_body(body)
            except Exception:
                self.close_connection = True

    def parse_request(self) -> bool:
        """:class:`~http.server.BaseHTTPRequestHandler`'s parsing, refusing header
        lines it would otherwise take for the start of the body."""
        if not super().parse_request():
            return False
        if self.request_version not in _VERSIONS:
            self.send_error(400, "Bad HTTP version")
            return False
        if self.headers.defects:
            self.send_error(400, "Malformed request header")
            return False
        return True

    def handle_expect_100(self) -> bool:
        # Sent by run_wsgi, and only for a request that has a body to send.
        return True

    def send_error(
        self, code: int, message: str | None = None, explain: str | None = None
    ) -> None:
        """A protocol error: a short plain-text 4xx with a status line, then close.

        (The standard library writes no status line for errors it finds before
        it knows the request's HTTP version.)
        """
        if code == 505:
            code, message = 400, "HTTP version not supported"
        self.log_error("code %d, message %s", code, message)
        text = message or self.responses.get(code, ("Bad Request",))[0]
        self._send_simple(code, text.encode("latin-1", "replace"))

    def _body_stream(self, environ: dict[str, Any]) -> Any:
        """Frame the request body; ``None`` (after a 400) when it cannot be framed."""
        self.request_body = None
        if "HTTP_TRANSFER_ENCODING" in environ:
            if environ["HTTP_TRANSFER_ENCODING"].strip().lower() != "chunked":
                self._send_simple(400, b"Unsupported Transfer-Encoding")
                return None
            environ.pop("CONTENT_LENGTH", None)
            self.close_connection = True
            environ["wsgi.input"] = StrictDechunkedInput(cast("IO[bytes]", self.rfile))
            return environ["wsgi.input"]
        values = self.headers.get_all("Content-Length") or ()
        if not values:
            stream: Any = io.BytesIO()
        else:
            lengths = {value.strip() for value in values}
            length_text = lengths.pop()
            if lengths or not length_text.isdigit():
                self._send_simple(400, b"Invalid Content-Length")
                return None
            length = int(length_text)
            environ["CONTENT_LENGTH"] = length_text
            rfile = cast("IO[bytes]", self.rfile)
            stream = LimitedStream(rfile, length) if length else io.BytesIO()
            if length:
                self.request_body = stream
        environ["wsgi.input"] = stream
        return stream

    def body_too_long_to_drain(self) -> bool:
        """Whether the request body still unread is past :data:`DRAIN_LIMIT`."""
        body = self.request_body
        return body is not None and body.limit - body.tell() > DRAIN_LIMIT

    def _finish_body(self, body: Any) -> None:
        """Drain what the app left of the body, or give up the connection."""
        if not isinstance(body, LimitedStream) or body.is_exhausted:
            return
        if body.limit - body.tell() <= DRAIN_LIMIT:
            body.exhaust()
            if not body.is_exhausted:
                self.close_connection = True
            return
        self.close_connection = True
        self._discard_input()

    def _discard_input(self) -> None:
        deadline = time.monotonic() + DISCARD_SECONDS
        total = 0
        with selectors.DefaultSelector() as selector:
            selector.register(self.connection, selectors.EVENT_READ)
            while total < DISCARD_LIMIT and time.monotonic() < deadline:
                if not selector.select(timeout=0.05):
                    break
                data = self.connection.recv(256 * 1024)
                if not data:
                    break
                total += len(data)

    def _send_simple(self, code: int, message: bytes) -> None:
        """A short plain-text answer, and the connection closed after it."""
        self.close_connection = True
        reason = self.responses.get(code, ("",))[0]
        head = (
            f"HTTP/1.1 {code} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(message)}\r\nConnection: close\r\n\r\n"
        )
        try:
            self.wfile.write(head.encode("latin-1") + message)
        except OSError:
            pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Requests are recorded by the dev tools, not printed."""

    def log(self, type: str, message: str, *args: Any) -> None:
        logger.debug("%s: %s", self.client_address, message % args if args else message)


class _ResponseWriter:
    """One response on a keep-alive connection: status line, framing, body."""

    __slots__ = ("handler", "head_only", "status", "headers", "started", "chunked")

    def __init__(self, handler: KeepAliveRequestHandler, head_only: bool) -> None:
        self.handler = handler
        self.head_only = head_only
        self.status: str | None = None
        self.headers: list[tuple[str, str]] = []
        self.started = False
        self.chunked = False

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Any:
        if exc_info:
            try:
                if self.started:
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        elif self.status is not None:
            raise AssertionError("start_response() called twice")
        self.status = status
        self.headers = headers
        return self.write

    def run(self, app: Any, environ: dict[str, Any]) -> None:
        body = app(environ, self.start_response)
        try:
            for data in body:
                self.write(data)
            if not self.started:
                self.write(b"")
            if self.chunked:
                self.handler.wfile.write(b"0\r\n\r\n")
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    def write(self, data: bytes) -> None:
        if self.head_only:
            data = b""
        if not self.started:
            self.handler.wfile.write(self._head() + self._frame(data))
        elif data:
            self.handler.wfile.write(self._frame(data))

    def _frame(self, data: bytes) -> bytes:
        if self.chunked and data:
            return b"%x\r\n%b\r\n" % (len(data), data)
        return data

    def _head(self) -> bytes:
        """Status line and headers, deciding between keep-alive, chunked and close."""
        if self.status is None:
            raise AssertionError("the app wrote a body before start_response()")
        self.started = True
        handler = self.handler
        code = int(self.status[:3])
        framed = self.head_only or code < 200 or code in _NO_BODY_STATUSES
        lines = [
            f"HTTP/1.1 {self.status}\r\nServer: {handler.server_version}\r\n"
            f"Date: {_DateHeader.now()}\r\n"
        ]
        for name, value in self.headers:
            lowered = name.lower()
            if lowered == "content-length":
                framed = True
            elif lowered == "connection":
                if value.lower() == "close":
                    handler.close_connection = True
                continue
            lines.append(f"{name}: {value}\r\n")
        http11 = handler.request_version >= "HTTP/1.1"
        if not handler.close_connection and handler.body_too_long_to_drain():
            handler.close_connection = True
        if not framed:
            if http11 and not handler.close_connection:
                self.chunked = True
                lines.append("Transfer-Encoding: chunked\r\n")
            else:
                handler.close_connection = True
        if handler.close_connection:
            lines.append("Connection: close\r\n")
        elif not http11:
            lines.append("Connection: keep-alive\r\n")
        lines.append("\r\n")
        return "".join(lines).encode("latin-1")


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
