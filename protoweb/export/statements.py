"""A cell's top-level statements, and what each one registers on the app.

The slicer works on :class:`Statement` objects. Registrations are read from the
source (``@app.route(...)``, ``app.add_url_rule(...)``, ``@app.errorhandler(404)``,
``@app.before_request``), and so is everything else a statement does to the
app: changing ``app.config``, ``app.templates`` or ``app.static_files`` is *app
state* (the export writes the live values instead), changing ``app.jinja_env`` or
passing ``app`` to an extension is *app setup* (the export keeps the statement).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from .names import (
    IPYTHON_NAMES,
    ImportBinding,
    bound_names,
    import_bindings,
    mutated_names,
    root_name,
    used_names,
)

#: A cell whose first line is this comment is always exported.
EXPORT_MARKER = re.compile(r"#\s*protoweb\s*:\s*export\s*$", re.IGNORECASE)
#: What IPython's input transformer turns notebook-only syntax into.
NOTEBOOK_CALL = "get_ipython"
#: ``@app.route(...)`` and its one-method shortcuts.
ROUTE_DECORATORS = frozenset({"route", "get", "post", "put", "delete", "patch"})
#: ``@app.before_request`` and the other hooks, as a blueprint also spells them.
HOOK_DECORATORS = frozenset(
    {
        "before_request", "after_request", "teardown_request", "context_processor",
        "url_value_preprocessor", "url_defaults", "teardown_appcontext",
        "before_app_request", "after_app_request", "teardown_app_request",
        "app_context_processor", "app_url_value_preprocessor", "app_url_defaults",
    }
)  # fmt: skip
#: ``@app.template_filter()`` and its kin: the key is the name given, or the
#: function's.
JINJA_DECORATORS = frozenset(
    {
        "template_filter", "template_test", "template_global",
        "app_template_filter", "app_template_test", "app_template_global",
    }
)  # fmt: skip
#: ``@app.errorhandler(404)`` and a blueprint's app-wide form.
ERROR_DECORATORS = frozenset({"errorhandler", "app_errorhandler"})
#: ``app.X``: live state the export writes from the app, or notebook-only use.
APP_STATE = frozenset(
    {
        "config", "templates", "static_files", "secret_key", "debug", "testing",
        "server", "serve", "run", "test_client", "app_context",
        "test_request_context", "render_template", "url_for", "make_response",
        "add_change_listener", "remove_change_listener", "endpoints", "url_map",
        "remove_route", "remove_hook", "remove_error_handler", "name",
        "import_name", "root_path",
    }
)  # fmt: skip
#: Calls whose only effect is to show something.
DISPLAY_CALLS = frozenset({"display", "print", "repr", "help", "dir", "vars", "type"})
_COMPOUND = (
    ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.With, ast.AsyncWith,
    ast.Match,
)  # fmt: skip


class Registration(NamedTuple):
    """Something a statement registers on the app.

    :param kind: ``"route"``, ``"errorhandler"``, or the hook's kind
        (``"before_request"``, ``"after_request"``, ``"teardown_request"``).
    :param key: the endpoint, the error code or exception, or the hook's name.
    :param rule: a route's rule, when written as a literal.
    :param methods: a route's methods, when written as literals.
    :param function: the name of the function registered, when it has one.
    """

    kind: str
    key: str
    rule: str | None = None
    methods: tuple[str, ...] = ()
    function: str | None = None


@dataclass(eq=False)
class Statement:
    """One top-level statement of one cell run, analysed for the slicer.

    :param position: ``(run, index)``: the run's place in the session and the
        statement's place in the cell; the export keeps this order.
    :param comments: the comment lines right above the statement in its cell.
    """

    node: ast.stmt
    text: str
    position: tuple[int, int]
    cell_label: str
    line: int
    comments: str = ""
    defines: frozenset[str] = frozenset()
    eager_uses: frozenset[str] = frozenset()
    deferred_uses: frozenset[str] = frozenset()
    soft_uses: frozenset[str] = frozenset()
    mutates: frozenset[str] = frozenset()
    registers: tuple[Registration, ...] = ()
    removes: tuple[Registration, ...] = ()
    imports: tuple[ImportBinding, ...] = ()
    star_imports: tuple[str, ...] = ()
    app_state: bool = False
    app_setup: bool = False
    dynamic_registration: bool = False
    display_only: bool = False
    notebook_only: str | None = None
    export: bool = False

    @property
    def uses(self) -> frozenset[str]:
        return self.eager_uses | self.deferred_uses

    @property
    def description(self) -> str:
        """``view 'index' (In [4])``, ``function 'slug' (In [2])``, ..."""
        node = self.node
        view = next((r.key for r in self.registers if r.kind == "route"), None)
        if view is not None:
            kind, name = "view", view
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            kind, name = "function", node.name
        elif isinstance(node, ast.ClassDef):
            kind, name = "class", node.name
        else:
            first = self.text.strip().splitlines()[0] if self.text.strip() else ""
            return f"`{first}` ({self.cell_label}, line {self.line})"
        return f"{kind} {name!r} ({self.cell_label})"


def _literal_str(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _name_of(node: ast.expr | None) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def _is_app(node: ast.expr, app_name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == app_name


def _methods(node: ast.expr | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if node is None:
        return default
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        found = [_literal_str(item) for item in node.elts]
        if all(found):
            return tuple(str(method).upper() for method in found)
    return ()


def decorator_registration(
    decorator: ast.expr, function: str, app_name: str
) -> Registration | None:
    """What ``@decorator`` over ``def function`` registers on the app, if anything."""
    if isinstance(decorator, ast.Attribute):
        if not _is_app(decorator.value, app_name):
            return None
        if decorator.attr in HOOK_DECORATORS:
            return Registration(decorator.attr, function, function=function)
        if decorator.attr in JINJA_DECORATORS:
            return Registration(decorator.attr, function, function=function)
        return None
    if not (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and _is_app(decorator.func.value, app_name)
    ):
        return None
    attr = decorator.func.attr
    if attr in ROUTE_DECORATORS:
        endpoint = _literal_str(_keyword(decorator, "endpoint")) or function
        rule = _literal_str(decorator.args[0]) if decorator.args else None
        default = ("GET",) if attr == "route" else (attr.upper(),)
        methods = _methods(_keyword(decorator, "methods"), default)
        return Registration("route", endpoint, rule, methods, function)
    if attr in ERROR_DECORATORS and decorator.args:
        key = ast.unparse(decorator.args[0])
        return Registration("errorhandler", key, function=function)
    if attr in JINJA_DECORATORS:
        name = _keyword(decorator, "name") or (
            decorator.args[0] if decorator.args else None
        )
        return Registration(attr, _literal_str(name) or function, function=function)
    return None


def call_registration(call: ast.Call, app_name: str) -> Registration | bool:
    """What a call such as ``app.add_url_rule(...)`` registers.

    :returns: the :class:`Registration`; ``True`` for a registration whose key
        cannot be read from the source; ``False`` when the call registers nothing.
    """
    func = call.func
    if isinstance(func, ast.Call) and call.args:
        inner = decorator_registration(func, _name_of(call.args[0]) or "", app_name)
        if inner is not None:
            return inner if inner.key else True
        return False
    if not (isinstance(func, ast.Attribute) and _is_app(func.value, app_name)):
        return False
    args, attr = call.args, func.attr
    if attr == "add_url_rule":
        view = _keyword(call, "view_func") or (args[2] if len(args) > 2 else None)
        endpoint = (
            _literal_str(_keyword(call, "endpoint"))
            or (_literal_str(args[1]) if len(args) > 1 else None)
            or _name_of(view)
        )
        if endpoint is None:
            return True
        rule = _literal_str(args[0] if args else _keyword(call, "rule"))
        methods = _methods(_keyword(call, "methods"), ("GET",))
        return Registration("route", endpoint, rule, methods, _name_of(view))
    if attr == "register_error_handler" and args:
        handler = _name_of(args[1]) if len(args) > 1 else None
        return Registration("errorhandler", ast.unparse(args[0]), function=handler)
    if attr in HOOK_DECORATORS and args:
        name = _name_of(args[0])
        return Registration(attr, name, function=name) if name else True
    return False


def call_removal(call: ast.Call, app_name: str) -> Registration | None:
    """``app.remove_route("x")`` and its kin, as the registration they undo."""
    func = call.func
    if not (
        isinstance(func, ast.Attribute) and _is_app(func.value, app_name) and call.args
    ):
        return None
    key = call.args[0]
    if func.attr == "remove_route" and _literal_str(key):
        return Registration("route", str(_literal_str(key)))
    if func.attr == "remove_error_handler":
        return Registration("errorhandler", ast.unparse(key))
    if func.attr == "remove_hook" and _literal_str(key):
        return Registration("hook", str(_literal_str(key)))
    return None


def _passes_app(call: ast.Call, app_name: str) -> bool:
    values = [*call.args, *(k.value for k in call.keywords)]
    return any(_is_app(value, app_name) for value in values)


def _classify(statement: Statement, app_name: str) -> None:
    """Fill in what ``statement`` registers and how it touches the app."""
    node = statement.node
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        found = (
            decorator_registration(d, node.name, app_name) for d in node.decorator_list
        )
        statement.registers = tuple(r for r in found if r is not None)
    elif isinstance(node, ast.Expr):
        value = node.value
        if not isinstance(value, ast.Call):
            statement.display_only = True
            return
        registration = call_registration(value, app_name)
        removal = call_removal(value, app_name)
        root, chain = root_name(value.func)
        if isinstance(registration, Registration):
            statement.registers = (registration,)
        elif registration:
            statement.app_setup = statement.dynamic_registration = True
        elif removal is not None:
            statement.removes = (removal,)
            statement.app_state = True
        elif root == app_name:
            statement.app_state = bool(chain) and chain[0] in APP_STATE
            statement.app_setup = not statement.app_state
        elif root in DISPLAY_CALLS or root in IPYTHON_NAMES:
            statement.display_only = True
        elif _passes_app(value, app_name):
            statement.app_setup = True
    elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
        targets = (
            node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
        )
        for target in targets:
            root, chain = root_name(target)
            if root != app_name:
                continue
            if not chain or chain[0] in APP_STATE:
                statement.app_state = True
            else:
                statement.app_setup = True
    elif isinstance(node, _COMPOUND) and _registers_inside(node, app_name):
        statement.app_setup = statement.dynamic_registration = True


def _registers_inside(node: ast.stmt, app_name: str) -> bool:
    for child in ast.walk(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if any(
                decorator_registration(d, child.name, app_name)
                for d in child.decorator_list
            ):
                return True
        elif isinstance(child, ast.Call) and call_registration(child, app_name):
            return True
    return False


def _comments_above(lines: list[str], start: int, floor: int) -> str:
    """The comment lines right above line ``start`` (1-based), down to row ``floor``."""
    row = start - 2
    found: list[str] = []
    while row >= floor and lines[row].lstrip().startswith("#"):
        if not EXPORT_MARKER.match(lines[row].strip()):
            found.append(lines[row])
        row -= 1
    return "\n".join(reversed(found))


def marked_for_export(python: str) -> bool:
    """Whether the cell's first non-blank line is ``# protoweb: export``."""
    first = next((line for line in python.split("\n") if line.strip()), "")
    return bool(EXPORT_MARKER.match(first.strip()))


def cell_statements(
    python: str,
    run: int,
    cell_label: str,
    app_name: str,
    typed_line: Callable[[int], str | None] | None = None,
) -> list[Statement]:
    """The analysed top-level statements of one cell run.

    A statement that calls ``get_ipython()`` (what IPython's transformer makes of
    ``%magic``, ``!shell``, ``x = !cmd``) is notebook-only: it is never kept, and
    a name it sets stops the export with its line as typed.

    :param typed_line: the cell's line ``n`` as typed, for those messages.
    :raises SyntaxError: the cell's Python does not parse.
    """
    tree = ast.parse(python)
    lines = python.split("\n")
    export = marked_for_export(python)
    statements: list[Statement] = []
    previous_end = 0
    spans = [(first_line(node), node.end_lineno or node.lineno) for node in tree.body]
    for index, node in enumerate(tree.body):
        start, end = spans[index]
        shares_line = (index > 0 and spans[index - 1][1] >= start) or (
            index + 1 < len(spans) and spans[index + 1][0] <= end
        )
        text = ast.unparse(node) if shares_line else "\n".join(lines[start - 1 : end])
        statement = Statement(
            node=node,
            text=text,
            position=(run, index),
            cell_label=cell_label,
            line=start,
            comments="" if shares_line else _comments_above(lines, start, previous_end),
            export=export,
        )
        previous_end = end
        uses = used_names(text, node)
        statement.eager_uses = uses.eager
        statement.deferred_uses = uses.deferred
        statement.soft_uses = uses.soft
        statement.defines = bound_names(node) - {app_name}
        statement.mutates = mutated_names(node) - {app_name}
        statement.imports, statement.star_imports = import_bindings(node)
        if NOTEBOOK_CALL in uses.eager:
            statement.notebook_only = _notebook_line(lines, start, end, typed_line)
        _classify(statement, app_name)
        statements.append(statement)
    return statements


def _notebook_line(
    lines: list[str],
    start: int,
    end: int,
    typed_line: Callable[[int], str | None] | None,
) -> str:
    """The first line of a notebook-only statement that calls IPython, as typed."""
    for number in range(start, end + 1):
        if NOTEBOOK_CALL in lines[number - 1]:
            typed = typed_line(number) if typed_line is not None else None
            return (typed if typed is not None else lines[number - 1]).strip()
    return lines[start - 1].strip()


def first_line(node: ast.stmt) -> int:
    """The line a statement starts on: its first decorator's, if it has any."""
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])
