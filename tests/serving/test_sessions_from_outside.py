"""Sessions seen from the outside, through the live server: ``Vary: Cookie`` and
expiry on the server side, as Flask does (issue 11, finding 6).

The core has both since issue 10's sessions.
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Iterator

import pytest

from protoweb import App, LiveServer, session


@pytest.fixture
def server() -> Iterator[LiveServer]:
    app = App("sessions", root_path="/nonexistent")
    app.config["SECRET_KEY"] = "test-only"
    app.config["PERMANENT_SESSION_LIFETIME"] = 1

    @app.route("/set")
    def set_value() -> str:
        session["seen"] = "yes"
        return "set"

    @app.route("/get")
    def get_value() -> str:
        return str(session.get("seen"))

    with LiveServer(app) as live:
        yield live


def get(port: int, path: str, cookie: str | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_a_response_that_used_the_session_varies_on_cookie(server):
    response = get(server.port, "/set")
    assert "Cookie" in (response.getheader("Vary") or "")


def test_a_session_cookie_older_than_its_lifetime_is_refused_by_the_server(server):
    cookie = get(server.port, "/set").getheader("Set-Cookie", "").split(";")[0]
    assert get_text(server.port, cookie) == "yes"
    time.sleep(2.2)
    assert get_text(server.port, cookie) == "None"


def get_text(port: int, cookie: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/get", headers={"Cookie": cookie})
    text = connection.getresponse().read().decode()
    connection.close()
    return text
