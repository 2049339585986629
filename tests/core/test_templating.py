"""Templates: memory then folder, autoescape, hot replacement, syntax errors."""

from __future__ import annotations

import pytest
from jinja2 import TemplateNotFound

from protoweb import TemplateSyntaxError, render_template, render_template_string


def test_in_memory_template(app, client):
    app.templates["hello.html"] = "<h1>Hello {{ name }}</h1>"

    @app.route("/<name>")
    def hello(name):
        return render_template("hello.html", name=name)

    assert client.get("/ann").text == "<h1>Hello ann</h1>"


def test_folder_template_and_memory_wins(app, client, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("from folder {{ x }}")
    (tmp_path / "templates" / "only.html").write_text("only in folder")

    @app.route("/<name>")
    def page(name):
        return render_template(name, x=1)

    assert client.get("/page.html").text == "from folder 1"
    app.templates["page.html"] = "from memory {{ x }}"
    assert client.get("/page.html").text == "from memory 1"
    assert client.get("/only.html").text == "only in folder"
    del app.templates["page.html"]
    assert client.get("/page.html").text == "from folder 1"


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("a.html", True),
        ("a.htm", True),
        ("a.xml", True),
        ("a.j2", True),
        ("a.txt", False),
    ],
)
def test_autoescape_by_extension(app, name, escaped):
    app.templates[name] = "{{ v }}"
    out = app.render_template(name, v="<script>")
    assert (out == "&lt;script&gt;") is escaped


def test_render_template_string_is_autoescaped(app, client):
    @app.route("/")
    def index():
        return render_template_string("{{ v }}", v="<i>")

    assert client.get("/").text == "&lt;i&gt;"


def test_replaced_template_is_used_by_next_render(app, client):
    app.templates["t.html"] = "one"
    app.add_url_rule("/", "t", lambda: render_template("t.html"))
    assert client.get("/").text == "one"
    app.templates["t.html"] = "two"
    assert client.get("/").text == "two"


def test_syntax_error_is_refused_and_old_version_stays(app):
    app.templates["t.html"] = "good {{ x }}"
    with pytest.raises(TemplateSyntaxError) as info:
        app.templates["t.html"] = "line one\nline two\n{{ x }\n"
    assert "'t.html'" in str(info.value)
    assert "line 3" in str(info.value)
    assert info.value.lineno == 3
    assert app.templates["t.html"] == "good {{ x }}"
    assert app.render_template("t.html", x=1) == "good 1"


def test_template_globals(app, client):
    app.secret_key = "k"
    app.templates["g.html"] = (
        "{{ url_for('page', n=2) }} {{ request.args.q }}"
        " {{ g.who }} {{ session.get('s') }}"
    )

    @app.route("/p/<int:n>")
    def page(n):
        from protoweb import g, session

        g.who = "me"
        session["s"] = "sess"
        return render_template("g.html")

    assert client.get("/p/1?q=Q").text == "/p/2 Q me sess"


def test_app_render_template_in_a_view_sees_the_request(app, client):
    app.templates["r.html"] = "{{ request.args.q }} {{ g.who }} {{ url_for('page') }}"

    @app.route("/r")
    def page():
        from protoweb import g

        g.who = "me"
        return app.render_template("r.html")

    assert client.get("/r?q=Q").text == "Q me /r"


def test_missing_template_says_where_it_looked(app):
    with pytest.raises(TemplateNotFound, match="app.templates"):
        app.render_template("nope.html")


def test_includes_and_inheritance_across_memory_and_folder(app, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text(
        "<main>{% block body %}{% endblock %}</main>"
    )
    app.templates["child.html"] = (
        "{% extends 'base.html' %}"
        "{% block body %}{% include 'part.html' %}{% endblock %}"
    )
    app.templates["part.html"] = "part"
    assert app.render_template("child.html") == "<main>part</main>"
    app.templates["part.html"] = "new part"
    assert app.render_template("child.html") == "<main>new part</main>"


def test_a_template_filter_test_or_global_can_be_removed_by_name() -> None:
    from protoweb import App

    app = App(__name__)
    app.add_template_filter(str.upper, "up")
    app.add_template_test(lambda n: n % 2 == 0, "even")
    app.add_template_global(lambda: "hi", "greet")
    seen: list[tuple[str, str]] = []
    app.add_change_listener(lambda kind, name: seen.append((kind, name)))
    app.remove_template_filter("up")
    app.remove_template_test("even")
    app.remove_template_global("greet")
    assert "up" not in app.jinja_env.filters
    assert "even" not in app.jinja_env.tests
    assert "greet" not in app.jinja_env.globals
    assert seen == [
        ("template_filters", "up"),
        ("template_tests", "even"),
        ("template_globals", "greet"),
    ]
    with pytest.raises(KeyError, match="no template filter named 'up'"):
        app.remove_template_filter("up")
