"""How much one client, or many, may take of the live server.

A client that trickles its request is cut off at a deadline; past a number of open
connections a new one gets a quick 503; an accept loop out of file descriptors
waits a little instead of spinning.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]


def default_max_connections() -> int:
    """Three quarters of the process's file descriptor limit, at most 1000 (the
    rest stays for the kernel, files the app opens, and the 503 answers)."""
    if resource is None:
        return 500
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 1000
    return max(8, min(1000, soft * 3 // 4))


@dataclass(frozen=True)
class ServerLimits:
    """The live server's limits.

    :param idle_timeout: seconds a connection may wait between requests, or
        between two reads of one, before it is closed.
    :param request_deadline: seconds from the first byte of a request until its
        headers and body must be in; a client still sending is cut off (408).
    :param max_connections: open connections at most (keep-alive ones and
        live-reload streams included); one more is answered 503 and closed.
        ``None`` takes :func:`default_max_connections` when the server starts.
    :param accept_backoff: seconds the accept loop waits when the process has
        no file descriptor left for a new connection.
    :param max_header_bytes: a request's line and headers at most; over it, a
        431 (the standard library alone allows 100 lines of 64 KiB).
    """

    idle_timeout: float = 10.0
    request_deadline: float = 30.0
    max_connections: int | None = None
    accept_backoff: float = 0.1
    max_header_bytes: int = 64 * 1024

    def with_idle_timeout(self, seconds: float) -> ServerLimits:
        return dataclasses.replace(self, idle_timeout=seconds)

    def connection_cap(self) -> int:
        """:attr:`max_connections`, or the default for this process."""
        if self.max_connections is not None:
            return self.max_connections
        return default_max_connections()
