"""A ``%%route`` cell body as a view function, and as source for the exporter."""

from __future__ import annotations

import ast
import traceback

import pytest

from kernel_ext.compiler import (
    CellCompileError,
    compile_view,
    export_source,
    register_cell_text,
)
from kernel_ext.rules import parse_route_line


def build(line: str, body: str, namespace: dict | None = None):
    spec = parse_route_line(line)
    filename = f"<cell test {line}>"
    register_cell_text(filename, f"%%route {line}\n{body}")
    return compile_view(
        spec, body, namespace if namespace is not None else {}, filename
    )


def test_last_expression_is_returned() -> None:
    view = build("/hello/<name>", "greeting = f'Hi {name}'\ngreeting").function
    assert view("Ada") == "Hi Ada"
    assert view.__name__ == "hello"


def test_return_works_and_globals_come_from_the_namespace() -> None:
    body = "if n > LIMIT:\n    return 'big'\n'small'"
    view = build("/n/<int:n>", body, {"LIMIT": 3}).function
    assert (view(5), view(1)) == ("big", "small")


def test_the_view_is_not_stored_in_the_namespace() -> None:
    namespace: dict = {}
    build("/stored", "'x'", namespace)
    assert "stored" not in namespace


def test_traceback_shows_the_cell_lines() -> None:
    view = build("/boom", "value = 0\n1 / value").function
    with pytest.raises(ZeroDivisionError) as info:
        view()
    frame = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (frame.filename, frame.lineno, frame.line) == (
        "<cell test /boom>",
        3,
        "1 / value",
    )


def test_syntax_error_names_the_cell_line() -> None:
    with pytest.raises(CellCompileError, match="line 3 of the cell"):
        build("/bad", "x = 1\ny = (\n")


def test_empty_body_is_an_error() -> None:
    with pytest.raises(CellCompileError, match="no body"):
        build("/empty", "  \n")
    with pytest.raises(CellCompileError, match="only comments"):
        build("/empty", "# nothing\n")


def test_a_body_that_awaits_is_an_async_view() -> None:
    import asyncio
    import inspect

    view = build("/a", "import asyncio\nawait asyncio.sleep(0)\n'done'")
    assert inspect.iscoroutinefunction(view.function)
    assert asyncio.run(view.function()) == "done"
    assert "async def a():" in view.source


def test_await_inside_a_nested_function_keeps_the_view_plain() -> None:
    import inspect

    view = build("/a", "async def inner():\n    await x\n'plain'")
    assert not inspect.iscoroutinefunction(view.function)
    assert "\ndef a():" in view.source


def test_await_in_a_plain_nested_function_is_an_error_with_its_line() -> None:
    with pytest.raises(CellCompileError, match="line 3 of the cell"):
        build("/a", "def inner():\n    await x\n'plain'")


def test_export_source_is_ordinary_decorated_python() -> None:
    spec = parse_route_line("GET,POST /items/<int:item_id>")
    body = (
        "# a comment stays\n"
        'page = """<ul>\n<li>{}</li>\n</ul>"""\n'
        "x = 1; page.format(item_id)\n"
    )
    source = export_source(spec, body)
    assert source == (
        '@app.route("/items/<int:item_id>", methods=["GET", "POST"])\n'
        "def get_post_items(item_id):\n"
        "    # a comment stays\n"
        '    page = """<ul>\n<li>{}</li>\n</ul>"""\n'
        "    x = 1; return page.format(item_id)\n"
    )
    namespace: dict = {"app": _RecordingApp()}
    exec(compile(ast.parse(source), "<export>", "exec"), namespace)
    assert namespace["get_post_items"](3) == "<ul>\n<li>3</li>\n</ul>"


def test_export_source_keeps_non_ascii_text() -> None:
    spec = parse_route_line("/café")
    assert export_source(spec, "x = 'é'; x\n").endswith("    x = 'é'; return x\n")


def test_a_view_named_like_a_global_it_uses_is_flagged() -> None:
    assert build("/notes", "notes").shadowed_global
    assert not build("/notes", "'x'").shadowed_global


def test_a_view_that_only_binds_a_local_of_its_own_name_is_not_flagged() -> None:
    assert not build("/entries", "entries = [1, 2]\nentries").shadowed_global
    assert not build("/entries", "import entries\nentries").shadowed_global


class _RecordingApp:
    def route(self, rule: str, methods: list[str]):
        return lambda function: function
