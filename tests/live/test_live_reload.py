"""Live reload: the injected script and the event stream it listens to.

SPEC section 3 ("Pages opened in a browser reload themselves ..."); issue 3.
"""

from __future__ import annotations

import http.client
import json
import time

import pytest

from protoweb import App, LiveServer
from protoweb.devtools.reload import EVENTS_PATH, ReloadHub, inject, script_position

from .support import Client

SCRIPT_MARK = b"<script data-protoweb-reload>"


class EventStream:
    """One page's Server-Sent Events connection."""

    def __init__(self, port: int, since: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
        self.connection.request("GET", f"{EVENTS_PATH}?since={since}")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type", "").startswith(
            "text/event-stream"
        )
        assert self.response.readline() == b"retry: 1000\n"
        assert self.response.readline() == b"\n"

    def next_event(self) -> dict[str, str]:
        """The next event (comments skipped); raises on timeout."""
        fields: dict[str, str] = {}
        while True:
            line = self.response.readline().decode()
            if line == "":
                raise EOFError("the stream ended")
            if line == "\n":
                if fields:
                    return fields
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.rstrip("\n").partition(": ")
            fields[name] = value

    def close(self) -> None:
        self.connection.close()


def test_full_documents_get_the_script_before_body_end(
    server: LiveServer, client: Client
) -> None:
    reply = client.get("/page")
    body = reply.body
    assert body.count(SCRIPT_MARK) == 1
    assert body.index(SCRIPT_MARK) < body.index(b"</body>")
    assert body.endswith(b"</script>\n</body></html>")
    assert int(reply.headers["Content-Length"]) == len(body)
    assert reply.headers["Cache-Control"] == "no-store"
    assert f"{EVENTS_PATH}?since={server.reload_hub.version}".encode() in body


def test_the_log_keeps_the_body_as_the_view_made_it(
    server: LiveServer, client: Client
) -> None:
    client.get("/page")
    record = server.request_log.latest()
    assert record is not None
    assert record.response_body == (
        b"<!doctype html><html><head><title>t</title></head>"
        b"<body><h1>first</h1></body></html>"
    )


@pytest.mark.parametrize("path", ["/", "/json"])
def test_fragments_and_json_are_left_alone(client: Client, path: str) -> None:
    assert SCRIPT_MARK not in client.get(path).body


def test_head_and_static_html_are_handled(app: App, client: Client) -> None:
    app.static_files["doc.html"] = "<html><body>static</body></html>"
    assert client.request("HEAD", "/page").body == b""
    reply = client.get("/static/doc.html")
    assert SCRIPT_MARK in reply.body
    assert "ETag" not in reply.headers and "Last-Modified" not in reply.headers


def test_the_script_follows_a_proxy_prefix(client: Client) -> None:
    body = client.get("/page", headers={"X-Forwarded-Prefix": "/user/a/proxy/9"}).body
    assert f'"/user/a/proxy/9{EVENTS_PATH}?since='.encode() in body


def test_a_route_change_reaches_an_open_page(app: App, server: LiveServer) -> None:
    stream = EventStream(server.port, server.reload_hub.version)
    try:
        started = time.monotonic()
        app.add_url_rule("/page", "page", lambda: "replaced")
        event = stream.next_event()
        assert time.monotonic() - started < 0.5
        assert event["event"] == "reload"
        assert json.loads(event["data"]) == {"kind": "route", "name": "page"}
    finally:
        stream.close()


@pytest.mark.parametrize("change", ["template", "static", "hook"])
def test_templates_static_files_and_hooks_reach_an_open_page(
    app: App, server: LiveServer, change: str
) -> None:
    stream = EventStream(server.port, server.reload_hub.version)
    try:
        if change == "template":
            app.templates["page.html"] = "<html><body>new</body></html>"
        elif change == "static":
            app.static_files["site.css"] = "body { color: red }"
        else:
            app.before_request(lambda: None)
        assert json.loads(stream.next_event()["data"])["kind"] == change
    finally:
        stream.close()


def test_a_page_served_before_a_change_reloads_on_connecting(
    app: App, server: LiveServer
) -> None:
    version = server.reload_hub.version
    app.templates["page.html"] = "<html><body>changed</body></html>"
    stream = EventStream(server.port, version)
    try:
        assert stream.next_event()["event"] == "reload"
    finally:
        stream.close()


def test_a_page_from_another_server_reloads_on_connecting(server: LiveServer) -> None:
    stream = EventStream(server.port, "deadbeef.0")
    try:
        assert stream.next_event()["event"] == "reload"
    finally:
        stream.close()


def test_idle_streams_get_heartbeats_and_closed_pages_are_let_go(
    server: LiveServer,
) -> None:
    server.reload_hub.heartbeat = 0.05
    stream = EventStream(server.port, server.reload_hub.version)
    assert stream.response.readline() == b": ping\n"
    assert server.reload_hub.clients == 1
    stream.close()
    deadline = time.monotonic() + 2
    while server.reload_hub.clients and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.reload_hub.clients == 0


def test_changes_stop_reaching_pages_once_the_server_stops(app: App) -> None:
    server = LiveServer(app).start()
    hub = server.reload_hub
    server.stop()
    changes = hub.changes
    app.add_url_rule("/later", "later", lambda: "later")
    assert hub.changes == changes


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<!DOCTYPE html><html><BODY>x</BODY></html>", b"<BODY>x<s></BODY></html>"),
        (b"<html lang=en><body>a</body><body>b</body></html>", b"b<s></body></html>"),
        (b"<html>\n<body>x</body >\n</html>", b"x<s></body >\n</html>"),
    ],
)
def test_inject_goes_before_the_last_body_end(body: bytes, expected: bytes) -> None:
    injected = inject(body, b"<s>")
    assert injected is not None and injected.endswith(expected)


@pytest.mark.parametrize(
    "body",
    [
        b"Hello",
        b"<h1>fragment</h1></body>",
        b"<html><p>no body end</p></html>",
        b'{"html": "<html></body>"}'[:0] + b"x" * 2000 + b"<html></body>",
    ],
)
def test_inject_leaves_non_documents_alone(body: bytes) -> None:
    assert script_position(body) == -1
    assert inject(body, b"<s>") is None


def test_the_script_is_safe_inside_html() -> None:
    script = ReloadHub().script("/a</script><b>")
    assert script.count(b"</script>") == 1
    assert b"\\u003c/script>" in script
