"""What a cell can own besides routes, templates and static files.

Hooks, context processors, URL processors, error handlers and template filters,
tests and globals on the app, and the routes, hooks and error handlers of the
blueprints the notebook holds. :func:`definitions` lists them with the object each
holds now; a cell run defined an item when the item is new or holds another object
afterwards (a re-run ``def`` is a new function). :func:`remove_definition` takes
one away with the public ``App`` and ``Blueprint`` methods.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from protoweb import App, Blueprint
from protoweb.hooks import Hooks

from .ownership import Item

#: The items a cell owns that are routes: the app's and its blueprints'.
ROUTE_KINDS = frozenset({"route", "bp_route"})
#: The Jinja tables an app's filters, tests and globals live in.
JINJA_KINDS = ("filters", "tests", "globals")
#: Item kinds this module handles.
KINDS = frozenset(
    {"hook", "errorhandler", "bp_route", "bp_hook", "bp_errorhandler"}
    | {f"template_{kind}" for kind in JINJA_KINDS}
)


def error_label(code: int | None, cls: type[BaseException]) -> str:
    """How the app names an error handler's place: ``"404"`` or ``"KeyError"``."""
    return str(code) if code else cls.__name__


def blueprints(app: App, namespace: Mapping[str, Any]) -> dict[str, Blueprint]:
    """The blueprints the notebook holds, by name: its variables' first, then
    those registered on the app."""
    found: dict[str, Blueprint] = {}
    for value in list(namespace.values()):
        if issubclass(type(value), Blueprint):  # never asks a proxy its class
            found.setdefault(value.name, value)
    for blueprint in app.iter_blueprints():
        found.setdefault(blueprint.name, blueprint)
    return found


def _hooks(hooks: Hooks, prefix: str = "") -> Iterable[tuple[str, Any]]:
    for kind, functions in hooks.funcs.items():
        for name, function in functions.items():
            yield f"{prefix}{kind} {name}", function


def definitions(app: App, namespace: Mapping[str, Any]) -> dict[Item, Any]:
    """Every item of :data:`KINDS` now defined, with the object it holds."""
    items: dict[Item, Any] = {}
    for key, function in _hooks(app.hooks):
        items[("hook", key)] = function
    for (code, cls), handler in app.hooks.error_handlers.items():
        items[("errorhandler", error_label(code, cls))] = handler
    from_blueprints = {
        id(function)
        for blueprint in app.iter_blueprints()
        for table in blueprint.app_jinja.values()
        for function in table.values()
    }
    for kind in JINJA_KINDS:
        for name, value in getattr(app.jinja_env, kind).items():
            if id(value) not in from_blueprints:
                items[(f"template_{kind}", name)] = value
    for name, blueprint in blueprints(app, namespace).items():
        for endpoint, entries in blueprint.routes.items():
            items[("bp_route", f"{name}.{endpoint}")] = entries
        for key, function in _hooks(blueprint.hooks):
            items[("bp_hook", f"{name}.{key}")] = function
        for key, function in _hooks(blueprint.app_hooks, "app_"):
            items[("bp_hook", f"{name}.{key}")] = function
        for (code, cls), handler in blueprint.hooks.error_handlers.items():
            items[("bp_errorhandler", f"{name}.{error_label(code, cls)}")] = handler
    return items


def changed(before: Mapping[Item, Any], after: Mapping[Item, Any]) -> set[Item]:
    """The items that are new in ``after`` or hold another object."""
    missing = object()
    found: set[Item] = set()
    for item, value in after.items():
        old = before.get(item, missing)
        if old is value or (isinstance(value, tuple) and old == value):
            continue
        found.add(item)
    return found


def touched(events: set[tuple[str, str]], after: Mapping[Item, Any]) -> set[Item]:
    """The filters, tests, globals and error handlers the app's change events
    named (re-registering the same object changes nothing the diff sees, but the
    cell still defines it). A hook's event does not say its kind, so hooks are
    left to :func:`still_named`."""
    return {item for item in after if item[0] != "hook" and item in events}


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+")


def still_named(item: Item, source: str) -> bool:
    """Whether the cell's ``source`` still names ``item`` (its name, and a hook's
    kind), so a run that set it again without a change the app saw (``filters["x"]
    = x`` with the same ``x``) does not lose it."""
    kind, key = item
    words = set(_WORD.findall(source))
    if kind in ("hook", "bp_hook"):
        hook_kind, name = key.rsplit(" ", 1)
        base = hook_kind.rsplit(".", 1)[-1].removeprefix("app_")
        return name in words and any(w.replace("app_", "") == base for w in words)
    return key.rsplit(".", 1)[-1] in words


def remove_definition(
    app: App, namespace: Mapping[str, Any], kind: str, key: str
) -> None:
    """Take the item ``(kind, key)`` away, if it is still there."""
    if kind == "hook":
        hook_kind, name = key.split(" ", 1)
        app.remove_hook(name, hook_kind)
    elif kind == "errorhandler":
        _remove_handler(app.hooks, app, key)
    elif kind.startswith("template_"):
        if key in getattr(app.jinja_env, kind[len("template_") :]):
            getattr(app, f"remove_{kind[:-1]}")(key)
    else:
        scope, _, rest = key.partition(".")
        blueprint = blueprints(app, namespace).get(scope)
        if blueprint is None:
            return
        if kind == "bp_route" and rest in blueprint.routes:
            blueprint.remove_route(rest)
        elif kind == "bp_hook":
            hook_kind, name = rest.split(" ", 1)
            blueprint.remove_hook(name, hook_kind.removeprefix("app_"))
        elif kind == "bp_errorhandler":
            _remove_handler(blueprint.hooks, blueprint, rest)


def _remove_handler(hooks: Hooks, owner: App | Blueprint, label: str) -> None:
    for code, cls in list(hooks.error_handlers):
        if error_label(code, cls) == label:
            owner.remove_error_handler(cls)
