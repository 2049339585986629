"""Template globals stay live (as Jinja2's ChainMap keeps them) and copy cheaply."""

from __future__ import annotations

import gc

import jinja2
import pytest

from protoweb import App
from protoweb.jinja_environment import Environment, TemplateGlobals

SOURCES = {"page.html": "{{ greet() }}|{{ extra | default('-') }}"}


@pytest.fixture(params=["jinja2", "protoweb"])
def environment(request: pytest.FixtureRequest) -> jinja2.Environment:
    """Jinja2's own environment and ours: every test must pass on both."""
    kind = jinja2.Environment if request.param == "jinja2" else Environment
    return kind(loader=jinja2.DictLoader(SOURCES))


def test_a_global_set_after_a_template_loaded_is_seen(environment):
    environment.globals["greet"] = lambda: "hello"
    template = environment.get_template("page.html")
    assert template.render() == "hello|-"
    environment.globals["greet"] = lambda: "hi"
    environment.globals.update(extra="x")
    assert template.render() == "hi|x"
    del environment.globals["extra"]
    assert template.render() == "hi|-"


def test_a_templates_own_globals_win_and_stay(environment):
    environment.globals["greet"] = lambda: "env"
    template = environment.get_template("page.html", globals={"extra": "own"})
    environment.globals["extra"] = "shared"
    assert template.render() == "env|own"
    template.globals["greet"] = lambda: "mine"
    environment.globals["greet"] = lambda: "env again"
    assert template.render() == "mine|own"
    assert environment.globals["greet"]() == "env again"


def test_replacing_the_whole_globals_mapping_is_live_too():
    """(Jinja2's loaded templates would keep the old mapping.)"""
    environment = Environment()
    template = environment.from_string("{{ name | default('none') }}")
    environment.globals = {**environment.globals, "name": "new"}
    assert template.render() == "new"


def test_templates_copy_their_globals_as_one_dict():
    """The speed reason: a render copies a dict in one call, not a ChainMap."""
    environment = Environment(loader=jinja2.DictLoader(SOURCES))
    template = environment.get_template("page.html")
    assert type(template.globals) is TemplateGlobals
    assert isinstance(template.globals, dict)


def test_forgotten_templates_are_not_kept():
    environment = Environment()
    environment.from_string("{{ 1 }}")
    gc.collect()
    environment.globals["x"] = 1
    assert environment._template_globals == {}


def test_an_apps_template_sees_a_global_registered_while_serving(tmp_path):
    app = App("globals_app", root_path=str(tmp_path))
    app.templates["t.html"] = "{{ site() }}"

    @app.route("/")
    def index():
        from protoweb import render_template

        return render_template("t.html")

    app.add_template_global(lambda: "one", "site")
    client = app.test_client()
    assert client.get("/").text == "one"
    app.add_template_global(lambda: "two", "site")
    assert client.get("/").text == "two"
