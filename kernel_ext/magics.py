"""The magics: ``%%route``, ``%%template``, ``%%static`` and ``%protoweb``.

Each parses its line, then calls the workbench (the engine); bad input is a
``UsageError`` with one clear message, and nothing is registered or replaced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import (
    Magics,
    cell_magic,
    line_magic,
    magics_class,
    no_var_expand,
)
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from protoweb import TemplateSyntaxError

from .compiler import CellCompileError
from .rules import RouteLineError, parse_route_words
from .verb_table import help_text, run_line
from .workbench import MissingBlueprintError

if TYPE_CHECKING:
    from .workbench import Workbench


@magics_class
class ProtowebMagics(Magics):
    """The notebook's way to define and inspect a protoweb app."""

    def __init__(self, shell: Any, bench: Workbench) -> None:
        super().__init__(shell)
        self._bench: Workbench | None = bench
        type(self).protoweb.__doc__ = help_text()

    @property
    def bench(self) -> Workbench:
        """The loaded workbench, or a clear error after ``%unload_ext protoweb``."""
        if self._bench is None:
            raise UsageError("protoweb is not loaded: run %load_ext protoweb")
        return self._bench

    def detach(self) -> None:
        """Unloaded: IPython has no public way to remove a magic, so the magics
        stay and say that protoweb is not loaded (``%load_ext`` replaces them)."""
        self._bench = None

    @no_var_expand
    @magic_arguments()
    @argument(
        "words",
        nargs="+",
        metavar="[METHODS] RULE",
        help="comma-separated methods (GET when left out), then the URL rule,"
        " e.g. GET,POST /items/<int:id>",
    )
    @argument(
        "--name",
        default=None,
        metavar="ENDPOINT",
        help="the endpoint (and view function) name; by default the rule's"
        " fixed segments joined by _ ('/' is index), after the methods when they"
        " are not just GET",
    )
    @argument(
        "--blueprint",
        default=None,
        metavar="NAME",
        help="put the view in the Blueprint named NAME (a variable of the"
        " notebook) instead of the app; its endpoint is NAME.ENDPOINT and its rule"
        " gets the blueprint's url_prefix",
    )
    @cell_magic
    def route(self, line: str, cell: str) -> None:
        """Make the cell body a view for RULE, live at once.

        The rule's variables are local names, ``request`` is in scope, ``return``
        works, and without one the last expression is the response. A body that
        uses ``await`` becomes an ``async def`` view. Re-running the cell replaces
        the route.
        """
        args = parse_argstring(self.route, line)
        try:
            spec = parse_route_words(args.words, args.name, args.blueprint)
        except RouteLineError as error:
            raise UsageError(f"%%route: {error}") from None
        try:
            compiled = self.bench.define_route(spec, cell)
        except MissingBlueprintError as error:
            raise UsageError(f"%%route --blueprint: {error.args[0]}") from None
        except CellCompileError as error:
            raise UsageError(f"%%route {spec.rule}: {error}") from None
        except ValueError as error:  # the app refuses the rule
            raise UsageError(f"%%route: {error}") from None
        if compiled.shadowed_global:
            print(
                f"note: the view is named {spec.endpoint!r}, like a global it uses;"
                " an exported app would shadow it (pass --name to rename the view)"
            )
        if compiled.returns_nothing:
            print(
                "note: the body has no return and does not end with an expression,"
                " so the view returns None (a 500); end it with the response"
            )
        if compiled.unimported:
            names = ", ".join(compiled.unimported)
            print(
                f"note: the view uses {names}, which the notebook has not imported:"
                f" run `from protoweb import {names}`"
            )

    @no_var_expand
    @magic_arguments()
    @argument("name", help="the template's name, e.g. index.html")
    @cell_magic
    def template(self, line: str, cell: str) -> None:
        """Register the cell as the Jinja2 template NAME (``app.templates[NAME]``).

        The template is checked at once; on a syntax error the previous version
        stays.
        """
        args = parse_argstring(self.template, line)
        existed = args.name in self.bench.app.templates
        try:
            self.bench.define_template(args.name, cell)
        except TemplateSyntaxError as error:
            raise UsageError(
                f"%%template: {error.message}{_source_line(cell, error.lineno)}"
            ) from None
        except ValueError as error:  # a name outside the templates folder
            raise UsageError(f"%%template: {error}") from None
        print(f"{'~' if existed else '+'}template {args.name}")

    @no_var_expand
    @magic_arguments()
    @argument("name", help="the file's name under /static/, e.g. style.css")
    @cell_magic
    def static(self, line: str, cell: str) -> None:
        """Serve the cell as the static file /static/NAME (``app.static_files``)."""
        args = parse_argstring(self.static, line)
        existed = args.name in self.bench.app.static_files
        try:
            self.bench.define_static(args.name, cell)
        except ValueError as error:
            raise UsageError(f"%%static: {error}") from None
        print(f"{'~' if existed else '+'}static /static/{args.name}")

    @no_var_expand
    @line_magic
    def protoweb(self, line: str) -> Any:
        """Replaced by the verb table's help when the magics are built."""
        return run_line(self.bench, line)


def _source_line(text: str, lineno: int | None) -> str:
    """Line ``lineno`` of a cell body, indented on a line of its own ("" if none)."""
    lines = text.splitlines()
    if lineno is None or not 0 < lineno <= len(lines) or not lines[lineno - 1].strip():
        return ""
    return f"\n    {lines[lineno - 1].strip()}"
