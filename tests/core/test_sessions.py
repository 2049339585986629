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


def make_pair(tmp_path, **config):
    """The same session views on protoweb and on Flask, with the same config."""
    import flask

    from protoweb import App

    ours = App("ours", root_path=str(tmp_path))
    theirs = flask.Flask("theirs")
    for app, proxy in ((ours, session), (theirs, flask.session)):
        app.config.update(SECRET_KEY="same-secret", **config)

        def put(key, value, proxy=proxy):
            proxy[key] = {"int": 1, "tuple": (1, "a"), "bytes": b"\x00b"}.get(
                value, value
            )
            return "ok"

        def get(key, proxy=proxy):
            return repr(proxy.get(key))

        def permanent(proxy=proxy):
            proxy.permanent = True
            proxy["p"] = 1
            return "ok"

        def clear(proxy=proxy):
            proxy.clear()
            return "ok"

        def touch(proxy=proxy):
            return str(len(proxy))

        app.add_url_rule("/put/<key>/<value>", "put", put)
        app.add_url_rule("/get/<key>", "get", get)
        app.add_url_rule("/permanent", "permanent", permanent)
        app.add_url_rule("/clear", "clear", clear)
        app.add_url_rule("/touch", "touch", touch)
        app.add_url_rule("/nothing", "nothing", lambda: "none")
    return ours, theirs


def session_cookie(response):
    cookie = response.headers["Set-Cookie"]
    return cookie.split(";", 1)[0].split("=", 1)[1]


@pytest.mark.parametrize("value", ["text", "int", "tuple", "bytes"])
def test_cookies_cross_between_flask_and_protoweb(tmp_path, value):
    ours, theirs = make_pair(tmp_path)
    for writer, reader in ((ours, theirs), (theirs, ours)):
        cookie = session_cookie(writer.test_client().get(f"/put/k/{value}"))
        client = reader.test_client()
        client.set_cookie("session", cookie)
        expected = {"int": "1", "tuple": "(1, 'a')", "bytes": "b'\\x00b'"}
        assert client.get("/get/k").text == expected.get(value, repr(value))


def test_cookie_payload_is_flasks(tmp_path):
    ours, theirs = make_pair(tmp_path)
    mine = session_cookie(ours.test_client().get("/put/b/tuple"))
    flasks = session_cookie(theirs.test_client().get("/put/b/tuple"))
    assert mine.split(".")[0] == flasks.split(".")[0]


@pytest.mark.parametrize(
    "config",
    [
        {},
        {
            "SESSION_COOKIE_NAME": "sid",
            "SESSION_COOKIE_DOMAIN": "example.test",
            "SESSION_COOKIE_PATH": "/app",
            "SESSION_COOKIE_SECURE": True,
            "SESSION_COOKIE_SAMESITE": "Strict",
            "SESSION_COOKIE_HTTPONLY": False,
            "SESSION_COOKIE_PARTITIONED": True,
        },
        {"APPLICATION_ROOT": "/root", "SESSION_COOKIE_SAMESITE": "Lax"},
    ],
)
def test_cookie_attributes_are_flasks(tmp_path, config):
    ours, theirs = make_pair(tmp_path, **config)
    headers = []
    for app in (ours, theirs):
        response = app.test_client().get("/put/a/text")
        name_value, _, attributes = response.headers["Set-Cookie"].partition(";")
        headers.append((name_value.split("=")[0], attributes, response.vary))
    assert headers[0] == headers[1]


def test_permanent_session_expires_with_the_lifetime(tmp_path):
    from datetime import datetime, timedelta, timezone

    from werkzeug.http import parse_date

    ours, _ = make_pair(tmp_path, PERMANENT_SESSION_LIFETIME=timedelta(days=2))
    client = ours.test_client()
    plain = client.get("/put/a/text").headers["Set-Cookie"]
    assert "Expires" not in plain
    cookie = client.get("/permanent").headers["Set-Cookie"]
    expires = parse_date(cookie.split("Expires=")[1].split(";")[0])
    expected = datetime.now(timezone.utc) + timedelta(days=2)
    assert abs((expires - expected).total_seconds()) < 5


def old_cookie(data, seconds_ago, key="same-secret"):
    """A session cookie signed ``seconds_ago`` (as Flask signs them)."""
    import hashlib
    import time

    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    from protoweb.sessions import session_json_serializer

    class PastSigner(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - seconds_ago

    serializer = URLSafeTimedSerializer(
        key,
        salt="cookie-session",
        serializer=session_json_serializer,
        signer=PastSigner,
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    return serializer.dumps(data)


def test_lifetime_is_enforced_when_the_cookie_is_read(tmp_path):
    cookie = old_cookie({"a": "kept"}, seconds_ago=3600)
    for lifetime, expected in ((7200, "'kept'"), (60, "None")):
        pair = make_pair(tmp_path, PERMANENT_SESSION_LIFETIME=lifetime)
        for app in pair:
            client = app.test_client()
            client.set_cookie("session", cookie)
            assert client.get("/get/a").text == expected, (app, lifetime)


def test_refresh_each_request_for_permanent_sessions(tmp_path):
    for refresh in (True, False):
        for app in make_pair(tmp_path, SESSION_REFRESH_EACH_REQUEST=refresh):
            client = app.test_client()
            client.get("/permanent")
            read_only = client.get("/touch")
            assert ("Set-Cookie" in read_only.headers) is refresh, (app, refresh)
            assert "Cookie" in read_only.vary


def test_vary_cookie_only_when_the_session_is_used(tmp_path):
    ours, _ = make_pair(tmp_path)
    client = ours.test_client()
    assert "Cookie" in client.get("/touch").vary
    assert "Set-Cookie" not in client.get("/touch").headers
    assert "Cookie" not in client.get("/nothing").vary


def test_emptying_the_session_deletes_the_cookie(tmp_path):
    ours, _ = make_pair(tmp_path)
    client = ours.test_client()
    client.get("/put/a/text")
    deleted = client.get("/clear").headers["Set-Cookie"]
    assert deleted.startswith("session=;") and "Expires=Thu, 01 Jan 1970" in deleted
    assert client.get("/get/a").text == "None"


def test_secret_key_fallbacks_still_read_old_cookies(tmp_path):
    cookie = old_cookie({"a": "old"}, seconds_ago=0, key="previous-secret")
    for fallbacks, expected in ((None, "None"), (["previous-secret"], "'old'")):
        for app in make_pair(tmp_path, SECRET_KEY_FALLBACKS=fallbacks):
            client = app.test_client()
            client.set_cookie("session", cookie)
            assert client.get("/get/a").text == expected
    ours, _ = make_pair(tmp_path, SECRET_KEY_FALLBACKS=["previous-secret"])
    resigned = session_cookie(ours.test_client().get("/put/a/new"))
    client = make_pair(tmp_path)[0].test_client()
    client.set_cookie("session", resigned)
    assert client.get("/get/a").text == "'new'"


def test_session_flags(app):
    from protoweb.sessions import SecureCookieSession

    fresh = SecureCookieSession({"a": 1})
    assert (fresh.modified, fresh.accessed, fresh.new, fresh.permanent) == (
        False,
        False,
        False,
        False,
    )
    fresh.permanent = True
    assert fresh.modified and fresh["_permanent"] is True

    app.secret_key = "k"
    seen = {}

    @app.route("/")
    def view():
        seen["accessed"] = session.accessed
        seen["modified"] = session.modified
        return "ok"

    app.test_client().get("/")
    assert seen == {"accessed": True, "modified": False}


def test_a_custom_interface_and_the_null_session(app, client):
    from protoweb.sessions import NullSession, SecureCookieSessionInterface

    saved = []

    class Recording(SecureCookieSessionInterface):
        def save_session(self, app, session, response):
            saved.append(dict(session))
            super().save_session(app, session, response)

    app.session_interface = Recording()
    app.add_url_rule("/", "v", lambda: session.__class__.__name__)
    assert client.get("/").text == "NullSession"
    assert saved == []
    assert app.session_interface.is_null_session(NullSession())
    app.secret_key = "k"
    assert client.get("/").text == "SecureCookieSession"
    assert saved == [{}]


def test_permanent_session_lifetime_attribute_as_flask(tmp_path):
    from datetime import timedelta

    for app in make_pair(tmp_path):
        assert app.permanent_session_lifetime == timedelta(days=31)
        app.config["PERMANENT_SESSION_LIFETIME"] = 60
        assert app.permanent_session_lifetime == timedelta(seconds=60)
        app.permanent_session_lifetime = timedelta(hours=1)
        assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=1)
