"""A tiny HTTP/1.1 client for the tests: keep-alive, raw bytes, nothing hidden."""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import dataclass


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One keep-alive connection to ``127.0.0.1:port`` (reopened if the server
    closes it)."""

    def __init__(self, port: int, timeout: float = 5.0) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        self.connection.request(method, path, body=body, headers=headers or {})
        response = self.connection.getresponse()
        return Reply(response.status, response.headers, response.read())

    def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        return self.request("GET", path, headers=headers)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def get(port: int, path: str, headers: dict[str, str] | None = None) -> Reply:
    """``GET path`` on a connection of its own."""
    with Client(port) as client:
        return client.get(path, headers)


def raw_exchange(port: int, data: bytes, timeout: float = 5.0) -> tuple[bytes, float]:
    """Send ``data`` on a fresh socket and read until the server closes it or
    ``timeout`` passes; returns what came back and how long it took."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except OSError:
            pass
        chunks = []
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except (TimeoutError, ConnectionError):
            pass
    return b"".join(chunks), time.monotonic() - started
