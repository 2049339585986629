"""The dev tools over real HTTP: request log, traceback pages, limits, proxies.

SPEC sections 2, 3 and 6; issue 3 ("Dev tools, as WSGI middleware").
"""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import pytest
from werkzeug.test import Client as WerkzeugClient

from protoweb import App, LiveServer, redirect, url_for
from protoweb.devtools.log import BODY_LIMIT, RequestRecord
from protoweb.devtools.middleware import DEV_MAX_CONTENT_LENGTH, DevTools
from protoweb.devtools.reload import ReloadHub

from .support import Client, raw_exchange


def logged(server: LiveServer, path: str) -> RequestRecord:
    """The latest record, once the request to ``path`` is in the log: a record is
    appended after the response is sent, so it may trail the client a little."""
    deadline = time.monotonic() + 2
    while True:
        record = server.request_log.latest()
        if record is not None and record.path == path:
            return record
        assert time.monotonic() < deadline, f"no record of {path} in the log"
        time.sleep(0.01)


def test_each_request_is_logged_with_what_an_exporter_needs(
    server: LiveServer, client: Client
) -> None:
    reply = client.request(
        "POST",
        "/echo?x=1",
        body="text=hi",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 200
    record = logged(server, "/echo")
    assert (record.method, record.path, record.query_string) == ("POST", "/echo", "x=1")
    assert record.url == "/echo?x=1"
    headers = dict(record.request_headers)
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert headers["Content-Length"] == "7"
    assert record.request_body == b"text=hi"
    assert record.status == 200
    assert record.endpoint == "echo"
    assert record.content_type == "application/json"
    assert json.loads(record.response_body or b"") == {
        "form": {"text": "hi"},
        "data": "",
    }
    assert ("Content-Type", "application/json") in record.response_headers
    assert 0 < record.duration_ms < 1000
    assert record.error is None
    assert record.summary().startswith("POST /echo?x=1 200 ")


def test_subscribers_hear_of_each_request(server: LiveServer, client: Client) -> None:
    heard: list[str] = []
    server.request_log.subscribe(lambda record: heard.append(record.path))
    client.get("/")
    client.get("/nope")
    deadline = time.monotonic() + 2  # subscribers hear once the response is sent
    while len(heard) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert heard == ["/", "/nope"]
    assert [r.status for r in server.request_log.records()] == [200, 404]


def test_bodies_past_the_limit_are_not_kept(app: App, server: LiveServer) -> None:
    app.add_url_rule("/big", "big", lambda: "x" * (BODY_LIMIT + 1))
    with Client(server.port) as client:
        assert len(client.get("/big").body) == BODY_LIMIT + 1
        client.request("POST", "/ignore", body=b"y" * (BODY_LIMIT + 1))
    big, ignore = server.request_log.records()
    assert big.response_body is None
    assert ignore.request_body == b"" and ignore.request_body_truncated


def test_a_view_that_raises_gets_a_traceback_page_and_the_server_goes_on(
    server: LiveServer, client: Client
) -> None:
    reply = client.get("/boom")
    assert reply.status == 500
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    page = reply.text
    assert "ZeroDivisionError: division by zero" in page
    assert "return str(1 / 0)" in page  # the view's own line
    assert "in view &#x27;boom&#x27;" in page
    assert "protoweb/app.py" not in page  # dispatch frames are left out
    for executable in ("<form", "<input", "__debugger__", "console", "eval("):
        assert executable not in page
    record = server.request_log.latest()
    assert record is not None
    assert record.status == 500 and record.endpoint == "boom"
    assert record.error_type == "ZeroDivisionError"
    assert record.error is not None and "return str(1 / 0)" in record.error
    assert record.error.rstrip().endswith("ZeroDivisionError: division by zero")
    assert b"Internal Server Error" in (record.response_body or b"")
    assert client.get("/").text == "Hello"
    assert server.request_log.errors() == [record]


def test_traceback_pages_also_with_testing_on(app: App, client: Client) -> None:
    app.config["TESTING"] = True
    reply = client.get("/boom")
    assert reply.status == 500
    assert "ZeroDivisionError" in reply.text
    assert client.get("/").text == "Hello"


def test_traceback_page_escapes_the_message(app: App, client: Client) -> None:
    def hostile() -> str:
        raise ValueError("<script>alert(1)</script>")

    app.add_url_rule("/hostile", "hostile", hostile)
    page = client.get("/hostile").text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_handled_exception_is_left_to_the_app(app: App, client: Client) -> None:
    app.register_error_handler(KeyError, lambda error: ("no such key", 404))

    def lookup() -> str:
        table: dict[str, str] = {}
        return table["missing"]

    app.add_url_rule("/lookup", "lookup", lookup)
    reply = client.get("/lookup")
    assert (reply.status, reply.text) == (404, "no such key")


@pytest.mark.parametrize(
    "path",
    [
        "/console",
        "/?__debugger__=yes&cmd=resource&f=debugger.js",
        "/?__debugger__=yes&cmd=resource&f=style.css",
        "/?__debugger__=yes&cmd=printpin&s=x",
        "/page?__debugger__=yes&cmd=exec&frm=0&s=x",
    ],
)
def test_the_werkzeug_debugger_is_unreachable(client: Client, path: str) -> None:
    reply = client.get(path)
    assert reply.status == 404
    assert b"Werkzeug Debugger" not in reply.body


def test_dev_mode_caps_request_bodies_at_16_mib(server: LiveServer) -> None:
    head = (
        "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
        f"Content-Length: {DEV_MAX_CONTENT_LENGTH + 1}\r\n\r\n"
    ).encode()
    reply, elapsed = raw_exchange(server.port, head + b"x" * 1000)
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert b"Connection: close" in reply
    assert elapsed < 3
    with Client(server.port) as client:
        body = b"x" * (1024 * 1024)
        assert client.request("POST", "/ignore", body=body).status == 200


def test_the_apps_own_limit_wins_and_the_connection_survives(
    app: App, client: Client
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100
    assert client.request("POST", "/ignore", body=b"x" * 101).status == 413
    assert client.request("POST", "/ignore", body=b"x" * 100).status == 200


def test_chunked_bodies_are_capped_too(app: App, server: LiveServer) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10
    chunk = b"x" * 50
    request = (
        b"POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: text/plain\r\n\r\n"
        + f"{len(chunk):x}\r\n".encode()
        + chunk
        + b"\r\n0\r\n\r\n"
    )
    reply, _ = raw_exchange(server.port, request)
    assert reply.startswith(b"HTTP/1.1 413 ")


def test_chunked_bodies_within_the_limit_reach_the_view(server: LiveServer) -> None:
    request = (
        b"POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: text/plain\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )
    reply, _ = raw_exchange(server.port, request)
    assert reply.startswith(b"HTTP/1.1 200 ")
    assert reply.endswith(b'{"data":"abcde","form":{}}\n')  # keys sorted, as Flask
    record = server.request_log.latest()
    assert record is not None and record.request_body == b"abcde"


def _prefix_app() -> App:
    app = App("proxied", root_path="/nonexistent")

    @app.route("/")
    def index() -> str:
        return url_for("target", _external=True) + " " + url_for("target")

    @app.route("/target")
    def target() -> str:
        return "target"

    @app.route("/go")
    def go() -> Any:
        return redirect(url_for("target"))

    return app


FORWARDED = {
    "X-Forwarded-Prefix": "/user/ann/proxy/8888",
    "X-Forwarded-Host": "hub.example.org",
    "X-Forwarded-Proto": "https",
}


def test_forwarded_headers_from_loopback_keep_the_proxy_prefix() -> None:
    with LiveServer(_prefix_app()) as server, Client(server.port) as client:
        reply = client.get("/", headers=FORWARDED)
        assert reply.text == (
            "https://hub.example.org/user/ann/proxy/8888/target"
            " /user/ann/proxy/8888/target"
        )
        moved = client.get("/go", headers=FORWARDED)
        assert moved.status == 302
        # Absolute, so that the proxy does not put its prefix in front again.
        assert moved.headers["Location"] == (
            "https://hub.example.org/user/ann/proxy/8888/target"
        )
        assert client.get("/").text.endswith(" /target")


def test_forwarded_headers_from_elsewhere_are_ignored() -> None:
    app = _prefix_app()
    tools = DevTools(app, LiveServer(app).request_log, ReloadHub())
    remote = WerkzeugClient(tools)
    for address in ("10.1.2.3", "192.168.0.9", "::ffff:10.0.0.1"):
        reply = remote.get(
            "/",
            headers=FORWARDED,
            environ_base={"REMOTE_ADDR": address, "HTTP_HOST": "localhost"},
        )
        assert reply.text == "http://localhost/target /target", address
    local = remote.get("/", headers=FORWARDED, environ_base={"REMOTE_ADDR": "::1"})
    assert local.text.endswith(" /user/ann/proxy/8888/target")


def test_the_reserved_prefix_is_not_the_apps(client: Client) -> None:
    assert client.get("/__protoweb__/other").status == 404


def test_the_log_keeps_nothing_of_the_reserved_prefix(
    server: LiveServer, client: Client
) -> None:
    client.get("/__protoweb__/other")
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET /__protoweb__/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 200")
    assert len(server.request_log) == 0


def test_a_bound_method_subscriber_can_unsubscribe(server: LiveServer) -> None:
    class Panel:
        def __init__(self) -> None:
            self.seen = 0

        def on_record(self, record: object) -> None:
            self.seen += 1

    panel = Panel()
    server.request_log.subscribe(panel.on_record)
    server.request_log.unsubscribe(panel.on_record)
    with Client(server.port) as client:
        client.get("/")
    assert panel.seen == 0


def test_head_of_a_failing_view_gets_a_500_without_a_body(client: Client) -> None:
    reply = client.request("HEAD", "/boom")
    assert reply.status == 500 and reply.body == b""
    assert client.get("/").text == "Hello"


def test_a_slow_subscriber_does_not_delay_responses(
    server: LiveServer, client: Client
) -> None:
    heard: list[str] = []

    def slow(record: RequestRecord) -> None:
        time.sleep(0.3)
        heard.append(record.path)

    server.request_log.subscribe(slow)
    started = time.monotonic()
    reply = client.request("GET", "/", headers={"Connection": "close"})
    assert reply.text == "Hello"
    assert time.monotonic() - started < 0.25
    record = server.request_log.latest()  # in the log before the response left
    assert record is not None and record.path == "/" and record.duration_ms < 250
    assert heard == []
    deadline = time.monotonic() + 2
    while not heard and time.monotonic() < deadline:
        time.sleep(0.01)
    assert heard == ["/"]


def test_a_record_is_made_once_and_keeps_what_is_added_to_it(
    server: LiveServer, client: Client
) -> None:
    client.get("/")
    record = server.request_log.latest()
    assert record is not None
    record.extra["cell"] = 7
    assert server.request_log.records()[-1] is record
    assert server.request_log.latest() is record
    assert record.extra == {"cell": 7}
    assert record == RequestRecord(**{**vars(record), "extra": {"cell": 7}})
