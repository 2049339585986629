"""Routes: decorators, methods, converters, slashes, replacement and removal."""

from __future__ import annotations

import threading

import pytest

from protoweb import App

from .twins import answers, same


def test_route_decorators_bind_methods(app, client):
    @app.route("/")
    def index():
        return "index"

    for method in ("get", "post", "put", "delete", "patch"):

        def view(method=method):
            return method

        getattr(app, method)("/m", endpoint=f"m_{method}")(view)

    assert client.get("/").text == "index"
    assert client.get("/m").text == "get"
    assert client.post("/m").text == "post"
    assert client.put("/m").text == "put"
    assert client.delete("/m").text == "delete"
    assert client.patch("/m").text == "patch"
    assert client.post("/").status_code == 405
    assert "GET" in client.post("/").headers["Allow"]


def test_add_url_rule_and_endpoint_names(app, client):
    def hello(name):
        return f"hi {name}"

    app.add_url_rule("/hello/<name>", view_func=hello)
    app.add_url_rule("/hey/<name>", endpoint="hey", view_func=hello)
    assert set(app.endpoints) == {"static", "hello", "hey"}
    assert client.get("/hello/ann").text == "hi ann"
    assert client.get("/hey/bo").text == "hi bo"


def test_a_route_decorator_keeps_its_endpoint_when_used_again(app, client):
    shared = app.route("/shared", endpoint="shared")

    def first():
        return "first"

    def second():
        return "second"

    shared(first)
    shared(second)
    assert set(app.endpoints) == {"static", "shared"}
    assert client.get("/shared").text == "second"


def test_converters(app, client):
    @app.route("/n/<int:n>")
    def number(n):
        return {"n": n, "type": type(n).__name__}

    @app.route("/f/<path:rest>")
    def files(rest):
        return rest

    assert client.get("/n/42").json == {"n": 42, "type": "int"}
    assert client.get("/n/x").status_code == 404
    assert client.get("/f/a/b/c.txt").text == "a/b/c.txt"


def test_head_and_automatic_options(app, client):
    @app.route("/page")
    def page():
        return "body"

    head = client.head("/page")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Length"] == "4"
    options = client.options("/page")
    assert options.status_code == 200
    assert set(options.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_strict_slashes_as_werkzeug(app, client):
    @app.route("/dir/")
    def directory():
        return "dir"

    @app.route("/file")
    def file():
        return "file"

    redirect = client.get("/dir")
    assert redirect.status_code == 308
    assert redirect.headers["Location"].endswith("/dir/")
    assert client.get("/file/").status_code == 404


def test_static_rule_does_not_hide_variable_rule_of_other_method(app, client):
    @app.post("/items/new")
    def create():
        return "created"

    @app.get("/items/<name>")
    def item(name):
        return f"item {name}"

    assert client.get("/items/new").text == "item new"
    assert client.post("/items/new").text == "created"


def test_redefinition_replaces_handler_and_rules(app, client):
    @app.route("/old")
    def page():
        return "one"

    @app.route("/new")  # same endpoint name, new function: replaces
    def page():  # noqa: F811
        return "two"

    assert client.get("/old").status_code == 404
    assert client.get("/new").text == "two"
    assert len(list(app.url_map.iter_rules("page"))) == 1


def test_stacked_routes_on_one_function_add_rules(app, client):
    @app.route("/a")
    @app.route("/b")
    def both():
        return "both"

    assert client.get("/a").text == "both"
    assert client.get("/b").text == "both"


def test_routes_change_after_first_request(app, client):
    @app.route("/")
    def index():
        return "v1"

    assert client.get("/").text == "v1"

    @app.route("/")
    def index():  # noqa: F811
        return "v2"

    @app.route("/later")
    def later():
        return "later"

    assert client.get("/").text == "v2"
    assert client.get("/later").text == "later"


def test_remove_route(app, client):
    @app.route("/gone")
    def gone():
        return "here"

    assert client.get("/gone").status_code == 200
    app.remove_route("gone")
    assert client.get("/gone").status_code == 404
    with pytest.raises(KeyError, match="gone"):
        app.remove_route("gone")


def test_bad_rule_is_refused_and_changes_nothing(app, client):
    @app.route("/a/<int:n>")
    def a(n):
        return "a"

    with pytest.raises(ValueError, match="not a valid rule"):
        app.add_url_rule("/a/<int:", "a", lambda: "broken")
    with pytest.raises(ValueError, match="must start with '/'"):
        app.add_url_rule("nope", "a", lambda: "broken")
    with pytest.raises(ValueError, match="not a valid rule"):
        app.add_url_rule("/x/<nosuchconverter:y>", "a", lambda y: "broken")
    assert client.get("/a/1").text == "a"


def test_change_listeners_hear_every_kind(app):
    heard = []
    app.add_change_listener(lambda kind, name: heard.append((kind, name)))

    @app.route("/r")
    def r():
        return ""

    app.templates["t.html"] = "x"
    app.static_files["s.css"] = "x"
    app.remove_route("r")
    assert heard == [
        ("route", "r"),
        ("template", "t.html"),
        ("static", "s.css"),
        ("route", "r"),
    ]


def test_unicode_static_path(app, client):
    @app.route("/café")
    def cafe():
        return "crème"

    assert client.get("/caf%C3%A9").text == "crème"


def test_hot_replacement_under_concurrency(app):
    """8 threads request while another replaces the handler 1,000 times."""

    def make_view(body):
        def page():
            return body

        return page

    app.add_url_rule("/", "page", make_view("old"))
    app.add_url_rule("/v/<int:n>", "var", lambda n: "old")
    stop = threading.Event()
    seen: list[str] = []
    failures: list[str] = []

    def call(path):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
        }
        status: list[str] = []
        body = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
        if status != ["200 OK"]:
            failures.append(f"{path}: {status}")
        return body.decode()

    def client_loop(path):
        while not stop.is_set():
            seen.append(call(path))

    threads = [
        threading.Thread(target=client_loop, args=("/" if i % 2 else "/v/1",))
        for i in range(8)
    ]
    for thread in threads:
        thread.start()
    for i in range(1000):
        body = "new" if i % 2 else "old"
        app.add_url_rule("/", "page", make_view(body))
        app.add_url_rule("/v/<int:n>", "var", lambda n, body=body: body)
    stop.set()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(seen) > 100
    assert set(seen) <= {"old", "new"}


def test_app_repr_counts_routes():
    app = App("x")
    assert repr(app) == "<App 'x': 1 routes>"


@pytest.mark.parametrize("rule", ["/x/<a>/<a>", "/x/<int:n", "/x/<nope:n>"])
def test_werkzeug_rule_errors_become_value_errors(app, rule):
    with pytest.raises(ValueError, match="not a valid rule"):
        app.add_url_rule(rule, "e", lambda **kwargs: "")


def test_bound_method_listener_can_be_removed(app):
    class Listener:
        def __init__(self):
            self.heard = 0

        def hear(self, kind, name):
            self.heard += 1

    listener = Listener()
    app.add_change_listener(listener.hear)
    app.templates["a.html"] = "a"
    app.remove_change_listener(listener.hear)
    app.templates["b.html"] = "b"
    assert listener.heard == 1


def test_a_bound_method_can_answer_two_rules(app, client):
    class Pages:
        def show(self):
            return "shown"

    pages = Pages()
    app.add_url_rule("/one", "show", pages.show)
    app.add_url_rule("/two", "show", pages.show)  # a new bound-method object
    assert client.get("/one").text == client.get("/two").text == "shown"


# Each app has its own map: converters, url_map.add, host and subdomain matching.


def test_custom_converter_registered_before_the_rule_as_flask_documents():
    from werkzeug.routing import BaseConverter

    class ListConverter(BaseConverter):
        def to_python(self, value):
            return value.split(",")

        def to_url(self, values):
            return ",".join(super(ListConverter, self).to_url(v) for v in values)

    def scenario(fw):
        app = fw.Flask("twin")
        app.url_map.converters["list"] = ListConverter

        @app.route("/tags/<list:tags>")
        def tags(tags):
            return "|".join(tags)

        with app.test_request_context():
            url = fw.url_for("tags", tags=["a", "b c"])
        return answers(app.test_client(), "/tags/x,y,z"), url

    assert same(scenario) == ([(200, "x|y|z")], "/tags/a,b%20c")
    other = App("other")
    with pytest.raises(ValueError, match="list"):
        other.add_url_rule("/t/<list:x>", "t", lambda x: x)  # not on this app


def test_url_map_add_goes_live_and_the_view_comes_from_view_functions(app, client):
    from werkzeug.routing import Rule

    app.view_functions["raw"] = lambda: "raw view"
    app.url_map.add(Rule("/raw", endpoint="raw"))
    assert client.get("/raw").text == "raw view"
    assert [r.rule for r in app.url_map.iter_rules("raw")] == ["/raw"]
    assert "/raw" in repr(app.url_map)
    assert app.url_map.is_endpoint_expecting("static", "filename")
    adapter = app.url_map.bind("example.test")
    assert adapter.match("/raw") == ("raw", {})
    app.remove_route("raw")
    assert client.get("/raw").status_code == 404


def test_private_werkzeug_api_still_works():
    """If this fails, a Werkzeug upgrade changed Map's private attributes: protoweb
    falls back to recompiling every rule (correct, slower); update
    ``protoweb.routing.add_compiled``."""
    from werkzeug.routing import Map

    from protoweb import routing

    assert routing._PRIVATE_API, "Werkzeug's Map lost _matcher/_rules_by_endpoint"
    compiled = routing.compile_rule("/x/<int:n>", "x", {"GET"})
    fast = Map()
    routing.add_compiled(fast, compiled)
    fast.update()
    assert fast.bind("h").match("/x/3") == ("x", {"n": 3})
    assert list(fast.iter_rules()) == [compiled]


def test_public_fallback_without_private_api(monkeypatch, app, client):
    from protoweb import routing

    monkeypatch.setattr(routing, "_PRIVATE_API", False)

    @app.route("/n/<int:n>")
    def number(n):
        return str(n * 2)

    assert client.get("/n/21").text == "42"
    assert client.get("/n/x").status_code == 404


def test_host_matching_with_static_host():
    def scenario(fw):
        app = fw.Flask("twin", host_matching=True, static_host="static.test")

        @app.route("/", host="a.test")
        def a():
            return "a"

        @app.route("/", host="<user>.users.test")
        def user(user):
            return f"user {user}"

        client = app.test_client()
        got = [
            client.get("/", base_url=f"http://{host}").text
            for host in ("a.test", "ann.users.test")
        ]
        got.append(client.get("/", base_url="http://other.test").status_code)
        with app.test_request_context(base_url="http://a.test"):
            got.append(fw.url_for("user", user="bob"))
            got.append(fw.url_for("static", filename="x.css"))
        return got

    assert same(scenario) == [
        "a",
        "user ann",
        404,
        "http://bob.users.test/",
        "http://static.test/static/x.css",
    ]


def test_subdomain_matching_needs_server_name():
    def scenario(fw):
        app = fw.Flask("twin", subdomain_matching=True)
        app.config["SERVER_NAME"] = "site.test"

        @app.route("/", subdomain="<shop>")
        def shop(shop):
            return f"shop {shop}"

        @app.route("/")
        def home():
            return "home"

        client = app.test_client()
        return [
            client.get("/", base_url="http://toys.site.test").text,
            client.get("/", base_url="http://site.test").text,
        ]

    assert same(scenario) == ["shop toys", "home"]


def test_server_name_does_not_restrict_hosts_without_subdomain_matching():
    def scenario(fw):
        app = fw.Flask("twin")
        app.config["SERVER_NAME"] = "site.test"

        @app.route("/")
        def home():
            return "home"

        return app.test_client().get("/", base_url="http://other.test").status_code

    assert same(scenario) == 200


def test_methods_as_a_string_is_refused_as_flask():
    app = App("m")
    with pytest.raises(TypeError, match="list of strings"):
        app.add_url_rule("/x", "x", lambda: "", methods="POST")
    with pytest.raises(TypeError, match="'methods' argument"):
        app.get("/x", methods=["POST"])
