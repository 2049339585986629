"""Error handlers, request hooks and the default error pages."""

from __future__ import annotations

import logging

import pytest
from werkzeug.exceptions import NotFound

from protoweb import abort


def test_default_pages_are_plain(app, client):
    @app.route("/boom")
    def boom():
        raise RuntimeError("kaput")

    @app.post("/only-post")
    def only_post():
        return ""

    assert client.get("/missing").status_code == 404
    assert client.get("/only-post").status_code == 405
    error = client.get("/boom")
    assert error.status_code == 500
    assert b"Internal Server Error" in error.data
    assert b"kaput" not in error.data  # no traceback outside dev mode


def test_view_exception_is_logged_with_endpoint(app, client, caplog):
    @app.route("/boom")
    def exploding_view():
        raise RuntimeError("kaput")

    with caplog.at_level(logging.ERROR, logger="protoweb.app"):
        assert client.get("/boom").status_code == 500
    assert "exploding_view" in caplog.text
    assert "RuntimeError: kaput" in caplog.text
    # and the app keeps serving
    app.add_url_rule("/ok", "ok", lambda: "fine")
    assert client.get("/ok").text == "fine"


def test_testing_propagates_exceptions(app, client):
    app.testing = True
    app.add_url_rule("/", "boom", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        client.get("/")


def test_errorhandler_by_code_and_by_class(app, client):
    @app.errorhandler(404)
    def not_found(error):
        return f"nothing at {error.code}", 404

    @app.errorhandler(KeyError)
    def missing_key(error):
        return {"missing": str(error)}, 400

    @app.errorhandler(500)
    def server_error(error):
        return f"sorry: {type(error.original_exception).__name__}", 500

    app.add_url_rule("/key", "key", lambda: {}["k"])
    app.add_url_rule("/zero", "zero", lambda: 1 / 0)
    assert client.get("/nope").text == "nothing at 404"
    assert client.get("/key").json == {"missing": "'k'"}
    assert client.get("/key").status_code == 400
    assert client.get("/zero").text == "sorry: ZeroDivisionError"


def test_errorhandler_for_http_exception_class(app, client):
    app.register_error_handler(NotFound, lambda e: ("custom 404", 404))
    app.add_url_rule("/a", "a", lambda: abort(404))
    assert client.get("/a").text == "custom 404"
    app.remove_error_handler(404)
    assert client.get("/a").text != "custom 404"


def test_errorhandler_removed_by_the_class_it_was_registered_with(app, client):
    app.register_error_handler(NotFound, lambda e: ("custom 404", 404))
    app.remove_error_handler(NotFound)
    assert client.get("/missing").text != "custom 404"


def test_before_request_may_answer_early(app, client):
    @app.before_request
    def gate():
        from protoweb import request

        if request.args.get("blocked"):
            return "blocked", 403
        return None

    app.add_url_rule("/", "index", lambda: "index")
    assert client.get("/").text == "index"
    blocked = client.get("/?blocked=1")
    assert (blocked.status_code, blocked.text) == (403, "blocked")


def test_after_request_and_teardown(app, client):
    torn_down = []

    @app.after_request
    def add_header(response):
        response.headers["X-After"] = "yes"
        return response

    @app.teardown_request
    def teardown(error):
        torn_down.append(type(error).__name__ if error else None)

    app.add_url_rule("/", "index", lambda: "index")
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    assert client.get("/").headers["X-After"] == "yes"
    client.get("/boom")
    assert torn_down == [None, "ZeroDivisionError"]


def test_hooks_are_replaced_by_name_and_removable(app, client):
    app.add_url_rule("/", "index", lambda: "index")

    @app.after_request
    def stamp(response):
        response.headers["X-Stamp"] = "1"
        return response

    @app.after_request
    def stamp(response):  # noqa: F811
        response.headers["X-Stamp"] = response.headers.get("X-Stamp", "") + "2"
        return response

    assert client.get("/").headers["X-Stamp"] == "2"
    app.remove_hook("stamp")
    assert "X-Stamp" not in client.get("/").headers


def test_handlers_lists_hooks_and_error_handlers(app):
    @app.before_request
    def first():
        return None

    @app.errorhandler(404)
    def missing(error):
        return "missing", 404

    handlers = app.handlers()
    assert handlers["before_request"] == (first,)
    assert handlers["errorhandler"] == (missing,)
    assert handlers["after_request"] == handlers["teardown_request"] == ()


def test_after_request_and_session_apply_to_error_answers(app, client):
    """As in Flask: a 404, a redirect and a handled error all pass the hooks."""
    app.secret_key = "k"

    @app.after_request
    def stamp(response):
        response.headers["X-Stamp"] = "yes"
        return response

    @app.route("/dir/")
    def directory():
        return "dir"

    @app.route("/boom")
    def boom():
        from protoweb import session

        session["seen"] = True
        raise KeyError("k")

    app.register_error_handler(KeyError, lambda error: ("handled", 400))
    assert client.get("/missing").headers["X-Stamp"] == "yes"
    assert client.get("/dir").headers["X-Stamp"] == "yes"
    handled = client.get("/boom")
    assert (handled.status_code, handled.headers["X-Stamp"]) == (400, "yes")
    assert "session=" in handled.headers["Set-Cookie"]


def test_a_broken_error_handler_gives_a_plain_500(app, client, caplog):
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    app.register_error_handler(ZeroDivisionError, lambda error: None)
    with caplog.at_level(logging.ERROR, logger="protoweb.app"):
        response = client.get("/boom")
    assert response.status_code == 500
    assert "boom" in caplog.text
