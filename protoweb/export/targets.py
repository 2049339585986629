"""What an export is written against: protoweb's core, or Flask.

protoweb's names mean what Flask's mean, so a Flask export mostly swaps the
import and the app class (and ``protoweb.views``, ``protoweb.json``, ... for
Flask's modules of the same name). One thing differs and is rewritten: a
protoweb view may take ``request`` as a parameter (Flask's views use the
``request`` proxy instead).
"""

from __future__ import annotations

import ast
import importlib
import io
import tokenize
from collections.abc import Callable
from dataclasses import dataclass

from .errors import ExportError
from .names import ImportBinding
from .statements import first_line


@dataclass(frozen=True)
class Target:
    """One kind of exported project.

    :param module: the framework's import name.
    :param app_class: the class the app is made with.
    :param distribution: the distribution ``pyproject.toml`` depends on.
    :param setup: lines written right after ``app = ...``.
    """

    name: str
    module: str
    app_class: str
    distribution: str
    setup: tuple[str, ...] = ()

    def app_line(self, app_name: str) -> str:
        return f"{app_name} = {self.app_class}(__name__)"


#: The distribution protoweb is published as (``protoweb`` on PyPI is another
#: project); the import name stays ``protoweb``.
DISTRIBUTION = "protoweb-cells"
PROTOWEB = Target("protoweb", "protoweb", "App", DISTRIBUTION)
FLASK = Target("flask", "flask", "Flask", "Flask")
TARGETS = {target.name: target for target in (PROTOWEB, FLASK)}

#: protoweb's modules that have Flask's name and meaning (``flask.views``, ...).
FLASK_MODULES = frozenset(
    {
        "blueprints",
        "cli",
        "config",
        "ctx",
        "globals",
        "helpers",
        "json",
        "json.provider",
        "json.tag",
        "logging",
        "sessions",
        "signals",
        "templating",
        "testing",
        "typing",
        "views",
        "wrappers",
    }
)


def get_target(name: str) -> Target:
    """The :class:`Target` called ``name``, or an error listing the choices."""
    try:
        return TARGETS[name]
    except KeyError:
        choices = ", ".join(sorted(TARGETS))
        raise ExportError(
            f"unknown export target {name!r}; use one of: {choices}"
        ) from None


def retarget_binding(binding: ImportBinding, target: Target) -> ImportBinding:
    """A ``from protoweb import X`` binding as ``target`` writes it."""
    if target is PROTOWEB or binding.level:
        return binding
    top, _, submodule = binding.module.partition(".")
    if top != "protoweb":
        return binding
    if submodule in FLASK_MODULES and binding.name is not None:
        module = f"{target.module}.{submodule}"
        if _flask_lacks(module, binding.name):
            raise ExportError(
                f"{binding.module}.{binding.name} has no Flask counterpart in"
                f" {module}; export with --target protoweb"
            )
        return binding._replace(module=module)
    if binding.module != "protoweb" or binding.name is None:
        shown = (
            binding.module
            if binding.name is None
            else f"{binding.module}.{binding.name}"
        )
        raise ExportError(
            f"{shown} has no Flask counterpart; use the names protoweb shares with"
            " Flask (from protoweb import request, render_template, ...) or export"
            " with --target protoweb"
        )
    name = target.app_class if binding.name == "App" else binding.name
    asname = binding.asname or ("App" if binding.name == "App" else None)
    return ImportBinding(binding.bound, target.module, name, asname)


def _flask_lacks(module: str, name: str) -> bool:
    """Whether the installed Flask's ``module`` has no ``name`` (``False`` when
    Flask is not installed: the export's verification says so then)."""
    try:
        found = importlib.import_module(module)
    except ImportError:
        return False
    return not hasattr(found, name)


def _header_end(lines: list[str], def_row: int) -> tuple[int, int]:
    """The row and column of the ``:`` that ends the ``def`` header at ``def_row``."""
    text = "\n".join(lines[def_row:]) + "\n"
    depth = 0
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    for token in tokens:
        if token.type != tokenize.OP:
            continue
        if token.string in "([{":
            depth += 1
        elif token.string in ")]}":
            depth -= 1
        elif token.string == ":" and depth == 0:
            return def_row + token.start[0] - 1, token.start[1]
    raise ValueError("no ':' after def")


def _format_arguments(
    arguments: ast.arguments, segment: Callable[[ast.AST], str]
) -> str:
    """A parameter list as PEP 8 writes it, each part in its original text."""

    def parameter(arg: ast.arg, default: ast.expr | None = None) -> str:
        text = arg.arg
        if arg.annotation is not None:
            text += f": {segment(arg.annotation)}"
        if default is not None:
            text += (" = " if arg.annotation is not None else "=") + segment(default)
        return text

    positional = arguments.posonlyargs + arguments.args
    padding: list[ast.expr | None] = [None] * (
        len(positional) - len(arguments.defaults)
    )
    parts: list[str] = []
    for index, (arg, default) in enumerate(
        zip(positional, [*padding, *arguments.defaults], strict=True)
    ):
        parts.append(parameter(arg, default))
        if index == len(arguments.posonlyargs) - 1:
            parts.append("/")
    if arguments.vararg is not None:
        parts.append("*" + parameter(arguments.vararg))
    elif arguments.kwonlyargs:
        parts.append("*")
    for arg, kw_default in zip(
        arguments.kwonlyargs, arguments.kw_defaults, strict=True
    ):
        parts.append(parameter(arg, kw_default))
    if arguments.kwarg is not None:
        parts.append("**" + parameter(arguments.kwarg))
    return ", ".join(parts)


def drop_request_parameter(text: str, node: ast.stmt) -> str:
    """A view's source without its ``request`` parameter (Flask passes none).

    The body keeps using the name ``request``, which the Flask export imports
    from :mod:`flask`. Only the ``def`` header is rewritten; the rest keeps its text.
    """
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return text
    arguments = node.args
    positional = arguments.posonlyargs + arguments.args
    names = [a.arg for a in positional] + [a.arg for a in arguments.kwonlyargs]
    if "request" not in names:
        return text
    defaults_start = len(positional) - len(arguments.defaults)
    keyword_only = list(zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True))
    new_arguments = ast.arguments(
        posonlyargs=[a for a in arguments.posonlyargs if a.arg != "request"],
        args=[a for a in arguments.args if a.arg != "request"],
        vararg=arguments.vararg,
        kwonlyargs=[a for a, _ in keyword_only if a.arg != "request"],
        kw_defaults=[d for a, d in keyword_only if a.arg != "request"],
        kwarg=arguments.kwarg,
        defaults=[
            default
            for index, default in enumerate(arguments.defaults, start=defaults_start)
            if positional[index].arg != "request"
        ],
    )
    first = first_line(node)
    padded = "\n" * (first - 1) + text
    if ast.get_source_segment(padded, node) is None or not text.lstrip().startswith(
        ("@", "def", "async")
    ):
        return ast.unparse(_with_arguments(node, new_arguments))

    def segment(part: ast.AST) -> str:
        return ast.get_source_segment(padded, part) or ast.unparse(part)

    lines = text.split("\n")
    def_row = node.lineno - first
    try:
        end_row, end_col = _header_end(lines, def_row)
    except (ValueError, tokenize.TokenError):
        return ast.unparse(_with_arguments(node, new_arguments))
    prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    returns = f" -> {segment(node.returns)}" if node.returns else ""
    header = (
        f"{prefix} {node.name}({_format_arguments(new_arguments, segment)}){returns}"
    )
    rest = lines[end_row][end_col:]
    return "\n".join([*lines[:def_row], header + rest, *lines[end_row + 1 :]])


def _with_arguments(
    node: ast.FunctionDef | ast.AsyncFunctionDef, arguments: ast.arguments
) -> ast.AST:
    copy = type(node)(**{**vars(node), "args": arguments})
    return ast.fix_missing_locations(copy)
