"""app.py holds exactly what the views need, in the order it ran, from what ran."""

from __future__ import annotations

import pytest

from protoweb.export import ExportError, UntraceableNameError
from protoweb.export.app_module import render_app_module
from protoweb.export.history import read_cells
from protoweb.export.slicing import slice_cells
from protoweb.export.targets import PROTOWEB

from .conftest import Notebook


def app_py(notebook: Notebook) -> str:
    source = notebook.source()
    piece = slice_cells(read_cells(source), notebook.app.endpoints)
    module = render_app_module(
        piece, name="demo", target=PROTOWEB, config=notebook.app.config
    )
    return module.text


def body(text: str) -> str:
    """app.py after the ``app = App(__name__)`` line."""
    return text.split("app = App(__name__)\n", 1)[1].strip()


def test_views_take_their_imports_helpers_and_constants_transitively(
    notebook: Notebook,
) -> None:
    notebook.run("import json\nimport math\nfrom datetime import date, datetime")
    notebook.run("!echo hi\n%timeit -n1 sum(range(3))")
    notebook.run("UNUSED = 1\nscratch = [n ** 2 for n in range(4)]")
    notebook.run(
        "TAX = 0.2\n\ndef with_tax(price):\n    return round(price * (1 + TAX), 2)"
    )
    notebook.run("def label(price):\n    return f'{with_tax(price)} on {date.today()}'")
    notebook.run("@app.route('/price/<int:n>')\ndef price(n):\n    return label(n)")
    text = app_py(notebook)
    assert body(text) == (
        "TAX = 0.2\n\n\n"
        "def with_tax(price):\n    return round(price * (1 + TAX), 2)\n\n\n"
        "def label(price):\n    return f'{with_tax(price)} on {date.today()}'\n\n\n"
        "@app.route('/price/<int:n>')\ndef price(n):\n    return label(n)"
    )
    imports = text.split('"""\n\n', 1)[1].split("\n\napp =")[0]
    assert imports == "from datetime import date\n\nfrom protoweb import App"


def test_the_latest_definition_wins_and_appears_once(notebook: Notebook) -> None:
    notebook.run("def greet(name):\n    return 'hi ' + name")
    notebook.run("@app.route('/<name>')\ndef hello(name):\n    return greet(name)")
    notebook.run("def greet(name):\n    return 'hello ' + name")
    text = body(app_py(notebook))
    assert text.count("def greet") == 1
    assert "'hello ' + name" in text
    assert text.index("def hello") < text.index("def greet")


def test_a_value_computed_from_an_earlier_definition_keeps_it(
    notebook: Notebook,
) -> None:
    notebook.run("BASE = '/api'")
    notebook.run("ROUTE = BASE + '/items'")
    notebook.run("BASE = '/v2'")
    notebook.run("@app.route('/where')\ndef where():\n    return ROUTE + ' ' + BASE")
    text = body(app_py(notebook))
    assert text == (
        "BASE = '/api'\n\nROUTE = BASE + '/items'\n\nBASE = '/v2'\n\n\n"
        "@app.route('/where')\ndef where():\n    return ROUTE + ' ' + BASE"
    )


def test_changes_made_in_place_follow_the_object(notebook: Notebook) -> None:
    notebook.run("ITEMS = ['old']\nITEMS.append('lost')")
    notebook.run("ITEMS = ['milk']")
    notebook.run("ITEMS.append('eggs')\nITEMS")
    notebook.run("SETTINGS = {}\nSETTINGS['title'] = 'Shop'")
    notebook.run(
        "@app.route('/')\ndef index():\n    return f\"{SETTINGS['title']}: {ITEMS}\""
    )
    text = body(app_py(notebook))
    assert "'lost'" not in text
    assert text.startswith(
        "ITEMS = ['milk']\n\nITEMS.append('eggs')\n\n"
        "SETTINGS = {}\nSETTINGS['title'] = 'Shop'"
    )


def test_statements_run_for_their_effect_on_kept_objects_are_kept(
    notebook: Notebook, tmp_path
) -> None:
    notebook.run(
        "import sqlite3\nfrom contextlib import closing\n"
        f"DB = {str(tmp_path / 'x.db')!r}\n\n"
        "def db():\n    return sqlite3.connect(DB)"
    )
    notebook.run(
        "with closing(db()) as c, c:\n"
        "    c.execute('CREATE TABLE IF NOT EXISTS t (n INTEGER)')"
    )
    notebook.run("import statistics\nstatistics.mean([1, 2])\nprint(db)")
    notebook.run(
        "@app.route('/n')\ndef count():\n"
        "    with closing(db()) as c:\n"
        "        return str(c.execute('SELECT count(*) FROM t').fetchone()[0])"
    )
    text = body(app_py(notebook))
    assert "CREATE TABLE" in text
    assert "statistics" not in app_py(notebook)
    assert "print" not in text


def test_cells_marked_for_export_are_kept_whole(notebook: Notebook) -> None:
    notebook.run("# protoweb: export\nimport logging\nlogging.basicConfig()\nX = 1\nX")
    notebook.run("@app.route('/')\ndef index():\n    return 'ok'")
    text = app_py(notebook)
    assert "import logging" in text
    assert body(text).startswith("logging.basicConfig()\nX = 1\n\n\n@app.route")


def test_only_the_latest_run_of_a_marked_cell_is_kept(notebook: Notebook) -> None:
    notebook.run("# protoweb: export\nprint('v1')", cell_id="setup")
    notebook.run("# protoweb: export\nGREETING = 'v2'", cell_id="setup")
    notebook.run("@app.route('/')\ndef index():\n    return 'ok'")
    text = body(app_py(notebook))
    assert "v1" not in text and "GREETING = 'v2'" in text


def test_an_untraceable_name_stops_the_export_naming_it_and_the_view(
    notebook: Notebook,
) -> None:
    notebook.namespace["mystery"] = lambda: "?"
    notebook.run("def helper():\n    return mystery()")
    notebook.run("@app.route('/')\ndef index():\n    return helper()")
    with pytest.raises(UntraceableNameError) as caught:
        app_py(notebook)
    message = str(caught.value)
    assert "'mystery'" in message and "function 'helper'" in message
    assert "view 'index'" in message
    assert caught.value.name == "mystery"


def test_a_name_set_by_shell_syntax_is_reported_with_its_line(
    notebook: Notebook,
) -> None:
    notebook.run("files = !ls")
    notebook.run("@app.route('/')\ndef index():\n    return str(files)")
    with pytest.raises(ExportError, match=r"`files = !ls`"):
        app_py(notebook)


def test_a_view_that_needs_ipython_cannot_be_exported(notebook: Notebook) -> None:
    notebook.run("@app.route('/')\ndef index():\n    display('x')\n    return 'ok'")
    with pytest.raises(ExportError, match="'display', which exists only in IPython"):
        app_py(notebook)


def test_removed_and_renamed_views_are_not_exported(notebook: Notebook) -> None:
    notebook.run("@app.route('/a')\ndef a():\n    return 'a'", cell_id="c1")
    notebook.run("@app.route('/b')\ndef b():\n    return 'b'", cell_id="c2")
    notebook.run("app.remove_route('b')")
    notebook.app.remove_route("a")  # what the extension does when c1 is re-run
    notebook.run("@app.route('/renamed')\ndef renamed():\n    return 'a'", cell_id="c1")
    text = body(app_py(notebook))
    assert "def renamed" in text
    assert "def a()" not in text and "def b()" not in text


def test_route_cells_become_functions_where_they_ran(notebook: Notebook) -> None:
    notebook.run("def shout(text):\n    return text.upper()")
    notebook.run("%%route GET /hello/<name>\nshout(f'hello {name}')")
    notebook.run("@app.route('/')\ndef index():\n    return 'home'")
    text = body(app_py(notebook))
    assert text.index("def shout") < text.index("def hello") < text.index("def index")
    assert (
        '@app.route("/hello/<name>", methods=["GET"])\ndef hello(name):\n'
        "    return shout(f'hello {name}')"
    ) in text


def test_hooks_and_error_handlers_are_kept(notebook: Notebook) -> None:
    notebook.run("from protoweb import g")
    notebook.run("@app.before_request\ndef load_user():\n    g.user = 'ann'")
    notebook.run("@app.errorhandler(404)\ndef missing(error):\n    return 'nope', 404")
    notebook.run("@app.route('/')\ndef index():\n    return g.user")
    text = app_py(notebook)
    assert "from protoweb import App, g" in text
    assert "def load_user" in text and "def missing" in text


def test_live_config_is_written_instead_of_the_cells_that_set_it(
    notebook: Notebook,
) -> None:
    notebook.run("app.config['SECRET_KEY'] = 'dev'\napp.config['PAGE_SIZE'] = 20")
    notebook.run("app.config['DEBUG'] = True")
    notebook.run("@app.route('/')\ndef index():\n    return 'ok'")
    text = app_py(notebook)
    assert 'app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY")\n' in text
    assert "dev" not in text
    assert 'app.config["PAGE_SIZE"] = 20' in text
    assert "DEBUG" not in text and "app.config['" not in text


def test_star_imports_become_explicit(notebook: Notebook) -> None:
    notebook.run("from math import *")
    notebook.run("@app.route('/')\ndef index():\n    return str(floor(pi))")
    assert "from math import floor, pi" in app_py(notebook)


def test_hooks_follow_the_live_app(notebook: Notebook) -> None:
    notebook.run("@app.before_request\ndef first():\n    pass", cell_id="hooks")
    notebook.run("@app.after_request\ndef stamp(response):\n    return response")
    notebook.run("app.remove_hook('stamp')")
    notebook.run("@app.before_request\ndef second():\n    pass", cell_id="hooks")
    notebook.run("@app.route('/')\ndef index():\n    return 'ok'")
    source = notebook.source()
    live = {"first", "second"}  # the extension leaves a re-run cell's old hooks
    piece = slice_cells(read_cells(source), notebook.app.endpoints, "app", live)
    names = [getattr(s.node, "name", "") for s in piece.statements]
    assert names == ["first", "second", "index"]
    piece = slice_cells(read_cells(source), notebook.app.endpoints)
    assert [getattr(s.node, "name", "") for s in piece.statements] == [
        "second",
        "index",
    ]
