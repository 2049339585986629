"""A fast path in front of Werkzeug's matcher, with Werkzeug's answers.

Werkzeug's :class:`~werkzeug.routing.Map` matches a path by walking a tree of
states (one level per path segment, static transitions before dynamic ones,
dynamic ones by weight). That walk is exact but general: every request pays for
building result lists, re-looking-up compiled patterns and checks for features
most apps never use. :class:`FastMatcher` walks the *same* tree, read once when a
route-table snapshot is made, with the patterns compiled, the converters
resolved and the per-rule decisions taken in advance.

It only ever answers "this rule, with these arguments". Whenever Werkzeug would do
anything else (404, 405, a redirect for a missing slash or merged slashes, an
alias or defaults redirect, a converter that refuses the value), or a rule uses a
feature it does not model (custom converters, ``redirect_to``, websockets,
subdomains and hosts), it returns ``None`` and the caller asks Werkzeug, which
then gives the answer it always gives. Because the walk visits states in
Werkzeug's own order, the first rule it accepts is the rule Werkzeug would pick:
``tests/core/test_matching.py`` checks that against Werkzeug on generated rule
sets and paths.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from werkzeug.routing import (
    AnyConverter,
    FloatConverter,
    IntegerConverter,
    Map,
    PathConverter,
    Rule,
    UnicodeConverter,
    UUIDConverter,
    ValidationError,
)

Match = tuple[Rule, dict[str, Any]]

#: Converters whose matching is fully described by their pattern. A subclass
#: (a custom converter) may change that, so only these exact classes qualify.
STANDARD_CONVERTERS = (
    UnicodeConverter,
    PathConverter,
    IntegerConverter,
    FloatConverter,
    UUIDConverter,
    AnyConverter,
)

#: The pattern Werkzeug writes for a segment that is one default ``<name>``.
_ONE_SEGMENT = "(?P<__werkzeug_0>[^/]{1,})\\Z"
_GROUP = re.compile(r"\(\?P<(__werkzeug_(\d+))>")


class _Bail:
    """Returned up the walk when only Werkzeug can give the answer."""


BAIL = _Bail()


class _Target:
    """A rule as the fast path answers it."""

    __slots__ = ("rule", "methods", "converters", "defaults", "bail")

    def __init__(self, rule: Rule, converters: tuple[tuple[str, Any], ...]) -> None:
        self.rule = rule
        self.methods = rule.methods
        #: (name, converter or None when ``to_python`` is the identity).
        self.converters = converters
        self.defaults = rule.defaults or None
        self.bail = False


class _Test:
    """One dynamic transition: a segment (or the rest of the path) and a pattern."""

    __slots__ = ("pattern", "groups", "final", "whole_segment", "bail")

    def __init__(self, content: str, final: bool, suffixed: bool) -> None:
        self.pattern = re.compile(content)
        numbered = sorted((int(n), name) for name, n in _GROUP.findall(content))
        self.groups = tuple(name for _, name in numbered)
        self.final = final
        #: The common ``<name>``: any non-empty segment, taken as it is.
        self.whole_segment = content == _ONE_SEGMENT and not final
        #: A path converter followed by a slash: Werkzeug may redirect from here.
        self.bail = suffixed


class _Node:
    __slots__ = ("static", "dynamic", "targets", "lenient")

    def __init__(self) -> None:
        self.static: dict[str, _Node] = {}
        self.dynamic: tuple[tuple[_Test, _Node], ...] = ()
        self.targets: tuple[_Target, ...] = ()
        #: A rule here has ``strict_slashes=False``: Werkzeug's slash rules apply.
        self.lenient = False


class Unsupported(Exception):
    """Werkzeug's matcher is not laid out as this module expects."""


def _werkzeug_root(url_map: Map) -> Any:
    """The root state of ``url_map``'s matcher: the one use of Werkzeug internals.

    Werkzeug 2.2 and later keep a tree of ``State(static, dynamic, rules)`` whose
    dynamic transitions are ``RulePart(content, final, suffixed, ...)``, and each
    rule's converters in ``Rule._converters``. If a release changes that,
    :class:`Unsupported` is raised, the app matches with Werkzeug alone, and
    ``test_werkzeug_layout_is_understood`` fails to say so.
    """
    url_map.update()
    try:
        root = url_map._matcher._root
        root.static, root.dynamic, root.rules  # noqa: B018
    except AttributeError as error:
        raise Unsupported(f"werkzeug's matcher changed: {error}") from None
    return root


#: What a rule needs for the fast path, worked out once per rule (rules are
#: compiled once and shared by every route-table snapshot): by ``id``, with the
#: rule kept to make sure the id was not reused.
_RULE_CACHE: dict[int, tuple[Rule, tuple[tuple[str, Any], ...], bool]] = {}
_RULE_CACHE_LIMIT = 10_000


def _rule_facts(rule: Rule) -> tuple[tuple[tuple[str, Any], ...], bool]:
    """The rule's converters (``None`` for the identity) and whether it must bail."""
    cached = _RULE_CACHE.get(id(rule))
    if cached is not None and cached[0] is rule:
        return cached[1], cached[2]
    try:
        converters = rule._converters
    except AttributeError as error:
        raise Unsupported(f"werkzeug's Rule changed: {error}") from None
    pairs = tuple(
        (str(name), None if type(conv) is UnicodeConverter else conv)
        for name, conv in converters.items()
    )
    bail = bool(
        rule.redirect_to is not None
        or rule.alias
        or rule.websocket
        or any(type(conv) not in STANDARD_CONVERTERS for conv in converters.values())
    )
    if len(_RULE_CACHE) >= _RULE_CACHE_LIMIT:
        _RULE_CACHE.clear()
    _RULE_CACHE[id(rule)] = (rule, pairs, bail)
    return pairs, bail


def _target(rule: Rule, siblings: list[Rule] | None) -> _Target:
    """``siblings``: the endpoint's other rules, when one of them has defaults."""
    converters, bail = _rule_facts(rule)
    target = _Target(rule, converters)
    target.bail = bail or bool(
        siblings
        and rule.map.redirect_defaults
        and any(other.provides_defaults_for(rule) for other in siblings)
    )
    return target


@lru_cache(maxsize=4096)
def _test(content: str, final: bool, suffixed: bool) -> _Test:
    return _Test(content, final, suffixed)


def _compile(state: Any, by_endpoint: Mapping[str, list[Rule]]) -> _Node:
    """Our node for one of Werkzeug's states, and its subtree."""
    node = _Node()
    node.static = {
        part: _compile(child, by_endpoint) for part, child in state.static.items()
    }
    dynamic = []
    try:
        for part, child in state.dynamic:
            test = _test(part.content, part.final, part.suffixed)
            dynamic.append((test, _compile(child, by_endpoint)))
    except AttributeError as error:
        raise Unsupported(f"werkzeug's RulePart changed: {error}") from None
    node.dynamic = tuple(dynamic)
    node.targets = tuple(
        _target(rule, by_endpoint.get(rule.endpoint)) for rule in state.rules
    )
    node.lenient = any(not rule.strict_slashes for rule in state.rules)
    return node


class FastMatcher:
    """Matches a path to a rule of one built :class:`~werkzeug.routing.Map`.

    Build it with :meth:`build`; :meth:`match` returns ``(rule, arguments)`` or
    ``None`` when Werkzeug must decide.
    """

    __slots__ = ("_start",)

    def __init__(self, start: _Node) -> None:
        self._start = start

    @classmethod
    def build(cls, url_map: Map) -> FastMatcher | None:
        """The fast matcher for ``url_map``, or ``None`` if it cannot have one.

        Maps with host matching or rules on a subdomain get none: their matching
        depends on the request's host, which this path does not look at.
        """
        if url_map.host_matching:
            return None
        rules = list(url_map.iter_rules())
        if any(rule.host or rule.subdomain for rule in rules):
            return None
        # Only endpoints with a rule that has defaults can redirect to it.
        with_defaults = {rule.endpoint for rule in rules if rule.defaults}
        by_endpoint: dict[str, list[Rule]] = {}
        for rule in rules:
            if rule.endpoint in with_defaults:
                by_endpoint.setdefault(rule.endpoint, []).append(rule)
        try:
            root = _werkzeug_root(url_map)
            domain = root.static.get("")
            start = domain.static.get("") if domain is not None else None
            if start is None:
                return None
            return cls(_compile(start, by_endpoint))
        except Unsupported:
            return None

    def match(self, path: str, method: str) -> Match | None:
        """``(rule, arguments)`` for ``path`` (a ``PATH_INFO``) and ``method``."""
        parts = path.lstrip("/").split("/")
        found = _walk(self._start, parts, 0, len(parts), (), method)
        if found is None or found is BAIL:
            return None
        target, values = found
        if target.bail:
            return None
        arguments: dict[str, Any] = {}
        for (name, converter), value in zip(target.converters, values, strict=True):
            if converter is not None:
                try:
                    value = converter.to_python(value)
                except ValidationError:
                    return None
            arguments[name] = value
        if target.defaults:
            arguments.update(target.defaults)
        return target.rule, arguments


def _walk(
    node: _Node, parts: list[str], i: int, n: int, values: tuple[str, ...], method: str
) -> Any:
    """Werkzeug's walk over the states, in its order; ``BAIL`` when it would raise."""
    if i == n:
        for target in node.targets:
            methods = target.methods
            if methods is None or method in methods:
                return target, values
        slash = node.static.get("")
        if slash is not None:
            for target in slash.targets:
                if target.methods is None or method in target.methods:
                    return BAIL  # Werkzeug redirects to the path with a slash.
        return None
    part = parts[i]
    child = node.static.get(part)
    if child is not None:
        found = _walk(child, parts, i + 1, n, values, method)
        if found is not None:
            return found
    for test, child in node.dynamic:
        if test.whole_segment:
            if not part:
                continue
            found = _walk(child, parts, i + 1, n, (*values, part), method)
        elif test.bail:
            return BAIL
        else:
            if test.final:
                matched = test.pattern.match("/".join(parts[i:]))
                following = n
            else:
                matched = test.pattern.match(part)
                following = i + 1
            if matched is None:
                continue
            found = _walk(
                child,
                parts,
                following,
                n,
                (*values, *matched.group(*test.groups))
                if len(test.groups) > 1
                else (*values, matched.group(test.groups[0])),
                method,
            )
        if found is not None:
            return found
    if node.lenient and i == n - 1 and part == "":
        return BAIL
    return None


__all__ = ["FastMatcher", "STANDARD_CONVERTERS", "Unsupported"]
