"""The route table: one immutable snapshot, rebuilt and swapped whole on every change.

A request reads :attr:`App._table` once and works on that snapshot only, so a
registration that happens meanwhile is seen by the next request, never half-seen by
this one. Werkzeug compiles each :class:`~werkzeug.routing.Rule` once, against the
app's own :class:`UrlMap` (so the app's converters and settings apply); a new
snapshot only reassembles the matcher from compiled rules, which keeps replacing a
route cheap (well under a millisecond for a hundred routes). A change of hooks alone
keeps the matcher and only rewires the endpoints.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, MapAdapter, Rule, RuleFactory

from .hooks import EMPTY_PLAN, Plan

if TYPE_CHECKING:
    from .app import App
    from .matching import FastMatcher

ViewFunc = Callable[..., Any]
NO_ARGS: Mapping[str, Any] = {}


class Route:
    """What was registered for one endpoint: its view (maybe not yet) and rules."""

    __slots__ = ("name", "view", "rules", "auto_options", "takes_request", "_call")

    def __init__(
        self,
        name: str,
        view: ViewFunc | None,
        rules: tuple[Rule, ...],
        auto_options: bool,
    ) -> None:
        self.name = name
        self.view = view
        self.rules = rules
        self.auto_options = auto_options
        self.takes_request = _takes_request(view)
        self._call: ViewFunc | None = None

    def call(self, wrap: Callable[[ViewFunc], ViewFunc]) -> ViewFunc:
        """What a request calls: the view through ``wrap`` (the app's
        ``ensure_sync``), worked out once per route."""
        call = self._call
        if call is None:
            view = self.view
            call = self._call = (
                wrap(view) if view is not None else _missing_view(self.name)
            )
        return call

    def with_rule(self, rule: Rule) -> Route:
        """A copy that also answers ``rule``."""
        copy = Route.__new__(Route)
        copy.name, copy.view, copy.rules = self.name, self.view, (*self.rules, rule)
        copy.auto_options, copy.takes_request = self.auto_options, self.takes_request
        copy._call = self._call
        return copy

    def with_view(self, view: ViewFunc | None) -> Route:
        """A copy with another view."""
        return Route(self.name, view, self.rules, self.auto_options)

    def __repr__(self) -> str:
        rules = ", ".join(rule.rule for rule in self.rules)
        return f"<Route {self.name!r} [{rules}]>"


class Endpoint:
    """A route wired for requests: the callable view and the hooks its requests run.

    ``view`` is the function as registered; ``call`` is what a request calls (the
    view made synchronous if it is ``async def``, or an error if there is no view).
    """

    __slots__ = (
        "name",
        "view",
        "call",
        "rules",
        "takes_request",
        "auto_options",
        "plan",
        "prepare",
        "direct",
        "after",
        "teardown",
    )

    def __init__(self, route: Route, call: ViewFunc, plan: Plan) -> None:
        self.name = route.name
        self.view = route.view
        self.call = call
        self.rules = route.rules
        self.auto_options = route.auto_options
        self.takes_request = route.takes_request
        self.plan = plan
        self.prepare = bool(plan.preprocess or plan.before)
        #: Called as ``call(**view_args)``, with no hooks before it.
        self.direct = not (self.prepare or self.takes_request)
        self.after = plan.after
        self.teardown = plan.teardown

    def answering(self, call: ViewFunc) -> Endpoint:
        """A copy whose view is ``call()`` (the automatic ``OPTIONS`` answer)."""
        copy = Endpoint(Route(self.name, None, self.rules, False), call, self.plan)
        copy.view = self.view
        return copy

    @property
    def blueprint(self) -> str | None:
        """The blueprint (dotted, for nested ones) this endpoint belongs to."""
        return blueprint_of(self.name)

    def __repr__(self) -> str:
        rules = ", ".join(rule.rule for rule in self.rules)
        return f"<Endpoint {self.name!r} [{rules}]>"


def blueprint_of(endpoint: str | None) -> str | None:
    """``"admin.users.list"`` belongs to blueprint ``"admin.users"``, as in Flask."""
    if endpoint is None or "." not in endpoint:
        return None
    return endpoint.rpartition(".")[0]


def _takes_request(view: ViewFunc | None) -> bool:
    if view is None:
        return False
    import inspect  # at registration only: not worth its import time up front

    try:
        return "request" in inspect.signature(view).parameters
    except (TypeError, ValueError):
        return False


class UrlMap(Map):
    """``app.url_map``: the app's own Werkzeug map, safe to use while it serves.

    Its settings and ``converters`` are the app's: set
    ``app.url_map.converters["list"] = ListConverter`` before adding a rule that uses
    it, as in Flask. Rules are compiled against it, but held by the app's current
    snapshot: ``iter_rules``, ``bind`` and ``bind_to_environ`` read that snapshot,
    and ``add(Rule(...))`` registers the rule through the app, live.
    """

    def __init__(self, app: App, **settings: Any) -> None:
        super().__init__(**settings)
        self._app = app

    def _snapshot(self) -> Map:
        return self._app._table.map

    def add(self, rulefactory: RuleFactory) -> None:
        """Add a rule (or rule factory) to the app now; its view is looked up in
        ``app.view_functions`` by endpoint, as Flask's dispatch does."""
        for rule in rulefactory.get_rules(self):
            self._app._add_rule_object(rule)

    def iter_rules(self, endpoint: Any | None = None) -> Iterator[Rule]:
        return self._snapshot().iter_rules(endpoint)

    def is_endpoint_expecting(self, endpoint: Any, *arguments: str) -> bool:
        return self._snapshot().is_endpoint_expecting(endpoint, *arguments)

    def bind(self, *args: Any, **kwargs: Any) -> MapAdapter:
        return self._snapshot().bind(*args, **kwargs)

    def bind_to_environ(self, *args: Any, **kwargs: Any) -> MapAdapter:
        return self._snapshot().bind_to_environ(*args, **kwargs)

    def update(self) -> None:
        """Nothing to do: every snapshot is complete when it is made."""

    def new_snapshot_map(self) -> Map:
        """An empty map with this map's settings, to hold one snapshot's rules."""
        snapshot = Map(
            default_subdomain=self.default_subdomain,
            strict_slashes=self.strict_slashes,
            merge_slashes=self.merge_slashes,
            redirect_defaults=self.redirect_defaults,
            sort_parameters=self.sort_parameters,
            sort_key=self.sort_key,
            host_matching=self.host_matching,
        )
        snapshot.converters = self.converters
        return snapshot

    def __repr__(self) -> str:
        return repr(self._snapshot())


def compile_rule(
    rule: str,
    endpoint: str,
    methods: Iterable[str] | None,
    url_map: Map | None = None,
    rule_class: type[Rule] = Rule,
    **options: Any,
) -> Rule:
    """Parse and compile one rule, raising :class:`ValueError` on a bad one.

    :param rule: the URL rule, e.g. ``/user/<int:id>``.
    :param endpoint: the endpoint the rule leads to.
    :param methods: the HTTP methods it allows (HEAD comes with GET).
    :param url_map: the map whose converters and settings apply (the app's
        ``url_map``); a plain default map if not given.
    :param rule_class: the class of the rule (the app's ``url_rule_class``).
    """
    if not isinstance(rule, str) or not rule.startswith("/"):
        raise ValueError(f"route {rule!r} is not a valid rule: it must start with '/'")
    try:
        compiled = rule_class(rule, endpoint=endpoint, methods=methods, **options)
    except (ValueError, LookupError, SyntaxError, TypeError) as error:
        raise ValueError(f"route {rule!r} is not a valid rule: {error}") from None
    return bind_rule(compiled, url_map)


def bind_rule(rule: Rule, url_map: Map | None = None) -> Rule:
    """Compile ``rule`` against ``url_map``, with the rule named in any error."""
    try:
        rule.bind(url_map if url_map is not None else _DEFAULT_MAP)
    except (ValueError, LookupError, SyntaxError) as error:
        raise ValueError(f"route {rule.rule!r} is not a valid rule: {error}") from None
    rule._protoweb_order = next(_ORDER)  # type: ignore[attr-defined]
    return rule


_ORDER = itertools.count()


def registration_order(rule: Rule) -> int:
    """When ``rule`` was compiled: rules are matched in this order."""
    return getattr(rule, "_protoweb_order", 0)


_DEFAULT_MAP = Map(strict_slashes=True, merge_slashes=True)


def add_compiled(url_map: Map, rule: Rule) -> None:
    """Add a rule already compiled (bound to another map) to ``url_map``.

    The one place protoweb touches Werkzeug's private attributes: adding a compiled
    rule without compiling it again. If this Werkzeug lacks them, the public (and
    slower) way is taken: an unbound copy is added and compiled.
    ``tests/core/test_routing.py`` fails loudly when the fast way stops working.
    """
    if _PRIVATE_API:
        if not rule.build_only:
            url_map._matcher.add(rule)
        url_map._rules_by_endpoint.setdefault(rule.endpoint, []).append(rule)
        url_map._remap = True
    else:
        url_map.add(rule.empty())


def _private_api_available() -> bool:
    probe = Map()
    return all(
        hasattr(probe, name) for name in ("_matcher", "_rules_by_endpoint", "_remap")
    ) and callable(getattr(probe._matcher, "add", None))


_PRIVATE_API = _private_api_available()


def _is_static(rule: Rule) -> bool:
    return (
        not rule.arguments
        and not rule.defaults
        and rule.redirect_to is None
        and not rule.build_only
        and not rule.host
        and not rule.subdomain
        and not rule.websocket
    )


def _wsgi_path(path: str) -> str:
    """The form a path takes in ``environ['PATH_INFO']`` (latin-1 of UTF-8)."""
    return path.encode("utf-8").decode("latin-1")


def _raise_routing_error(error: HTTPException) -> Any:
    raise error


class RouteTable:
    """An immutable snapshot of every route: the matcher plus a fast path.

    ``static`` maps a rule without variables, in its ``PATH_INFO`` form, to the
    endpoint and rule that answer it by method, so most requests skip the matcher.
    Anything it does not answer (variables, redirects, 405, OPTIONS, hosts and
    subdomains) goes to Werkzeug. ``unrouted`` stands for "no route matched": it
    runs the app's own hooks, then raises the routing error, as Flask does.
    """

    __slots__ = (
        "routes",
        "endpoints",
        "plans",
        "map",
        "static",
        "matcher",
        "by_host",
        "unrouted",
        "context_processors",
        "_rules",
        "_fast",
    )

    map: Map
    _rules: tuple[Rule, ...]

    def __init__(
        self,
        routes: Mapping[str, Route],
        plans: Callable[[str | None], Plan],
        wrap: Callable[[ViewFunc], ViewFunc],
        url_map: UrlMap | None,
        previous: RouteTable | None = None,
    ) -> None:
        self.routes = routes
        self.plans = plans
        # Registration order, as in Flask: of two rules for the same URL the one
        # registered first answers (a blueprint's view before a later view-less
        # ``app.add_url_rule("/", endpoint="index")``).
        rules = tuple(
            sorted(
                (rule for route in routes.values() for rule in route.rules),
                key=registration_order,
            )
        )
        if previous is not None and _same_rules(previous._rules, rules):
            self.map = previous.map
        else:
            self.map = url_map.new_snapshot_map() if url_map else Map()
            for rule in rules:
                add_compiled(self.map, rule)
            self.map.update()
        self._rules = rules
        endpoints: dict[str, Endpoint] = {}
        static: dict[str, dict[str, tuple[Endpoint, Rule]]] = {}
        for name, route in routes.items():
            plan = plans(blueprint_of(name))
            endpoints[name] = Endpoint(route, route.call(wrap), plan)
        for rule in rules:
            if _is_static(rule) and rule.methods:
                by_method = static.setdefault(_wsgi_path(rule.rule), {})
                for method in rule.methods:
                    if method != "OPTIONS":
                        by_method.setdefault(method, (endpoints[rule.endpoint], rule))
        self.endpoints: Mapping[str, Endpoint] = endpoints
        #: Hosts and subdomains need the request's host to match: no fast path.
        self.by_host = self.map.host_matching or any(r.subdomain for r in rules)
        self.static = {} if self.by_host else static
        #: An adapter for matching only: matching does not depend on the host
        #: (unless ``by_host``), so one adapter serves every request.
        self.matcher = self.map.bind("localhost")
        self.unrouted = Endpoint(
            Route("", None, (), False), _raise_routing_error, plans(None)
        )
        #: Whether any render has context processors to run.
        self.context_processors = any(
            endpoint.plan.context_processors
            for endpoint in (self.unrouted, *endpoints.values())
        )

        self._fast: FastMatcher | None | bool = False

    def fast_matcher(self) -> FastMatcher | None:
        """Werkzeug's answers for the common rules, faster (``None``: use Werkzeug).

        Built on first use, so a cell that registers several routes builds it once.
        """
        fast = self._fast
        if fast is False:
            from .matching import FastMatcher

            fast = self._fast = FastMatcher.build(self.map)
        return fast  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self._rules)


def _same_rules(old: tuple[Rule, ...], new: tuple[Rule, ...]) -> bool:
    return len(old) == len(new) and all(a is b for a, b in zip(old, new, strict=True))


def _missing_view(name: str) -> ViewFunc:
    def missing(**_: Any) -> Any:
        raise LookupError(
            f"endpoint {name!r} has a rule but no view function yet: give it one"
            f" with @app.endpoint({name!r}) or app.view_functions[{name!r}] = view"
        )

    return missing


def rule_methods(rule: Rule) -> list[str]:
    """The methods a rule answers, as shown to users (no HEAD, no OPTIONS)."""
    methods = rule.methods or {"GET"}
    shown = sorted(m for m in methods if m not in ("HEAD", "OPTIONS"))
    return shown or sorted(methods)


__all__ = [
    "EMPTY_PLAN",
    "Endpoint",
    "Route",
    "RouteTable",
    "UrlMap",
    "add_compiled",
    "compile_rule",
    "rule_methods",
    "ViewFunc",
]
