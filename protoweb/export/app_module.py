"""Writing ``app.py``: the slice as a module that reads like one written by hand.

Imports go to the top, grouped and sorted as isort (and ruff) would; then the app
and its configuration; then the kept statements in the order they ran, each with
the comment lines that stood above it in its cell.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..config import DEFAULT_CONFIG as DEFAULTS
from .names import ImportBinding
from .replay import python_literal
from .slicing import Slice
from .statements import Statement
from .targets import FLASK, Target, drop_request_parameter, retarget_binding

#: Config keys that belong to the notebook, not to a deployed app.
SESSION_ONLY_CONFIG = frozenset({"DEBUG", "TESTING", "PROPAGATE_EXCEPTIONS", "ENV"})
LINE_LENGTH = 88


@dataclass
class AppModule:
    """The text of ``app.py`` and what went into it.

    :param modules: the top-level modules its imports come from (for
        ``pyproject.toml``'s dependencies).
    """

    text: str
    modules: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


def _section(module: str) -> int:
    top = module.split(".")[0]
    if top == "__future__":
        return 0
    return 1 if top in sys.stdlib_module_names else 2


def _member_order(name: str) -> tuple[int, str]:
    """isort's ``order-by-type``: CONSTANTS, then Classes, then the rest."""
    if name.isupper() and len(name) > 1:
        return 0, name
    if name[:1].isupper():
        return 1, name
    return 2, name.lower()


def _alias(name: str, asname: str | None) -> str:
    return f"{name} as {asname}" if asname and asname != name else name


def render_imports(bindings: Iterable[ImportBinding]) -> str:
    """Import statements for ``bindings``, grouped and sorted as isort does."""
    plain: set[tuple[str, str | None]] = set()
    members: dict[tuple[str, int], set[tuple[str, str | None]]] = {}
    for binding in bindings:
        if binding.name is None:
            plain.add((binding.module, binding.asname))
        else:
            key = (binding.module, binding.level)
            members.setdefault(key, set()).add((binding.name, binding.asname))
    sections: dict[int, list[str]] = {0: [], 1: [], 2: [], 3: []}
    for module, asname in sorted(plain, key=lambda p: (p[0].lower(), p[1] or "")):
        sections[_section(module)].append(f"import {_alias(module, asname)}")
    for (module, level), names in sorted(
        members.items(), key=lambda m: m[0][0].lower()
    ):
        section = 3 if level else _section(module)
        ordered = sorted(names, key=lambda n: (_member_order(n[0]), n[1] or ""))
        aliases = [_alias(name, asname) for name, asname in ordered]
        line = f"from {'.' * level}{module} import {', '.join(aliases)}"
        if len(line) > LINE_LENGTH:
            body = "".join(f"    {alias},\n" for alias in aliases)
            line = f"from {'.' * level}{module} import (\n{body})"
        sections[section].append(line)
    return "\n\n".join("\n".join(lines) for lines in sections.values() if lines)


def _literal(value: Any) -> str | None:
    """``value`` as Python source (strings in double quotes), if it can be one."""
    text = python_literal(value)
    try:
        same = ast.literal_eval(text) == value
    except (ValueError, SyntaxError, TypeError, RecursionError):
        return None
    return text if same else None


def is_secret_config(key: str) -> bool:
    """Whether the config key names a secret (``SECRET_KEY``, ``API_TOKEN``, ...),
    whose value an export reads from the environment instead of writing it."""
    name = key.upper()
    return (
        name == "KEY"
        or name.endswith("_KEY")
        or any(word in name for word in ("SECRET", "TOKEN", "PASSWORD"))
    )


def config_lines(
    config: Mapping[str, Any], target: Target, app_name: str
) -> tuple[list[str], set[ImportBinding], list[str]]:
    """Lines that give the exported app the session app's configuration.

    Only keys that differ from protoweb's defaults are written. ``SECRET_KEY``
    and any key naming a secret are read from the environment only: the
    session's values are never written.

    :returns: the lines, the imports they need, and warnings for values that
        cannot be written as Python literals.
    """
    lines: list[str] = []
    imports: set[ImportBinding] = set()
    warnings: list[str] = []
    for key, value in config.items():
        if key in SESSION_ONLY_CONFIG or (key in DEFAULTS and DEFAULTS[key] == value):
            continue
        literal: str | None
        if is_secret_config(key):
            # Never the notebook's value: the deployed app's own, from its
            # environment (a session used without a key says so at first use).
            imports.add(ImportBinding("os", "os", None, None))
            lines.append(f"# {key} comes from the environment only: set it there.")
            literal = f"os.environ.get({python_literal(key)})"
            if isinstance(value, list | tuple):
                lines[-1] = f"# {key} comes from the environment, comma-separated."
                variable = python_literal(key)
                literal = f'[k for k in os.environ.get({variable}, "").split(",") if k]'
        else:
            literal = _literal(value)
        if literal is None:
            warnings.append(
                f"app.config[{key!r}] was not exported: its value"
                f" ({type(value).__name__})"
                " cannot be written as a Python literal; set it in app.py"
            )
            continue
        lines.append(f"{app_name}.config[{python_literal(key)}] = {literal}")
    return lines, imports, warnings


_BLOCKS = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.While,
    ast.Try, ast.With,
)  # fmt: skip


def _is_block(statement: Statement) -> bool:
    return isinstance(statement.node, _BLOCKS)


def _statement_text(
    statement: Statement, target: Target, request_views: frozenset[str]
) -> str:
    text = statement.text
    node = statement.node
    if (
        target is FLASK
        and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name in request_views
    ):
        text = drop_request_parameter(text, node)
    return f"{statement.comments}\n{text}" if statement.comments else text


def _bindings(piece: Slice, statement: Statement) -> list[ImportBinding]:
    wanted = piece.import_names.get(statement)
    bindings = [b for b in statement.imports if wanted is None or b.bound in wanted]
    for module in statement.star_imports:
        for name in sorted(piece.star_names.get(statement, ())):
            bindings.append(ImportBinding(name, module, name, None))
    return bindings


def render_app_module(
    piece: Slice,
    *,
    name: str,
    target: Target,
    config: Mapping[str, Any],
    request_views: frozenset[str] = frozenset(),
    app_name: str = "app",
) -> AppModule:
    """The text of ``app.py``.

    :param request_views: names of view functions that take ``request`` as a
        parameter; a Flask export rewrites them to use ``flask.request``.
    """
    bindings: set[ImportBinding] = set()
    if target is FLASK and request_views:
        bindings.add(ImportBinding("request", "protoweb", "request", None))
    body: list[Statement] = []
    for statement in piece.statements:
        if isinstance(statement.node, ast.Import | ast.ImportFrom):
            bindings.update(_bindings(piece, statement))
        else:
            body.append(statement)
    setup, config_imports, warnings = config_lines(config, target, app_name)
    bindings |= config_imports
    retargeted = {retarget_binding(b, target) for b in bindings}
    retargeted.add(
        ImportBinding(target.app_class, target.module, target.app_class, None)
    )
    parts = [
        f'"""The {name} app, exported from a protoweb session.\n\n'
        f"Serve it with ``python -m {name}``, or in production with"
        f" ``gunicorn {name}.wsgi:app``.\n"
        '"""',
        render_imports(retargeted),
        "\n".join([target.app_line(app_name), *target.setup, *setup]),
    ]
    text = "\n\n".join(parts)
    previous: Statement | None = None
    for statement in body:
        if previous is None or _is_block(statement) or _is_block(previous):
            gap = "\n\n\n"
        elif previous.position[0] == statement.position[0]:
            gap = "\n"
        else:
            gap = "\n\n"
        text += gap + _statement_text(statement, target, request_views)
        previous = statement
    modules = {b.module.split(".")[0] for b in retargeted if not b.level}
    return AppModule(text.rstrip() + "\n", modules, warnings)
