"""``protoweb.globals``: ``current_app``, ``g``, ``request``, ``session`` and the
contexts themselves, with Flask's meaning (each scenario also runs on Flask)."""

from __future__ import annotations

import flask.ctx
import flask.globals
import pytest

import protoweb.ctx
import protoweb.globals
from protoweb import App, current_app, g


def test_the_module_has_flasks_public_names():
    public = {name for name in vars(flask.globals) if not name.startswith("_")}
    public -= {"annotations", "t", "LocalProxy", "ContextVar", "TYPE_CHECKING"}
    missing = {name for name in public if not hasattr(protoweb.globals, name)}
    assert not missing


def test_protoweb_ctx_has_what_flask_ctx_defines():
    defined = {
        name
        for name, value in vars(flask.ctx).items()
        if getattr(value, "__module__", None) == "flask.ctx"
    }
    assert defined >= {"AppContext", "RequestContext", "_AppCtxGlobals"}
    assert {name for name in defined if not hasattr(protoweb.ctx, name)} == set()


def test_g_is_a_namespace_with_dict_methods(fw, tmp_path):
    app = fw.app(tmp_path)
    with app.app_context():
        fw.g.db = "connection"
        assert "db" in fw.g
        assert "user" not in fw.g
        assert fw.g.get("db") == "connection"
        assert fw.g.get("user") is None
        assert fw.g.get("user", "anon") == "anon"
        assert fw.g.setdefault("user", "ann") == "ann"
        assert fw.g.setdefault("user", "bob") == "ann"
        assert sorted(fw.g) == ["db", "user"]
        assert fw.g.pop("user") == "ann"
        assert fw.g.pop("user", "gone") == "gone"
        with pytest.raises(KeyError):
            fw.g.pop("user")
        with pytest.raises(AttributeError):
            fw.g.user  # noqa: B018
        del fw.g.db
        with pytest.raises(AttributeError):
            del fw.g.db
        assert list(fw.g) == []
        assert repr(fw.g) == f"<{fw.name}.g of 'twin_{fw.name}'>"


def test_g_belongs_to_one_app_context(fw, tmp_path):
    app = fw.app(tmp_path)
    with app.app_context():
        fw.g.value = 1
    with app.app_context():
        assert "value" not in fw.g


def test_current_app_follows_the_active_context(fw, tmp_path):
    first, second = fw.app(tmp_path / "a"), fw.app(tmp_path / "b")
    with first.app_context():
        assert fw.current_app._get_current_object() is first
        with second.app_context():
            assert fw.current_app._get_current_object() is second
        assert fw.current_app._get_current_object() is first
        assert fw.current_app.config is first.config


def test_proxies_outside_a_context_are_clear_errors(fw):
    for proxy in (fw.current_app, fw.g, fw.request, fw.session):
        with pytest.raises(RuntimeError, match="Working outside of"):
            proxy.anything  # noqa: B018


def test_request_and_session_need_a_request_not_just_an_app(fw, tmp_path):
    app = fw.app(tmp_path)
    with app.app_context():
        assert fw.current_app
        with pytest.raises(RuntimeError, match="outside of request context"):
            fw.request.path  # noqa: B018


def test_app_ctx_and_request_ctx_are_the_contexts(fw, tmp_path):
    app = fw.app(tmp_path)
    module = fw.sub("globals")
    with app.app_context() as context:
        assert module.app_ctx._get_current_object() is context
        assert module.app_ctx.g is module.g._get_current_object()
    with app.test_request_context("/page") as context:
        assert module.request_ctx._get_current_object() is context
        assert module.request_ctx.request.path == "/page"


def test_g_in_a_view_and_in_a_template(tmp_path):
    app = App("g_template", root_path=str(tmp_path))
    app.templates["who.html"] = "{{ g.user }}"

    @app.before_request
    def load():
        g.user = "ann"

    @app.route("/")
    def index():
        assert current_app.name == "g_template"
        from protoweb import render_template

        return render_template("who.html")

    assert app.test_client().get("/").text == "ann"
