"""What an app serves, in layers: its own registrations, and each blueprint's.

Every registration lands in one :class:`Layer`: the app's own, or the layer of the
blueprint registration being made. Registering a blueprint again (same name) builds
a fresh layer and replaces the old one whole, so whatever the old registration
added (routes, hooks, handlers, filters, template folders) is gone in the same swap.
:func:`merge` folds the layers into what one route table snapshot needs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

from .hooks import KINDS, Hooks, PlanBook
from .routing import Route, RouteTable

if TYPE_CHECKING:
    from jinja2 import BaseLoader
    from werkzeug.routing import Rule

    from .app import App
    from .blueprints import Blueprint

JINJA_KINDS = ("filters", "tests", "globals")
#: The key of the app's own layer (a blueprint's layer is keyed by its name).
OWN = ""


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


class Registry:
    """An app's registrations, in layers, folded into route table snapshots.

    Every change is made under one lock and ends with one new
    :class:`~protoweb.routing.RouteTable` assigned to ``app._table``; while a
    blueprint registers, its changes collect in its new layer and are swapped in
    together when it is done.
    """

    def __init__(self, app: App) -> None:
        self.app = app
        self.lock = threading.RLock()
        self.layers: dict[str, Layer] = {OWN: Layer()}
        self.layers[OWN].scopes[None] = app.hooks
        self._building: tuple[str, Layer] | None = None
        self._jinja: dict[str, dict[str, Any]] = {k: {} for k in JINJA_KINDS}

    def writing_layer(self) -> Layer:
        """The layer registrations go to now: a blueprint's while it registers."""
        building = self._building
        return building[1] if building is not None else self.layers[OWN]

    def writing_key(self) -> str:
        building = self._building
        return building[0] if building is not None else OWN

    def first_registration_of(self, blueprint: Blueprint) -> bool:
        """Whether ``blueprint`` is in no other registration on this app."""
        key = self.writing_key()
        return not any(
            blueprint in layer.blueprints.values()
            for name, layer in self.layers.items()
            if name != key
        )

    def commit(self) -> bool:
        """Swap in a new table for what changed, unless a blueprint is being
        registered (that swaps once, at its end); whether it swapped."""
        with self.lock:
            if self._building is not None:
                return False
            self.rebuild()
            return True

    def add_rule(self, rule: Rule, view: Callable[..., Any] | None, auto: bool) -> None:
        """Add a compiled rule; a new view for its endpoint replaces the old one
        and its rules, the same view (or none) adds the rule."""
        name = rule.endpoint
        with self.lock:
            layer = self.writing_layer()
            existing = layer.routes.get(name)
            if existing is None and view is None:
                existing = self.app._table.routes.get(name)
            if existing is not None and (view is None or existing.view == view):
                route = existing.with_rule(rule)
            else:
                route = Route(name, view, (rule,), auto)
            layer.routes = {**layer.routes, name: route}

    def set_view(self, endpoint: str, view: Callable[..., Any] | None) -> None:
        """Give ``endpoint`` another view (``None``: none), keeping its rules."""
        with self.lock:
            layer = self.writing_layer()
            if self._building is None:
                holders = [x for x in self.layers.values() if endpoint in x.routes]
                layer = holders[-1] if holders else layer
            route = layer.routes.get(endpoint) or Route(endpoint, None, (), True)
            layer.routes = {**layer.routes, endpoint: route.with_view(view)}

    def remove_route(self, endpoint: str) -> None:
        """Remove ``endpoint`` from every layer holding it.

        :raises KeyError: there is no such endpoint.
        """
        with self.lock:
            if endpoint not in self.app._table.routes:
                raise KeyError(f"no route with endpoint {endpoint!r}")
            for layer in self.layers.values():
                if endpoint in layer.routes:
                    layer.routes = {
                        k: v for k, v in layer.routes.items() if k != endpoint
                    }

    def register(self, key: str, blueprint: Blueprint, options: dict[str, Any]):
        """Register ``blueprint`` into a fresh layer ``key`` and swap it in whole,
        in place of the layer an earlier registration under ``key`` made."""
        with self.lock:
            layer = Layer((blueprint, options))
            outer = self._building
            self._building = (key, layer)
            try:
                blueprint._added_to(self.app, key)
                blueprint.register(self.app, options)
            finally:
                self._building = outer
            old = self.layers.get(key)
            if old is not None:
                for replaced in old.blueprints.values():
                    if replaced not in layer.blueprints.values():
                        replaced._removed_from(self.app, key)
            self.layers = {**self.layers, key: layer}
            self.rebuild()

    def register_again(self, key: str) -> bool:
        """Register the blueprint of layer ``key`` again (it changed); whether
        there was one to register."""
        with self.lock:
            layer = self.layers.get(key)
            if layer is None or layer.source is None or self._building is not None:
                return False
            self.register(key, *layer.source)
            return True

    def remove_blueprint(self, key: str) -> None:
        """Drop the layer of the blueprint registered as ``key``.

        :raises KeyError: there is none.
        """
        with self.lock:
            layer = self.layers.get(key)
            if layer is None or layer.source is None:
                raise KeyError(f"no blueprint registered as {key!r}")
            self.layers = {k: v for k, v in self.layers.items() if k != key}
            for blueprint in layer.blueprints.values():
                blueprint._removed_from(self.app, key)
            self.rebuild()

    def rebuild(self) -> None:
        """Fold the layers into a new route table and swap it in."""
        app = self.app
        routes, scopes = merge(self.layers)
        self._apply_jinja()
        app.blueprints = {
            name: bp
            for layer in self.layers.values()
            for name, bp in layer.blueprints.items()
        }
        app.blueprint_template_loaders = tuple(
            loader
            for layer in self.layers.values()
            for loader in layer.template_loaders
        )
        plans = PlanBook(scopes, app.ensure_sync)
        app._table = RouteTable(routes, plans, app.ensure_sync, app.url_map, app._table)

    def _apply_jinja(self) -> None:
        """Put the blueprints' app-wide filters, tests and globals in the Jinja
        environment, removing the ones a replaced registration had added."""
        new: dict[str, dict[str, Any]] = {kind: {} for kind in JINJA_KINDS}
        for key, layer in self.layers.items():
            if key != OWN:
                for kind in JINJA_KINDS:
                    new[kind].update(layer.jinja[kind])
        for kind in JINJA_KINDS:
            target = getattr(self.app.jinja_env, kind)
            for name, value in self._jinja[kind].items():
                if target.get(name) is value and name not in new[kind]:
                    del target[name]
            target.update(new[kind])
        self._jinja = new


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
