"""Blueprints: Flask's behaviour (checked against real Flask), and hot replacement."""

from __future__ import annotations

import threading

import pytest

from protoweb import App, Blueprint, abort, request, url_for

from .twins import answers, same


def test_prefix_endpoints_relative_url_for_and_request_blueprints():
    def scenario(fw):
        app = fw.Flask("twin")
        bp = fw.Blueprint("admin", "twin", url_prefix="/admin")
        users = fw.Blueprint("users", "twin", url_prefix="/users")

        @bp.route("/")
        def index():
            r = fw.request
            return f"{r.endpoint} {r.blueprint} {r.blueprints} {fw.url_for('.index')}"

        @users.route("/<int:uid>")
        def show(uid):
            r = fw.request
            return (
                f"{r.endpoint} {r.blueprints} {fw.url_for('.show', uid=2)}"
                f" {fw.url_for('admin.index')}"
            )

        @app.route("/")
        def home():
            return (
                f"{fw.request.blueprint} {fw.request.blueprints} {fw.url_for('.home')}"
            )

        bp.register_blueprint(users)
        app.register_blueprint(bp)
        rules = sorted((r.rule, r.endpoint) for r in app.url_map.iter_rules())
        return rules, answers(app.test_client(), "/admin/", "/admin/users/7", "/")

    rules, got = same(scenario)
    assert ("/admin/users/<int:uid>", "admin.users.show") in rules
    assert got[0] == (200, "admin.index admin ['admin'] /admin/")
    assert (
        got[1][1] == "admin.users.show ['admin.users', 'admin'] /admin/users/2 /admin/"
    )
    assert got[2] == (200, "None [] /")


def test_register_options_override_the_blueprint():
    def scenario(fw):
        app = fw.Flask("twin")
        bp = fw.Blueprint("pages", "twin", url_prefix="/p", url_defaults={"lang": "en"})

        @bp.route("/<page>")
        def page(page, lang):
            return f"{page} {lang} {fw.url_for('.page', page='x')}"

        app.register_blueprint(bp)
        app.register_blueprint(
            bp, name="french", url_prefix="/fr", url_defaults={"lang": "fr"}
        )
        return answers(app.test_client(), "/p/home", "/fr/home")

    assert same(scenario) == [(200, "home en /p/x"), (200, "home fr /fr/x")]


def test_hooks_run_in_flasks_order_and_only_where_they_belong():
    def scenario(fw):
        app = fw.Flask("twin")
        bp = fw.Blueprint("bp", "twin", url_prefix="/bp")
        log = []

        @app.before_request
        def app_before():
            log.append("app before")

        @bp.before_request
        def bp_before():
            log.append("bp before")

        @bp.before_app_request
        def everywhere_before():
            log.append("app-wide before (from bp)")

        @app.after_request
        def app_after(response):
            log.append("app after")
            return response

        @bp.after_request
        def bp_after(response):
            log.append("bp after")
            return response

        @bp.after_app_request
        def everywhere_after(response):
            log.append("app-wide after (from bp)")
            return response

        @app.teardown_request
        def app_teardown(error):
            log.append("app teardown")

        @bp.teardown_request
        def bp_teardown(error):
            log.append("bp teardown")

        @bp.route("/")
        def inside():
            log.append("view")
            return "bp"

        @app.route("/")
        def outside():
            log.append("view")
            return "app"

        app.register_blueprint(bp)
        client = app.test_client()
        logs = []
        for path in ("/bp/", "/", "/missing"):
            log.clear()
            client.get(path)
            logs.append(list(log))
        return logs

    inside, outside, missing = same(scenario)
    assert inside[:4] == [
        "app before",
        "app-wide before (from bp)",
        "bp before",
        "view",
    ]
    assert "bp before" not in outside and "bp after" not in outside
    assert missing[0] == "app before"  # app hooks run before a 404, as in Flask


def test_before_request_answer_short_circuits_the_view():
    def scenario(fw):
        app = fw.Flask("twin")
        bp = fw.Blueprint("bp", "twin")

        @bp.before_request
        def gate():
            if fw.request.args.get("deny"):
                return "denied", 403
            return None

        @bp.route("/x")
        def x():
            return "view"

        app.register_blueprint(bp)
        return answers(app.test_client(), "/x", "/x?deny=1")

    assert same(scenario) == [(200, "view"), (403, "denied")]


def test_error_handlers_blueprint_first_then_app_code_before_class():
    def scenario(fw):
        app = fw.Flask("twin")
        bp = fw.Blueprint("bp", "twin", url_prefix="/bp")

        class Oops(LookupError):
            pass

        @app.errorhandler(404)
        def app_404(error):
            return "app 404", 404

        @app.errorhandler(LookupError)
        def app_lookup(error):
            return f"app lookup {type(error).__name__}", 500

        @bp.errorhandler(404)
        def bp_404(error):
            return "bp 404", 404

        @bp.errorhandler(Exception)
        def bp_any(error):
            return f"bp any {type(error).__name__}", 500

        @bp.app_errorhandler(410)
        def gone(error):
            return "gone everywhere", 410

        @bp.route("/missing")
        def bp_missing():
            fw.abort(404)

        @bp.route("/oops")
        def bp_oops():
            raise Oops()

        @bp.route("/gone")
        def bp_gone():
            fw.abort(410)

        @app.route("/oops")
        def app_oops():
            raise Oops()

        @app.route("/gone")
        def app_gone():
            fw.abort(410)

        app.register_blueprint(bp)
        return answers(
            app.test_client(),
            "/bp/missing",
            "/bp/oops",
            "/bp/gone",
            "/oops",
            "/gone",
            "/nowhere",
        )

    assert same(scenario) == [
        (404, "bp 404"),
        (500, "bp any Oops"),  # the blueprint's handlers come before the app's
        (410, "gone everywhere"),
        (500, "app lookup Oops"),  # by MRO
        (410, "gone everywhere"),
        (404, "app 404"),  # routing errors see the app's handlers
    ]


def test_errorhandler_refuses_what_flask_refuses():
    bp = Blueprint("bp", __name__)
    with pytest.raises(ValueError, match="not a recognized HTTP error code"):
        bp.errorhandler(499)(lambda e: "")
    with pytest.raises(TypeError, match="is an instance, not a class"):
        bp.errorhandler(KeyError("x"))(lambda e: "")
    with pytest.raises(ValueError, match="not a subclass of Exception"):
        bp.errorhandler(int)(lambda e: "")
    with pytest.raises(ValueError, match="may not contain a dot"):
        Blueprint("a.b", __name__)


def test_template_filters_context_processors_and_folders(tmp_path):
    (tmp_path / "bp_templates").mkdir()
    (tmp_path / "bp_templates" / "page.html").write_text(
        "{{ 'abc'|shout }} {{ who }} {{ where|default('-') }}"
        " {{ 3 is odd3 }} {{ g3() }}"
    )
    (tmp_path / "bp_static").mkdir()
    (tmp_path / "bp_static" / "x.txt").write_text("static!")

    def scenario(fw):
        app = fw.Flask("twin", root_path=str(tmp_path))
        bp = fw.Blueprint(
            "bp",
            "twin",
            url_prefix="/bp",
            template_folder="bp_templates",
            static_folder="bp_static",
            static_url_path="/static",
            root_path=str(tmp_path),
        )

        @bp.app_template_filter("shout")
        def shout(s):
            return s.upper()

        @bp.app_template_test("odd3")
        def odd3(n):
            return n % 2 == 1

        @bp.app_template_global("g3")
        def g3():
            return "G3"

        @bp.app_context_processor
        def who():
            return {"who": "everyone"}

        @bp.context_processor
        def where():
            return {"where": "in bp"}

        @bp.route("/")
        def inside():
            return fw.render_template("page.html")

        @app.route("/")
        def outside():
            return fw.render_template("page.html")

        app.register_blueprint(bp)
        got = answers(app.test_client(), "/bp/", "/", "/bp/static/x.txt")
        with app.test_request_context():
            got.append((0, fw.url_for("bp.static", filename="x.txt")))
        return got

    assert same(scenario) == [
        (200, "ABC everyone in bp True G3"),
        (200, "ABC everyone - True G3"),
        (200, "static!"),
        (0, "/bp/static/x.txt"),
    ]


def test_record_and_record_once():
    def scenario(fw):
        app = fw.Flask("twin")
        bp = fw.Blueprint("bp", "twin")
        seen = []
        bp.record(lambda state: seen.append(("record", state.first_registration)))
        bp.record_once(lambda state: seen.append(("once", state.url_prefix)))
        app.register_blueprint(bp, url_prefix="/a")
        app.register_blueprint(bp, name="second", url_prefix="/b")
        return seen

    assert same(scenario) == [
        ("record", True),
        ("once", "/a"),
        ("record", False),
    ]


def test_nested_subdomains_and_prefixes_join():
    def scenario(fw):
        app = fw.Flask("twin", subdomain_matching=True)
        app.config["SERVER_NAME"] = "example.test"
        parent = fw.Blueprint("parent", "twin", subdomain="api", url_prefix="/v1")
        child = fw.Blueprint("child", "twin", subdomain="eu", url_prefix="/things")

        @child.route("/")
        def things():
            return f"things {fw.request.host}"

        parent.register_blueprint(child)
        app.register_blueprint(parent)
        rules = sorted((r.rule, r.subdomain) for r in app.url_map.iter_rules())
        client = app.test_client()
        ok = client.get("/v1/things/", base_url="http://eu.api.example.test")
        wrong = client.get("/v1/things/", base_url="http://example.test")
        with app.app_context():
            url = fw.url_for("parent.child.things")
        return rules, ok.status_code, ok.text, wrong.status_code, url

    rules, status, text, wrong, url = same(scenario)
    assert ("/v1/things/", "eu.api") in rules
    assert (status, text, wrong) == (200, "things eu.api.example.test", 404)
    assert url == "http://eu.api.example.test/v1/things/"


# Hot: what Flask freezes, protoweb replaces live.


class SwapCountingApp(App):
    """Counts how often the route table reference is replaced."""

    swaps = 0

    def __setattr__(self, name, value):
        if name == "_table":
            type(self).swaps += 1
        super().__setattr__(name, value)


def test_registering_again_replaces_everything_in_one_swap(tmp_path):
    app = SwapCountingApp("hot", root_path=str(tmp_path))
    client = app.test_client()

    def first_version():
        bp = Blueprint("shop", __name__, url_prefix="/shop")

        @bp.route("/")
        def index():
            return "v1"

        @bp.route("/old")
        def old():
            return "old"

        @bp.before_app_request
        def stamp():
            request.environ["stamp"] = "v1"

        @bp.errorhandler(404)
        def missing(error):
            return "v1 missing", 404

        @bp.app_template_filter("money")
        def money(value):
            return f"${value}"

        return bp

    app.register_blueprint(first_version())
    assert client.get("/shop/").text == "v1"
    assert client.get("/shop/old").text == "old"
    assert "money" in app.jinja_env.filters

    second = Blueprint("shop", __name__, url_prefix="/store")

    @second.route("/")
    def index():
        return f"v2 {request.environ.get('stamp')}"

    @second.route("/missing")
    def missing():
        abort(404)

    before = SwapCountingApp.swaps
    app.register_blueprint(second)
    assert SwapCountingApp.swaps - before == 1
    assert client.get("/store/").text == "v2 None"  # the old app-wide hook is gone
    assert client.get("/shop/").status_code == 404
    assert client.get("/shop/old").status_code == 404
    assert "money" not in app.jinja_env.filters  # and its filter
    gone = client.get("/store/missing")
    assert (gone.status_code, "Not Found" in gone.text) == (404, True)  # its handler


def test_changes_to_a_registered_blueprint_go_live(app, client):
    bp = Blueprint("live", __name__, url_prefix="/live")

    @bp.route("/")
    def index():
        return "index"

    app.register_blueprint(bp)

    @bp.route("/late")
    def late():
        return "added after registration"

    assert client.get("/live/late").text == "added after registration"

    @bp.before_request
    def guard():
        return "guarded", 403

    assert client.get("/live/").status_code == 403
    bp.remove_hook("guard")
    assert client.get("/live/").text == "index"

    @bp.errorhandler(ZeroDivisionError)
    def zero(error):
        return "zero handled", 500

    @bp.route("/zero")
    def zero_view():
        return str(1 / 0)

    assert client.get("/live/zero").text == "zero handled"

    def zero(error):  # noqa: F811 - the cell run again
        return "zero handled, v2", 500

    bp.register_error_handler(ZeroDivisionError, zero)
    assert client.get("/live/zero").text == "zero handled, v2"

    bp.remove_route("late")
    assert client.get("/live/late").status_code == 404
    child = Blueprint("child", __name__)

    @child.route("/kid")
    def kid():
        return url_for(".kid")

    bp.register_blueprint(child)
    assert client.get("/live/kid").text == "/live/kid"

    @child.route("/kid2")
    def kid2():
        return "kid2"

    assert client.get("/live/kid2").text == "kid2"  # a nested change goes live too
    app.remove_blueprint("live")
    assert client.get("/live/").status_code == 404
    assert "live" not in app.blueprints
    assert client.get("/live/kid2").status_code == 404


def test_a_request_sees_the_old_blueprint_or_the_new_never_a_mix(app):
    def version(n):
        bp = Blueprint("v", __name__)

        @bp.before_request
        def mark():
            request.environ["mark"] = n

        @bp.route("/x")
        def x():
            return f"{request.environ['mark']}:{n}"

        return bp

    app.register_blueprint(version(0))
    client = app.test_client()
    stop = threading.Event()
    mixed = []

    def read():
        while not stop.is_set():
            hook, view = client.get("/x").text.split(":")
            if hook != view:
                mixed.append((hook, view))

    reader = threading.Thread(target=read)
    reader.start()
    for n in range(1, 60):
        app.register_blueprint(version(n))
    stop.set()
    reader.join()
    assert mixed == []


def test_app_remove_route_removes_a_blueprint_endpoint(app, client):
    bp = Blueprint("b", __name__)

    @bp.route("/gone")
    def gone():
        return "here"

    app.register_blueprint(bp)
    app.remove_route("b.gone")
    assert client.get("/gone").status_code == 404
    with pytest.raises(KeyError):
        app.remove_blueprint("nope")


def test_blueprint_cli_commands_join_the_app():
    def scenario(fw):
        app = fw.Flask("twin")
        grouped = fw.Blueprint("admin", "twin")
        flat = fw.Blueprint("flat", "twin", cli_group=None)

        @grouped.cli.command("hello")
        def hello():
            print("hello from admin")

        @flat.cli.command("top")
        def top():
            print("top level")

        app.register_blueprint(grouped)
        app.register_blueprint(flat)

        @app.shell_context_processor
        def extra():
            return {"answer": 42}

        runner = app.test_cli_runner()
        return (
            runner.invoke(args=["admin", "hello"]).output,
            runner.invoke(args=["top"]).output,
            sorted(app.make_shell_context()),
            [bp.name for bp in app.iter_blueprints()],
        )

    assert same(scenario) == (
        "hello from admin\n",
        "top level\n",
        ["answer", "app", "g"],
        ["admin", "flat"],
    )


def test_blueprint_routes_lists_what_was_added() -> None:
    from protoweb import Blueprint

    bp = Blueprint("shop", __name__)

    def cart():
        return "cart"

    bp.add_url_rule("/cart", view_func=cart, methods=["POST"])
    assert bp.routes == {"cart": (("/cart", cart, {"methods": ["POST"]}),)}
    bp.remove_route("cart")
    assert bp.routes == {}
