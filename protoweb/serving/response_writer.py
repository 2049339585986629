"""Writing one WSGI response to a keep-alive connection.

:class:`ResponseWriter` is the ``start_response`` and body writer the keep-alive
handler gives the app: it sends the status line and headers, and frames the body
with the app's ``Content-Length``, chunked encoding, or a closed connection.
"""

from __future__ import annotations

import time
from email.utils import formatdate
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .keepalive import KeepAliveRequestHandler

_NO_BODY_STATUSES = frozenset((204, 304))


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


class ResponseWriter:
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
        # Reads may have left the request deadline's remainder as the timeout.
        handler.reader.use_idle_timeout()
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
