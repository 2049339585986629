"""Notebook-only syntax never reaches an export: cells become plain Python."""

from __future__ import annotations

import ast

import pytest

from protoweb.export.cells import cell_to_python, strip_ipython


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
        "/print 1 2",
        ",print a b",
    ],
)
def test_notebook_only_lines_become_pass(line: str) -> None:
    python, assigned = strip_ipython(f"x = 1\n{line}\ny = 2")
    assert python == "x = 1\npass\ny = 2"
    assert assigned == {}


def test_indented_magics_keep_the_block_valid() -> None:
    python, _ = strip_ipython("for i in range(3):\n    %time f(i)\n    !echo {i}\n")
    assert python == "for i in range(3):\n    pass\n    pass\n"
    ast.parse(python)


def test_assignments_from_ipython_syntax_are_remembered() -> None:
    python, assigned = strip_ipython("files = !ls\nout = %sx echo hi\nx = 1")
    assert python == "files = None\nout = None\nx = 1"
    assert assigned == {1: "files = !ls", 2: "out = %sx echo hi"}


def test_strings_and_brackets_are_not_touched() -> None:
    source = (
        'text = """\n%not a magic\n!nor a shell\n"""\n'
        "values = [\n    1,\n]\n"
        "call(\n    'a',\n)\n"
        "rate = 100 % 7\nok = a != b  # what?\n"
        "joined = 1 + \\\n    2\n"
    )
    python, _ = strip_ipython(source)
    assert python == source


def test_a_percent_inside_a_continued_expression_is_python() -> None:
    source = "total = (a\n% b)\n"
    assert strip_ipython(source)[0] == source


def test_cell_magic_cells_hold_no_python() -> None:
    code = cell_to_python("%%route GET /hello/<name>\nf'Hello {name}'")
    assert (code.magic, code.magic_line, code.python) == (
        "route",
        "GET /hello/<name>",
        "",
    )
    assert not code.is_python


def test_time_and_capture_cells_run_their_body() -> None:
    code = cell_to_python("%%time\nimport json\n!echo hi\nX = 1")
    assert code.is_python
    assert code.python == "\nimport json\npass\nX = 1"


def test_export_marker_on_the_first_line() -> None:
    assert cell_to_python("# protoweb: export\nX = 1").export
    assert cell_to_python("\n#protoweb:export\nX = 1").export
    assert not cell_to_python("X = 1\n# protoweb: export").export
