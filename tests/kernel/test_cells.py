"""Notebook-only syntax never reaches an export: IPython's own transformer turns it
into ``get_ipython()`` calls, which the exporter leaves out."""

from __future__ import annotations

import ast

import pytest

from kernel_ext.cells import cell_python, cell_run
from protoweb import App
from protoweb.export.history import read_cells
from protoweb.export.prototype import Prototype


def statements(*sources: str) -> list[str]:
    """The text of each statement the exporter reads from these cells, and whether
    it is notebook-only (``!`` in front)."""
    cells = [cell_run(source, number) for number, source in enumerate(sources, 1)]
    found = read_cells(Prototype(App("t"), cells)).statements
    return [("!" if s.notebook_only else "") + s.text for s in found]


@pytest.mark.parametrize(
    "line",
    [
        "%timeit sum(range(10))",
        "%matplotlib inline",
        "!echo hi",
        "!!ls",
        "?len",
        "len?",
        "json.dumps??",
        "%load_ext protoweb",
    ],
)
def test_notebook_only_lines_call_ipython_line_for_line(line: str) -> None:
    python = cell_python(f"x = 1\n{line}\ny = 2")
    lines = python.rstrip("\n").split("\n")
    assert (lines[0], lines[2]) == ("x = 1", "y = 2")
    assert lines[1].startswith("get_ipython().")
    ast.parse(python)


def test_indented_magics_keep_the_block_valid() -> None:
    python = cell_python("for i in range(3):\n    %time f(i)\n    !echo {i}\n")
    assert python.count("get_ipython()") == 2
    ast.parse(python)


def test_assignments_from_ipython_syntax_are_notebook_only_as_typed() -> None:
    found = read_cells(
        Prototype(App("t"), [cell_run("files = !ls\nout = %sx echo hi\nx = 1", 3)])
    ).statements
    assert [s.notebook_only for s in found] == [
        "files = !ls",
        "out = %sx echo hi",
        None,
    ]
    assert [sorted(s.defines) for s in found] == [["files"], ["out"], ["x"]]


def test_strings_and_brackets_are_not_touched() -> None:
    source = (
        'text = """\n%not a magic\n!nor a shell\n"""\n'
        "values = [\n    1,\n]\n"
        "call(\n    'a',\n)\n"
        "rate = 100 % 7\nok = a != b  # what?\n"
        "joined = 1 + \\\n    2\n"
        "total = (a\n% b)\n"
    )
    assert cell_python(source) == source


def test_cell_magic_cells_hold_no_python() -> None:
    assert cell_python("%%route GET /hello/<name>\nf'Hello {name}'") == ""
    assert cell_python("%%template page.html\n<h1>{{ x }}</h1>") == ""


def test_time_and_capture_cells_run_their_body_on_its_own_lines() -> None:
    python = cell_python("%%time\nimport json\n!echo hi\nX = 1")
    assert python.split("\n")[:2] == ["", "import json"]
    assert python.split("\n")[3] == "X = 1"
    assert statements("%%time\nimport json\n!echo hi\nX = 1") == [
        "import json",
        "!get_ipython().system('echo hi')",
        "X = 1",
    ]


def test_the_export_marker_survives_the_transformer() -> None:
    from protoweb.export.statements import marked_for_export

    assert marked_for_export(cell_python("# protoweb: export\nX = 1"))
    assert marked_for_export(cell_python("\n#protoweb:export\nX = 1"))
    assert not marked_for_export(cell_python("X = 1\n# protoweb: export"))
