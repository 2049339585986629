"""What apps and blueprints share (protoweb.scaffold), checked against Flask."""

from __future__ import annotations

import pytest

from protoweb import App, Blueprint

from .twins import answers, same


def test_static_and_template_folders_as_flask_derives_them(tmp_path):
    def scenario(fw):
        app = fw.Flask("twin", root_path=str(tmp_path))
        bp = fw.Blueprint(
            "bp",
            "twin",
            static_folder="assets/",
            template_folder="tpl",
            root_path=str(tmp_path),
        )
        bare = fw.Blueprint("bare", "twin", root_path=str(tmp_path))
        return [
            (app.static_folder, app.static_url_path, app.has_static_folder),
            (bp.static_folder, bp.static_url_path, bp.has_static_folder),
            (bare.static_folder, bare.static_url_path, bare.has_static_folder),
            (app.template_folder, bp.template_folder, bare.jinja_loader is None),
        ]

    assert same(scenario)[1] == (str(tmp_path / "assets"), "/assets", True)


def test_method_shortcuts_and_route_options():
    def scenario(fw):
        app = fw.Flask("twin")
        bp = fw.Blueprint("bp", "twin", url_prefix="/bp")
        for target in (app, bp):
            target.get("/g")(lambda: "get")
            target.post("/p", endpoint="p")(lambda: "post")
            def d(n):
                return f"n={n}"

            target.route("/d", defaults={"n": 1})(d)
            target.route("/d/<int:n>")(d)
        app.register_blueprint(bp)
        client = app.test_client()
        return (
            answers(client, "/g", "/bp/d", "/bp/d/5")
            + answers(client, "/p", "/bp/p", method="post")
            + answers(client, "/p")[:1]
        )

    got = same(scenario)
    assert got[:3] == [(200, "get"), (200, "n=1"), (200, "n=5")]
    assert got[-1][0] == 405


def test_endpoint_and_view_names_may_not_hold_a_dot():
    bp = Blueprint("bp", __name__)
    with pytest.raises(ValueError, match="'endpoint' may not contain a dot"):
        bp.add_url_rule("/x", "a.b", lambda: "")
    with pytest.raises(TypeError, match="expected view func"):
        App("x").add_url_rule("/x")


def test_a_hook_registered_again_replaces_its_namesake(app, client):
    calls = []

    @app.before_request
    def stamp():
        calls.append("v1")

    @app.before_request
    def stamp():  # noqa: F811 - the cell run again
        calls.append("v2")

    app.add_url_rule("/", "index", lambda: "ok")
    client.get("/")
    assert calls == ["v2"]
    app.remove_hook("stamp")
    client.get("/")
    assert calls == ["v2"]
