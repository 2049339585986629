"""``stream_with_context``, ``stream_template``, ``stream_template_string`` and
``get_template_attribute``, each scenario also run on Flask."""

from __future__ import annotations

import pytest


def test_stream_with_context_keeps_the_request(fw, tmp_path):
    app = fw.app(tmp_path)

    @app.route("/wrapped")
    def wrapped():
        def generate():
            yield "Hello "
            yield fw.request.args["name"]
            yield "!"

        return fw.stream_with_context(generate())

    @app.route("/decorated")
    def decorated():
        @fw.stream_with_context
        def generate():
            yield fw.request.args["name"]
            yield fw.g.get("mark", "?")

        fw.g.mark = "."
        return generate()

    client = app.test_client()
    response = client.get("/wrapped?name=Ann", buffered=False)
    assert response.is_streamed
    assert response.text == "Hello Ann!"
    assert client.get("/decorated?name=Bo").text == "Bo."


def test_without_it_the_request_is_gone_while_streaming(fw, tmp_path):
    app = fw.app(tmp_path)

    @app.route("/")
    def index():
        def generate():
            yield fw.request.path

        return generate()

    with pytest.raises(RuntimeError, match="outside of request context"):
        app.test_client().get("/")


def test_teardown_runs_as_in_flask(fw, tmp_path):
    """Flask 3.1 tears the request down when the view returns and again when the
    stream ends (its context is pushed a second time for the stream)."""
    app = fw.app(tmp_path)
    events = []
    app.teardown_request(lambda error: events.append("teardown_request"))
    app.teardown_appcontext(lambda error: events.append("teardown_appcontext"))

    @app.route("/")
    def index():
        def generate():
            events.append("chunk")
            yield "x"

        return fw.stream_with_context(generate())

    response = app.test_client().get("/", buffered=False)
    events.append("returned")
    assert response.text == "x"
    response.close()
    # (Werkzeug's client reads the first chunk before returning.)
    assert events == [
        "teardown_request",
        "teardown_appcontext",
        "chunk",
        "returned",
        "teardown_request",
        "teardown_appcontext",
    ]


def test_stream_with_context_needs_a_request(fw):
    with pytest.raises(RuntimeError, match="request context"):
        fw.stream_with_context(iter(["x"]))


def test_stream_template_and_stream_template_string(fw, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "list.html").write_text(
        "{% for item in items %}<li>{{ item }} {{ request.path }}</li>{% endfor %}"
    )
    app = fw.app(tmp_path)

    @app.route("/list")
    def listing():
        return fw.stream_template("list.html", items=["a", "<b>"])

    @app.route("/string")
    def string():
        return fw.stream_template_string("{{ x }}/{{ request.args.q }}", x=1)

    client = app.test_client()
    response = client.get("/list", buffered=False)
    assert response.is_streamed
    assert response.text == "<li>a /list</li><li>&lt;b&gt; /list</li>"
    assert client.get("/string?q=z").text == "1/z"
    with app.app_context():
        assert "".join(fw.stream_template_string("{{ 2 * 3 }}")) == "6"


def test_get_template_attribute_calls_a_macro(fw, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "_macros.html").write_text(
        "{% macro hello(name) %}Hello {{ name }}!{% endmacro %}{% set version = 2 %}"
    )
    app = fw.app(tmp_path)
    with app.app_context():
        hello = fw.get_template_attribute("_macros.html", "hello")
        assert str(hello("<World>")) == "Hello &lt;World&gt;!"
        assert fw.get_template_attribute("_macros.html", "version") == 2
