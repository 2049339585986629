"""Routes: decorators, methods, converters, slashes, replacement and removal."""

from __future__ import annotations

import threading

import pytest

from protoweb import App


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
