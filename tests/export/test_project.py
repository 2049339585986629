"""export_project writes a package that proves itself, or nothing at all."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest
import tomllib

from protoweb.export import (
    DestinationNotEmptyError,
    ExportError,
    UntraceableNameError,
    VerificationError,
    export_project,
)

from .conftest import Notebook, fresh_python


def shop(notebook: Notebook) -> Notebook:
    """A small shop: a template, a static file, JSON, a form post and a redirect."""
    notebook.run("from protoweb import redirect, render_template, url_for")
    notebook.run("import markupsafe\nITEMS = ['milk']")
    notebook.run(
        "@app.route('/')\ndef index():\n"
        "    return render_template('index.html', items=ITEMS)"
    )
    notebook.run(
        "%%template index.html\n"
        "<ul>{% for i in items %}<li>{{ i }}</li>{% endfor %}</ul>"
    )
    notebook.run("%%static site.css\nbody { margin: 0 }")
    notebook.run(
        "@app.post('/items')\ndef add(request):\n"
        "    ITEMS.append(markupsafe.escape(request.form['text']))\n"
        "    return redirect(url_for('index'))"
    )
    notebook.run("%%route GET /api/items\n{'items': ITEMS, 'count': len(ITEMS)}")
    notebook.run("%%route POST /api/echo\nrequest.get_json()")
    notebook.request("GET", "/")
    notebook.request(
        "POST", "/items", "text=<tea>", "application/x-www-form-urlencoded"
    )
    notebook.request("GET", "/api/items")
    notebook.request("POST", "/api/echo", '{"a": [1, 2]}', "application/json")
    notebook.request("GET", "/static/site.css")
    notebook.request("GET", "/missing")
    return notebook


def test_an_export_has_the_documented_layout(
    notebook: Notebook, tmp_path: Path
) -> None:
    result = export_project(shop(notebook).source(), tmp_path / "my-shop")
    root = tmp_path / "my-shop"
    assert result.name == "my_shop" and result.path == root
    written = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert (
        written
        == sorted(result.files)
        == [
            "README.md",
            "my_shop/__init__.py",
            "my_shop/__main__.py",
            "my_shop/app.py",
            "my_shop/static/site.css",
            "my_shop/templates/index.html",
            "my_shop/wsgi.py",
            "pyproject.toml",
            "tests/test_app.py",
        ]
    )
    assert result.tests_passed == 7 and result.left_out == ()
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    version = metadata.version("MarkupSafe")
    assert project["dependencies"][0].startswith("protoweb-cells~=")
    assert f"MarkupSafe=={version}" in project["dependencies"]
    assert not any("ipython" in d.lower() for d in project["dependencies"])
    assert (
        "gunicorn -w 2 -b 0.0.0.0:8000 my_shop.wsgi:app"
        in (root / "README.md").read_text()
    )
    tests = (root / "tests/test_app.py").read_text()
    assert 'response = client.post("/api/echo", json={"a": [1, 2]})' in tests
    assert not list(tmp_path.glob(".my-shop-export-*"))
    for entry in ("wsgi.py", "__main__.py"):
        text = (root / "my_shop" / entry).read_text()
        assert "from my_shop.app import app" in text
    patched = fresh_python(
        "import my_shop, my_shop.app as m, my_shop.wsgi as w\n"
        "from unittest import mock\n"
        "assert type(m).__name__ == 'module' and w.app is m.app\n"
        "assert not hasattr(my_shop, 'app') or my_shop.app is m\n"
        "with mock.patch('my_shop.app.ITEMS', ['patched']):\n"
        "    print(m.app.test_client().get('/api/items').get_json())",
        root,
    )
    # keys sorted, as Flask's JSON provider writes them
    assert patched.stdout.strip() == "{'count': 1, 'items': ['patched']}"


def test_templates_and_static_folders_are_always_there(
    notebook: Notebook, tmp_path: Path
) -> None:
    notebook.run("@app.route('/')\ndef index():\n    return 'hi'")
    result = export_project(notebook.source(), tmp_path / "plain")
    assert "plain/templates/.gitkeep" in result.files
    assert (tmp_path / "plain/plain/static").is_dir()
    assert (tmp_path / "plain/plain/templates").is_dir()


def test_the_exported_tests_pass_with_plain_pytest(
    notebook: Notebook, tmp_path: Path
) -> None:
    export_project(shop(notebook).source(), tmp_path / "shop")
    completed = fresh_python(
        "import sys, pytest; code = pytest.main(['-q', '-p', 'no:cacheprovider']);"
        " assert 'IPython' not in sys.modules; sys.exit(code)",
        tmp_path / "shop",
    )
    assert "7 passed" in completed.stdout


def test_an_untraceable_name_writes_nothing(notebook: Notebook, tmp_path: Path) -> None:
    notebook.namespace["SECRET"] = "made by exec"
    notebook.run("@app.route('/')\ndef index():\n    return SECRET")
    with pytest.raises(UntraceableNameError, match="'SECRET' is used by view 'index'"):
        export_project(notebook.source(), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_helper_that_breaks_outside_the_notebook_writes_nothing(
    notebook: Notebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = tmp_path / "notebook-only-settings.json"
    settings.write_text('{"title": "Shop"}')
    notebook.run(f"import json\nSETTINGS = json.loads(open({settings.name!r}).read())")
    notebook.run("@app.route('/')\ndef index():\n    return SETTINGS['title']")
    with pytest.raises(VerificationError) as caught:
        export_project(notebook.source(), tmp_path / "out")
    message = str(caught.value)
    assert "does not import in a fresh Python" in message
    assert "FileNotFoundError" in message and "notebook-only-settings.json" in message
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".out-export-*"))


def test_a_non_empty_folder_is_refused_without_force(
    notebook: Notebook, tmp_path: Path
) -> None:
    shop(notebook)
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "NOTES.md").write_text("mine")
    with pytest.raises(DestinationNotEmptyError, match="--force"):
        export_project(notebook.source(), folder)
    assert [p.name for p in folder.iterdir()] == ["NOTES.md"]


def test_force_replaces_the_exported_files_and_leaves_others(
    notebook: Notebook, tmp_path: Path
) -> None:
    shop(notebook)
    folder = tmp_path / "shop"
    (folder / "shop").mkdir(parents=True)
    (folder / "NOTES.md").write_text("mine")
    (folder / "shop" / "app.py").write_text("old")
    result = export_project(notebook.source(), folder, force=True)
    assert (folder / "NOTES.md").read_text() == "mine"
    assert (folder / "shop" / "app.py").read_text().startswith('"""The shop app')
    assert result.tests_passed == 7


def test_a_module_that_is_not_installed_cannot_be_a_dependency(
    notebook: Notebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "localhelpers.py").write_text("def hi():\n    return 'hi'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    notebook.run("import localhelpers")
    notebook.run("@app.route('/')\ndef index():\n    return localhelpers.hi()")
    with pytest.raises(ExportError, match="'localhelpers', which is neither"):
        export_project(notebook.source(), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_answers_that_change_on_every_run_are_left_out_with_a_reason(
    notebook: Notebook, tmp_path: Path
) -> None:
    notebook.run("import uuid")
    notebook.run("@app.route('/id')\ndef new_id():\n    return uuid.uuid4().hex")
    notebook.run("@app.route('/')\ndef index():\n    return 'v1'")
    notebook.request("GET", "/id")
    notebook.request("GET", "/")
    notebook.request("GET", "/", query_string="again")
    notebook.run("@app.route('/')\ndef index():\n    return 'v2'")
    notebook.request("GET", "/")
    result = export_project(notebook.source(), tmp_path / "out")
    tests = (tmp_path / "out/tests/test_app.py").read_text()
    assert (
        "# GET /id (request 1) is left out: it answered differently each time" in tests
    )
    assert "# GET / (request 2) is left out: the exported app answers 200" in tests
    assert "def test_04_get_index" in tests
    assert result.tests_passed == 2
    assert len(result.warnings) == 1 and "request 2" in result.warnings[0]
    assert (
        "line 1 differs: the session sent 'v1', the export 'v2'" in (result.warnings[0])
    )


def test_a_flask_export_depends_on_flask_only(
    notebook: Notebook, tmp_path: Path
) -> None:
    result = export_project(shop(notebook).source(), tmp_path / "shop", target="flask")
    project = tomllib.loads((tmp_path / "shop/pyproject.toml").read_text())["project"]
    assert project["dependencies"][0] == f"Flask=={metadata.version('Flask')}"
    assert not (tmp_path / "shop/wheels").exists()
    assert not any(d.startswith("protoweb") for d in project["dependencies"])
    app_py = (tmp_path / "shop/shop/app.py").read_text()
    assert (
        "from flask import Flask, redirect, render_template, request, url_for" in app_py
    )
    assert "def add():" in app_py
    assert result.tests_passed == 7


def test_an_unknown_target_or_name_is_refused(
    notebook: Notebook, tmp_path: Path
) -> None:
    with pytest.raises(ExportError, match="unknown export target 'django'"):
        export_project(notebook.source(), tmp_path / "out", target="django")
    with pytest.raises(ExportError, match="would shadow"):
        export_project(notebook.source(), tmp_path / "json")
