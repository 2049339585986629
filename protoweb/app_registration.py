"""Live registration: routes and blueprints added, replaced and removed while the
app serves. Every change builds a new route table and swaps one reference (see
:mod:`protoweb.registry`), then tells the change listeners (the live server's
reload, the notebook panel). Async views and hooks are wrapped here, once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .asyncio_bridge import async_to_sync, ensure_sync
from .registry import merge
from .routing import bind_rule, compile_rule
from .scaffold import endpoint_from_view

if TYPE_CHECKING:
    from werkzeug.routing import Rule

    from .blueprints import Blueprint
    from .config import Config
    from .listeners import Listeners
    from .registry import Registry
    from .routing import Endpoint, RouteTable, UrlMap, ViewFunc

ChangeListener = Callable[[str, str], None]


class LiveRegistration:
    """Route, blueprint and change-listener registration, mixed into
    :class:`~protoweb.App` (which sets these attributes up)."""

    config: Config
    url_map: UrlMap
    url_rule_class: type[Rule]
    blueprints: dict[str, Blueprint]
    _registry: Registry
    _table: RouteTable
    _listeners: Listeners[[str, str]]

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: ViewFunc | None = None,
        provide_automatic_options: bool | None = None,
        **options: Any,
    ) -> None:
        """Route ``rule`` to ``view_func`` (or only name its endpoint, for a view
        given later with :meth:`endpoint` or ``app.view_functions``).

        Registering an endpoint again with another view replaces the old view and
        its rules; with the same view, the rule is added.

        :param rule: the URL rule, with Werkzeug converters (``/user/<int:id>``).
        :param endpoint: the endpoint's name, by default the function's name.
        :param view_func: the view; its parameters are the rule's variables (and
            ``request``, if it wants the request passed in).
        :param provide_automatic_options: answer ``OPTIONS`` automatically (by
            default unless ``OPTIONS`` is in ``methods``).
        :param options: Werkzeug :class:`~werkzeug.routing.Rule` options:
            ``methods`` (``GET`` by default, and so ``HEAD``), ``defaults``,
            ``subdomain``, ``host``, ``strict_slashes``, ``redirect_to``, ...
        :raises ValueError: the rule does not parse; nothing is changed.
        """
        name = endpoint if endpoint is not None else endpoint_from_view(view_func)
        methods = options.pop("methods", None)
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError(
                "Allowed methods must be a list of strings, for example:"
                ' @app.route(..., methods=["POST"])'
            )
        method_set = {m.upper() for m in methods}
        method_set |= set(getattr(view_func, "required_methods", ()))
        if provide_automatic_options is None:
            provide_automatic_options = getattr(
                view_func, "provide_automatic_options", None
            )
        if provide_automatic_options is None:
            provide_automatic_options = "OPTIONS" not in method_set and bool(
                self.config.get("PROVIDE_AUTOMATIC_OPTIONS", True)
            )
        if provide_automatic_options:
            method_set.add("OPTIONS")
        compiled = compile_rule(
            rule, name, method_set, self.url_map, self.url_rule_class, **options
        )
        self._add_compiled(compiled, view_func, provide_automatic_options)

    def _add_compiled(
        self, rule: Rule, view: ViewFunc | None, auto_options: bool
    ) -> None:
        self._registry.add_rule(rule, view, auto_options)
        self._registered("route", rule.endpoint)

    def _add_rule_object(self, rule: Rule) -> None:
        """``app.url_map.add(Rule(...))``: the rule's view is the endpoint's."""
        if rule.map is None:
            bind_rule(rule, self.url_map)
        auto_options = bool(getattr(rule, "provide_automatic_options", False))
        self._add_compiled(rule, None, auto_options)

    def _set_view(self, endpoint: str, view: ViewFunc | None) -> None:
        """Give ``endpoint`` another view (``None``: none), keeping its rules."""
        self._registry.set_view(endpoint, view)
        self._registered("route", endpoint)

    def remove_route(self, endpoint: str) -> None:
        """Remove ``endpoint`` and all its rules (from a blueprint's registration
        too, until that blueprint is registered again).

        :raises KeyError: there is no such endpoint.
        """
        self._registry.remove_route(endpoint)
        self._registered("route", endpoint)

    @property
    def endpoints(self) -> dict[str, Endpoint]:
        """The current endpoints by name (a snapshot)."""
        return dict(self._table.endpoints)

    def register_blueprint(self, blueprint: Blueprint, **options: Any) -> None:
        """Register ``blueprint``'s routes, hooks, handlers and filters.

        Registering a blueprint again under the same name (the same object, or a
        new one, as a re-run cell makes) replaces everything the earlier
        registration added, in one swap.

        :param options: ``url_prefix``, ``subdomain``, ``url_defaults`` and
            ``name`` override the blueprint's own; ``cli_group`` as in Flask.
        """
        name = options.get("name", blueprint.name)
        if not name or "." in name:
            raise ValueError(f"blueprint name {name!r} may not be empty or dotted.")
        self._registry.register(name, blueprint, options)
        self._changed("blueprint", name)

    def iter_blueprints(self) -> Iterable[Blueprint]:
        """The registered blueprints, in registration order."""
        return iter(list(self.blueprints.values()))

    def remove_blueprint(self, name: str) -> None:
        """Remove everything the blueprint registered as ``name`` added.

        :raises KeyError: no blueprint is registered under that name.
        """
        self._registry.remove_blueprint(name)
        self._changed("blueprint", name)

    def _reregister_blueprint(self, key: str) -> None:
        """A registered blueprint changed: register it again, live."""
        if self._registry.register_again(key):
            self._changed("blueprint", key)

    def _registered(self, kind: str, name: str) -> None:
        """A registration changed: swap in a new table (once per blueprint
        registration) and tell the listeners."""
        if self._registry.commit():
            self._changed(kind, name)

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """``func`` if it is a plain function, else :meth:`async_to_sync` of it;
        applied once when a view, hook or error handler is registered."""
        if ensure_sync(func) is func:
            return func
        return self.async_to_sync(func)

    def async_to_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """A plain function running the ``async def`` ``func`` to completion in
        an event loop of its own (see :mod:`protoweb.asyncio_bridge`)."""
        return async_to_sync(func)

    def _scopes(self) -> Mapping[str | None, Any]:
        return merge(self._registry.layers)[1]

    def _template_changed(self, name: str) -> None:
        self._changed("template", name)

    def _static_changed(self, name: str) -> None:
        self._changed("static", name)

    def add_change_listener(self, listener: ChangeListener) -> None:
        """Call ``listener(kind, name)`` after every change (route, template, ...)."""
        self._listeners.add(listener)

    def remove_change_listener(self, listener: ChangeListener) -> None:
        self._listeners.remove(listener)

    def _changed(self, kind: str, name: str) -> None:
        self._listeners.notify(kind, name)
