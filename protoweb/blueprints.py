"""Blueprints: routes, hooks and handlers made without an app, registered later.

As in Flask, everything a blueprint holds is applied when
``app.register_blueprint(bp)`` runs. Unlike Flask, nothing is frozen: registering
a blueprint again under the same name replaces everything the earlier
registration added, in one swap of the route table, and anything added to (or
removed from) a registered blueprint goes live at once, because the blueprint
registers itself again on every app it is registered on.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .app_templates import _jinja_decorator
from .hooks import ErrorKey, Hooks
from .scaffold import Scaffold, endpoint_from_view

if TYPE_CHECKING:
    from .app import App

F = TypeVar("F", bound=Callable[..., Any])
DeferredSetupFunction = Callable[["BlueprintSetupState"], None]

_MISSING: Any = object()


class BlueprintSetupState:
    """A blueprint's registration on one app, handed to :meth:`Blueprint.record`
    callbacks (Flask's ``BlueprintSetupState``)."""

    def __init__(
        self,
        blueprint: Blueprint,
        app: App,
        options: dict[str, Any],
        first_registration: bool,
    ) -> None:
        self.app = app
        self.blueprint = blueprint
        self.options = options
        self.first_registration = first_registration
        subdomain = options.get("subdomain")
        self.subdomain = blueprint.subdomain if subdomain is None else subdomain
        url_prefix = options.get("url_prefix")
        self.url_prefix = blueprint.url_prefix if url_prefix is None else url_prefix
        self.name: str = options.get("name", blueprint.name)
        self.name_prefix: str = options.get("name_prefix", "")
        self.url_defaults = dict(blueprint.url_values_defaults)
        self.url_defaults.update(options.get("url_defaults", ()))

    @property
    def full_name(self) -> str:
        """The dotted name endpoints and hooks are filed under (``parent.child``)."""
        return f"{self.name_prefix}.{self.name}".lstrip(".")

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Callable[..., Any] | None = None,
        **options: Any,
    ) -> None:
        """Register a rule on the app, with the blueprint's prefix, subdomain,
        defaults and dotted endpoint name."""
        if self.url_prefix is not None:
            if rule:
                rule = "/".join((self.url_prefix.rstrip("/"), rule.lstrip("/")))
            else:
                rule = self.url_prefix
        options.setdefault("subdomain", self.subdomain)
        if endpoint is None:
            endpoint = endpoint_from_view(view_func)
        defaults = self.url_defaults
        if "defaults" in options:
            defaults = dict(defaults, **options.pop("defaults"))
        self.app.add_url_rule(
            rule,
            f"{self.full_name}.{endpoint}",
            view_func,
            defaults=defaults or None,
            **options,
        )


class Blueprint(Scaffold):
    """A group of routes, hooks, handlers, filters and templates, registered on an
    app with :meth:`App.register_blueprint <protoweb.App.register_blueprint>`.

    :param name: the name, prefixed to each endpoint (``"auth.login"``).
    :param import_name: the module defining it, usually ``__name__``.
    :param static_folder: a static folder of its own (none by default).
    :param static_url_path: the URL of its static files.
    :param template_folder: a template folder added to the app's search path,
        after the app's own.
    :param url_prefix: a path prepended to all its rules.
    :param subdomain: the subdomain its rules match by default.
    :param url_defaults: default view arguments for all its rules.
    :param root_path: the folder the other paths are relative to.
    :param cli_group: the name of its ``protoweb`` CLI group (``None``: its
        commands join the app's group).

    .. code-block:: python

        bp = Blueprint("auth", __name__, url_prefix="/auth")

        @bp.route("/login")
        def login():
            return "log in"

        app.register_blueprint(bp)   # /auth/login, endpoint "auth.login"
    """

    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None,
        subdomain: str | None = None,
        url_defaults: dict[str, Any] | None = None,
        root_path: str | None = None,
        cli_group: str | None = _MISSING,
    ) -> None:
        super().__init__(
            import_name, static_folder, static_url_path, template_folder, root_path
        )
        if not name:
            raise ValueError("'name' may not be empty.")
        if "." in name:
            raise ValueError("'name' may not contain a dot '.' character.")
        self.name = name
        self.url_prefix = url_prefix
        self.subdomain = subdomain
        self.url_values_defaults = url_defaults or {}
        self.cli_group = cli_group
        self.view_functions: dict[str, Callable[..., Any]] = {}
        self.deferred_functions: list[DeferredSetupFunction] = []
        #: Routes by local endpoint: [(rule, view, options), ...].
        self._routes: dict[str, list[tuple[str, Any, dict[str, Any]]]] = {}
        self._blueprints: list[tuple[Blueprint, dict[str, Any]]] = []
        #: What applies app-wide: before_app_request, app_errorhandler, ...
        self.app_hooks = Hooks()
        self.app_jinja: dict[str, dict[str, Any]] = {
            "filters": {},
            "tests": {},
            "globals": {},
        }
        #: Where it is registered: (app, name of the top-level registration).
        self._registrations: list[tuple[App, str]] = []
        self._cli: Any = None

    @property
    def cli(self) -> Any:
        """The blueprint's click group (:class:`protoweb.cli.AppGroup`), made on
        first use."""
        if self._cli is None:
            from .cli import AppGroup

            self._cli = AppGroup()
        return self._cli

    def _registered(self, kind: str, name: str) -> None:
        """Go live: register again on every app this blueprint is registered on."""
        for app, key in list(self._registrations):
            app._reregister_blueprint(key)

    def _added_to(self, app: App, key: str) -> None:
        if not any(a is app and k == key for a, k in self._registrations):
            self._registrations.append((app, key))

    def _removed_from(self, app: App, key: str) -> None:
        self._registrations = [
            (a, k) for a, k in self._registrations if not (a is app and k == key)
        ]

    # Recording.

    def record(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` whenever the blueprint is registered on an app."""
        self.deferred_functions.append(func)
        self._registered("record", getattr(func, "__name__", "record"))

    def record_once(self, func: DeferredSetupFunction) -> None:
        """Like :meth:`record`, but only on the first registration on an app."""

        def once(state: BlueprintSetupState) -> None:
            if state.first_registration:
                func(state)

        once.__name__ = getattr(func, "__name__", "record_once")
        self.record(once)

    def make_setup_state(
        self, app: App, options: dict[str, Any], first_registration: bool = False
    ) -> BlueprintSetupState:
        return BlueprintSetupState(self, app, options, first_registration)

    # Routes.

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Callable[..., Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: Any,
    ) -> None:
        """Add a rule (prefixed with ``url_prefix``; endpoint ``"<name>.<endpoint>"``
        on the app). An endpoint added again with another view replaces the old."""
        if endpoint and "." in endpoint:
            raise ValueError("'endpoint' may not contain a dot '.' character.")
        if view_func is not None and "." in getattr(view_func, "__name__", ""):
            raise ValueError("'view_func' name may not contain a dot '.' character.")
        name = endpoint or endpoint_from_view(view_func)
        if provide_automatic_options is not None:
            options["provide_automatic_options"] = provide_automatic_options
        entry = (rule, view_func, options)
        entries = self._routes.get(name, [])
        same_view = all(
            view_func is None or v is None or v == view_func for _, v, _ in entries
        )
        self._routes = {
            **self._routes,
            name: [*entries, entry] if entries and same_view else [entry],
        }
        self._registered("route", name)

    @property
    def routes(self) -> dict[str, tuple[tuple[str, Any, dict[str, Any]], ...]]:
        """The routes added here: local endpoint -> ``(rule, view, options)``
        entries (a snapshot)."""
        return {name: tuple(entries) for name, entries in self._routes.items()}

    def remove_route(self, endpoint: str) -> None:
        """Remove the endpoint ``endpoint`` (its local name) and its rules.

        :raises KeyError: the blueprint has no such endpoint.
        """
        if endpoint not in self._routes:
            raise KeyError(f"blueprint {self.name!r} has no endpoint {endpoint!r}")
        self._routes = {k: v for k, v in self._routes.items() if k != endpoint}
        self._registered("route", endpoint)

    def endpoint(self, endpoint: str) -> Callable[[F], F]:
        """Decorate the view of ``endpoint`` (``"<name>.<endpoint>"`` on the app)."""

        def decorator(f: F) -> F:
            self.view_functions = {**self.view_functions, endpoint: f}
            self._registered("route", endpoint)
            return f

        return decorator

    def register_blueprint(self, blueprint: Blueprint, **options: Any) -> None:
        """Nest ``blueprint`` in this one (endpoints ``"<name>.<child>.<view>"``,
        prefixes joined). Registering the same name again replaces it."""
        if blueprint is self:
            raise ValueError("Cannot register a blueprint on itself")
        name = options.get("name", blueprint.name)
        kept = [
            (bp, opts)
            for bp, opts in self._blueprints
            if opts.get("name", bp.name) != name
        ]
        self._blueprints = [*kept, (blueprint, options)]
        self._registered("blueprint", name)

    # What applies to the whole app.

    def before_app_request(self, f: F) -> F:
        """Like :meth:`before_request`, for every request of the app."""
        return self._add_hook("before_request", f, self.app_hooks)

    def after_app_request(self, f: F) -> F:
        """Like :meth:`after_request`, for every request of the app."""
        return self._add_hook("after_request", f, self.app_hooks)

    def teardown_app_request(self, f: F) -> F:
        """Like :meth:`teardown_request`, for every request of the app."""
        return self._add_hook("teardown_request", f, self.app_hooks)

    def app_context_processor(self, f: F) -> F:
        """Like :meth:`context_processor`, for every template the app renders."""
        return self._add_hook("context_processor", f, self.app_hooks)

    def app_url_value_preprocessor(self, f: F) -> F:
        """Like :meth:`url_value_preprocessor`, for every request of the app."""
        return self._add_hook("url_value_preprocessor", f, self.app_hooks)

    def app_url_defaults(self, f: F) -> F:
        """Like :meth:`url_defaults`, for every URL the app builds."""
        return self._add_hook("url_defaults", f, self.app_hooks)

    def app_errorhandler(self, code: ErrorKey) -> Callable[[F], F]:
        """Like :meth:`errorhandler`, for errors anywhere in the app."""

        def decorator(f: F) -> F:
            self._add_error_handler(code, f, self.app_hooks)
            return f

        return decorator

    def remove_hook(self, name: str, kind: str | None = None) -> None:
        """Remove the hooks named ``name`` (of one ``kind``, or of any),
        blueprint-wide and app-wide."""
        self.hooks.remove(name, kind)
        self.app_hooks.remove(name, kind)
        self._registered("hook", name)

    def _add_app_jinja(self, kind: str, f: Callable[..., Any], name: str | None):
        self.app_jinja = {**self.app_jinja, kind: {**self.app_jinja[kind]}}
        self.app_jinja[kind][name or f.__name__] = f
        self._registered("template_" + kind, name or f.__name__)

    def app_template_filter(self, name: str | None = None) -> Callable[[F], F]:
        """Decorate a Jinja filter for the app's templates (as ``name``)."""
        return _jinja_decorator(self.add_app_template_filter, name)

    def add_app_template_filter(
        self, f: Callable[..., Any], name: str | None = None
    ) -> None:
        self._add_app_jinja("filters", f, name)

    def app_template_test(self, name: str | None = None) -> Callable[[F], F]:
        """Decorate a Jinja test for the app's templates (as ``name``)."""
        return _jinja_decorator(self.add_app_template_test, name)

    def add_app_template_test(
        self, f: Callable[..., Any], name: str | None = None
    ) -> None:
        self._add_app_jinja("tests", f, name)

    def app_template_global(self, name: str | None = None) -> Callable[[F], F]:
        """Decorate a Jinja global for the app's templates (as ``name``)."""
        return _jinja_decorator(self.add_app_template_global, name)

    def add_app_template_global(
        self, f: Callable[..., Any], name: str | None = None
    ) -> None:
        self._add_app_jinja("globals", f, name)

    # Registration on an app (called by App.register_blueprint).

    def register(self, app: App, options: dict[str, Any]) -> None:
        """Add everything to ``app`` (into the layer being built for it)."""
        registry = app._registry
        layer = registry.writing_layer()
        state = self.make_setup_state(
            app, options, first_registration=registry.first_registration_of(self)
        )
        name = state.full_name
        layer.blueprints[name] = self
        if self.has_static_folder:
            state.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                view_func=self.send_static_file,
                endpoint="static",
            )
        for endpoint, entries in self._routes.items():
            for rule, view, rule_options in entries:
                state.add_url_rule(rule, endpoint, view, **dict(rule_options))
        for endpoint, view in self.view_functions.items():
            app._set_view(f"{name}.{endpoint}", view)
        if self.hooks:
            layer.scope(name).update(self.hooks)
        if state.first_registration:
            if self.app_hooks:
                layer.scope(None).update(self.app_hooks)
            for kind, functions in self.app_jinja.items():
                layer.jinja[kind].update(functions)
        loader = self.jinja_loader
        if loader is not None:
            layer.template_loaders.append(loader)
        for deferred in self.deferred_functions:
            deferred(state)
        if self._cli is not None and self._cli.commands:
            self._register_cli(app, options, name)
        for child, child_options in self._blueprints:
            child._added_to(app, registry.writing_key())
            child.register(app, _nested_options(state, child, child_options, name))

    def _register_cli(self, app: App, options: dict[str, Any], name: str) -> None:
        group = options.get("cli_group", self.cli_group)
        if group is None:
            app.cli.commands.update(self._cli.commands)
        else:
            self._cli.name = name if group is _MISSING else group
            app.cli.add_command(self._cli)


def _nested_options(
    state: BlueprintSetupState,
    child: Blueprint,
    options: dict[str, Any],
    parent_name: str,
) -> dict[str, Any]:
    """A nested blueprint's options: subdomains and prefixes joined, as Flask."""
    options = dict(options)
    subdomain = options.get("subdomain")
    if subdomain is None:
        subdomain = child.subdomain
    if state.subdomain is not None and subdomain is not None:
        options["subdomain"] = f"{subdomain}.{state.subdomain}"
    elif subdomain is not None:
        options["subdomain"] = subdomain
    elif state.subdomain is not None:
        options["subdomain"] = state.subdomain
    prefix = options.get("url_prefix")
    if prefix is None:
        prefix = child.url_prefix
    if state.url_prefix is not None and prefix is not None:
        options["url_prefix"] = f"{state.url_prefix.rstrip('/')}/{prefix.lstrip('/')}"
    elif prefix is not None:
        options["url_prefix"] = prefix
    elif state.url_prefix is not None:
        options["url_prefix"] = state.url_prefix
    options["name_prefix"] = parent_name
    return options
