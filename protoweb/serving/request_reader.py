"""Reading requests off a connection: a deadline per request, and ``100 Continue``
sent only when the body is read.

:class:`DeadlineReader` is the raw stream under the handler's ``rfile``. Between
requests a connection may idle for the idle timeout; from the first byte of a
request its headers and body must arrive before the request deadline, however
slowly the client trickles them (a per-read timeout alone lets a client that
sends a byte a second hold its thread forever).
"""

from __future__ import annotations

import io
import socket
import time
from collections.abc import Callable
from typing import IO, Any


class RequestDeadlineExceeded(TimeoutError):
    """The client took longer than the request deadline to send its request."""


class HeadersTooLarge(Exception):
    """The request's line and headers are over the server's limit."""


class DeadlineReader(io.RawIOBase):
    """A socket's input, timed per read and per request.

    :param connection: the client's socket.
    :param idle_timeout: seconds any one read may wait.
    :param deadline: seconds from a request's first byte to its last.
    :param max_header_bytes: how much may be read while the request line and
        headers are parsed (the read-ahead buffer included), so that one request
        cannot hold megabytes of headers in memory.
    """

    def __init__(
        self,
        connection: socket.socket,
        idle_timeout: float,
        deadline: float,
        max_header_bytes: int = 64 * 1024,
    ) -> None:
        self.connection = connection
        self.idle_timeout = idle_timeout
        self.deadline_seconds = deadline
        self.max_header_bytes = max_header_bytes
        self._deadline: float | None = None
        self._header_budget: int | None = None
        self._timeout: float | None = None

    def readable(self) -> bool:
        return True

    def next_request(self) -> None:
        """Wait for a new request: the idle timeout applies until its first byte,
        and its head may take :attr:`max_header_bytes`."""
        self._deadline = None
        self._header_budget = self.max_header_bytes

    def headers_read(self) -> None:
        """The request's head is parsed: the body is not counted against it."""
        self._header_budget = None

    def use_idle_timeout(self) -> None:
        """Time the socket's writes (the response) by the idle timeout, not by
        what is left of the request deadline."""
        if self._timeout != self.idle_timeout:
            self._set_timeout(self.idle_timeout)

    def _set_timeout(self, seconds: float) -> None:
        self.connection.settimeout(seconds)
        self._timeout = seconds

    def readinto(self, buffer: Any) -> int:
        deadline = self._deadline
        timeout = self.idle_timeout
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RequestDeadlineExceeded(
                    f"the request took longer than {self.deadline_seconds:g} s to send"
                )
            timeout = min(timeout, remaining)
        if timeout != self._timeout:
            self._set_timeout(timeout)
        budget = self._header_budget
        if budget is not None and budget <= 0:
            raise HeadersTooLarge(
                f"the request's headers are over {self.max_header_bytes} bytes"
            )
        count = self.connection.recv_into(buffer)
        if deadline is None and count:
            self._deadline = time.monotonic() + self.deadline_seconds
        if budget is not None:
            self._header_budget = budget - count
        return count


class ContinueOnRead:
    """A request's input that sends ``100 Continue`` before its first read.

    A client that sent ``Expect: 100-continue`` waits for it before sending the
    body; an app that answers without reading (a 413, a redirect) never asks
    for the body.
    """

    def __init__(self, stream: IO[bytes], send_continue: Callable[[], None]) -> None:
        self._stream = stream
        self._send_continue: Callable[[], None] | None = send_continue

    @property
    def continued(self) -> bool:
        """Whether ``100 Continue`` was sent."""
        return self._send_continue is None

    def _continue(self) -> None:
        send = self._send_continue
        if send is not None:
            self._send_continue = None
            send()

    def read(self, size: int = -1) -> bytes:
        self._continue()
        return self._stream.read(size)

    def readline(self, size: int = -1) -> bytes:
        self._continue()
        return self._stream.readline(size)

    def readinto(self, buffer: Any) -> int | None:
        self._continue()
        return self._stream.readinto(buffer)  # type: ignore[attr-defined]
