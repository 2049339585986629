"""A ``%%route`` cell body becomes a view function, as a cell becomes output.

The body runs as the function's body: the rule's variables are its parameters,
``return`` works, and when the last statement is an expression its value is
returned; a body that uses ``await`` (or ``async for``/``async with``) at its top
level becomes an ``async def`` view. The code is compiled against the cell's own
text (registered with :mod:`linecache` under the cell's name), so tracebacks show
the cell's lines. The same function is also written out as ordinary decorated
Python for the exporter.
"""

from __future__ import annotations

import ast
import json
import linecache
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .rules import RouteSpec


class CellCompileError(ValueError):
    """The cell body is not valid as a view; the message points at its line."""


@dataclass(frozen=True)
class CompiledView:
    """The function made from a cell, and the source an export writes for it."""

    function: Callable[..., Any]
    source: str
    filename: str
    shadowed_global: bool = False


def register_cell_text(filename: str, text: str) -> None:
    """Make ``text`` the source :mod:`traceback` and IPython show for ``filename``."""
    lines = [line + "\n" for line in text.splitlines()]
    linecache.cache[filename] = (len(text), None, lines, filename)


def _syntax_message(error: SyntaxError, body_line: int, body: str) -> str:
    lineno = (error.lineno or 1) - body_line + 1
    lines = body.splitlines()
    text = lines[lineno - 1] if 0 < lineno <= len(lines) else (error.text or "")
    pointer = ""
    if error.offset and text:
        pointer = "\n    " + " " * (max(error.offset, 1) - 1) + "^"
    where = f"line {error.lineno} of the cell" if error.lineno else "the cell"
    return f"{where}: {error.msg}\n    {text.rstrip()}{pointer}"


def _string_continuation_lines(tree: ast.Module) -> set[int]:
    """Lines (1-based, body-relative) inside multi-line strings: never re-indented."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant | ast.JoinedStr) and node.end_lineno:
            if node.end_lineno > node.lineno:
                inside.update(range(node.lineno + 1, node.end_lineno + 1))
    return inside


def uses_await(tree: ast.Module) -> bool:
    """Whether the body awaits at its own level (not inside a nested function)."""
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Await | ast.AsyncFor | ast.AsyncWith):
            return True
        if isinstance(node, ast.comprehension) and node.is_async:
            return True
        if isinstance(
            node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef
        ):
            continue
        pending.extend(ast.iter_child_nodes(node))
    return False


def export_source(spec: RouteSpec, body: str, owner: str = "app") -> str:
    """The view as ordinary Python: ``@app.route(...)`` over a ``def`` (an
    ``async def`` when the body awaits).

    The body keeps its text (comments included); a final expression statement gets
    ``return`` in front of it.

    :param owner: the name the decorator is on: ``app``, or the variable holding
        the view's blueprint.
    """
    tree = ast.parse(body)
    lines = body.splitlines()
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr):
        row = last.lineno - 1
        raw = lines[row].encode()
        before, after = raw[: last.col_offset].decode(), raw[last.col_offset :].decode()
        lines[row] = f"{before}return {after}"
    keep = _string_continuation_lines(tree)
    indented = [
        line if number in keep or not line.strip() else f"    {line}"
        for number, line in enumerate(lines, start=1)
    ]
    while indented and not indented[-1].strip():
        indented.pop()
    methods = ", ".join(json.dumps(method) for method in spec.methods)
    define = "async def" if uses_await(tree) else "def"
    header = [
        f"@{owner}.route({json.dumps(spec.rule)}, methods=[{methods}])",
        f"{define} {spec.endpoint}({', '.join(spec.variables)}):",
    ]
    return "\n".join(header + (indented or ["    pass"])) + "\n"


def _references_global(tree: ast.Module, name: str, params: tuple[str, ...]) -> bool:
    """Whether the body reads the global ``name`` (a name it also binds is local)."""
    if name in params:
        return False
    reads = binds = declared_global = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == name:
            if isinstance(node.ctx, ast.Load):
                reads = True
            else:
                binds = True
        elif isinstance(node, ast.Global | ast.Nonlocal) and name in node.names:
            declared_global = True
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            binds = binds or node.name == name
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                binds = binds or bound == name
    return reads and (declared_global or not binds)


def compile_view(
    spec: RouteSpec,
    body: str,
    namespace: dict[str, Any],
    filename: str,
    body_line: int = 2,
    owner: str = "app",
) -> CompiledView:
    """Build the view for ``spec`` from a cell ``body``.

    :param namespace: the globals the view sees (the notebook's namespace); the
        function is *not* stored in it.
    :param filename: the cell's name in tracebacks; its text must be registered
        with :func:`register_cell_text` for lines to show.
    :param body_line: the cell line the body starts on (after the magic line).
    :param owner: the name the exported source's decorator is on (see
        :func:`export_source`).
    :raises CellCompileError: a syntax error or an empty body; nothing is built.
    """
    if not body.strip():
        raise CellCompileError(
            f"the %%route cell for {spec.rule} has no body; write the view's code"
            " below the %%route line"
        )
    padded = "\n" * (body_line - 1) + body
    try:
        tree = ast.parse(padded, filename=filename)
    except SyntaxError as error:
        raise CellCompileError(_syntax_message(error, body_line, body)) from None
    if not tree.body:
        raise CellCompileError(
            f"the %%route cell for {spec.rule} has only comments; write the view's code"
        )
    statements = list(tree.body)
    last = statements[-1]
    if isinstance(last, ast.Expr):
        statements[-1] = ast.copy_location(ast.Return(value=last.value), last)
    arguments = ast.arguments(
        posonlyargs=[],
        args=[ast.arg(arg=name) for name in spec.variables],
        vararg=None,
        kwonlyargs=[],
        kw_defaults=[],
        kwarg=None,
        defaults=[],
    )
    kind = ast.AsyncFunctionDef if uses_await(tree) else ast.FunctionDef
    function_def = kind(
        name=spec.endpoint,
        args=arguments,
        body=statements,
        decorator_list=[],
        returns=None,
        type_comment=None,
        lineno=max(body_line - 1, 1),
        col_offset=0,
    )
    if hasattr(ast, "TypeVar"):
        function_def.type_params = []  # type: ignore[union-attr]
    module = ast.Module(body=[function_def], type_ignores=[])
    ast.fix_missing_locations(module)
    try:
        code = compile(module, filename, "exec")
    except SyntaxError as error:
        raise CellCompileError(_syntax_message(error, body_line, body)) from None
    scratch: dict[str, Any] = {}
    exec(code, namespace, scratch)
    function = scratch[spec.endpoint]
    return CompiledView(
        function=function,
        source=export_source(spec, body, owner),
        filename=filename,
        shadowed_global=_references_global(tree, spec.endpoint, spec.variables),
    )
