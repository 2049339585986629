"""Which module-level names a statement binds, reads and changes in place.

Reads are split in two: *eager* reads happen when the statement runs (an
assignment's right side, a decorator, a default value), *deferred* reads only
when a function it defines is called (its body). Scopes are Python's own, from
:mod:`symtable`, so a local variable is never mistaken for a module name.
"""

from __future__ import annotations

import ast
import builtins
import symtable
from typing import NamedTuple

#: Methods that change the object they are called on.
MUTATING_METHODS = frozenset(
    {
        "append", "extend", "insert", "update", "add", "setdefault", "pop",
        "popitem", "remove", "discard", "clear", "sort", "reverse", "appendleft",
        "extendleft", "rotate", "__setitem__", "__delitem__",
    }
)  # fmt: skip
#: Names every module has without defining them.
BUILTIN_NAMES = frozenset(dir(builtins)) | {
    "__name__", "__file__", "__doc__", "__spec__", "__loader__", "__package__",
    "__builtins__", "__annotations__",
}  # fmt: skip
#: Names IPython puts in a notebook's namespace; an export cannot have them.
IPYTHON_NAMES = frozenset(
    {"get_ipython", "display", "In", "Out", "_ih", "_oh", "_dh", "_i", "_ii", "_iii"}
)
#: Top-level modules that exist only with IPython around.
NOTEBOOK_MODULES = frozenset(
    {
        "IPython", "ipykernel", "ipywidgets", "kernel_ext", "matplotlib_inline",
        "jupyter_client", "nbformat", "nbclient", "prompt_toolkit", "comm",
    }
)  # fmt: skip
_COMPREHENSIONS = frozenset({"listcomp", "setcomp", "dictcomp", "genexpr"})
_NEW_SCOPES = (
    ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp
)  # fmt: skip


class ImportBinding(NamedTuple):
    """One name an import statement binds: ``from module import name as asname``.

    ``name`` is ``None`` for ``import module`` (``bound`` is then the module's
    first part, or its ``as`` name).
    """

    bound: str
    module: str
    name: str | None
    asname: str | None
    level: int = 0


class UsedNames(NamedTuple):
    """The module names a statement reads.

    ``soft`` are names a function declares ``global`` and only assigns: needed if
    some cell defines them, not an error if none does.
    """

    eager: frozenset[str]
    deferred: frozenset[str]
    soft: frozenset[str]


def bound_names(node: ast.stmt) -> frozenset[str]:
    """Names a top-level statement binds in the module's namespace."""
    names: set[str] = set()

    def visit(child: ast.AST) -> None:
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(child.name)
            for decorator in child.decorator_list:
                visit(decorator)
            return
        if isinstance(child, _NEW_SCOPES):
            return
        if isinstance(child, ast.Import | ast.ImportFrom):
            names.update(binding.bound for binding in import_bindings(child)[0])
            return
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
            names.add(child.id)
        elif isinstance(child, ast.ExceptHandler) and child.name:
            names.add(child.name)
        elif isinstance(child, ast.MatchAs | ast.MatchStar) and child.name:
            names.add(child.name)
        elif isinstance(child, ast.MatchMapping) and child.rest:
            names.add(child.rest)
        for grandchild in ast.iter_child_nodes(child):
            visit(grandchild)

    visit(node)
    return frozenset(names)


def used_names(text: str, node: ast.stmt) -> UsedNames:
    """The module names the statement ``node`` (whose source is ``text``) reads."""
    try:
        table = symtable.symtable(text, "<cell>", "exec")
    except SyntaxError:
        loads = {
            child.id
            for child in ast.walk(node)
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load)
        }
        return UsedNames(frozenset(loads), frozenset(), frozenset())
    eager = {
        symbol.get_name() for symbol in table.get_symbols() if symbol.is_referenced()
    }
    eager.update(
        child.target.id
        for child in ast.walk(node)
        if isinstance(child, ast.AugAssign) and isinstance(child.target, ast.Name)
    )
    deferred: set[str] = set()
    soft: set[str] = set()

    def visit(scope: symtable.SymbolTable, later_scope: bool) -> None:
        for sub in scope.get_children():
            is_function = sub.get_type() == "function"
            comprehension = is_function and sub.get_name() in _COMPREHENSIONS
            later = later_scope or (is_function and not comprehension)
            for symbol in sub.get_symbols():
                if not symbol.is_global():
                    continue
                if symbol.is_referenced():
                    (deferred if later else eager).add(symbol.get_name())
                elif symbol.is_assigned():
                    soft.add(symbol.get_name())
            visit(sub, later)

    visit(table, False)
    return UsedNames(
        frozenset(eager),
        frozenset(deferred - eager),
        frozenset(soft - eager - deferred),
    )


def root_name(node: ast.expr) -> tuple[str | None, list[str]]:
    """``app.config["X"].y`` -> ``("app", ["config", "y"])``."""
    chain: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            chain.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            break
    chain.reverse()
    return (node.id if isinstance(node, ast.Name) else None), chain


def mutated_names(node: ast.stmt) -> frozenset[str]:
    """Names whose object a statement changes in place (``ITEMS.append(x)``,
    ``CONFIG["k"] = v``, ``obj.attr += 1``)."""
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign | ast.Delete):
        targets = list(node.targets)
    elif isinstance(node, ast.AugAssign | ast.AnnAssign):
        targets = [node.target]
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        if isinstance(func, ast.Attribute) and func.attr in MUTATING_METHODS:
            targets = [func.value]
            if isinstance(func.value, ast.Name):
                return frozenset({func.value.id})
    names: set[str] = set()
    for target in targets:
        items = target.elts if isinstance(target, ast.Tuple | ast.List) else [target]
        for item in items:
            if isinstance(item, ast.Attribute | ast.Subscript):
                root, _ = root_name(item)
                if root is not None:
                    names.add(root)
    return frozenset(names)


def import_bindings(
    node: ast.stmt,
) -> tuple[tuple[ImportBinding, ...], tuple[str, ...]]:
    """The bindings of an import statement, and the modules it star-imports."""
    bindings: list[ImportBinding] = []
    stars: list[str] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            bindings.append(ImportBinding(bound, alias.name, None, alias.asname))
    elif isinstance(node, ast.ImportFrom):
        module = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                stars.append(module)
            else:
                bound = alias.asname or alias.name
                bindings.append(
                    ImportBinding(bound, module, alias.name, alias.asname, node.level)
                )
    return tuple(bindings), tuple(stars)
