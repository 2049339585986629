"""The keep-alive handler's framing: strict ``Content-Length``, and ``100
Continue`` only when the body will be read (issue 11, finding 6)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from protoweb import App, LiveServer, request


@pytest.fixture
def server() -> Iterator[LiveServer]:
    app = App("framing", root_path="/nonexistent")
    app.config["MAX_CONTENT_LENGTH"] = 1000

    @app.post("/echo")
    def echo() -> str:
        return request.get_data(as_text=True)

    with LiveServer(app, request_timeout=2.0) as live:
        yield live


def first_reply(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        return sock.recv(65536)


@pytest.mark.parametrize("length", ["²", "１２", "٣", "+5", "5 5", "0x5", "-1"])
def test_a_content_length_of_anything_but_ascii_digits_is_a_400(server, length):
    # http.server reads header bytes as latin-1: b"\xb2" is "²", which isdigit()
    encoding = "latin-1" if max(map(ord, length)) < 256 else "utf-8"
    head = (
        b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
        + length.encode(encoding)
        + b"\r\n\r\n"
    )
    reply = first_reply(server.port, head + b"hello")
    assert reply.startswith(b"HTTP/1.1 400 "), reply


def test_100_continue_is_not_sent_for_a_body_over_the_cap(server):
    reply = first_reply(
        server.port,
        b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000\r\n"
        b"Expect: 100-continue\r\n\r\n",
    )
    assert reply.startswith(b"HTTP/1.1 413 "), reply
    assert b"100 Continue" not in reply


def test_100_continue_is_sent_when_the_body_is_read(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(
            b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
            b"Content-Type: text/plain\r\nExpect: 100-continue\r\n\r\n"
        )
        assert sock.recv(65536) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"hello")
        reply = b""
        while not reply.endswith(b"hello"):
            reply += sock.recv(65536)
    assert reply.startswith(b"HTTP/1.1 200 ")
