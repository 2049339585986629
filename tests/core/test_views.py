"""Class-based views (``protoweb.views``), side by side with ``flask.views``."""

from __future__ import annotations

import functools

import flask
import flask.views
import pytest

from protoweb import App, request, views


def register_counters(app, module, req):
    """The same class-based views, written against ``module`` (views) and ``req``."""

    class Greeting(module.View):
        init_every_request = False

        def __init__(self, word):
            self.word = word
            self.calls = 0

        def dispatch_request(self, name):
            self.calls += 1
            return f"{self.word} {name} #{self.calls}"

    class Fresh(module.View):
        methods = ["GET", "POST"]

        def __init__(self):
            self.calls = 0

        def dispatch_request(self):
            self.calls += 1
            return f"{req.method} {self.calls}"

    def shout(view):
        @functools.wraps(view)
        def wrapper(**kwargs):
            return view(**kwargs).upper()

        return wrapper

    class Item(module.MethodView):
        decorators = [shout]

        def get(self, id):
            return f"get {id}"

        def post(self, id):
            return f"post {id}"

    class ItemWithDelete(Item):
        def delete(self, id):
            return f"delete {id}"

    app.add_url_rule("/hi/<name>", view_func=Greeting.as_view("hi", "hello"))
    app.add_url_rule("/fresh", view_func=Fresh.as_view("fresh"))
    app.add_url_rule("/item/<int:id>", view_func=Item.as_view("item"))
    app.add_url_rule("/item2/<int:id>", view_func=ItemWithDelete.as_view("item2"))
    return Item, ItemWithDelete


@pytest.fixture
def pair(tmp_path):
    ours = App("ours", root_path=str(tmp_path))
    theirs = flask.Flask("theirs")
    classes = (
        register_counters(ours, views, request),
        register_counters(theirs, flask.views, flask.request),
    )
    return ours, theirs, classes


REQUESTS = [
    ("GET", "/hi/ada"),
    ("GET", "/hi/bob"),
    ("GET", "/fresh"),
    ("POST", "/fresh"),
    ("PUT", "/fresh"),
    ("GET", "/item/3"),
    ("HEAD", "/item/3"),
    ("POST", "/item/4"),
    ("DELETE", "/item/4"),
    ("DELETE", "/item2/5"),
    ("OPTIONS", "/item2/5"),
]


def test_answers_are_flasks(pair):
    ours, theirs, _ = pair
    answers = []
    for app in (ours, theirs):
        client = app.test_client()
        answers.append(
            [
                (r.status_code, r.text, sorted(r.allow))
                for r in (client.open(path, method=method) for method, path in REQUESTS)
            ]
        )
    assert answers[0] == answers[1]
    assert answers[0][:4] == [
        (200, "hello ada #1", []),
        (200, "hello bob #2", []),
        (200, "GET 1", []),
        (200, "POST 1", []),
    ]
    assert answers[0][4][0] == 405
    assert answers[0][8][0] == 405 and answers[0][9][1] == "DELETE 5"


def test_methods_are_collected_from_the_class_and_its_bases(pair):
    _, _, ((item, item2), (flask_item, flask_item2)) = pair
    assert item.methods == flask_item.methods == {"GET", "POST"}
    assert item2.methods == flask_item2.methods == {"GET", "POST", "DELETE"}


def test_as_view_function_attributes(pair):
    ours, _, ((item, _), _) = pair
    view = item.as_view("thing")
    assert view.__name__ == "thing" and view.view_class is item
    assert view.methods == {"GET", "POST"}
    assert ours.endpoints["item"].view.view_class is item


def test_provide_automatic_options_false(app, client):
    class NoOptions(views.View):
        provide_automatic_options = False

        def dispatch_request(self):
            return "ok"

    app.add_url_rule("/", view_func=NoOptions.as_view("plain"))
    assert client.options("/").status_code == 405
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False

    class Default(views.View):
        def dispatch_request(self):
            return "ok"

    app.add_url_rule("/d", view_func=Default.as_view("d"))
    assert client.options("/d").status_code == 405


def test_a_re_registered_view_class_replaces_the_old_one(app, client):
    class Version(views.MethodView):
        def get(self):
            return "one"

    app.add_url_rule("/v", view_func=Version.as_view("version"))
    assert client.get("/v").text == "one"

    class Version(views.MethodView):  # noqa: F811 - re-run cell
        def get(self):
            return "two"

    app.add_url_rule("/v", view_func=Version.as_view("version"))
    assert client.get("/v").text == "two"


def test_dispatch_request_must_be_implemented(app):
    app.testing = True
    app.add_url_rule("/", view_func=views.View.as_view("bare"))
    with pytest.raises(NotImplementedError):
        app.test_client().get("/")


def test_async_methods_and_dispatch_are_awaited(app, client):
    import asyncio

    class Slow(views.MethodView):
        async def get(self):
            await asyncio.sleep(0)
            return "awaited get"

        def post(self):
            return "plain post"

    class AsyncDispatch(views.View):
        init_every_request = False

        async def dispatch_request(self, n):
            await asyncio.sleep(0)
            return {"n": n}

    app.add_url_rule("/slow", view_func=Slow.as_view("slow"))
    app.add_url_rule("/n/<int:n>", view_func=AsyncDispatch.as_view("n"))
    assert client.get("/slow").text == "awaited get"
    assert client.head("/slow").status_code == 200
    assert client.post("/slow").text == "plain post"
    assert client.get("/n/4").json == {"n": 4}
