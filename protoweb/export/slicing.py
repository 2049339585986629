"""The slice: exactly the statements the app's views, handlers and hooks need.

The roots are the views the live app serves, its error handlers and hooks, the
statements that set the app up (``app.jinja_env.filters[...] = f``), and every
statement of a cell marked ``# protoweb: export``. From there, each name a kept
statement reads pulls in the statement that defined it (its latest definition;
for a name read while the statement runs, the latest one before it), and with it
the statements that changed that object in place afterwards (``ITEMS.append``).
Last, a statement run only for its effect (``with db() as c: c.execute(CREATE
TABLE ...)``) is kept when everything it touches is already kept: it cannot pull in
anything new, so a plot or a print of unrelated data never gets in. A cell's last
expression is taken as something shown, not run for its effect. The kept
statements stay in the order they ran.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict, deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .blueprints import register_after_use
from .errors import ExportError, UntraceableNameError
from .history import CellStatements
from .names import BUILTIN_NAMES, IPYTHON_NAMES, NOTEBOOK_MODULES
from .statements import HOOK_DECORATORS, Statement

#: Names of protoweb's API that Flask has too (for the hint of an untraced name).
FRAMEWORK_NAMES = frozenset(
    {
        "App", "request", "g", "session", "abort", "jsonify", "make_response",
        "redirect", "render_template", "render_template_string", "url_for",
        "Request", "Response", "has_request_context",
    }
)  # fmt: skip


@dataclass
class Slice:
    """What ``app.py`` is made of.

    :param statements: the kept statements, in the order they ran.
    :param import_names: for a kept import statement, the names it must still
        bind (``None``: all of them).
    :param star_names: for a kept ``from m import *``, the names used through it.
    """

    statements: list[Statement]
    import_names: dict[Statement, set[str] | None] = field(default_factory=dict)
    star_names: dict[Statement, set[str]] = field(default_factory=dict)
    endpoints: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _Slicer:
    def __init__(self, cells: CellStatements, app_name: str) -> None:
        self.cells = cells
        self.app_name = app_name
        self.statements = cells.statements
        self.definitions: dict[str, list[Statement]] = defaultdict(list)
        self.mutations: dict[str, list[Statement]] = defaultdict(list)
        for statement in self.statements:
            for name in statement.defines:
                self.definitions[name].append(statement)
            for name in statement.mutates:
                self.mutations[name].append(statement)
        self.kept: dict[Statement, str] = {}
        self.needed_by: dict[Statement, Statement | None] = {}
        self.queue: deque[Statement] = deque()
        self.result = Slice([])
        self._followed: set[tuple[Statement, str]] = set()

    def current(self, statement: Statement) -> bool:
        """Whether the run holding ``statement`` was not replaced by a later one."""
        return statement.position[0] not in self.cells.superseded

    def keep(self, statement: Statement, why: str, by: Statement | None) -> None:
        if statement in self.kept:
            return
        self.kept[statement] = why
        self.needed_by[statement] = by
        self.queue.append(statement)

    def describe(self, statement: Statement) -> str:
        """``function 'slug' (In [2]), which view 'index' (In [4]) needs``."""
        by = self.needed_by.get(statement)
        root = statement
        while by is not None:
            root, by = by, self.needed_by.get(by)
        if root is statement:
            return self.kept.get(statement, statement.description)
        return f"{statement.description}, which {self.kept[root]} needs"

    def roots(
        self, endpoints: Mapping[str, Any], handlers: Collection[str] | None
    ) -> None:
        registered: dict[tuple[str, str], Statement] = {}
        functions: dict[tuple[str, str], str | None] = {}
        for statement in self.statements:
            for registration in statement.registers:
                slot = (registration.kind, registration.key)
                if (
                    registration.kind == "route"
                    or handlers is not None
                    or self.current(statement)
                ):
                    registered[slot] = statement
                functions[slot] = registration.function
            for removal in statement.removes:
                kinds = HOOK_DECORATORS if removal.kind == "hook" else {removal.kind}
                for kind in kinds:
                    registered.pop((kind, removal.key), None)
        dynamic = any(s.dynamic_registration for s in self.statements)
        for endpoint in endpoints:
            if endpoint == "static":
                continue
            view = registered.get(("route", endpoint))
            if view is None:
                if dynamic:
                    continue
                raise ExportError(
                    f"view {endpoint!r} ({_rules(endpoints[endpoint])}) is served but"
                    " no cell that ran defines it (was it made with exec, or defined"
                    " outside the session?); define it in a cell and export again"
                )
            self.result.endpoints.append(endpoint)
            self.keep(view, f"view {endpoint!r} ({view.cell_label})", None)
        for (kind, key), statement in registered.items():
            function = functions.get((kind, key))
            if (
                handlers is not None
                and function is not None
                and function not in handlers
            ):
                continue
            if kind == "errorhandler":
                self.keep(statement, f"the error handler for {key}", None)
            elif kind != "route":
                self.keep(statement, f"the {kind} hook {key!r}", None)
        setups = _last_of_each_text(
            s for s in self.statements if s.app_setup and self.current(s)
        )
        for statement in setups:
            self.keep(statement, f"the app setup {statement.description}", None)
        for statement in self.statements:
            if statement.export and self.current(statement) and _exportable(statement):
                why = f"a cell marked '# protoweb: export' ({statement.cell_label})"
                self.keep(statement, why, None)
                if statement.imports:
                    self.result.import_names[statement] = None

    def run(self) -> None:
        while self.queue:
            statement = self.queue.popleft()
            for name in sorted(statement.eager_uses):
                self.need(name, statement, eager=True)
            for name in sorted(statement.deferred_uses):
                self.need(name, statement, eager=False)
            for name in sorted(statement.soft_uses):
                self.need(name, statement, eager=False, soft=True)

    def need(self, name: str, user: Statement, eager: bool, soft: bool = False) -> None:
        if name == self.app_name:
            return
        candidates = self.definitions.get(name)
        if candidates:
            before = [c for c in candidates if c.position < user.position]
            if eager and not before and user in candidates:
                return
            chosen = before[-1] if eager and before else candidates[-1]
            self.define(name, chosen, user)
            return
        if soft or name in BUILTIN_NAMES:
            return
        if name in IPYTHON_NAMES:
            raise ExportError(
                f"{self.describe(user)} uses {name!r}, which exists only in IPython;"
                " an exported app runs without it"
            )
        if self.star_import(name, user, eager):
            return
        hint = ""
        if name in FRAMEWORK_NAMES:
            hint = (
                f"add `from protoweb import {name}` to a cell, run it, and export again"
            )
        raise UntraceableNameError(name, self.describe(user), hint)

    def define(self, name: str, chosen: Statement, user: Statement) -> None:
        if chosen.notebook_only is not None:
            raise ExportError(
                f"name {name!r} is used by {self.describe(user)}, but it was set by"
                f" notebook-only syntax in {chosen.cell_label}:"
                f" `{chosen.notebook_only}`;"
                " compute it in Python (e.g. with subprocess) and export again"
            )
        for binding in chosen.imports:
            if binding.bound == name:
                top = binding.module.split(".")[0]
                if top in NOTEBOOK_MODULES:
                    raise ExportError(
                        f"{self.describe(user)} uses {name!r} from {binding.module},"
                        " which needs IPython; an exported app runs without it"
                    )
                names = self.result.import_names.setdefault(chosen, set())
                if names is not None:
                    names.add(name)
        self.keep(chosen, self.kept.get(user, ""), user)
        self.follow_mutations(name, chosen)

    def follow_mutations(self, name: str, definition: Statement) -> None:
        """Keep the in-place changes of ``name`` made after ``definition``."""
        if (definition, name) in self._followed:
            return
        self._followed.add((definition, name))
        later = [d for d in self.definitions[name] if d.position > definition.position]
        end = later[0].position if later else (sys.maxsize, 0)
        for mutation in self.mutations.get(name, ()):
            if definition.position < mutation.position < end:
                self.keep(mutation, self.kept.get(definition, ""), definition)

    def effects(self) -> None:
        """Keep the statements run for their effect on what the app already has."""
        last = {s.position[0]: s.position for s in self.statements}
        effects: list[Statement] = []
        for statement in self.statements:
            if (
                statement in self.kept
                or not self.current(statement)
                or not isinstance(statement.node, _EFFECT_STATEMENTS)
                or statement.app_state
                or statement.display_only
                or statement.notebook_only is not None
                or (
                    isinstance(statement.node, ast.Expr)
                    and last[statement.position[0]] == statement.position
                )
            ):
                continue
            if self.touches_only_kept(statement):
                effects.append(statement)
        for statement in _last_of_each_text(effects):
            self.keep(statement, f"the statement {statement.description}", None)

    def touches_only_kept(self, statement: Statement) -> bool:
        """Whether every name ``statement`` reads is kept already (one at least)."""
        kept_any = False
        for name in statement.uses:
            if name in BUILTIN_NAMES or name == self.app_name:
                continue
            candidates = self.definitions.get(name, [])
            before = [c for c in candidates if c.position < statement.position]
            if not before:
                if statement in candidates:
                    continue
                return False
            if before[-1] not in self.kept:
                return False
            kept_any = True
        return kept_any

    def star_import(self, name: str, user: Statement, eager: bool) -> bool:
        """Resolve ``name`` through a ``from m import *`` the session ran."""
        for statement in reversed(self.statements):
            if eager and statement.position > user.position:
                continue
            for module_name in statement.star_imports:
                module = sys.modules.get(module_name)
                if module is not None and hasattr(module, name):
                    self.result.star_names.setdefault(statement, set()).add(name)
                    self.keep(statement, self.kept.get(user, ""), user)
                    return True
        return False


_EFFECT_STATEMENTS = (
    ast.Expr, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While, ast.If,
    ast.Try,
)  # fmt: skip


def _last_of_each_text(statements: Iterable[Statement]) -> list[Statement]:
    """The last of the statements that share a text, in the order of those lasts.

    A setup or an effect run again (the same line in a later cell) is kept once.
    """
    last: dict[str, Statement] = {}
    for statement in statements:
        last.pop(statement.text, None)
        last[statement.text] = statement
    return list(last.values())


def _exportable(statement: Statement) -> bool:
    """Whether a statement of an export cell belongs in ``app.py``."""
    if statement.app_state or statement.display_only:
        return False
    if statement.uses & IPYTHON_NAMES:
        return False
    return not isinstance(statement.node, ast.Pass)


def _rules(endpoint: Any) -> str:
    rules = getattr(endpoint, "rules", ())
    return ", ".join(getattr(rule, "rule", str(rule)) for rule in rules) or "no rule"


def slice_cells(
    cells: CellStatements,
    endpoints: Mapping[str, Any],
    app_name: str = "app",
    handlers: Collection[str] | None = None,
) -> Slice:
    """The statements the app needs, from every statement the cells ran.

    :param endpoints: the live app's endpoints (``app.endpoints``): the views to
        export; a view the cells registered but the app no longer serves is left out.
    :param handlers: the names of the live app's hooks and error handlers; without
        them, those registered by the latest run of each cell are exported.
    :raises UntraceableNameError: a kept statement reads a name no cell defines.
    :raises ExportError: a view has no source, or needs IPython.
    """
    slicer = _Slicer(cells, app_name)
    slicer.roots(endpoints, handlers)
    slicer.run()
    slicer.effects()
    slicer.run()
    result = slicer.result
    result.statements = sorted(slicer.kept, key=lambda s: s.position)
    if cells.blueprint_users:
        result.statements = register_after_use(
            result.statements, cells.blueprint_users, app_name
        )
    result.warnings.extend(cells.warnings)
    return result
