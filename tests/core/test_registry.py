"""The registry: layers per blueprint registration, and app.view_functions."""

from __future__ import annotations

from protoweb import Blueprint


def test_same_named_app_wide_hooks_from_two_blueprints_both_run(app, client):
    ran = []
    for name in ("one", "two"):
        bp = Blueprint(name, __name__)

        def load_user(name=name):
            ran.append(name)

        bp.before_app_request(load_user)
        app.register_blueprint(bp)

    @app.before_request
    def load_user():
        ran.append("app")

    app.add_url_rule("/", "index", lambda: "ok")
    client.get("/")
    assert ran == ["app", "one", "two"]


def test_view_functions_is_a_live_mapping(app, client):
    app.add_url_rule("/a", "a", lambda: "a")
    app.add_url_rule("/b", "b")
    assert sorted(app.view_functions) == ["a", "static"]
    assert len(app.view_functions) == 2
    app.view_functions.update(b=lambda: "b")
    assert client.get("/b").text == "b"
    assert "b" in repr(app.view_functions)


def test_registering_a_blueprint_that_fails_changes_nothing(app, client):
    good = Blueprint("shop", __name__)
    good.add_url_rule("/shop", "index", lambda: "good")
    app.register_blueprint(good)

    broken = Blueprint("shop", __name__)
    broken.add_url_rule("/new", "index", lambda: "new")
    broken.add_url_rule("/bad/<int:", "bad", lambda: "")
    try:
        app.register_blueprint(broken)
    except ValueError as error:
        assert "not a valid rule" in str(error)
    else:
        raise AssertionError("a broken rule was accepted")
    assert client.get("/shop").text == "good"
    assert client.get("/new").status_code == 404
