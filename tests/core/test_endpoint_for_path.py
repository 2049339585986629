"""``App.endpoint_for_path``: which endpoint answers a path (for ``%protoweb edit``)."""

from __future__ import annotations

from protoweb import App


def make_app() -> App:
    app = App("t")
    app.add_url_rule("/hello/<name>", "hello", lambda name: name)
    app.add_url_rule("/items/", "items", lambda: "", methods=["GET"])
    app.add_url_rule("/orders", "orders", lambda: "", methods=["POST"])
    app.add_url_rule("/orders", "list_orders", lambda: "", methods=["GET"])
    app.add_url_rule("/upload", "upload", lambda: "", methods=["PUT"])
    return app


def test_a_path_finds_the_view_that_answers_it() -> None:
    app = make_app()
    assert app.endpoint_for_path("/hello/ada") == "hello"
    assert app.endpoint_for_path("/items") == "items", "the slash redirect is followed"
    assert app.endpoint_for_path("/orders") == "list_orders", "GET first"
    assert app.endpoint_for_path("/orders", "POST") == "orders"
    assert app.endpoint_for_path("/upload") == "upload", "any method it allows"


def test_no_view_is_none() -> None:
    app = make_app()
    assert app.endpoint_for_path("/nowhere") is None
    assert app.endpoint_for_path("/upload", "DELETE") is None
