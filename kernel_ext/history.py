"""What ran in the session, and the source of each definition, for the exporter.

``Session.cells`` lists every executed cell in order; ``Session.definitions`` maps
each endpoint to the source text of its view as ordinary decorated Python and
the cell it came from.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from .ownership import CellOwnership, Item

if TYPE_CHECKING:
    from protoweb.routing import Endpoint


class CellRun(NamedTuple):
    """One executed cell: ``(execution_count, cell_id, raw source)``."""

    execution_count: int
    cell_id: str | None
    source: str


@dataclass(frozen=True)
class Definition:
    """A route, template or static file and where it was defined.

    :param kind: ``"route"``, ``"template"`` or ``"static"``.
    :param name: the endpoint, template name or static file name.
    :param source: for a route, the view as ``@app.route(...)`` + ``def``; for a
        template or static file, its text. ``None`` when it cannot be recovered
        (a lambda, a view built by code).
    :param cell_id: the front end's id for the cell (``None`` in a terminal).
    :param execution_count: the ``In[N]`` of the run that made it.
    :param magic: ``True`` if it came from ``%%route``/``%%template``/``%%static``.
    """

    kind: str
    name: str
    source: str | None
    cell_id: str | None
    execution_count: int | None
    rules: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    filename: str | None = None
    magic: bool = False

    @property
    def cell_label(self) -> str:
        """``In [5]``, or ``a cell`` when the run had no execution count."""
        return f"In [{self.execution_count}]" if self.execution_count else "a cell"


def route_definition(
    endpoint: Endpoint,
    source: str | None,
    cell_id: str | None,
    execution_count: int | None,
    filename: str | None = None,
) -> Definition:
    """The :class:`Definition` of a registered ``endpoint``: its rules and methods
    (without HEAD and OPTIONS) read from the app, ``source`` as given.
    """
    methods: list[str] = []
    for rule in endpoint.rules:
        methods.extend(m for m in sorted(rule.methods or ()) if m not in methods)
    return Definition(
        kind="route",
        name=endpoint.name,
        source=source,
        cell_id=cell_id,
        execution_count=execution_count,
        rules=tuple(rule.rule for rule in endpoint.rules),
        methods=tuple(m for m in methods if m not in ("HEAD", "OPTIONS")),
        filename=filename,
    )


def function_source(code: str, function_name: str) -> str | None:
    """The text of the top-level ``def function_name`` in ``code``, decorators first.

    ``code`` is a cell as it ran (IPython syntax already turned into Python); the
    last definition wins, as it does when the cell runs.
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    found: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for node in tree.body:
        if (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name == function_name
        ):
            found = node
    if found is None or found.end_lineno is None:
        return None
    start = min([found.lineno, *(d.lineno for d in found.decorator_list)])
    lines = code.splitlines()[start - 1 : found.end_lineno]
    return "\n".join(lines) + "\n"


@dataclass
class SessionHistory:
    """What a session knows about the notebook's past; survives ``%reload_ext``."""

    definitions: dict[str, Definition] = field(default_factory=dict)
    assets: dict[Item, Definition] = field(default_factory=dict)
    cells: list[CellRun] = field(default_factory=list)
    failed_cells: set[int] = field(default_factory=set)
    ownership: CellOwnership = field(default_factory=CellOwnership)
    preamble: dict[str, str] = field(default_factory=dict)
