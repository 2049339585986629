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


class DeadlineReader(io.RawIOBase):
    """A socket's input, timed per read and per request.

    :param connection: the client's socket.
    :param idle_timeout: seconds any one read may wait.
    :param deadline: seconds from a request's first byte to its last.
    """

    def __init__(
        self, connection: socket.socket, idle_timeout: float, deadline: float
    ) -> None:
        self.connection = connection
        self.idle_timeout = idle_timeout
        self.deadline_seconds = deadline
        self._deadline: float | None = None

    def readable(self) -> bool:
        return True

    def next_request(self) -> None:
        """Wait for a new request: the idle timeout applies until its first byte."""
        self._deadline = None

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
        self.connection.settimeout(timeout)
        count = self.connection.recv_into(buffer)
        if deadline is None and count:
            self._deadline = time.monotonic() + self.deadline_seconds
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
