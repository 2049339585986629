"""Live update over HTTP: the injected script, what each page used, its stream.

SPEC section 3 ("Live reload knows what a page uses"); issues 3 and 13.
"""

from __future__ import annotations

import http.client
import json
import re
import time

import pytest

from protoweb import App, LiveServer
from protoweb.devtools.recording import LIVE_UPDATE
from protoweb.devtools.reload import (
    EVENTS_PATH,
    SCRIPT_PATH,
    ReloadHub,
    inject,
    script_position,
)

from .support import Client

SCRIPT_MARK = b"<script src="
LIVE_MARK = b"data-protoweb-live"


class EventStream:
    """One page's Server-Sent Events connection."""

    def __init__(self, port: int, since: str, page: str = "") -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3)
        self.connection.request("GET", f"{EVENTS_PATH}?since={since}&page={page}")
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

    def next_change(self) -> dict[str, object]:
        event = self.next_event()
        assert event["event"] == "change"
        data: dict[str, object] = json.loads(event["data"])
        return data

    def nothing_but_pings(self) -> None:
        """The stream sends only heartbeats (set the hub's heartbeat short)."""
        assert self.response.readline() == b": ping\n"
        assert self.response.readline() == b"\n"

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> EventStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def served_page(body: bytes) -> tuple[str, str]:
    """The page id and version a served page's script carries."""
    page = re.search(rb'data-page="([^"]*)"', body)
    since = re.search(rb'data-since="([^"]*)"', body)
    assert page is not None and since is not None
    return page.group(1).decode(), since.group(1).decode()


def open_page(
    client: Client, path: str, server: LiveServer, heartbeat: float = 0.3
) -> EventStream:
    """GET ``path`` as a browser would and connect its stream."""
    server.reload_hub.heartbeat = heartbeat
    page, since = served_page(client.get(path).body)
    return EventStream(server.port, since, page)


def test_full_documents_get_the_script_before_body_end(
    server: LiveServer, client: Client
) -> None:
    reply = client.get("/page")
    body = reply.body
    assert body.count(LIVE_MARK) == 1
    assert body.index(SCRIPT_MARK) < body.index(b"</body>")
    assert body.endswith(b"async></script>\n</body></html>")
    assert int(reply.headers["Content-Length"]) == len(body)
    assert reply.headers["Cache-Control"] == "no-store"
    page, since = served_page(body)
    assert since == server.reload_hub.version
    assert server.reload_hub.pages.get(page) is not None
    assert f'data-events="{EVENTS_PATH}"'.encode() in body


def test_the_script_is_one_cached_file_with_idiomorph_kept_private(
    client: Client,
) -> None:
    src = re.search(rb'<script src="([^"]+)"', client.get("/page").body)
    assert src is not None and src.group(1).startswith(SCRIPT_PATH.encode() + b"?v=")
    reply = client.get(src.group(1).decode())
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/javascript")
    assert "immutable" in reply.headers["Cache-Control"]
    assert reply.body.startswith(b"(function () {\n/* idiomorph 0.7.3")
    assert b"var Idiomorph=" in reply.body and reply.body.endswith(b"})();\n")


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
    assert LIVE_UPDATE not in record.extra


@pytest.mark.parametrize("path", ["/", "/json"])
def test_fragments_and_json_are_left_alone(client: Client, path: str) -> None:
    assert LIVE_MARK not in client.get(path).body


def test_head_and_static_html_are_handled(app: App, client: Client) -> None:
    app.static_files["doc.html"] = "<html><body>static</body></html>"
    assert client.request("HEAD", "/page").body == b""
    reply = client.get("/static/doc.html")
    assert LIVE_MARK in reply.body
    assert "ETag" not in reply.headers and "Last-Modified" not in reply.headers


def test_the_script_follows_a_proxy_prefix(client: Client) -> None:
    body = client.get("/page", headers={"X-Forwarded-Prefix": "/user/a/proxy/9"}).body
    assert f'src="/user/a/proxy/9{SCRIPT_PATH}?v='.encode() in body
    assert f'data-events="/user/a/proxy/9{EVENTS_PATH}"'.encode() in body


def test_a_change_to_the_pages_route_updates_it(
    app: App, server: LiveServer, client: Client
) -> None:
    with open_page(client, "/page", server) as stream:
        started = time.monotonic()
        app.add_url_rule("/page", "page", lambda: "replaced")
        change = stream.next_change()
        assert time.monotonic() - started < 0.5
        assert change["action"] == "update"
        assert (change["kind"], change["name"]) == ("route", "page")
        assert change["version"] == server.reload_hub.version


def test_a_change_to_another_route_leaves_the_page_alone(
    app: App, server: LiveServer, client: Client
) -> None:
    with open_page(client, "/page", server) as stream:
        app.add_url_rule("/json", "json_view", lambda: {"ok": False})
        app.add_url_rule("/new", "new", lambda: "new")
        stream.nothing_but_pings()


def test_a_route_whose_urls_change_updates_every_page(
    app: App, server: LiveServer, client: Client
) -> None:
    """Another page may link to it with url_for."""
    with open_page(client, "/page", server) as stream:
        app.add_url_rule("/json-moved", "json_view", lambda: {"ok": True})
        assert stream.next_change()["action"] == "update"


def test_a_new_route_answering_the_pages_url_updates_it(
    app: App, server: LiveServer, client: Client
) -> None:
    app.static_files["doc.html"] = "<!doctype html><html><body>doc</body></html>"
    with open_page(client, "/static/doc.html", server) as stream:
        app.add_url_rule("/static/other.html", "other", lambda: "other")
        stream.nothing_but_pings()
        app.add_url_rule("/static/doc.html", "doc", lambda: "shadows the file")
        assert stream.next_change()["action"] == "update"


def test_a_static_page_updates_when_its_file_changes(
    app: App, server: LiveServer, client: Client
) -> None:
    app.static_files["doc.html"] = "<!doctype html><html><body>doc</body></html>"
    with open_page(client, "/static/doc.html", server) as stream:
        app.static_files["doc.html"] = "<!doctype html><html><body>v2</body></html>"
        assert stream.next_change()["action"] == "update"


def test_templates_the_page_rendered_update_it_through_extends_and_include(
    app: App, server: LiveServer, client: Client
) -> None:
    app.templates["base.html"] = (
        "<!doctype html><html><body>{% block main %}{% endblock %}"
        "{% include 'footer.html' %}</body></html>"
    )
    app.templates["footer.html"] = "<footer>f</footer>"
    app.templates["child.html"] = (
        "{% extends 'base.html' %}{% block main %}child{% endblock %}"
    )
    app.templates["other.html"] = "<p>other</p>"
    app.add_url_rule("/child", "child", lambda: app.render_template("child.html"))
    app.render_template("child.html")  # cached already: still noted per page
    with open_page(client, "/child", server) as stream:
        app.templates["other.html"] = "<p>other, changed</p>"
        stream.nothing_but_pings()
        for name in ("footer.html", "base.html", "child.html"):
            app.templates[name] = app.templates[name] + " "
            change = stream.next_change()
            assert (change["action"], change["name"]) == ("update", name)


def test_a_stylesheet_the_page_loaded_restyles_it_and_others_do_not(
    app: App, server: LiveServer, client: Client
) -> None:
    app.static_files["site.css"] = "h1 { color: red }"
    app.static_files["other.css"] = "h1 { color: blue }"
    app.static_files["app.js"] = "console.log(1)"
    with open_page(client, "/page", server) as stream:
        referer = {"Referer": f"http://127.0.0.1:{server.port}/page"}
        client.get("/static/site.css", headers=referer)
        client.get("/static/app.js", headers=referer)
        app.static_files["other.css"] = "h1 { color: green }"
        stream.nothing_but_pings()
        app.static_files["site.css"] = "h1 { color: green }"
        change = stream.next_change()
        assert change["action"] == "restyle"
        assert change["stylesheets"] == ["/static/site.css"]
        app.static_files["app.js"] = "console.log(2)"
        assert stream.next_change()["action"] == "reload"


def test_following_a_link_is_no_dependency(
    app: App, server: LiveServer, client: Client
) -> None:
    with open_page(client, "/page", server) as stream:
        referer = f"http://127.0.0.1:{server.port}/page"
        client.get("/json", headers={"Referer": referer, "Sec-Fetch-Dest": "document"})
        client.request("POST", "/ignore", headers={"Referer": referer})
        app.add_url_rule("/json", "json_view", lambda: {"ok": False})
        app.add_url_rule("/ignore", "ignore", lambda: "x", methods=["POST"])
        stream.nothing_but_pings()
        client.get("/json", headers={"Referer": referer, "Sec-Fetch-Dest": "empty"})
        app.add_url_rule("/json", "json_view", lambda: {"ok": True})
        assert stream.next_change()["action"] == "reload"


def test_a_page_answered_to_a_post_is_not_updated(
    app: App, server: LiveServer, client: Client
) -> None:
    """Fetching it again would not repeat the POST; reloading would ask to."""
    app.add_url_rule(
        "/posted",
        "posted",
        lambda: app.render_template("page.html", heading="posted"),
        methods=["POST"],
    )
    server.reload_hub.heartbeat = 0.3
    page, since = served_page(client.request("POST", "/posted").body)
    with EventStream(server.port, since, page) as stream:
        app.templates["page.html"] = "<html><body>changed</body></html>"
        app.before_request(lambda: None)
        stream.nothing_but_pings()


@pytest.mark.parametrize("change", ["hook", "errorhandler"])
def test_hooks_and_error_handlers_update_every_page(
    app: App, server: LiveServer, client: Client, change: str
) -> None:
    with open_page(client, "/page", server) as stream:
        if change == "hook":
            app.before_request(lambda: None)
        else:
            app.register_error_handler(404, lambda error: ("gone", 404))
        assert stream.next_change()["action"] == "update"


def test_an_error_page_updates_after_any_cell_and_a_page_does_not(
    server: LiveServer, client: Client
) -> None:
    with (
        open_page(client, "/page", server) as fine,
        open_page(client, "/boom", server) as broken,
    ):
        server.reload_hub.cell_ran()
        assert broken.next_change()["action"] == "update"
        fine.nothing_but_pings()


def test_the_scripts_own_fetch_is_marked_and_keeps_the_page(
    server: LiveServer, client: Client
) -> None:
    page, _ = served_page(client.get("/page").body)
    reply = client.get(
        "/page", headers={"X-Protoweb-Live": "update", "X-Protoweb-Page": page}
    )
    assert LIVE_MARK not in reply.body
    assert reply.body.endswith(b"<h1>first</h1></body></html>")
    record = server.request_log.latest()
    assert record is not None and record.extra[LIVE_UPDATE] is True
    assert len(server.reload_hub.pages) == 1
    client.get("/page", headers={"Cookie": "protoweb-live=reload"})
    record = server.request_log.latest()
    assert record is not None and record.extra[LIVE_UPDATE] is True


def test_the_scripts_own_fetch_is_no_dependency(
    app: App, server: LiveServer, client: Client
) -> None:
    """A page fetching itself to morph sends its own URL as Referer."""
    with open_page(client, "/page", server) as stream:
        live = {
            "X-Protoweb-Live": "update",
            "X-Protoweb-Page": served_page(client.get("/page").body)[0],
            "Referer": f"http://127.0.0.1:{server.port}/page",
        }
        for _ in range(2):
            client.get("/page", headers=live)
            app.add_url_rule("/page", "page", lambda: "replaced")
            assert stream.next_change()["action"] == "update"


def test_a_page_served_before_a_change_gets_it_on_connecting(
    app: App, server: LiveServer, client: Client
) -> None:
    server.reload_hub.heartbeat = 0.3
    page, since = served_page(client.get("/page").body)
    app.add_url_rule("/other", "other", lambda: "unrelated")
    app.templates["page.html"] = "<html><body>changed</body></html>"
    with EventStream(server.port, since, page) as stream:
        change = stream.next_change()
        assert (change["action"], change["name"]) == ("update", "page.html")


def test_a_page_from_another_server_reloads_on_connecting(server: LiveServer) -> None:
    with EventStream(server.port, "deadbeef.0") as stream:
        assert stream.next_change()["action"] == "reload"


def test_a_page_the_server_forgot_reloads_on_any_change(
    app: App, server: LiveServer
) -> None:
    with EventStream(server.port, server.reload_hub.version, "no-such-page") as stream:
        app.add_url_rule("/other", "other", lambda: "x")
        assert stream.next_change()["action"] == "reload"


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


def test_stopping_the_server_stops_noting_templates(app: App) -> None:
    environment = app.jinja_env
    with LiveServer(app):
        assert "get_template" in vars(environment)
    assert "get_template" not in vars(environment)


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
    script = ReloadHub().script('/a"></script><b>', page='1"')
    assert script.count(b"</script>") == 1
    assert b"/a&quot;&gt;&lt;/script&gt;&lt;b&gt;/__protoweb__/live.js" in script
    assert b'data-page="1&quot;"' in script


@pytest.mark.parametrize("count", ["%C2%B2", "x", ""])
def test_a_malformed_version_is_treated_as_stale(
    client: Client, server: LiveServer, count: str
) -> None:
    """``since`` comes from the client: a non-ASCII digit (``²`` passes
    ``str.isdigit``) is an unknown version, answered with a reload, not a 500."""
    _, since = served_page(client.get("/page").body)
    token = since.partition(".")[0]
    with EventStream(server.port, f"{token}.{count}") as stream:
        event = stream.next_event()
    assert event["event"] == "change"
    assert json.loads(event["data"])["action"] == "reload"
