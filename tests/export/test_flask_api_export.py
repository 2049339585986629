"""A session using Flask's API (a blueprint, hooks, template filters, tests and
globals, a context processor, URL processors, error handlers, async views) exports
to both targets, and each export passes its generated tests in a fresh process."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from protoweb.export import export_project

from .conftest import Notebook

CELLS = [
    "from protoweb import Blueprint, g, render_template, url_for",
    "admin = Blueprint('admin', __name__, url_prefix='/admin')",
    "app.register_blueprint(admin)",
    "%%route GET /users --blueprint admin\n"
    "import asyncio\nawait asyncio.sleep(0)\n'users of ' + g.who",
    "@admin.before_request\nasync def who():\n    g.who = 'root'",
    "@admin.errorhandler(KeyError)\ndef no_key(error):\n    return 'no key', 400",
    "%%route GET /boom --blueprint admin\n{}['missing']",
    "@app.template_filter()\ndef shout(text):\n    return text.upper() + '!'",
    "@app.template_test('short')\ndef is_short(text):\n    return len(text) < 3",
    "@app.template_global()\ndef brand():\n    return 'Demo'",
    "@app.context_processor\ndef site():\n    return {'site': 'the site'}",
    "@app.url_value_preprocessor\ndef pull_lang(endpoint, values):\n"
    "    g.lang = (values or {}).pop('lang', 'en')",
    "@app.url_defaults\ndef add_lang(endpoint, values):\n"
    "    if endpoint == 'page':\n        values.setdefault('lang', g.lang)",
    "@app.teardown_appcontext\ndef close(error):\n    g.pop('lang', None)",
    "%%template page.html\n{{ site }} {{ brand() }} {{ 'hi'|shout }}"
    " {{ 'ab' is short }} {{ url_for('page') }}",
    "@app.route('/<lang>/page')\ndef page():\n    return render_template('page.html')",
]
REQUESTS = {
    "/admin/users": "users of root",
    "/admin/boom": "no key",
    "/fr/page": "the site Demo HI! True /fr/page",
    "/admin/version": "v2",
}


@pytest.fixture
def session(notebook: Notebook) -> Notebook:
    for cell in CELLS:
        notebook.run(cell)
    notebook.run("@admin.route('/version')\ndef version():\n    return 'v1'", "ver")
    notebook.run("@admin.route('/version')\ndef version():\n    return 'v2'", "ver")
    for path, body in REQUESTS.items():
        assert notebook.request("GET", path).response_body.decode() == body
    return notebook


def _names_in_order(source: str) -> list[str]:
    """The top-level statements of ``app.py``: a def's name, or a call's text."""
    names = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.append(node.name)
        elif isinstance(node, ast.Expr):
            names.append(ast.unparse(node))
    return names


@pytest.mark.parametrize("target", ["protoweb", "flask"])
def test_flask_api_session_exports_and_passes_its_tests(
    session: Notebook, tmp_path: Path, target: str
) -> None:
    result = export_project(session.source(), tmp_path / "demo", target=target)
    assert result.tests_passed >= len(REQUESTS)
    app_py = (tmp_path / "demo" / "demo" / "app.py").read_text()
    names = _names_in_order(app_py)
    for name in (
        "users", "who", "no_key", "boom", "shout", "is_short", "brand", "site",
        "pull_lang", "add_lang", "close", "page",
    ):  # fmt: skip
        assert names.count(name) == 1, (name, app_py)
    assert names.count("version") == 1 and "return 'v2'" in app_py
    assert "return 'v1'" not in app_py
    registered = names.index("app.register_blueprint(admin)")
    assert registered > max(names.index(n) for n in ("users", "who", "version"))
    assert "@admin.route('/users', methods=['GET'])" in app_py.replace('"', "'")
    assert "async def users():" in app_py
    pyproject = (tmp_path / "demo" / "pyproject.toml").read_text()
    if target == "flask":
        assert "flask[async]" in pyproject.lower()


def test_a_blueprint_registered_twice_is_registered_once(
    notebook: Notebook, tmp_path: Path
) -> None:
    notebook.run("from protoweb import Blueprint")
    notebook.run("bp = Blueprint('bp', __name__)\napp.register_blueprint(bp)")
    notebook.run("@bp.route('/x')\ndef x():\n    return 'x'")
    notebook.run("app.register_blueprint(bp)")
    notebook.request("GET", "/x")
    result = export_project(notebook.source(), tmp_path / "one", target="flask")
    assert result.tests_passed >= 1
    app_py = (tmp_path / "one" / "one" / "app.py").read_text()
    assert app_py.count("app.register_blueprint(bp)") == 1
    assert app_py.index("def x()") < app_py.index("app.register_blueprint(bp)")
