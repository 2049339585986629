"""The App: Flask's constructor arguments, folders, resources, endpoints, logger,
URL build errors, OPTIONS, redirect/aborter and run()."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BuildError

from protoweb import App, render_template_string, url_for

from ..ports import free_port
from .twins import answers, same


def _package(tmp_path, name="flaskr_twin"):
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (tmp_path / "single_module_twin.py").write_text("")
    sys.path.insert(0, str(tmp_path))
    __import__(name)
    __import__("single_module_twin")
    return package


def test_instance_path_is_found_as_flask_finds_it(tmp_path):
    _package(tmp_path)
    try:

        def scenario(fw):
            return [
                fw.Flask("flaskr_twin").instance_path,
                fw.Flask("single_module_twin").instance_path,
            ]

        assert same(scenario) == [str(tmp_path / "instance")] * 2
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("flaskr_twin", None)
        sys.modules.pop("single_module_twin", None)


def test_instance_relative_config_and_instance_resources(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("SECRET_KEY = 'from instance'\n")
    (tmp_path / "schema.sql").write_text("create table t (x);\n")

    def scenario(fw):
        app = fw.Flask(
            "twin",
            instance_path=str(instance),
            instance_relative_config=True,
            root_path=str(tmp_path),
        )
        app.config.from_pyfile("config.py")
        with app.open_resource("schema.sql") as f:
            schema = f.read()
        with app.open_resource("schema.sql", "r", encoding="utf-8") as f:
            text = f.read()
        with app.open_instance_resource("notes.txt", "w") as f:
            f.write("written")
        with app.open_instance_resource("notes.txt") as f:
            notes = f.read()
        return app.config["SECRET_KEY"], schema, text, notes

    assert same(scenario) == (
        "from instance",
        b"create table t (x);\n",
        "create table t (x);\n",
        b"written",
    )
    app = App("twin", root_path=str(tmp_path))
    with pytest.raises(ValueError, match="only be opened for reading"):
        app.open_resource("schema.sql", "w")
    with pytest.raises(ValueError, match="must be absolute"):
        App("twin", instance_path="relative/instance")


def test_name_is_flasks():
    assert same(lambda fw: [fw.Flask("some.module").name, fw.Flask("__main__").name])


def test_endpoint_named_now_view_given_later(app, client):
    app.add_url_rule("/later", "later")
    response = client.get("/later")
    assert response.status_code == 500
    assert "later" not in app.view_functions

    @app.endpoint("later")
    def later_view():
        return "now it answers"

    assert client.get("/later").text == "now it answers"
    assert app.view_functions["later"] is later_view

    app.view_functions["later"] = lambda: "replaced through view_functions"
    assert client.get("/later").text == "replaced through view_functions"
    del app.view_functions["later"]
    assert client.get("/later").status_code == 500
    with pytest.raises(TypeError, match="must be callable"):
        app.view_functions["later"] = "not a view"


def test_endpoint_decorator_matches_flask():
    def scenario(fw):
        app = fw.Flask("twin")
        app.add_url_rule("/a", "a")
        app.add_url_rule("/b", "a")  # a second rule for the same endpoint

        @app.endpoint("a")
        def a():
            return "a"

        return answers(app.test_client(), "/a", "/b"), sorted(app.view_functions)

    assert same(scenario) == ([(200, "a"), (200, "a")], ["a", "static"])


def test_template_filters_tests_and_globals_in_both_forms():
    def scenario(fw):
        app = fw.Flask("twin")

        @app.template_filter()
        def reverse(s):
            return s[::-1]

        @app.template_filter("shout")
        def loud(s):
            return s.upper()

        app.add_template_filter(lambda s: f"[{s}]", "box")

        @app.template_test()
        def even(n):
            return n % 2 == 0

        app.add_template_test(lambda n: n > 10, "big")

        @app.template_global()
        def site():
            return "Site"

        app.add_template_global(lambda: 42, "answer")

        @app.context_processor
        def extra():
            return {"user": "ann", "answer_override": 1}

        @app.route("/")
        def index():
            return fw.render_template_string(
                "{{ 'abc'|reverse }} {{ 'x'|shout }} {{ 'y'|box }} {{ 4 is even }}"
                " {{ 11 is big }} {{ site() }} {{ answer() }} {{ user }}"
            )

        return answers(app.test_client(), "/")

    assert same(scenario) == [(200, "cba X [y] True True Site 42 ann")]


def test_context_processor_values_lose_to_render_arguments(app, client):
    @app.context_processor
    def defaults():
        return {"title": "default"}

    @app.route("/")
    def index():
        return render_template_string("{{ title }}", title="given")

    @app.route("/default")
    def default():
        return render_template_string("{{ title }}")

    assert client.get("/").text == "given"
    assert client.get("/default").text == "default"


def test_url_build_error_handlers_as_flask():
    def scenario(fw):
        app = fw.Flask("twin")

        def external(error, endpoint, values):
            if endpoint == "docs":
                return f"https://docs.example/{values.get('page', '')}"
            return None

        app.url_build_error_handlers.append(external)
        with app.test_request_context():
            url = fw.url_for("docs", page="intro")
            try:
                fw.url_for("nowhere")
            except BuildError as error:
                failed = error.endpoint
        return url, failed

    assert same(scenario) == ("https://docs.example/intro", "nowhere")


def test_handle_url_build_error_can_be_overridden(app):
    class Fallback(App):
        def handle_url_build_error(self, error, endpoint, values):
            return f"/fallback/{endpoint}"

    other = Fallback("fallback")
    with other.test_request_context():
        assert url_for("missing") == "/fallback/missing"


def test_options_answers_and_allow_header_as_flask():
    def scenario(fw):
        app = fw.Flask("twin")

        @app.route("/", methods=["GET", "POST"])
        def index():
            return "x"

        @app.route("/custom", methods=["OPTIONS"])
        def custom():
            return "my options"

        @app.before_request
        def seen():
            fw.g.seen = True

        client = app.test_client()
        auto = client.options("/")
        own = client.options("/custom")
        with app.test_request_context("/", method="OPTIONS"):
            made = app.make_default_options_response()
        return (
            auto.status_code,
            sorted(auto.allow),
            own.text,
            sorted(made.allow),
        )

    assert same(scenario) == (
        200,
        ["GET", "HEAD", "OPTIONS", "POST"],
        "my options",
        ["GET", "HEAD", "OPTIONS", "POST"],
    )


def test_app_redirect_and_aborter_are_used_by_the_helpers(app, client):
    from protoweb import Response, abort, redirect

    class Teapot(HTTPException):
        code = 418
        description = "short and stout"

    class Redirect(Response):
        pass

    def redirect_on_app(location, code=302):
        response = Redirect(status=code)
        response.headers["Location"] = location
        response.headers["X-App"] = "mine"
        return response

    app.redirect = redirect_on_app
    app.aborter.mapping[418] = Teapot

    @app.route("/go")
    def go():
        return redirect("/elsewhere", 303)

    @app.route("/tea")
    def tea():
        abort(418)

    gone = client.get("/go")
    assert (gone.status_code, gone.headers["X-App"]) == (303, "mine")
    assert "short and stout" in client.get("/tea").text


def test_send_static_file_uses_get_send_file_max_age(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "a.css").write_text("body{}")

    def scenario(fw):
        app = fw.Flask("twin", root_path=str(tmp_path))
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 60
        client = app.test_client()
        response = client.get("/static/a.css")
        return response.status_code, response.cache_control.max_age

    assert same(scenario) == (200, 60)


def test_static_folder_none_and_static_url_path(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "a.txt").write_text("a")

    def scenario(fw):
        none = fw.Flask("twin", static_folder=None, root_path=str(tmp_path))
        moved = fw.Flask("twin", static_folder="assets", root_path=str(tmp_path))
        custom = fw.Flask(
            "twin",
            static_url_path="/s",
            static_folder="assets",
            root_path=str(tmp_path),
        )
        return (
            sorted(r.rule for r in none.url_map.iter_rules()),
            answers(moved.test_client(), "/assets/a.txt"),
            answers(custom.test_client(), "/s/a.txt"),
        )

    assert same(scenario) == ([], [(200, "a")], [(200, "a")])


def test_run_accepts_flasks_arguments_and_serves(tmp_path):
    port = free_port()
    script = tmp_path / "serve_it.py"
    script.write_text(
        textwrap.dedent(
            f"""
            from protoweb import App
            app = App(__name__)

            @app.route("/")
            def index():
                return f"debug={{app.debug}}"

            app.run(port={port}, debug=True, use_reloader=True, use_debugger=True,
                    load_dotenv=False, threaded=True)
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(
        [sys.executable, str(script)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/", timeout=2
                ) as r:
                    body = r.read().decode()
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        assert body == "debug=True", process.stdout.read() if process.poll() else ""
        # one process: the reloader was not started (it would fork a child)
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        assert children == []
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_hot_promises_over_a_live_server(tmp_path):
    """A filter, context processor, blueprint, URL processor or error handler
    replaced while the app serves is used by the very next request."""
    from protoweb import Blueprint, g, render_template_string

    app = App("hot_live", root_path=str(tmp_path))

    @app.template_filter("dress")
    def dress(value):
        return f"<{value}>"

    @app.context_processor
    def who():
        return {"who": "ann"}

    @app.errorhandler(404)
    def missing(error):
        return "missing v1", 404

    @app.route("/page")
    def page():
        return render_template_string("{{ 'x'|dress }} {{ who }}")

    bp = Blueprint("shop", __name__, url_prefix="/<region>")

    @bp.url_value_preprocessor
    def region(endpoint, values):
        g.region = values.pop("region")

    @bp.route("/price")
    def price():
        return f"price in {g.region}"

    app.register_blueprint(bp)
    server = app.serve(port=0, dev=False)

    def get(path):
        try:
            with urllib.request.urlopen(server.url + path, timeout=5) as response:
                return response.read().decode()
        except urllib.error.HTTPError as error:
            return error.read().decode()

    try:
        assert get("/page") == "&lt;x&gt; ann"
        assert get("/nowhere") == "missing v1"
        assert get("/eu/price") == "price in eu"

        @app.template_filter("dress")
        def dress(value):  # noqa: F811 - the cell run again
            return f"[{value}]"

        @app.context_processor
        def who():  # noqa: F811
            return {"who": "bob"}

        @app.errorhandler(404)
        def missing(error):  # noqa: F811
            return "missing v2", 404

        @bp.url_value_preprocessor
        def region(endpoint, values):  # noqa: F811
            g.region = values.pop("region").upper()

        assert get("/page") == "[x] bob"
        assert get("/nowhere") == "missing v2"
        assert get("/eu/price") == "price in EU"

        shop = Blueprint("shop", __name__, url_prefix="/store")

        @shop.route("/price")
        def price():  # noqa: F811
            return "new shop"

        app.register_blueprint(shop)
        assert get("/store/price") == "new shop"
        assert get("/eu/price") == "missing v2"
    finally:
        server.stop()


def test_test_request_context_matches_the_url():
    def scenario(fw):
        app = fw.Flask("twin")
        bp = fw.Blueprint("bp", "twin", url_prefix="/bp")

        @bp.route("/<int:n>")
        def item(n):
            return ""

        app.register_blueprint(bp)
        with app.test_request_context("/bp/3"):
            r = fw.request
            matched = (r.endpoint, r.view_args, r.blueprint, fw.url_for(".item", n=4))
        with app.test_request_context("/nowhere"):
            unmatched = (fw.request.endpoint, fw.request.blueprint)
        return matched, unmatched

    assert same(scenario) == (
        ("bp.item", {"n": 3}, "bp", "/bp/4"),
        (None, None),
    )


def test_an_app_without_async_views_never_loads_asyncio():
    code = (
        "import sys, protoweb\n"
        "app = protoweb.App('x')\n"
        "app.add_url_rule('/', 'index', lambda: 'ok')\n"
        "assert app.test_client().get('/').text == 'ok'\n"
        "assert 'asyncio' not in sys.modules, 'asyncio imported eagerly'\n"
        "async def later():\n"
        "    return 'async'\n"
        "app.add_url_rule('/a', 'a', later)\n"
        "assert app.test_client().get('/a').text == 'async'\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
