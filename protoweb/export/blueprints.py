"""Blueprints in the cells: what a statement registers on one, and where the
``app.register_blueprint(bp)`` call goes in ``app.py``.

A variable bound by ``bp = Blueprint("admin", ...)`` is a blueprint. A statement
decorated with (or calling) ``bp.route``, ``bp.before_request``,
``bp.errorhandler``, ``bp.app_template_filter``, ... registers on it, under the
keys the app knows it by (endpoint ``admin.users``). The session may register a
blueprint first and add routes to it later (that is live in protoweb); Flask
refuses a route added after registration, so ``app.py`` registers each blueprint
after the last statement that adds to it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping

from .statements import (
    Registration,
    Statement,
    call_registration,
    decorator_registration,
)


def _blueprint_call(node: ast.expr) -> str | None:
    """``"admin"`` for ``Blueprint("admin", ...)`` (or ``flask.Blueprint(...)``)."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if called != "Blueprint":
        return None
    first = node.args[0] if node.args else None
    if first is None:
        first = next((k.value for k in node.keywords if k.arg == "name"), None)
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def blueprint_variables(statements: Iterable[Statement]) -> dict[str, str]:
    """Variable -> blueprint name, for every ``x = Blueprint("name", ...)``."""
    found: dict[str, str] = {}
    for statement in statements:
        node = statement.node
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            name = _blueprint_call(node.value)
            if isinstance(target, ast.Name) and name is not None:
                found[target.id] = name
    return found


def _on_blueprint(registration: Registration, name: str) -> Registration:
    """The registration as the app knows it: keys prefixed ``name.``."""
    return registration._replace(key=f"{name}.{registration.key}")


def add_blueprint_registrations(
    statements: Iterable[Statement], variables: Mapping[str, str]
) -> dict[Statement, set[str]]:
    """Fill in what each statement registers on a blueprint; return the
    blueprint variables each such statement adds to."""
    users: dict[Statement, set[str]] = {}
    for statement in statements:
        node = statement.node
        found: list[Registration] = []
        for variable, name in variables.items():
            before = len(found)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                for decorator in node.decorator_list:
                    registration = decorator_registration(
                        decorator, node.name, variable
                    )
                    if registration is not None:
                        found.append(_on_blueprint(registration, name))
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                called = call_registration(node.value, variable)
                if isinstance(called, Registration):
                    found.append(_on_blueprint(called, name))
            if len(found) > before:
                users.setdefault(statement, set()).add(variable)
        if found:
            statement.registers = (*statement.registers, *found)
    return users


def registered_blueprint(statement: Statement, app_name: str) -> str | None:
    """``bp`` for the statement ``app.register_blueprint(bp, ...)``."""
    node = statement.node
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return None
    func, args = node.value.func, node.value.args
    if (
        isinstance(func, ast.Attribute)
        and func.attr == "register_blueprint"
        and isinstance(func.value, ast.Name)
        and func.value.id == app_name
        and args
        and isinstance(args[0], ast.Name)
    ):
        return args[0].id
    return None


def register_after_use(
    statements: list[Statement],
    users: Mapping[Statement, set[str]],
    app_name: str,
) -> list[Statement]:
    """``statements`` with each ``app.register_blueprint(bp)`` moved after the
    last statement that adds to ``bp`` (as Flask requires)."""
    ordered = list(statements)
    for statement in statements:
        variable = registered_blueprint(statement, app_name)
        if variable is None:
            continue
        last = max(
            (i for i, s in enumerate(ordered) if variable in users.get(s, ())),
            default=-1,
        )
        here = ordered.index(statement)
        if last > here:
            ordered.remove(statement)
            ordered.insert(last, statement)
    return ordered
