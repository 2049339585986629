"""Finding the app (``protoweb.discovery``), as ``flask --app`` finds it."""

from __future__ import annotations

import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from protoweb.cli import ScriptInfo
from protoweb.discovery import NoAppException, find_best_app, locate_app


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A working directory whose modules are importable, undone after the test."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        del sys.modules[name]


def write(folder: Path, name: str, source: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))


@pytest.mark.parametrize(
    ("source", "spec", "expected"),
    [
        ("application = App('a')", None, "a"),
        ("web = App('w')", None, "w"),
        ("def create_app():\n    return App('c')", None, "c"),
        ("def make_app():\n    return App('m')", None, "m"),
        (
            "def create_app(name, debug=False):\n    return App(name)",
            "create_app('f')",
            "f",
        ),
        ("one = App('1')\ntwo = App('2')", "two", "2"),
    ],
)
def test_app_discovery_as_flask(workdir, source, spec, expected):
    name = f"mod_{uuid.uuid4().hex}"
    write(workdir, f"{name}.py", "from protoweb import App\n" + source + "\n")
    assert locate_app(name, spec).name == expected
    info = ScriptInfo(f"{name}:{spec}" if spec else name)
    assert info.load_app().name == expected
    assert info.load_app() is info.load_app()


@pytest.mark.parametrize(
    ("source", "spec", "message"),
    [
        ("one = App('1')\ntwo = App('2')", None, "multiple protoweb applications"),
        ("def create_app(name):\n    return App(name)", None, "without arguments"),
        ("x = 1", None, "Failed to find a protoweb application"),
        ("x = 1", "x", "A valid protoweb application was not obtained"),
        ("x = 1", "missing", "Failed to find attribute 'missing'"),
        ("x = 1", "a.b", "Failed to parse"),
        ("def create_app():\n    return App('c')", "create_app(1, 2)", "could not be"),
    ],
)
def test_discovery_errors_name_the_problem(workdir, source, spec, message):
    name = f"mod_{uuid.uuid4().hex}"
    write(workdir, f"{name}.py", "from protoweb import App\n" + source + "\n")
    with pytest.raises(NoAppException, match=message):
        locate_app(name, spec)


def test_a_factory_that_raises_type_error_inside_is_not_hidden(workdir):
    name = f"mod_{uuid.uuid4().hex}"
    write(workdir, f"{name}.py", "def create_app():\n    return len(1)\n")
    with pytest.raises(TypeError, match="has no len"):
        locate_app(name, None)


def test_wsgi_py_or_app_py_in_the_working_directory(workdir):
    write(workdir, "app.py", "from protoweb import App\napp = App('from_app_py')\n")
    assert ScriptInfo().load_app().name == "from_app_py"
    assert find_best_app(sys.modules["app"]).name == "from_app_py"
