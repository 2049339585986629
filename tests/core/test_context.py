"""``request``, ``g``, the explicit request parameter and ``url_for``."""

from __future__ import annotations

import asyncio
import threading

import pytest

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
