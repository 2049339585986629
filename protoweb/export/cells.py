"""Cells as plain Python: IPython's notebook-only syntax taken out, line by line.

IPython's own transformers live in IPython, which protoweb never imports, so this
is a small transformer of its own. It knows where statements start (it follows
brackets, strings and backslash continuations) and replaces, at those places only:

- ``%magic ...``, ``!shell ...``, ``?obj``, ``obj?`` and the autocall escapes
  (``/f x``, ``,f x``, ``;f x``) with ``pass``, keeping the indentation;
- ``x = !cmd`` and ``x = %magic`` with ``x = None``, remembering the line, so
  that a view needing ``x`` stops the export with a message that shows it.

A ``%%magic`` cell is not Python, except the body of ``%%time``, ``%%capture``
and ``%%prun``, which runs in the notebook's namespace like any cell.

.. code-block:: python

    >>> cell_to_python("%matplotlib inline\\nimport os\\nfiles = !ls\\n").python
    'pass\\nimport os\\nfiles = None\\n'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Cell magics whose body runs as ordinary code in the notebook's namespace.
PYTHON_BODY_MAGICS = frozenset({"time", "capture", "prun"})

EXPORT_MARKER = re.compile(r"#\s*protoweb\s*:\s*export\s*$", re.IGNORECASE)

_CELL_MAGIC = re.compile(r"%%(?P<name>[\w.-]+)\s*(?P<line>.*)$")
_ASSIGN_FROM_MAGIC = re.compile(
    r"(?P<lhs>[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)\s*=\s*[!%]"
)
_HELP_SUFFIX = re.compile(r"[A-Za-z_*][\w.*\[\]'\"]*\s*\?{1,2}$")
_ESCAPES = ("%", "!", "?")
_AUTOCALL = re.compile(r"[/,;][A-Za-z_]")


@dataclass(frozen=True)
class CellCode:
    """A cell's text as plain Python, and what was notebook-only in it.

    :param python: the Python text, with as many lines as the cell (the
        ``%%magic`` line of a ``%%time`` cell becomes a blank line).
    :param magic: the name of the cell magic for a ``%%magic`` cell, else ``None``.
    :param magic_line: the rest of the ``%%magic`` line (``GET /items``).
    :param export: the cell's first line is ``# protoweb: export``.
    :param notebook_only: line number -> original text of the lines that assigned
        a name from IPython syntax (``files = !ls``).
    """

    python: str
    magic: str | None = None
    magic_line: str = ""
    export: bool = False
    notebook_only: dict[int, str] = field(default_factory=dict)

    @property
    def is_python(self) -> bool:
        """Whether the cell holds Python (every cell but a non-Python ``%%magic``)."""
        return self.magic is None or self.magic in PYTHON_BODY_MAGICS


class LineScanner:
    """Follows brackets, strings and continuations to tell where statements start."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        """Whether the next physical line begins a new logical line."""
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> None:
        """Advance over one physical line (without its newline)."""
        self.continued = False
        i, end = 0, len(line)
        while i < end:
            char = line[i]
            if self.quote is not None:
                if char == "\\":
                    i += 2
                elif line.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = None
                else:
                    i += 1
                continue
            if char == "#":
                return
            if char in "\"'":
                triple = line[i : i + 3]
                self.quote = triple if triple in ('"""', "'''") else char
                i += len(self.quote)
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(self.depth - 1, 0)
            i += 1
        stripped = line.rstrip()
        backslashes = len(stripped) - len(stripped.rstrip("\\"))
        self.continued = backslashes % 2 == 1
        if self.quote in ('"', "'") and not self.continued:
            self.quote = None


def notebook_only_line(stripped: str) -> bool:
    """Whether a statement (leading whitespace removed) is IPython-only syntax."""
    if stripped.startswith(_ESCAPES):
        return True
    if _AUTOCALL.match(stripped):
        return True
    return bool(_HELP_SUFFIX.fullmatch(stripped.rstrip()))


def strip_ipython(source: str, first_line: int = 1) -> tuple[str, dict[int, str]]:
    """The cell's Python, and the lines that assigned names from IPython syntax.

    :param first_line: the cell line number of ``source``'s first line, so that the
        numbers in the returned dict are the cell's.
    """
    scanner = LineScanner()
    lines = source.split("\n")
    notebook_only: dict[int, str] = {}
    for index, line in enumerate(lines):
        if scanner.at_statement_start:
            stripped = line.lstrip()
            indent = line[: len(line) - len(stripped)]
            assignment = _ASSIGN_FROM_MAGIC.match(stripped)
            if assignment is not None:
                notebook_only[first_line + index] = line.strip()
                line = f"{indent}{assignment.group('lhs')} = None"
            elif stripped and notebook_only_line(stripped):
                line = f"{indent}pass"
            lines[index] = line
        scanner.feed(line)
    return "\n".join(lines), notebook_only


def cell_to_python(source: str) -> CellCode:
    """Turn one cell, as typed, into :class:`CellCode`."""
    lines = source.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return CellCode("")
    export = bool(EXPORT_MARKER.match(lines[first].strip()))
    magic = _CELL_MAGIC.match(lines[first])
    if magic is None:
        python, notebook_only = strip_ipython(source)
        return CellCode(python, export=export, notebook_only=notebook_only)
    name, magic_line = magic.group("name"), magic.group("line").strip()
    if name not in PYTHON_BODY_MAGICS:
        return CellCode("", magic=name, magic_line=magic_line)
    body = "\n".join(lines[first + 1 :])
    python, notebook_only = strip_ipython(body, first_line=first + 2)
    padding = "\n" * (first + 1)
    return CellCode(
        padding + python, magic=name, magic_line=magic_line, notebook_only=notebook_only
    )
