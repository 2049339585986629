"""Malformed HTTP over raw sockets: a 4xx or a closed connection, never a crash.

SPEC section 6 ("malformed requests get a 4xx and never take the server or the
kernel down"); issue 3 ("Malformed HTTP"). Every case runs on a socket of its own,
many at once; each must be answered with a 4xx, or have its connection closed,
within the server's request timeout plus a margin. Stalled clients must not
hold up anyone else, and the server must answer a valid request afterwards.
"""

from __future__ import annotations

import logging
import random
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from protoweb import App, LiveServer

from .conftest import make_app
from .support import get, raw_exchange

REQUEST_TIMEOUT = 0.5
#: How long any one case may take: the timeout, plus time to answer under load.
BOUND = REQUEST_TIMEOUT + 2.0

CLOSE = b"Connection: close\r\n"
#: A Host the live server answers (a loopback name), with the line ends around it.
HOST = b"\r\nHost: localhost\r\n"


def _garbage_request_lines(rng: random.Random) -> Iterator[tuple[str, bytes]]:
    fixed = [
        b"GARBAGE",
        b"GET",
        b"GET / HTTP/1.1 extra words",
        b"GET / HTTP/2.0",
        b"GET / HTTP/3.0",
        b"GET / HTTP/1.1x",
        b"GET / HTTX/1.1",
        b"GET / HTTP/1",
        b"GET / HTTP/1.1.1",
        b"GET / HTTP/a.b",
        b"GET / HTTP/-1.1",
        b"GET / HTTP/01.1",
        b"GET / HTTP/1.10000000000000000000000000000",
        b"GET / http/1.1",
        b"GET /  HTTP/1.1 HTTP/1.1",
        b"PRI * HTTP/2.0\r\n\r\nSM",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS ClientHello
        b"\x00\x00\x00\x00",
        b"\xff\xfe\xfd",
        b"POST",
        b"/ HTTP/1.1",
        b"GET\t/\tHTTP/1.1\tjunk",
        b"G E T / HTTP/1.1",
        b"GET / HTTP/1.1\x00",
    ]
    for index, line in enumerate(fixed):
        yield f"request line {index}", line + HOST + CLOSE + b"\r\n"
    for index in range(50):
        size = rng.randint(1, 200)
        junk = bytes(rng.randrange(256) for _ in range(size)).replace(b"\n", b" ")
        yield f"random request line {index}", junk + b"\r\n\r\n"
    for index in range(30):
        words = rng.randint(4, 9)
        line = b" ".join(
            bytes(rng.choice(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ/%:?") for _ in range(5))
            for _ in range(words)
        )
        yield f"too many words {index}", line + b"\r\n\r\n"


def _bad_content_lengths() -> Iterator[tuple[str, bytes]]:
    values = [
        b"-1",
        b"abc",
        b"1.5",
        b"0x10",
        b"5 5",
        b"5, 6",
        b"+5",
        b"",
        b"\xff",
        b"1e3",
        b"99999999999999999999999999999999",
        b"18446744073709551616",
        b"-0",
        b" ",
    ]
    for method in (b"POST", b"PUT"):
        for index, value in enumerate(values):
            request = (
                method
                + b" /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                + value
                + b"\r\n"
                + CLOSE
                + b"\r\nhello"
            )
            yield f"{method.decode()} content-length {index}", request
    for index, (first, second) in enumerate([(b"5", b"6"), (b"0", b"5"), (b"5", b"x")]):
        yield (
            f"conflicting content-length {index}",
            (
                b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                + first
                + b"\r\nContent-Length: "
                + second
                + b"\r\n"
                + CLOSE
                + b"\r\nhello"
            ),
        )


def _oversized() -> Iterator[tuple[str, bytes]]:
    yield "request line of 70 kB", b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n"
    yield "query of 70 kB", b"GET /?" + b"q=1&" * 17_500 + b" HTTP/1.1\r\n\r\n"
    for size in (66_000, 70_000, 200_000):
        yield (
            f"header line of {size} bytes",
            (b"GET / HTTP/1.1" + HOST + b"X-Big: " + b"b" * size + b"\r\n\r\n"),
        )
        yield (
            f"cookie of {size} bytes",
            (b"GET / HTTP/1.1\r\nCookie: c=" + b"c" * size + b"\r\n\r\n"),
        )
    for count in (101, 150, 1000, 5000):
        headers = b"".join(b"X-H%d: v\r\n" % n for n in range(count))
        yield f"{count} headers", b"GET / HTTP/1.1\r\n" + headers + b"\r\n"
    yield "headers without colons", b"GET / HTTP/1.1\r\nNoColon\r\n" + CLOSE + b"\r\n"
    yield "NUL in a header name", b"GET / HTTP/1.1\r\nHo\x00st: x\r\n" + CLOSE + b"\r\n"
    yield "space before colon", b"GET / HTTP/1.1\r\nHost : x\r\n" + CLOSE + b"\r\n"
    yield "a header line of spaces", b"GET / HTTP/1.1\r\n   \r\nA\r\n" + CLOSE + b"\r\n"
    yield (
        "body over the dev limit",
        (
            b"POST /echo HTTP/1.1"
            + HOST
            + b"Content-Length: 17000000\r\n\r\n"
            + b"x" * 4096
        ),
    )
    yield (
        "body over the dev limit, expecting 100-continue",
        (
            b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 17000000\r\n"
            b"Expect: 100-continue\r\n\r\n"
        ),
    )


_BAD_PATHS = [
    b"/%",
    b"/%%",
    b"/%zz",
    b"/%f",
    b"/%ff",
    b"/%c3%28",
    b"/%e2%82",
    b"/%f0%28%8c%bc",
    b"/%ed%a0%80",
    b"/%c0%af",
    b"/%00",
    b"/%00.html",
    b"/\x80\x81",
    b"/\xff\xfe\xfd",
    b"/\xc3\x28",
    b"/\xed\xa0\x80",
    b"/%25%ff",
    b"/%u0041",
    b"/static/..%2f..%2fetc%2fpasswd",
    b"/static/%2e%2e/%2e%2e/etc/passwd",
    b"/static/../../../etc/passwd",
    b"/static/%2e%2e%5c%2e%2e%5cwin.ini",
    b"/static/..\\..\\app.py",
    b"/static/%00",
    b"/static/\xff",
    b"/static/%ff%fe",
    b"/page/%ff",
    b"/echo%00",
    b"/json%2f..",
    b"/\x7f",
    b"/a\x01b",
    b"/%c1%9c",
    b"*",
    b"x",
    b"../../etc/passwd",
    b"//%ff",
    b"/?__debugger__=yes&cmd=resource&f=%ff",
    b"/console%ff",
    b"/__protoweb__/%ff",
    b"/__protoweb__/events/%00",
]


def _bad_paths() -> Iterator[tuple[str, bytes]]:
    for index, path in enumerate(_BAD_PATHS):
        for method in (b"GET", b"DELETE", b"POST"):
            yield (
                f"{method.decode()} bad path {index}",
                (method + b" " + path + b" HTTP/1.1" + HOST + CLOSE + b"\r\n"),
            )


def _bad_chunked() -> Iterator[tuple[str, bytes]]:
    head = b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
    bodies = [
        b"zz\r\nabc\r\n0\r\n\r\n",
        b"-5\r\nabc\r\n0\r\n\r\n",
        b"3\r\nabcdef\r\n0\r\n\r\n",
        b"3\r\nabc0\r\n\r\n",
        b"\r\n\r\n",
        b"3;ext=\xff\r\nabc\r\nzz\r\n",
        b"0x3\r\nabc\r\n0\r\n\r\n",
        b"ffffffffffffffffffff\r\nabc\r\n0\r\n\r\n",
        b"1000000\r\n" + b"x" * 100,
    ]
    for index, body in enumerate(bodies):
        yield (
            f"bad chunked body {index}",
            (head + b"Transfer-Encoding: chunked\r\n" + CLOSE + b"\r\n" + body),
        )
    for index, coding in enumerate([b"gzip", b"chunked, gzip", b"identity", b"\xff"]):
        yield (
            f"transfer-encoding {index}",
            (head + b"Transfer-Encoding: " + coding + b"\r\n" + CLOSE + b"\r\nabc"),
        )
    yield (
        "chunked over the dev limit",
        (head + b"Transfer-Encoding: chunked\r\n\r\n" + b"1000001\r\n" + b"x" * 4096),
    )
    yield (
        "chunked body with a content-length too",
        (head + b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nzz\r\n"),
    )


def _stalls() -> Iterator[tuple[str, bytes]]:
    yield "nothing at all", b""
    yield "half a request line", b"GET / HT"
    yield "request line only", b"GET / HTTP/1.1\r\n"
    yield "headers not finished", b"GET / HTTP/1.1\r\nHost: localhost\r\nAccept: */*"
    yield "half a header line", b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Half"
    yield (
        "body not finished",
        (
            b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
            b"Content-Length: 100\r\n\r\nonly some"
        ),
    )
    yield (
        "large body not finished",
        (
            b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n\r\n"
            + b"x" * 1000
        ),
    )
    yield (
        "chunked body not finished",
        (b"POST /echo HTTP/1.1" + HOST + b"Transfer-Encoding: chunked\r\n\r\n5\r\nab"),
    )
    yield (
        "second request not finished",
        (b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\nGET / HTTP/1.1\r\nHo"),
    )
    yield (
        "second request malformed",
        (b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\nGET / HTTP/1.1\r\nNoColon\r\n\r\n"),
    )
    yield (
        "expect 100-continue then silence",
        (
            b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n"
            b"Expect: 100-continue\r\n\r\n"
        ),
    )


def malformed_requests() -> list[tuple[str, bytes]]:
    rng = random.Random(20261124)
    cases = [
        *_garbage_request_lines(rng),
        *_bad_content_lengths(),
        *_oversized(),
        *_bad_paths(),
        *_bad_chunked(),
    ]
    stalls = list(_stalls())
    return cases + stalls * 2


CASES = malformed_requests()


def answered_acceptably(name: str, reply: bytes) -> bool:
    """One 4xx, or a connection closed with no answer (after a 200 for each valid
    request the case starts with, and a ``100 Continue`` where one was asked for).
    """
    statuses = [
        line.split(b" ")[1]
        for line in reply.split(b"\r\n")
        if line.startswith(b"HTTP/1.1 ") and len(line.split(b" ")) > 2
    ]
    statuses = [status for status in statuses if status != b"100"]
    valid_first = name.startswith("second request")
    if valid_first:
        if statuses[:1] != [b"200"]:
            return False
        statuses = statuses[1:]
    if not statuses:
        return valid_first or reply == b"" or reply.startswith(b"HTTP/1.1 100 ")
    return len(statuses) == 1 and statuses[0].startswith(b"4")


@pytest.fixture
def tough_server(caplog: pytest.LogCaptureFixture) -> Iterator[LiveServer]:
    app: App = make_app()
    server = LiveServer(app, request_timeout=REQUEST_TIMEOUT).start()
    caplog.set_level(logging.WARNING, logger="protoweb")
    try:
        yield server
    finally:
        server.stop()


def test_there_are_at_least_300_cases() -> None:
    assert len(CASES) >= 300


def test_malformed_requests_get_a_4xx_or_a_closed_connection(
    tough_server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    port = tough_server.port
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(
            pool.map(lambda case: raw_exchange(port, case[1], timeout=BOUND + 1), CASES)
        )
    failures = []
    for (name, data), (reply, elapsed) in zip(CASES, results, strict=True):
        if not answered_acceptably(name, reply) or elapsed > BOUND:
            failures.append(
                f"{name}: {elapsed:.2f} s, {reply[:120]!r} for {data[:80]!r}"
            )
    assert not failures, "\n".join(failures)
    assert time.monotonic() - started < 20
    assert get(port, "/").text == "Hello"
    assert tough_server.running
    server_errors = [r for r in caplog.records if r.name.startswith("protoweb.server")]
    assert not server_errors, [r.getMessage() for r in server_errors]


def test_stalled_clients_do_not_block_others(tough_server: LiveServer) -> None:
    port = tough_server.port
    stalled = []
    for _, data in list(_stalls()) * 3:
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(data)
        stalled.append(sock)
    try:
        for _ in range(10):
            started = time.monotonic()
            assert get(port, "/").text == "Hello"
            assert time.monotonic() - started < 0.25
        deadline = time.monotonic() + BOUND
        for sock in stalled:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            while sock.recv(65536):
                pass  # a 4xx, maybe; then the server closes it
    finally:
        for sock in stalled:
            sock.close()
    assert get(port, "/").text == "Hello"


def test_a_client_that_never_reads_its_response_is_let_go(
    app: App,
) -> None:
    app.add_url_rule("/huge", "huge", lambda: "x" * 50_000_000)
    server = LiveServer(app, request_timeout=REQUEST_TIMEOUT).start()
    try:
        sock = socket.create_connection(("127.0.0.1", server.port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(b"GET /huge HTTP/1.1\r\nHost: localhost\r\n\r\n")
        time.sleep(0.2)
        assert get(server.port, "/").text == "Hello"
        deadline = time.monotonic() + BOUND + 2
        while server.connection_count > 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.connection_count == 0
        sock.close()
    finally:
        server.stop()
