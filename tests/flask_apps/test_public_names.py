"""Where Flask has a public name, protoweb has it: module by module, class by class.

Flask's public names are read from its source (what each module defines, and the
``from .x import name as name`` re-exports that mark a public name in Flask), so a
Flask upgrade that adds a name shows up here as a failure naming it.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import typing

import flask
import flask.testing
import flask.wrappers
import pytest

import protoweb

#: Flask's modules that hold public names (``flask.sansio`` is Flask's internal split).
MODULES = [
    "flask",
    "flask.app",
    "flask.blueprints",
    "flask.cli",
    "flask.config",
    "flask.ctx",
    "flask.globals",
    "flask.helpers",
    "flask.json",
    "flask.json.provider",
    "flask.json.tag",
    "flask.logging",
    "flask.sessions",
    "flask.signals",
    "flask.templating",
    "flask.testing",
    "flask.typing",
    "flask.views",
    "flask.wrappers",
]


def flask_public_names(module_name: str) -> set[str]:
    """What ``module_name`` defines at its top level, or re-exports as ``x as x``."""
    spec = importlib.util.find_spec(module_name)
    assert spec is not None and spec.origin is not None
    with open(spec.origin, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            names.update(a.name for a in node.names if a.asname == a.name)
    module = importlib.import_module(module_name)
    return {
        name
        for name in names
        if not name.startswith("_")
        and not isinstance(getattr(module, name, None), typing.TypeVar)
    }


@pytest.mark.parametrize("flask_module", MODULES)
def test_every_public_name_of_the_module(flask_module: str) -> None:
    protoweb_module = "protoweb" + flask_module.removeprefix("flask")
    try:
        module = importlib.import_module(protoweb_module)
    except ImportError as error:
        pytest.fail(f"{protoweb_module} is missing ({flask_module} exists): {error}")
    missing = sorted(
        name for name in flask_public_names(flask_module) if not hasattr(module, name)
    )
    assert not missing, f"{protoweb_module} lacks {flask_module}'s {missing}"


def public_attributes(obj: object) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


@pytest.mark.parametrize(
    ("flask_object", "protoweb_object"),
    [
        (lambda: flask.Flask("x"), lambda: protoweb.Flask("x")),
        (lambda: flask.Blueprint("b", "x"), lambda: protoweb.Blueprint("b", "x")),
        (
            lambda: flask.Flask("x").test_client(),
            lambda: protoweb.Flask("x").test_client(),
        ),
        (
            lambda: flask.Flask("x").test_cli_runner(),
            lambda: protoweb.Flask("x").test_cli_runner(),
        ),
        (lambda: flask.Flask("x").config, lambda: protoweb.Flask("x").config),
        (lambda: flask.Flask("x").json, lambda: protoweb.Flask("x").json),
        (lambda: flask.wrappers.Request, lambda: protoweb.Request),
        (lambda: flask.wrappers.Response, lambda: protoweb.Response),
    ],
    ids=[
        "app",
        "blueprint",
        "client",
        "cli_runner",
        "config",
        "json",
        "request",
        "response",
    ],
)
def test_every_public_attribute(flask_object, protoweb_object) -> None:
    theirs, ours = flask_object(), protoweb_object()
    missing = sorted(public_attributes(theirs) - public_attributes(ours))
    name = ours.__name__ if isinstance(ours, type) else type(ours).__name__
    assert not missing, f"{name} lacks Flask's {missing}"


def test_flask_is_the_app_class() -> None:
    assert protoweb.Flask is protoweb.App
