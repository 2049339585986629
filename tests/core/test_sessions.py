"""The signed-cookie session."""

from __future__ import annotations

import pytest

from protoweb import session


def test_session_round_trip(app, client):
    app.secret_key = "test-secret"

    @app.route("/set/<value>")
    def set_value(value):
        session["value"] = value
        return "set"

    @app.route("/get")
    def get_value():
        return session.get("value", "none")

    assert client.get("/get").text == "none"
    response = client.get("/set/hello")
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert client.get("/get").text == "hello"


def test_tampered_cookie_is_ignored(app, client):
    app.secret_key = "test-secret"
    app.add_url_rule("/get", "get", lambda: session.get("value", "none"))
    client.set_cookie("session", "eyJ2YWx1ZSI6ImV2aWwifQ.forged.signature")
    assert client.get("/get").text == "none"


def test_reading_only_sets_no_cookie(app, client):
    app.secret_key = "test-secret"
    app.add_url_rule("/", "read", lambda: str(session.get("x")))
    assert "Set-Cookie" not in client.get("/").headers


def test_missing_secret_key_is_a_clear_error(app, client):
    @app.route("/")
    def write():
        session["x"] = 1
        return "no"

    app.testing = True
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        client.get("/")
