"""Flask's request steps as public methods, and its read-only hook tables
(protoweb.request_steps, Scaffold's tables), checked against Flask."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from .twins import same


def test_steps_run_by_hand_in_a_test_request_context():
    def scenario(fw):
        app = fw.Flask("twin")
        log = []

        @app.before_request
        def before():
            log.append("before")

        @app.after_request
        def after(response):
            response.headers["X-After"] = "yes"
            return response

        @app.route("/item/<int:n>")
        def item(n):
            return f"item {n}"

        @app.errorhandler(404)
        def missing(error):
            return "missing", 404

        with app.test_request_context("/item/3"):
            assert app.preprocess_request() is None
            rv = app.dispatch_request()
            response = app.finalize_request(rv)
            full = app.full_dispatch_request()
        with app.test_request_context("/nowhere"):
            error = fw.request.routing_exception
            with pytest.raises(NotFound):
                app.raise_routing_exception(fw.request)
            handled = app.handle_user_exception(error)
        return (
            log,
            rv,
            response.headers["X-After"],
            full.get_data(as_text=True),
            type(error).__name__,
            handled,
            app.should_ignore_error(None),
            type(app.make_aborter()).__name__,
        )

    assert same(scenario) == (
        ["before", "before"],
        "item 3",
        "yes",
        "item 3",
        "NotFound",
        ("missing", 404),
        False,
        "Aborter",
    )


def test_hook_tables_read_as_flasks():
    def scenario(fw):
        app = fw.Flask("twin")
        bp = fw.Blueprint("bp", "twin")

        def first():
            pass

        def on_key(error):
            return ""

        def on_404(error):
            return ""

        app.before_request(first)
        bp.before_request(first)
        app.register_error_handler(KeyError, on_key)
        bp.register_error_handler(404, on_404)
        app.register_blueprint(bp)
        spec = app.error_handler_spec
        return (
            {k: [f.__name__ for f in v] for k, v in app.before_request_funcs.items()},
            {k: list(v) for k, v in bp.before_request_funcs.items()} == {None: [first]},
            spec[None][None][KeyError] is on_key,
            spec["bp"][404][NotFound] is on_404,
        )

    assert same(scenario) == ({None: ["first"], "bp": ["first"]}, True, True, True)


def test_hook_tables_are_read_only(app):
    @app.before_request
    def hook():
        pass

    with pytest.raises(TypeError):
        app.before_request_funcs[None] = ()  # type: ignore[index]
    with pytest.raises(AttributeError):
        app.before_request_funcs[None].append(hook)  # type: ignore[attr-defined]


def test_create_url_adapter_as_flask():
    def scenario(fw):
        app = fw.Flask("twin")
        app.add_url_rule("/x", "x", lambda: "")
        without = app.create_url_adapter(None)
        app.config["SERVER_NAME"] = "site.test"
        with app.test_request_context("/x"):
            in_request = app.create_url_adapter(fw.request).build("x")
        return (
            without,
            app.create_url_adapter(None).build("x", force_external=True),
            in_request,
        )

    assert same(scenario) == (None, "http://site.test/x", "/x")


def test_before_request_sees_the_routing_error():
    def scenario(fw):
        app = fw.Flask("twin")

        @app.before_request
        def look():
            error = fw.request.routing_exception
            if error is not None:
                return f"routing said {error.code}", 200
            return None

        @app.route("/only-post", methods=["POST"])
        def only_post():
            return "posted"

        from .twins import answers

        return answers(app.test_client(), "/nowhere", "/only-post")

    assert same(scenario) == [(200, "routing said 404"), (200, "routing said 405")]
