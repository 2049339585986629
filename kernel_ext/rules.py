"""The ``%%route`` line: methods, rule and endpoint name, checked before anything runs.

.. code-block:: python

    >>> parse_route_line("GET,POST /items")
    RouteSpec(methods=('GET', 'POST'), rule='/items', endpoint='get_post_items')
    >>> endpoint_for("/api/items/<int:id>", ("GET",))
    'api_items'
"""

from __future__ import annotations

import keyword
import re
import shlex
from dataclasses import dataclass

#: Methods a ``%%route`` line may name, in the order endpoint names use.
KNOWN_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([A-Za-z_][A-Za-z0-9_]*)(?:\([^)]*\))?>")
_NOT_WORD = re.compile(r"[^0-9A-Za-z_]+")


class RouteLineError(ValueError):
    """A ``%%route`` line that cannot be used; the message says why."""


@dataclass(frozen=True)
class RouteSpec:
    """What a ``%%route`` line asks for."""

    methods: tuple[str, ...]
    rule: str
    endpoint: str
    #: The name of the blueprint the view goes into (``None``: the app).
    blueprint: str | None = None

    @property
    def variables(self) -> tuple[str, ...]:
        """The rule's variable names, in order: the view's parameters."""
        return rule_variables(self.rule)


def rule_variables(rule: str) -> tuple[str, ...]:
    """``/user/<int:id>/<name>`` -> ``("id", "name")``."""
    return tuple(match.group(1) for match in _VARIABLE.finditer(rule))


def parse_methods(text: str) -> tuple[str, ...]:
    """``"get,Post"`` -> ``("GET", "POST")``; unknown methods are an error."""
    methods: list[str] = []
    for part in text.split(","):
        method = part.strip().upper()
        if not method:
            continue
        if method not in KNOWN_METHODS:
            raise RouteLineError(
                f"unknown HTTP method {part.strip()!r}; use one or more of"
                f" {', '.join(KNOWN_METHODS)}, comma-separated"
            )
        if method not in methods:
            methods.append(method)
    if not methods:
        raise RouteLineError("no HTTP method given before the rule")
    return tuple(methods)


def check_identifier(name: str) -> str:
    """``name`` if it can be a Python function name, else :class:`RouteLineError`."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise RouteLineError(
            f"endpoint {name!r} is not a valid Python name (it becomes the view"
            " function's name); pass --name with letters, digits and underscores"
        )
    return name


def endpoint_for(rule: str, methods: tuple[str, ...] = ("GET",)) -> str:
    """The default endpoint: the rule's fixed segments joined by ``_``.

    ``/`` is ``index``; a rule of only variables is named after them; methods other
    than a lone GET come first (``post_items``, ``get_post_items``).
    """
    fixed = _VARIABLE.sub("/", rule)
    words = [w for w in _NOT_WORD.sub("_", fixed).split("_") if w]
    if not words:
        words = list(rule_variables(rule)) or ["index"]
    name = "_".join(words).lower()
    ordered = [m for m in KNOWN_METHODS if m in methods]
    if ordered != ["GET"]:
        name = "_".join([*(m.lower() for m in ordered), name])
    if name[0].isdigit():
        name = f"_{name}"
    if keyword.iskeyword(name):
        name = f"{name}_"
    return name


def parse_route_line(
    line: str, name: str | None = None, blueprint: str | None = None
) -> RouteSpec:
    """Parse ``[METHODS] RULE`` (``--name`` already split off by the caller).

    :raises RouteLineError: with a message naming what is wrong. The rule itself
        is compiled once, by the app when the view is registered (a bad one is a
        ``ValueError`` there, and nothing changes).
    """
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise RouteLineError(f"cannot read the %%route line: {error}") from None
    return parse_route_words(words, name, blueprint)


def parse_route_words(
    words: list[str], name: str | None = None, blueprint: str | None = None
) -> RouteSpec:
    """:func:`parse_route_line` for a line already split into words."""
    methods: tuple[str, ...]
    if len(words) == 1:
        methods, rule = ("GET",), words[0]
    elif len(words) == 2:
        methods, rule = parse_methods(words[0]), words[1]
    else:
        raise RouteLineError(
            "usage: %%route [METHODS] RULE [--name ENDPOINT] [--blueprint NAME],"
            " e.g."
            " %%route GET,POST /items/<int:id>"
        )
    if not rule.startswith("/"):
        raise RouteLineError(
            f"route {rule!r} is not a valid rule: it must start with '/'"
        )
    endpoint = check_identifier(name) if name else endpoint_for(rule, methods)
    variables = rule_variables(rule)
    if len(set(variables)) != len(variables):
        raise RouteLineError(f"route {rule!r} is not a valid rule: a variable twice")
    for variable in variables:
        if keyword.iskeyword(variable) or variable == "request":
            raise RouteLineError(
                f"rule variable {variable!r} cannot be a parameter name; rename it"
            )
    if blueprint is not None and (not blueprint or "." in blueprint):
        raise RouteLineError(
            f"blueprint name {blueprint!r} may not be empty or dotted; pass the"
            " name the Blueprint was created with"
        )
    return RouteSpec(methods, rule, endpoint, blueprint)
