"""URL processors: ``url_value_preprocessor`` and ``url_defaults``, as Flask's
documentation uses them (a language code in every URL), and replaced live."""

from __future__ import annotations

from protoweb import Blueprint, g, url_for

from .twins import answers, same


def test_language_code_pattern_from_flasks_docs():
    def scenario(fw):
        app = fw.Flask("twin")
        bp = fw.Blueprint("frontend", "twin", url_prefix="/<lang_code>")

        @bp.url_defaults
        def add_language_code(endpoint, values):
            if "lang_code" in values or not getattr(fw.g, "lang_code", None):
                return
            if app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
                values["lang_code"] = fw.g.lang_code

        @bp.url_value_preprocessor
        def pull_lang_code(endpoint, values):
            fw.g.lang_code = values.pop("lang_code")

        @bp.route("/")
        def index():
            return f"{fw.g.lang_code} {fw.url_for('.about')}"

        @bp.route("/about")
        def about():
            return f"about {fw.g.lang_code}"

        app.register_blueprint(bp)
        return answers(app.test_client(), "/de/", "/fr/about")

    assert same(scenario) == [(200, "de /de/about"), (200, "about fr")]


def test_app_wide_processors_and_their_order():
    def scenario(fw):
        app = fw.Flask("twin")
        bp = fw.Blueprint("bp", "twin", url_prefix="/bp")
        log = []

        @app.url_value_preprocessor
        def app_pre(endpoint, values):
            log.append(f"app pre {endpoint} {values}")

        @bp.app_url_value_preprocessor
        def bp_app_pre(endpoint, values):
            log.append(f"app-wide pre from bp {endpoint}")

        @bp.url_value_preprocessor
        def bp_pre(endpoint, values):
            log.append(f"bp pre {endpoint}")

        @app.before_request
        def before():
            log.append("before")

        @bp.app_url_defaults
        def page_default(endpoint, values):
            values.setdefault("page", 1)

        @app.route("/list/<int:page>")
        def listing(page):
            return fw.url_for("listing")

        @bp.route("/<int:n>")
        def item(n):
            return "item"

        app.register_blueprint(bp)
        client = app.test_client()
        out = answers(client, "/list/3")
        first = list(log)
        log.clear()
        client.get("/bp/5")
        client.get("/nowhere")
        return out, first, log

    out, first, rest = same(scenario)
    assert out == [(200, "/list/1")]
    assert first == [
        "app pre listing {'page': 3}",
        "app-wide pre from bp listing",
        "before",
    ]
    assert rest[:4] == [
        "app pre bp.item {'n': 5}",
        "app-wide pre from bp bp.item",
        "bp pre bp.item",
        "before",
    ]
    assert rest[4] == "app pre None None"  # a 404 still runs the app's


def test_replaced_url_processors_are_used_by_the_next_request(app, client):
    bp = Blueprint("v", __name__, url_prefix="/<version>")

    @bp.url_value_preprocessor
    def pull(endpoint, values):
        g.version = values.pop("version")

    @bp.url_defaults
    def push(endpoint, values):
        values.setdefault("version", "v1")

    @bp.route("/where")
    def where():
        return f"{g.version} {url_for('.where')}"

    app.register_blueprint(bp)
    assert client.get("/x/where").text == "x /v1/where"

    @bp.url_value_preprocessor
    def pull(endpoint, values):  # noqa: F811 - the cell run again
        g.version = values.pop("version").upper()

    @bp.url_defaults
    def push(endpoint, values):  # noqa: F811
        values.setdefault("version", "v2")

    assert client.get("/x/where").text == "X /v2/where"

    @app.url_defaults
    def app_push(endpoint, values):
        values.setdefault("version", "app")

    assert client.get("/y/where").text == "Y /app/where"  # the app's run first


def test_a_preprocessor_may_add_view_arguments_on_a_static_rule():
    def scenario(fw):
        app = fw.Flask("twin")

        @app.url_value_preprocessor
        def add(endpoint, values):
            if values is not None and endpoint == "hello":
                values["who"] = "world"

        @app.route("/hello")
        def hello(who):
            return f"hello {who}"

        @app.route("/plain", methods=["GET", "POST"])
        def plain():
            return "plain"

        client = app.test_client()
        return answers(client, "/hello") + [(client.options("/plain").status_code, "")]

    assert same(scenario) == [(200, "hello world"), (200, "")]
