"""Werkzeug's request handler with HTTP/1.1 keep-alive.

Werkzeug's :class:`~werkzeug.serving.WSGIRequestHandler` closes the connection after
every response, because it cannot tell where a request body ends. This handler
frames every body (``Content-Length`` or chunked), drains what the app left unread,
and keeps the connection when the client allows it; a request it cannot frame
safely is answered and its connection closed. Every read has a timeout and every
request a deadline (:mod:`protoweb.serving.request_reader`), so a stalled or
trickling client only ever holds its own thread, and not for long.

The server that runs it is :class:`~protoweb.serving.http_server.LiveHTTPServer`.
"""

from __future__ import annotations

import io
import logging
import selectors
import time
from typing import IO, TYPE_CHECKING, Any, cast

from werkzeug.serving import WSGIRequestHandler
from werkzeug.wsgi import LimitedStream

from ..digits import is_ascii_digits
from ..environ_keys import ENVIRON_REQUEST_HEADERS
from .chunked_input import StrictDechunkedInput
from .request_reader import (
    ContinueOnRead,
    DeadlineReader,
    HeadersTooLarge,
    RequestDeadlineExceeded,
)
from .response_writer import ResponseWriter

if TYPE_CHECKING:
    from .http_server import LiveHTTPServer

logger = logging.getLogger("protoweb.server")

#: A body the app left unread is drained up to this size to keep the connection.
DRAIN_LIMIT = 1024 * 1024
#: Past :data:`DRAIN_LIMIT`, read and discard for this long so the client sees the
#: response (a 413, say) instead of a reset, then close.
DISCARD_SECONDS = 1.0
DISCARD_LIMIT = 64 * 1024 * 1024

_VERSIONS = frozenset(("HTTP/1.0", "HTTP/1.1", "HTTP/0.9"))


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
    #: The body's stream, when the client waits for ``100 Continue`` to send it.
    awaiting_continue: ContinueOnRead | None = None

    def setup(self) -> None:
        super().setup()
        limits = self.server.limits
        self.reader = DeadlineReader(
            self.connection,
            limits.idle_timeout,
            limits.request_deadline,
            limits.max_header_bytes,
        )
        self.rfile = io.BufferedReader(self.reader)

    def handle_one_request(self) -> None:
        self.reader.next_request()
        super().handle_one_request()

    def run_wsgi(self) -> None:
        if self.request_version == "HTTP/0.9":
            self.close_connection = True
            return
        environ = self.environ = self.make_environ()
        environ[ENVIRON_REQUEST_HEADERS] = self.headers
        if self._body_stream(environ) is None:
            return
        response = ResponseWriter(self, environ["REQUEST_METHOD"] == "HEAD")
        try:
            response.run(self.server.app, environ)
        except RequestDeadlineExceeded:
            if not response.started:
                self._send_simple(408, b"Request Timeout")
            self.close_connection = True
            return
        except (ConnectionError, TimeoutError):
            self.close_connection = True
            return
        except Exception:
            self.close_connection = True
            logger.exception("error while serving %s %s", self.command, self.path)
            if not response.started:
                self._send_simple(500, b"Internal Server Error")
            return
        waiting = self.awaiting_continue
        if waiting is not None and not waiting.continued:
            # The client never got 100 Continue, so it may never send the body.
            self.close_connection = True
        if not self.close_connection:
            try:
                self._finish_body()
            except Exception:
                self.close_connection = True

    def parse_request(self) -> bool:
        """:class:`~http.server.BaseHTTPRequestHandler`'s parsing, refusing header
        lines it would otherwise take for the start of the body, and a head over
        the header limit (431)."""
        try:
            parsed = super().parse_request()
        except HeadersTooLarge:
            self.send_error(431, "Request Header Fields Too Large")
            return False
        self.reader.headers_read()
        if not parsed:
            return False
        if self.request_version not in _VERSIONS:
            self.send_error(400, "Bad HTTP version")
            return False
        if self.headers.defects:
            self.send_error(400, "Malformed request header")
            return False
        return True

    def handle_expect_100(self) -> bool:
        # Sent when the app first reads the body (see _body_stream), if ever.
        return True

    def _send_continue(self) -> None:
        self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")

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
        self.awaiting_continue = None
        rfile: IO[bytes] = cast("IO[bytes]", self.rfile)
        if self.headers.get("Expect", "").strip().lower() == "100-continue":
            self.awaiting_continue = ContinueOnRead(rfile, self._send_continue)
            rfile = cast("IO[bytes]", self.awaiting_continue)
        if "HTTP_TRANSFER_ENCODING" in environ:
            if environ["HTTP_TRANSFER_ENCODING"].strip().lower() != "chunked":
                self._send_simple(400, b"Unsupported Transfer-Encoding")
                return None
            environ.pop("CONTENT_LENGTH", None)
            self.close_connection = True
            environ["wsgi.input"] = StrictDechunkedInput(rfile)
            return environ["wsgi.input"]
        values = self.headers.get_all("Content-Length") or ()
        if not values:
            stream: Any = io.BytesIO()
        else:
            lengths = {value.strip() for value in values}
            length_text = lengths.pop()
            if lengths or not is_ascii_digits(length_text):
                self._send_simple(400, b"Invalid Content-Length")
                return None
            length = int(length_text)
            environ["CONTENT_LENGTH"] = length_text
            stream = LimitedStream(rfile, length) if length else io.BytesIO()
            if length:
                self.request_body = stream
        environ["wsgi.input"] = stream
        return stream

    def body_too_long_to_drain(self) -> bool:
        """Whether the request body still unread is past :data:`DRAIN_LIMIT`."""
        body = self.request_body
        return body is not None and body.limit - body.tell() > DRAIN_LIMIT

    def _finish_body(self) -> None:
        """Drain what the app left of the body, or give up the connection."""
        body = self.request_body
        if body is None or body.is_exhausted:
            return
        if not self.body_too_long_to_drain():
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
        self.reader.use_idle_timeout()
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
