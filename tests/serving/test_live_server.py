"""The live server's life cycle over real sockets: bind, serve, restart, stop.

SPEC section 2 (``app.serve()``), section 6 (loopback by default); issue 3.
"""

from __future__ import annotations

import http.client
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from protoweb import App, LiveServer, PortInUseError


def make_app() -> App:
    app = App("server_tests", root_path="/nonexistent")

    @app.route("/")
    def index() -> str:
        return "Hello"

    @app.route("/stream")
    def stream() -> Iterator[str]:
        return iter(["a", "b", "c"])

    @app.route("/sink", methods=["POST"])
    def sink() -> str:
        return "ignored the body"

    return app


@pytest.fixture
def app() -> App:
    return make_app()


@pytest.fixture
def server(app: App) -> Iterator[LiveServer]:
    live = app.serve()
    try:
        yield live
    finally:
        live.stop()


@dataclass
class Reply:
    status: int
    body: bytes
    response: http.client.HTTPResponse

    def getheader(self, name: str) -> str | None:
        return self.response.getheader(name)


def fetch(
    connection: http.client.HTTPConnection,
    method: str = "GET",
    path: str = "/",
    body: bytes | None = None,
) -> Reply:
    connection.request(method, path, body=body)
    response = connection.getresponse()
    return Reply(response.status, response.read(), response)


def connect(server: LiveServer) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_serve_binds_loopback_on_a_free_port(app: App) -> None:
    server = app.serve()
    try:
        assert server.host == "127.0.0.1"
        assert server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert server.running
        assert app.server is server
        assert fetch(connect(server)).body == b"Hello"
    finally:
        server.stop()
    assert not server.running
    assert app.server is None


def test_serve_twice_is_refused_while_running(server: LiveServer, app: App) -> None:
    with pytest.raises(RuntimeError, match="already serving"):
        app.serve()


def test_stop_returns_with_the_port_closed(app: App) -> None:
    server = app.serve()
    port = server.port
    server.stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_restart_takes_the_same_port(server: LiveServer) -> None:
    port = server.port
    connection = connect(server)
    assert fetch(connection).status == 200
    server.restart()
    assert server.port == port
    connection.close()
    assert fetch(connect(server)).body == b"Hello"


def test_restart_takes_a_free_port_when_its_own_is_taken(app: App) -> None:
    server = app.serve()
    port = server.port
    server.stop()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        server.restart()
        try:
            assert server.port not in (0, port)
            assert fetch(connect(server)).body == b"Hello"
        finally:
            server.stop()


def test_a_taken_port_raises_port_in_use_error(
    app: App, capfd: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        with pytest.raises(
            PortInUseError, match=f"port {port} .* already in use"
        ) as info:
            LiveServer(app, port=port).start()
    assert isinstance(info.value, OSError)
    assert app.server is None
    out, err = capfd.readouterr()
    assert out == err == ""


def test_fifty_start_stop_cycles_leave_no_thread_or_fd(app: App) -> None:
    def cycle() -> None:
        server = app.serve()
        idle = connect(server)  # a keep-alive connection left open across stop()
        assert fetch(idle).body == b"Hello"
        events = socket.create_connection(("127.0.0.1", server.port))
        events.sendall(b"GET /__protoweb__/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert events.recv(100).startswith(b"HTTP/1.1 200")
        server.stop()
        idle.close()
        events.close()

    cycle()  # warm up: imports, caches
    threads, fds = threading.active_count(), open_fds()
    started = time.monotonic()
    for _ in range(50):
        cycle()
    elapsed = time.monotonic() - started
    assert threading.active_count() == threads, threading.enumerate()
    assert open_fds() == fds
    assert elapsed < 10


def test_stop_ends_keep_alive_connections_and_event_streams(server: LiveServer) -> None:
    idle = connect(server)
    fetch(idle)
    stream = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    stream.sendall(b"GET /__protoweb__/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
    stream.recv(1000)
    deadline = time.monotonic() + 2
    while server.connection_count < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.connection_count == 2
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1
    assert server.connection_count == 0
    stream.settimeout(2)
    rest = b""
    while chunk := stream.recv(1000):
        rest += chunk
    stream.close()
    idle.close()


def test_http11_connections_are_kept_alive(server: LiveServer) -> None:
    connection = connect(server)
    for _ in range(20):
        response = fetch(connection)
        assert response.status == 200
        assert response.getheader("Connection") is None
    local = connection.sock.getsockname()
    fetch(connection)
    assert connection.sock.getsockname() == local
    assert server.connection_count == 1


def test_connection_close_and_http10_are_honoured(server: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
        data = sock.makefile("rb").read()
    assert data.startswith(b"HTTP/1.1 200")
    assert b"Connection: close" in data
    assert data.endswith(b"Hello")
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" * 2)
        reader = sock.makefile("rb")
        for _ in range(2):
            assert reader.readline().startswith(b"HTTP/1.1 200")
            headers = []
            while (line := reader.readline()) != b"\r\n":
                headers.append(line)
            assert b"Connection: keep-alive\r\n" in headers
            assert reader.read(5) == b"Hello"


def test_pipelined_requests_are_answered_in_order(server: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(
            b"GET /stream HTTP/1.1\r\nHost: localhost\r\n\r\n"
            b"POST /sink HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\nbody"
            b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        data = sock.makefile("rb").read()
    stream, sink, index = data.split(b"HTTP/1.1 200 OK\r\n")[1:]
    assert b"Transfer-Encoding: chunked" in stream
    assert stream.endswith(b"\r\n\r\n1\r\na\r\n1\r\nb\r\n1\r\nc\r\n0\r\n\r\n")
    assert sink.endswith(b"ignored the body")
    assert b"Connection: close" in index and index.endswith(b"Hello")


def test_a_body_the_view_did_not_read_is_drained(server: LiveServer) -> None:
    connection = connect(server)
    response = fetch(connection, "POST", "/sink", body=b"x" * 100_000)
    assert response.body == b"ignored the body"
    assert fetch(connection).body == b"Hello"


def test_head_has_no_body_and_keeps_the_connection(server: LiveServer) -> None:
    connection = connect(server)
    response = fetch(connection, "HEAD", "/")
    assert response.status == 200 and response.body == b""
    assert fetch(connection).body == b"Hello"


def test_dev_off_serves_the_bare_app(app: App) -> None:
    app.templates["doc.html"] = "<html><body>doc</body></html>"
    app.add_url_rule("/doc", "doc", lambda: app.render_template("doc.html"))
    server = app.serve(dev=False)
    try:
        connection = connect(server)
        assert fetch(connection, path="/doc").body == b"<html><body>doc</body></html>"
        assert fetch(connection, path="/__protoweb__/events").status == 404
        assert len(server.request_log) == 0
    finally:
        server.stop()


def test_request_log_and_reload_hub_outlive_a_restart(server: LiveServer) -> None:
    log, hub = server.request_log, server.reload_hub
    fetch(connect(server))
    server.restart()
    fetch(connect(server))
    assert server.request_log is log and server.reload_hub is hub
    assert [r.path for r in log.records()] == ["/", "/"]


def test_head_never_gets_a_body_whatever_the_app_returns(app: App) -> None:
    def raw(
        environ: dict[str, object], start_response: Callable[..., object]
    ) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"a body HEAD must not carry"]

    app.wsgi_app = raw  # type: ignore[method-assign]
    server = LiveServer(app, dev=False).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(
                b"HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            )
            data = sock.makefile("rb").read()
    finally:
        server.stop()
    head, get = data.split(b"HTTP/1.1 200 OK\r\n")[1:]
    assert head.endswith(b"\r\n\r\n") and b"must not" not in head
    assert get.endswith(b"a body HEAD must not carry")
