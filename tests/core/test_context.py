"""``request``, ``g``, the explicit request parameter and ``url_for``."""

from __future__ import annotations

import asyncio
import threading

import pytest

import protoweb
from protoweb import App, g, has_request_context, request, url_for


def test_request_proxy(app, client):
    @app.post("/echo/<name>")
    def echo(name):
        return {
            "name": name,
            "form": request.form["text"],
            "args": request.args.get("q"),
            "endpoint": request.endpoint,
            "view_args": request.view_args,
        }

    data = client.post("/echo/ann?q=1", data={"text": "hello"}).json
    assert data == {
        "name": "ann",
        "form": "hello",
        "args": "1",
        "endpoint": "echo",
        "view_args": {"name": "ann"},
    }


def test_explicit_request_parameter_is_a_plain_function(app, client):
    def greet(request, name):
        return f"{request.method} {name} {request.args['x']}"

    app.add_url_rule("/greet/<name>", view_func=greet, methods=["GET", "POST"])
    assert client.post("/greet/bo?x=1").text == "POST bo 1"

    class FakeRequest:
        method = "TEST"
        args = {"x": "2"}

    assert greet(FakeRequest(), "direct") == "TEST direct 2"


def test_request_outside_a_request_is_a_clear_error():
    with pytest.raises(RuntimeError, match="outside of request context"):
        request.method  # noqa: B018
    assert not has_request_context()


def test_g_lives_for_one_request(app, client):
    @app.before_request
    def load_user():
        g.user = request.args.get("user", "anon")

    @app.route("/")
    def index():
        return getattr(g, "user", "missing")

    assert client.get("/?user=ann").text == "ann"
    assert client.get("/").text == "anon"


def test_context_is_per_thread(app):
    """Each thread sees its own request while several run at once."""
    barrier = threading.Barrier(4)

    @app.route("/<name>")
    def who(name):
        barrier.wait(timeout=5)
        return request.path

    results: dict[str, str] = {}

    def call(name):
        results[name] = app.test_client().get(f"/{name}").text

    threads = [threading.Thread(target=call, args=(f"t{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {f"t{i}": f"/t{i}" for i in range(4)}


def test_context_follows_asyncio_tasks(app):
    async def main():
        async def in_context(path):
            with app.test_request_context(path):
                await asyncio.sleep(0.01)
                return request.path

        return await asyncio.gather(in_context("/a"), in_context("/b"))

    assert asyncio.run(main()) == ["/a", "/b"]


def test_url_for_in_a_request(app, client):
    @app.route("/user/<int:id>")
    def user(id):
        return url_for("user", id=id + 1, page=2, _anchor="top")

    @app.route("/abs")
    def absolute():
        return url_for("user", id=1, _external=True)

    assert client.get("/user/1").text == "/user/2?page=2#top"
    assert client.get("/abs", base_url="http://example.org").text == (
        "http://example.org/user/1"
    )


def test_url_for_honours_script_name(app, client):
    @app.route("/page")
    def page():
        return url_for("page")

    response = client.get("/page", environ_overrides={"SCRIPT_NAME": "/prefix"})
    assert response.text == "/prefix/page"


def test_url_for_outside_a_request(app):
    @app.route("/item/<name>")
    def item(name):
        return name

    assert app.url_for("item", name="x") == "http://localhost/item/x"
    app.config["SERVER_NAME"] = "example.com"
    app.config["PREFERRED_URL_SCHEME"] = "https"
    with app.app_context():
        assert url_for("item", name="y") == "https://example.com/item/y"
        assert url_for("static", filename="a.css") == "https://example.com/static/a.css"
    with pytest.raises(RuntimeError, match="outside of application context"):
        url_for("item", name="z")


def test_url_for_unknown_endpoint_is_a_build_error(app):
    from werkzeug.routing import BuildError

    with pytest.raises(BuildError):
        app.url_for("nowhere")


def test_test_request_context(app):
    @app.route("/p/<int:n>")
    def p(n):
        return str(n)

    with app.test_request_context("/p/3?x=1"):
        assert request.args["x"] == "1"
        assert url_for("p", n=4) == "/p/4"


def test_two_apps_do_not_share_routes(tmp_path):
    one, two = App("one", root_path=str(tmp_path)), App("two", root_path=str(tmp_path))
    one.add_url_rule("/", "i", lambda: "one")
    two.add_url_rule("/", "i", lambda: "two")
    assert one.test_client().get("/").text == "one"
    assert two.test_client().get("/").text == "two"


def test_app_context_push_pop_and_nesting(fw, tmp_path):
    app = fw.app(tmp_path)
    assert not fw.has_app_context()
    context = app.app_context()
    context.push()
    assert fw.has_app_context() and not fw.has_request_context()
    fw.g.depth = 1
    with app.app_context():
        assert "depth" not in fw.g
        fw.g.depth = 2
    assert fw.g.depth == 1
    context.pop()
    assert not fw.has_app_context()


def test_a_request_context_pushes_an_app_context_when_none(fw, tmp_path):
    app = fw.app(tmp_path)
    with app.test_request_context("/x"):
        assert fw.has_app_context() and fw.has_request_context()
        assert fw.current_app._get_current_object() is app
        fw.g.seen = True
    assert not fw.has_app_context()


def test_a_request_shares_g_with_the_active_app_context_of_its_app(fw, tmp_path):
    app = fw.app(tmp_path)
    other = fw.app(tmp_path / "other")
    with app.app_context():
        fw.g.db = "outer"
        with app.test_request_context("/"):
            assert fw.g.db == "outer"
            fw.g.user = "ann"
        assert fw.g.user == "ann"
        with other.test_request_context("/"):
            assert "db" not in fw.g


def test_a_served_request_inside_an_app_context_shares_its_g(fw, tmp_path):
    app = fw.app(tmp_path)

    @app.route("/")
    def index():
        fw.g.count = fw.g.get("count", 0) + 1
        return str(fw.g.count)

    client = app.test_client()
    with app.app_context():
        fw.g.count = 10
        assert client.get("/").text == "11"
        assert fw.g.count == 11
    assert client.get("/").text == "1"


def test_teardown_appcontext_runs_when_the_app_context_ends(fw, tmp_path):
    app = fw.app(tmp_path)
    calls = []

    @app.teardown_appcontext
    def close_db(error):
        calls.append((fw.g.pop("db", None), fw.has_request_context(), error))

    @app.route("/")
    def index():
        fw.g.db = "request db"
        return "ok"

    with app.app_context():
        fw.g.db = "cli db"
    assert calls == [("cli db", False, None)]
    app.test_client().get("/")
    assert calls[-1] == ("request db", False, None)
    with pytest.raises(ZeroDivisionError):
        with app.app_context():
            1 / 0  # noqa: B018
    assert isinstance(calls[-1][2], ZeroDivisionError)
    assert len(calls) == 3


def test_teardown_appcontext_gets_the_unhandled_error(fw, tmp_path):
    app = fw.app(tmp_path)
    errors = []
    app.teardown_appcontext(lambda error: errors.append(type(error).__name__))

    @app.route("/boom")
    def boom():
        raise ValueError("boom")

    assert app.test_client().get("/boom").status_code == 500
    assert errors == ["ValueError"]


def test_test_request_context_pop_runs_teardown_request(fw, tmp_path):
    app = fw.app(tmp_path)
    order = []
    app.teardown_request(lambda error: order.append("request"))
    app.teardown_appcontext(lambda error: order.append("app"))
    with app.test_request_context("/"):
        pass
    assert order == ["request", "app"]


def test_after_this_request_runs_before_after_request_hooks(fw, tmp_path):
    app = fw.app(tmp_path)

    @app.after_request
    def hook(response):
        response.headers["X-Order"] += ",hook"
        return response

    @app.route("/")
    def index():
        @fw.after_this_request
        def add_header(response):
            response.headers["X-Order"] = "this"
            return response

        return "hello"

    response = app.test_client().get("/")
    assert response.headers["X-Order"] == "this,hook"
    assert response.text == "hello"
    assert "X-Order" not in app.test_client().get("/other").headers


def test_after_this_request_on_the_fast_path(tmp_path):
    """A plain ``str`` return with no hooks still gets the function applied."""
    app = App("fast", root_path=str(tmp_path))

    @app.route("/")
    def index():
        @protoweb.after_this_request
        def add_header(response):
            response.headers["X-Extra"] = "1"
            return response

        return "plain"

    assert app.test_client().get("/").headers["X-Extra"] == "1"


def test_after_this_request_outside_a_request_is_an_error(fw):
    with pytest.raises(RuntimeError, match="request context"):
        fw.after_this_request(lambda response: response)


def test_copy_current_request_context_in_a_thread(fw, tmp_path):
    app = fw.app(tmp_path, SECRET_KEY="s")
    seen = []

    @app.route("/")
    def index():
        fw.session["user"] = "ann"

        @fw.copy_current_request_context
        def work():
            seen.append((fw.request.path, fw.session["user"], fw.current_app.name))

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        return "started"

    assert app.test_client().get("/").text == "started"
    assert seen == [("/", "ann", app.name)]
    with pytest.raises(RuntimeError, match="request context"):
        fw.copy_current_request_context(lambda: None)


def test_popping_the_wrong_context_is_an_error(tmp_path):
    app = App("pop", root_path=str(tmp_path))
    first, second = app.app_context(), app.app_context()
    first.push()
    second.push()
    with pytest.raises(RuntimeError, match="wrong context"):
        first.pop()
    second.pop()
    first.pop()
    with pytest.raises(RuntimeError, match="more often than pushed"):
        first.pop()


def test_teardown_appcontext_is_replaced_by_name(tmp_path):
    app = App("replace", root_path=str(tmp_path))
    calls = []

    @app.teardown_appcontext
    def close_db(error):
        calls.append("first")

    @app.teardown_appcontext  # the cell that defines it is run again
    def close_db(error):  # noqa: F811
        calls.append("second")

    with app.app_context():
        pass
    assert calls == ["second"]
    assert len(app.teardown_appcontext_funcs) == 1
