"""What an app serves, in layers: its own registrations, and each blueprint's.

Every registration lands in one :class:`Layer`: the app's own, or the layer of the
blueprint registration being made. Registering a blueprint again (same name) builds
a fresh layer and replaces the old one whole, so whatever the old registration
added (routes, hooks, handlers, filters, template folders) is gone in the same swap.
:func:`merge` folds the layers into what one route table snapshot needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

from .hooks import KINDS, Hooks
from .routing import Route

if TYPE_CHECKING:
    from jinja2 import BaseLoader

    from .app import App
    from .blueprints import Blueprint

JINJA_KINDS = ("filters", "tests", "globals")


class Layer:
    """Everything one registration added to an app.

    :param source: for a blueprint's layer, the blueprint and the options it was
        registered with (to register it again when it changes); ``None`` for the
        app's own layer.
    """

    def __init__(self, source: tuple[Blueprint, dict[str, Any]] | None = None):
        self.source = source
        self.routes: dict[str, Route] = {}
        #: Hooks by scope: ``None`` applies app-wide, a name to that blueprint.
        self.scopes: dict[str | None, Hooks] = {}
        self.jinja: dict[str, dict[str, Any]] = {kind: {} for kind in JINJA_KINDS}
        self.template_loaders: list[BaseLoader] = []
        self.blueprints: dict[str, Blueprint] = {}

    def scope(self, name: str | None) -> Hooks:
        """The hooks of scope ``name`` in this layer, made on first use."""
        hooks = self.scopes.get(name)
        if hooks is None:
            hooks = self.scopes[name] = Hooks()
        return hooks


def merge(
    layers: Mapping[str, Layer],
) -> tuple[dict[str, Route], dict[str | None, Hooks]]:
    """All layers' routes (a later layer wins on a name) and hooks by scope."""
    routes: dict[str, Route] = {}
    scopes: dict[str | None, Hooks] = {}
    for key, layer in layers.items():
        routes.update(layer.routes)
        for name, hooks in layer.scopes.items():
            if not hooks:
                continue
            merged = scopes.get(name)
            if merged is None:
                merged = scopes[name] = Hooks()
            _add_scope(merged, hooks, key)
    return routes, scopes


def _add_scope(merged: Hooks, hooks: Hooks, layer_key: str) -> None:
    """Add ``hooks`` to ``merged``; names are kept apart per layer, so a
    blueprint's ``load_user`` does not replace the app's ``load_user``."""
    merged.funcs = {
        kind: {
            **merged.funcs[kind],
            **{f"{layer_key}:{name}": f for name, f in hooks.funcs[kind].items()},
        }
        for kind in KINDS
    }
    merged.error_handlers = {**merged.error_handlers, **hooks.error_handlers}


class ViewFunctions(MutableMapping[str, Callable[..., Any]]):
    """``app.view_functions``: endpoint -> view, read from and written to the live
    route table (assigning a view goes live with the next request)."""

    def __init__(self, app: App) -> None:
        self._app = app

    def __getitem__(self, endpoint: str) -> Callable[..., Any]:
        route = self._app._table.routes.get(endpoint)
        if route is None or route.view is None:
            raise KeyError(endpoint)
        return route.view

    def __setitem__(self, endpoint: str, view: Callable[..., Any]) -> None:
        if not callable(view):
            raise TypeError(
                f"view_functions[{endpoint!r}] must be callable, not"
                f" {type(view).__name__}"
            )
        self._app._set_view(endpoint, view)

    def __delitem__(self, endpoint: str) -> None:
        if endpoint not in self:
            raise KeyError(endpoint)
        self._app._set_view(endpoint, None)

    def __iter__(self) -> Iterator[str]:
        routes = self._app._table.routes
        return iter([name for name, route in routes.items() if route.view is not None])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return repr(dict(self))
