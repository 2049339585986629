"""The Host check over raw sockets: a page that rebinds its name to 127.0.0.1
reads nothing (issue 11, finding 1; SPEC section 6)."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from protoweb import App, LiveServer
from protoweb.serving.hosts import environment_hosts, is_loopback_host, split_host


def make_app(calls: list[str]) -> App:
    app = App("host_tests", root_path="/nonexistent")

    @app.route("/")
    def index() -> str:
        calls.append("index")
        return "Hello"

    @app.post("/write")
    def write() -> str:
        calls.append("write")
        return "written"

    @app.route("/boom")
    def boom() -> str:
        calls.append("boom")
        raise ValueError("secret detail /home/user/project")

    return app


@pytest.fixture
def calls() -> list[str]:
    return []


@pytest.fixture
def app(calls: list[str]) -> App:
    return make_app(calls)


@pytest.fixture
def server(app: App, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    for variable in (
        "PROTOWEB_ALLOWED_HOSTS",
        "PROTOWEB_PUBLIC_URL",
        "JUPYTERHUB_PUBLIC_URL",
        "JUPYTERHUB_PUBLIC_HUB_URL",
        "JUPYTERHUB_HOST",
    ):
        monkeypatch.delenv(variable, raising=False)
    live = LiveServer(app, request_timeout=2.0).start()
    try:
        yield live
    finally:
        live.stop()


def exchange(port: int, request: bytes, *, until_close: bool = True) -> bytes:
    """Send ``request`` on a new connection; what came back until the server
    closed it (or, for a stream, the first reply)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
            if not until_close and b"\r\n\r\n" in data:
                return data


def get(port: int, path: str, host: str, method: str = "GET") -> bytes:
    return exchange(
        port,
        f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\n"
        "Connection: close\r\n\r\n".encode(),
    )


def status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


@pytest.mark.parametrize(
    "host",
    ["attacker.example", "attacker.example:{port}", "127.0.0.1.nip.io:{port}",
     "localhost.attacker.example", "evil.localhost.example:{port}"],
)  # fmt: skip
def test_a_foreign_host_gets_403_and_the_view_never_runs(server, calls, host):
    host = host.format(port=server.port)
    for path, method in (("/boom", "GET"), ("/", "GET"), ("/write", "POST")):
        reply = get(server.port, path, host, method)
        assert status(reply) == 403, reply[:200]
        assert b"secret detail" not in reply
        assert b"Traceback" not in reply
    assert calls == []
    assert len(server.request_log) == 0


def test_the_refusal_names_the_host_and_how_to_allow_it(server):
    reply = get(server.port, "/", "attacker.example")
    body = reply.partition(b"\r\n\r\n")[2].decode()
    assert "attacker.example" in body
    assert 'app.config["TRUSTED_HOSTS"]' in body
    assert "PROTOWEB_ALLOWED_HOSTS=attacker.example" in body


def test_the_host_in_the_page_is_escaped(server):
    reply = get(server.port, "/", "<script>x</script>")
    assert status(reply) == 403
    assert b"<script>x" not in reply


def test_the_event_stream_is_refused_to_a_foreign_host(server):
    reply = exchange(
        server.port,
        b"GET /__protoweb__/events HTTP/1.1\r\nHost: attacker.example\r\n\r\n",
    )
    assert status(reply) == 403
    assert b"text/event-stream" not in reply


def test_the_event_stream_is_served_to_localhost(server):
    reply = exchange(
        server.port,
        b"GET /__protoweb__/events HTTP/1.1\r\nHost: localhost:%d\r\n\r\n"
        % server.port,
        until_close=False,
    )
    assert status(reply) == 200
    assert b"text/event-stream" in reply


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1:{port}", "127.0.0.1", "localhost", "localhost:{port}",
     "LOCALHOST:{port}", "[::1]:{port}", "[::1]", "app.localhost:{port}",
     "127.8.9.10:{port}"],
)  # fmt: skip
def test_loopback_hosts_are_served(server, calls, host):
    reply = get(server.port, "/", host.format(port=server.port))
    assert status(reply) == 200
    assert reply.endswith(b"Hello")
    assert calls == ["index"]


def test_a_request_without_host_is_served(server):
    reply = exchange(server.port, b"GET / HTTP/1.0\r\n\r\n")
    assert status(reply) == 200


def test_trusted_hosts_set_while_serving_is_served_from_then_on(server, app):
    assert status(get(server.port, "/", "shop.example:8080")) == 403
    app.config["TRUSTED_HOSTS"] = ["shop.example"]
    assert status(get(server.port, "/", "shop.example:8080")) == 200
    # Loopback names stay served (Flask alone would answer them 400).
    assert status(get(server.port, "/", f"127.0.0.1:{server.port}")) == 200
    assert status(get(server.port, "/", "other.example")) == 403
    app.config["TRUSTED_HOSTS"] = [".example.org"]
    assert status(get(server.port, "/", "a.b.example.org")) == 200
    assert status(get(server.port, "/", "shop.example")) == 403


def test_protoweb_allowed_hosts_is_read_per_request(server, monkeypatch):
    assert status(get(server.port, "/", "dev.box")) == 403
    monkeypatch.setenv("PROTOWEB_ALLOWED_HOSTS", "other.box, dev.box")
    assert status(get(server.port, "/", "dev.box:1234")) == 200
    monkeypatch.setenv("PROTOWEB_ALLOWED_HOSTS", "*")
    assert status(get(server.port, "/", "anything.example")) == 200


def test_public_url_hosts_are_trusted(server, monkeypatch):
    monkeypatch.setenv("PROTOWEB_PUBLIC_URL", "https://lab.example.com/proxy/{port}/")
    assert status(get(server.port, "/", "lab.example.com")) == 200
    monkeypatch.setenv("JUPYTERHUB_PUBLIC_URL", "https://hub.example.net/")
    assert status(get(server.port, "/", "hub.example.net:443")) == 200
    assert status(get(server.port, "/", "example.net")) == 403


def test_hosts_given_to_the_server_are_trusted(server):
    assert status(get(server.port, "/", "jupyter.lan:8888")) == 403
    server.allowed_hosts.append("jupyter.lan")
    assert status(get(server.port, "/", "jupyter.lan:8888")) == 200


def test_host_parsing():
    assert split_host("[::1]:5000") == "::1"
    assert split_host("App.Localhost:80") == "app.localhost"
    assert split_host("example.com") == "example.com"
    assert is_loopback_host("localhost.")
    assert is_loopback_host("[::1]")
    assert not is_loopback_host("[::2]")
    assert not is_loopback_host("localhost.example")
    assert environment_hosts(
        {"PROTOWEB_ALLOWED_HOSTS": " a.b ,,c", "JUPYTERHUB_HOST": "hub.example"}
    ) == ["a.b", "c", "hub.example"]


def test_serving_on_a_non_loopback_address_warns():
    code = textwrap.dedent(
        """
        from protoweb import App
        app = App("warned", root_path="/nonexistent")
        server = app.serve(host="0.0.0.0")
        server.stop()
        quiet = app.serve()
        quiet.stop()
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "0.0.0.0" in lines[0] and "tracebacks" in lines[0]
