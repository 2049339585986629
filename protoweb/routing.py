"""The route table: one immutable snapshot, rebuilt and swapped whole on every change.

A request reads :attr:`App._table` once and works on that snapshot only, so a
registration that happens meanwhile is seen by the next request, never half-seen by
this one. Werkzeug compiles each :class:`~werkzeug.routing.Rule` once, when it is
registered; a new snapshot only reassembles the matcher from compiled rules, which
keeps replacing a route cheap (well under a millisecond for a hundred routes).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from werkzeug.routing import Map, Rule

from .matching import FastMatcher

ViewFunc = Callable[..., Any]


class Endpoint:
    """A view and the rules that lead to it, prepared for a fast call."""

    __slots__ = ("name", "view", "rules", "takes_request", "auto_options")

    def __init__(
        self,
        name: str,
        view: ViewFunc,
        rules: tuple[Rule, ...],
        auto_options: bool,
    ) -> None:
        self.name = name
        self.view = view
        self.rules = rules
        self.takes_request = _takes_request(view)
        self.auto_options = auto_options

    def with_rule(self, rule: Rule) -> Endpoint:
        """A copy of this endpoint that also answers ``rule``."""
        return Endpoint(self.name, self.view, (*self.rules, rule), self.auto_options)

    def __repr__(self) -> str:
        rules = ", ".join(rule.rule for rule in self.rules)
        return f"<Endpoint {self.name!r} [{rules}]>"


def _takes_request(view: ViewFunc) -> bool:
    try:
        return "request" in inspect.signature(view).parameters
    except (TypeError, ValueError):
        return False


class _SnapshotMap(Map):
    """A Werkzeug map that accepts rules compiled once against a shared map.

    Binding a rule compiles its matcher and builder (about 0.2 ms each); rules are
    bound once to :data:`RULE_FACTORY` and then shared by every snapshot.
    """

    def add_compiled(self, rule: Rule) -> None:
        if not rule.build_only:
            self._matcher.add(rule)
        self._rules_by_endpoint.setdefault(rule.endpoint, []).append(rule)
        self._remap = True


def _new_map() -> _SnapshotMap:
    return _SnapshotMap(strict_slashes=True, merge_slashes=True)


#: The map every rule is compiled against; it never holds rules itself.
RULE_FACTORY = _new_map()


def compile_rule(
    rule: str, endpoint: str, methods: Iterable[str] | None, **options: Any
) -> Rule:
    """Parse and compile one rule, raising :class:`ValueError` on a bad one.

    :param rule: the URL rule, e.g. ``/user/<int:id>``.
    :param endpoint: the endpoint the rule leads to.
    :param methods: the HTTP methods it allows (HEAD comes with GET).
    """
    if not isinstance(rule, str) or not rule.startswith("/"):
        raise ValueError(f"route {rule!r} is not a valid rule: it must start with '/'")
    try:
        compiled = Rule(rule, endpoint=endpoint, methods=methods, **options)
        compiled.bind(RULE_FACTORY)
    except (ValueError, LookupError, SyntaxError) as error:
        raise ValueError(f"route {rule!r} is not a valid rule: {error}") from None
    return compiled


def _is_static(rule: Rule) -> bool:
    return (
        not rule.arguments
        and not rule.defaults
        and rule.redirect_to is None
        and not rule.build_only
        and not rule.host
        and not rule.subdomain
    )


def _wsgi_path(path: str) -> str:
    """The form a path takes in ``environ['PATH_INFO']`` (latin-1 of UTF-8)."""
    return path.encode("utf-8").decode("latin-1")


class RouteTable:
    """An immutable snapshot of every route: the matcher plus a fast path.

    ``static`` maps a rule without variables, in its ``PATH_INFO`` form, to the
    endpoints that answer it by method, so most requests skip the matcher. Anything
    it does not answer (variables, redirects, 405, OPTIONS) goes to Werkzeug.
    """

    __slots__ = ("endpoints", "map", "static", "matcher", "_fast")

    def __init__(self, endpoints: Mapping[str, Endpoint]) -> None:
        self.endpoints: Mapping[str, Endpoint] = endpoints
        self.map = _new_map()
        static: dict[str, dict[str, Endpoint]] = {}
        for endpoint in endpoints.values():
            for rule in endpoint.rules:
                self.map.add_compiled(rule)
                if _is_static(rule) and rule.methods:
                    by_method = static.setdefault(_wsgi_path(rule.rule), {})
                    for method in rule.methods:
                        if method != "OPTIONS":
                            by_method.setdefault(method, endpoint)
        self.map.update()
        self.static = static
        #: An adapter for matching only: matching does not depend on the host, so
        #: one adapter serves every request; redirects are built per request.
        self.matcher = self.map.bind("localhost")
        self._fast: FastMatcher | None | bool = False

    def fast_matcher(self) -> FastMatcher | None:
        """Werkzeug's answers for the common rules, faster (``None``: use Werkzeug).

        Built on first use, so registering several routes in a row builds it once.
        """
        fast = self._fast
        if fast is False:
            fast = self._fast = FastMatcher.build(self.map)
        return fast  # type: ignore[return-value]

    def replace(self, endpoint: Endpoint) -> RouteTable:
        """A new table where ``endpoint`` is added or replaces its namesake."""
        return RouteTable({**self.endpoints, endpoint.name: endpoint})

    def without(self, name: str) -> RouteTable:
        """A new table without the endpoint ``name``."""
        return RouteTable({k: v for k, v in self.endpoints.items() if k != name})

    def __len__(self) -> int:
        return sum(len(endpoint.rules) for endpoint in self.endpoints.values())


def rule_methods(rule: Rule) -> list[str]:
    """The methods a rule answers, as shown to users (no HEAD, no OPTIONS)."""
    methods = rule.methods or {"GET"}
    shown = sorted(m for m in methods if m not in ("HEAD", "OPTIONS"))
    return shown or sorted(methods)


__all__ = [
    "Endpoint",
    "RouteTable",
    "compile_rule",
    "rule_methods",
    "ViewFunc",
]
