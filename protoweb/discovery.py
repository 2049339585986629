"""Finding the app a command names, as Flask's ``flask --app`` finds it.

``module`` gives its ``app`` or ``application``, the only App in it, or what its
``create_app()`` / ``make_app()`` factory returns; ``module:name`` names an
attribute or a factory call with literal arguments (``create_app("dev")``).
"""

from __future__ import annotations

import ast
import inspect
import os
import sys
import traceback
from collections.abc import Callable
from types import ModuleType
from typing import Any

import click

from .app import App


class NoAppException(click.UsageError):
    """The app could not be found or loaded."""


def find_best_app(module: ModuleType) -> App:
    """The app in ``module``: ``app``, ``application``, the only App in it, or
    what a ``create_app()`` / ``make_app()`` factory returns."""
    for name in ("app", "application"):
        candidate = getattr(module, name, None)
        if isinstance(candidate, App):
            return candidate
    apps = [value for value in vars(module).values() if isinstance(value, App)]
    if len(apps) == 1:
        return apps[0]
    if len(apps) > 1:
        raise NoAppException(
            f"Detected multiple protoweb applications in module '{module.__name__}'."
            f" Use '{module.__name__}:name' to specify the correct one."
        )
    for name in ("create_app", "make_app"):
        factory = getattr(module, name, None)
        if inspect.isfunction(factory):
            try:
                candidate = factory()
            except TypeError as error:
                if not _called_with_wrong_args(factory):
                    raise
                raise NoAppException(
                    f"Detected factory '{name}' in module '{module.__name__}', but"
                    " could not call it without arguments. Use"
                    f" '{module.__name__}:{name}(args)' to specify arguments."
                ) from error
            if isinstance(candidate, App):
                return candidate
    raise NoAppException(
        "Failed to find a protoweb application or factory in module"
        f" '{module.__name__}'. Use '{module.__name__}:name' to specify one."
    )


def _called_with_wrong_args(function: Callable[..., Any]) -> bool:
    """Whether the ``TypeError`` being handled came from the call itself (wrong
    arguments) rather than from inside ``function``."""
    trace = sys.exc_info()[2]
    while trace is not None:
        if trace.tb_frame.f_code is getattr(function, "__code__", None):
            return False
        trace = trace.tb_next
    return True


def find_app_by_string(module: ModuleType, app_name: str) -> App:
    """The app named by ``app_name`` in ``module``: an attribute, or a factory
    call with literal arguments (``create_app('dev', debug=True)``)."""
    try:
        expression = ast.parse(app_name.strip(), mode="eval").body
    except SyntaxError:
        raise NoAppException(
            f"Failed to parse {app_name!r} as an attribute name or function call."
        ) from None
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    if isinstance(expression, ast.Name):
        name = expression.id
    elif isinstance(expression, ast.Call):
        if not isinstance(expression.func, ast.Name):
            raise NoAppException(
                f"Function reference must be a simple name: {app_name!r}."
            )
        name = expression.func.id
        try:
            args = [ast.literal_eval(arg) for arg in expression.args]
            kwargs = {
                keyword.arg: ast.literal_eval(keyword.value)
                for keyword in expression.keywords
                if keyword.arg is not None
            }
        except ValueError:
            raise NoAppException(
                f"Failed to parse arguments as literal values: {app_name!r}."
            ) from None
    else:
        raise NoAppException(
            f"Failed to parse {app_name!r} as an attribute name or function call."
        )
    try:
        found = getattr(module, name)
    except AttributeError as error:
        raise NoAppException(
            f"Failed to find attribute {name!r} in {module.__name__!r}."
        ) from error
    if inspect.isfunction(found):
        try:
            found = found(*args, **kwargs)
        except TypeError as error:
            if not _called_with_wrong_args(found):
                raise
            raise NoAppException(
                f"The factory {app_name!r} in module {module.__name__!r} could not"
                " be called with the specified arguments."
            ) from error
    if isinstance(found, App):
        return found
    raise NoAppException(
        "A valid protoweb application was not obtained from"
        f" '{module.__name__}:{app_name}'."
    )


def prepare_import(path: str) -> str:
    """The module name for a file or dotted name, with its folder put first on
    ``sys.path`` (``src/shop/app.py`` gives ``shop.app`` if ``shop`` is a package)."""
    path = os.path.realpath(path)
    stem, extension = os.path.splitext(path)
    if extension == ".py":
        path = stem
    if os.path.basename(path) == "__init__":
        path = os.path.dirname(path)
    parts: list[str] = []
    while True:
        path, name = os.path.split(path)
        parts.append(name)
        if not os.path.exists(os.path.join(path, "__init__.py")):
            break
    if sys.path[0] != path:
        sys.path.insert(0, path)
    return ".".join(reversed(parts))


def locate_app(
    module_name: str, app_name: str | None, raise_if_not_found: bool = True
) -> App | None:
    """Import ``module_name`` and find the app in it (see :func:`find_best_app`)."""
    try:
        __import__(module_name)
    except ImportError:
        trace = sys.exc_info()[2]
        if trace is not None and trace.tb_next is not None:
            raise NoAppException(
                f"While importing {module_name!r}, an ImportError was raised:"
                f"\n\n{traceback.format_exc()}"
            ) from None
        if raise_if_not_found:
            raise NoAppException(f"Could not import {module_name!r}.") from None
        return None
    module = sys.modules[module_name]
    if app_name is None:
        return find_best_app(module)
    return find_app_by_string(module, app_name)
