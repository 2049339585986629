"""The live server holds up: slow clients, many connections, no file descriptors
left, huge headers (issue 11, findings 4 and 5; SPEC section 6).

The server runs in a process of its own (``served_app.py``) where the test
measures it from outside: its CPU time, and how fast it answers others. The
figures are printed (``pytest -s``); the bounds asserted are loose, the targets
are in the issue's closing note.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from protoweb import App, LiveServer
from protoweb.serving.limits import ServerLimits

ROOT = Path(__file__).resolve().parents[2]


class ServedApp:
    """``served_app.py`` in a subprocess."""

    def __init__(self, options: str) -> None:
        env = dict(
            os.environ,
            PYTHONPATH=f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.serving.served_app", options],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.startswith("PORT "), line
        self.port = int(line.split()[1])

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1]
        utime, stime = fields.split()[11:13]
        return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def served() -> Iterator[list[ServedApp]]:
    started: list[ServedApp] = []
    yield started
    for app in started:
        app.stop()


def timed_get(port: int, timeout: float = 5.0) -> tuple[bytes, float]:
    """``GET /`` on a new connection: the reply and the seconds it took."""
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data, time.perf_counter() - started


def server_closed(sock: socket.socket) -> bool:
    """Whether the server has closed ``sock`` (what it sent before is skipped)."""
    sock.settimeout(0.5)
    try:
        while True:
            if not sock.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def test_slowloris_others_are_served_and_tricklers_are_cut_off(served):
    deadline = 3.0
    server = ServedApp(f'{{"request_deadline": {deadline}, "idle_timeout": 2}}')
    served.append(server)
    tricklers = []
    for index in range(200):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        if index % 2:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        else:
            sock.sendall(
                b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n"
                b"Content-Type: text/plain\r\n\r\n"
            )
        tricklers.append(sock)
    opened = time.monotonic()
    latencies = []
    while time.monotonic() - opened < deadline + 2.5:
        for sock in tricklers:
            try:
                sock.send(b"a")
            except OSError:
                pass
        reply, seconds = timed_get(server.port)
        assert reply.startswith(b"HTTP/1.1 200 "), reply[:100]
        latencies.append(seconds)
        time.sleep(0.3)
    still_open = [sock for sock in tricklers if not server_closed(sock)]
    for sock in tricklers:
        sock.close()
    print(
        f"\nslowloris, 200 trickling sockets: others served in max"
        f" {max(latencies) * 1000:.1f} ms, median"
        f" {sorted(latencies)[len(latencies) // 2] * 1000:.1f} ms"
        f" ({len(latencies)} requests); {200 - len(still_open)}/200 cut off"
        f" by the {deadline:g} s deadline"
    )
    assert not still_open
    assert max(latencies) < 1.0


def test_out_of_file_descriptors_the_server_backs_off_and_recovers(served):
    server = ServedApp(
        '{"nofile": 64, "max_connections": 1000, "idle_timeout": 60,'
        ' "request_deadline": 60}'
    )
    served.append(server)
    held = []
    for _ in range(100):
        sock = socket.socket()
        sock.settimeout(2)
        try:
            sock.connect(("127.0.0.1", server.port))
            sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        except OSError:
            sock.close()
            break
        held.append(sock)
    time.sleep(1.0)
    before = server.cpu_seconds()
    time.sleep(3.0)
    cpu = (server.cpu_seconds() - before) / 3.0
    for sock in held:
        sock.close()
    reply, seconds = timed_get(server.port, timeout=10)
    print(
        f"\nfd exhaustion (RLIMIT_NOFILE 64, {len(held)} connections held): server"
        f" CPU {cpu * 100:.1f}% of a core; served again {seconds * 1000:.0f} ms after"
        " the connections closed"
    )
    assert cpu < 0.2
    assert reply.startswith(b"HTTP/1.1 200 ")


def test_over_the_connection_cap_a_quick_503():
    app = App("capped", root_path="/nonexistent")
    app.route("/")(lambda: "Hello")
    with LiveServer(app, limits=ServerLimits(max_connections=4)) as server:
        idle = []
        for _ in range(4):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
            idle.append(sock)
        reply, seconds = timed_get(server.port)
        assert reply.startswith(b"HTTP/1.1 503 "), reply
        assert b"Retry-After: 1" in reply
        assert seconds < 1.0
        idle.pop().close()
        deadline = time.monotonic() + 5
        while server.connection_count >= 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        reply, _ = timed_get(server.port)
        assert reply.startswith(b"HTTP/1.1 200 ")
        for sock in idle:
            sock.close()


def test_the_log_keeps_a_bounded_part_of_huge_headers():
    from protoweb.devtools.log import HEADER_BYTES_LIMIT

    app = App("headers", root_path="/nonexistent")
    app.route("/")(lambda: "Hello")
    header_lines = b"".join(
        b"X-Big-%d: %s\r\n" % (index, b"h" * 60_000) for index in range(20)
    )
    # Headers this large get a 431 by default; let them in to see what the log keeps.
    limits = ServerLimits(max_header_bytes=2_000_000)
    with LiveServer(app, limits=limits) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            for _ in range(200):
                sock.sendall(
                    b"GET / HTTP/1.1\r\nHost: localhost\r\n" + header_lines + b"\r\n"
                )
                reply = b""
                while not reply.endswith(b"Hello"):
                    reply += sock.recv(65536)
        records = server.request_log.records()
    assert len(records) == 200
    kept = [
        sum(len(name) + len(value) for name, value in record.request_headers)
        for record in records
    ]
    print(
        f"\nlog under huge headers: 200 requests with {len(header_lines):,} header"
        f" bytes each; a record keeps at most {max(kept):,} header bytes"
        f" ({sum(kept):,} for all 200)"
    )
    assert max(kept) <= HEADER_BYTES_LIMIT + 200
    assert any(name == "Host" for name, _ in records[0].request_headers)
    assert any(value.endswith("bytes cut)") for _, value in records[0].request_headers)


def test_a_request_head_over_the_header_limit_gets_431():
    app = App("headers", root_path="/nonexistent")
    app.route("/")(lambda: "Hello")
    many = b"".join(b"X-Part-%d: %s\r\n" % (i, b"p" * 8000) for i in range(20))
    with LiveServer(app) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n" + many + b"\r\n")
            reply = sock.recv(65536)
        assert reply.startswith(b"HTTP/1.1 431 "), reply[:100]
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            fine = b"".join(b"X-Part-%d: %s\r\n" % (i, b"p" * 8000) for i in range(6))
            sock.sendall(
                b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + fine
                + b"\r\n"
            )
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 200 ")
