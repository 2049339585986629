"""What a view may return, and Flask's response helpers."""

from __future__ import annotations

import pytest
from werkzeug.wrappers import Response as WerkzeugResponse

from protoweb import Response, abort, jsonify, make_response, redirect, url_for


@pytest.mark.parametrize(
    ("value", "status", "content_type", "body"),
    [
        ("<b>hi</b>", 200, "text/html; charset=utf-8", b"<b>hi</b>"),
        (b"raw", 200, "text/html; charset=utf-8", b"raw"),
        ({"a": 1}, 200, "application/json", b'{"a":1}\n'),
        ([1, 2], 200, "application/json", b"[1,2]\n"),
        (("made", 201), 201, "text/html; charset=utf-8", b"made"),
        (("teapot", "418 I'm a teapot"), 418, "text/html; charset=utf-8", b"teapot"),
        (({"e": "x"}, 400), 400, "application/json", b'{"e":"x"}\n'),
        (("h", {"X-A": "1"}), 200, "text/html; charset=utf-8", b"h"),
        (("h", 202, [("X-A", "1")]), 202, "text/html; charset=utf-8", b"h"),
        (
            WerkzeugResponse("w", mimetype="text/plain"),
            200,
            "text/plain; charset=utf-8",
            b"w",
        ),
        (iter(["a", "b", "c"]), 200, "text/html; charset=utf-8", b"abc"),
    ],
)
def test_return_values(app, client, value, status, content_type, body):
    app.add_url_rule("/", "view", lambda: value)
    response = client.get("/")
    assert response.status_code == status
    assert response.headers["Content-Type"] == content_type
    assert response.data == body


def test_headers_from_tuple(app, client):
    app.add_url_rule("/", "view", lambda: ("h", 202, {"X-A": "1"}))
    assert client.get("/").headers["X-A"] == "1"


def test_generator_is_streamed(app, client):
    def stream():
        def chunks():
            yield "one,"
            yield "two"

        return chunks()

    app.add_url_rule("/", "stream", stream)
    response = client.get("/")
    assert response.data == b"one,two"
    assert "Content-Length" not in response.headers


def test_returning_none_names_the_endpoint(app, client):
    @app.route("/")
    def forgetful():
        pass

    app.testing = True
    with pytest.raises(TypeError, match="'forgetful'.*returned None"):
        client.get("/")
    app.testing = False
    assert client.get("/").status_code == 500


def test_unsupported_return_value_is_an_error(app, client):
    app.add_url_rule("/", "odd", lambda: 3.5)
    app.testing = True
    with pytest.raises(TypeError, match="'odd'.*float"):
        client.get("/")


def test_jsonify_forms(app):
    with app.app_context():
        assert jsonify(a=1).get_json() == {"a": 1}
        assert jsonify([1, 2]).get_json() == [1, 2]
        assert jsonify(1, 2).get_json() == [1, 2]
        assert jsonify({"x": None}).mimetype == "application/json"
    with pytest.raises(TypeError):
        jsonify(1, a=2)


def test_jsonify_handles_common_types(app, client):
    import datetime
    import decimal
    import uuid

    app.add_url_rule(
        "/",
        "v",
        lambda: jsonify(
            day=datetime.date(2026, 11, 24),
            price=decimal.Decimal("1.50"),
            id=uuid.UUID(int=1),
        ),
    )
    assert client.get("/").json == {
        "day": "Tue, 24 Nov 2026 00:00:00 GMT",  # an HTTP date, as Flask writes it
        "price": "1.50",
        "id": "00000000-0000-0000-0000-000000000001",
    }


def test_redirect_and_url_for(app, client):
    @app.route("/")
    def index():
        return "home"

    @app.post("/items")
    def add():
        return redirect(url_for("index"))

    response = client.post("/items")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.post("/items", follow_redirects=True).text == "home"
    assert redirect("/x", 301).status_code == 301


def test_abort(app, client):
    @app.route("/secret")
    def secret():
        abort(403)

    response = client.get("/secret")
    assert response.status_code == 403
    assert b"Forbidden" in response.data


def test_make_response_sets_headers(app, client):
    @app.route("/")
    def index():
        response = make_response("body", 201)
        response.headers["X-Made"] = "yes"
        response.set_cookie("c", "v")
        return response

    response = client.get("/")
    assert response.status_code == 201
    assert response.headers["X-Made"] == "yes"
    assert "c=v" in response.headers["Set-Cookie"]
    assert isinstance(app.make_response("x"), Response)


def test_every_return_form_flask_accepts():
    from werkzeug.wrappers import Response as WerkzeugResponse

    from .twins import same

    def scenario(fw):
        app = fw.Flask("twin")

        class Custom(fw.Response):
            default_mimetype = "text/plain"

        def wsgi_app(environ, start_response):
            start_response("201 Created", [("X-Wsgi", "yes")])
            return [b"from a wsgi app"]

        views = {
            "/str": lambda: "text",
            "/bytes": lambda: b"bytes",
            "/dict": lambda: {"b": 1, "a": [1, 2]},
            "/list": lambda: [3, {"z": 1, "y": 2}],
            "/gen": lambda: (part for part in ["a", "b", "c"]),
            "/body-headers": lambda: ("h", {"X-A": "1"}),
            "/body-headers-list": lambda: ("h", [("X-B", "2")]),
            "/body-status": lambda: ("s", 201),
            "/body-status-text": lambda: ("s", "202 Accepted Now"),
            "/three": lambda: ({"ok": True}, 400, {"X-C": "3"}),
            "/subclass": lambda: Custom("custom"),
            "/werkzeug": lambda: WerkzeugResponse("plain werkzeug", status=203),
            "/wsgi": lambda: wsgi_app,
            "/response-status": lambda: (fw.Response("r"), 404, {"X-D": "4"}),
        }
        for path, view in views.items():
            app.add_url_rule(path, path, view)
        client = app.test_client()
        out = {}
        for path in views:
            r = client.get(path)
            out[path] = (
                r.status,
                r.mimetype,
                r.get_data(as_text=True),
                sorted((k, v) for k, v in r.headers if k.startswith("X-")),
            )
        return out

    got = same(scenario)
    assert got["/dict"][2] == '{"a":[1,2],"b":1}\n'
    assert got["/wsgi"][0] == "201 Created" and got["/wsgi"][2] == "from a wsgi app"


def test_bad_return_values_get_flasks_messages():
    from .twins import FRAMEWORKS

    for fw in FRAMEWORKS.values():
        app = fw.Flask("twin")
        app.testing = True
        app.add_url_rule("/none", "none", lambda: None)
        app.add_url_rule("/float", "float", lambda: 1.5)
        app.add_url_rule("/four", "four", lambda: ("a", 200, {}, "extra"))
        client = app.test_client()
        with pytest.raises(TypeError, match="The function either returned None"):
            client.get("/none")
        with pytest.raises(TypeError, match="but it was a float"):
            client.get("/float")
        with pytest.raises(TypeError, match=r"\(body, status, headers\)"):
            client.get("/four")
