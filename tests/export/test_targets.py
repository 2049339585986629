"""A Flask export is the same app: the import swapped, protoweb-only forms rewritten."""

from __future__ import annotations

import ast

import pytest

from protoweb.export import ExportError
from protoweb.export.app_module import render_imports
from protoweb.export.names import ImportBinding
from protoweb.export.targets import (
    FLASK,
    PROTOWEB,
    drop_request_parameter,
    retarget_binding,
)


def binding(module: str, name: str | None, asname: str | None = None) -> ImportBinding:
    bound = asname or (name if name else module.split(".")[0])
    return ImportBinding(bound, module, name, asname)


def test_imports_are_grouped_and_sorted_as_isort_does() -> None:
    text = render_imports(
        [
            binding("protoweb", "request"),
            binding("protoweb", "App"),
            binding("numpy", None, "np"),
            binding("os", None),
            binding("datetime", "date"),
            binding("__future__", "annotations"),
            binding("json", None),
            binding("protoweb", "ITEMS_LIMIT"),
        ]
    )
    assert text == (
        "from __future__ import annotations\n\n"
        "import json\nimport os\nfrom datetime import date\n\n"
        "import numpy as np\nfrom protoweb import ITEMS_LIMIT, App, request"
    )


def test_long_import_lines_are_wrapped() -> None:
    names = [f"name_{n:02d}" for n in range(12)]
    text = render_imports([binding("protoweb", n) for n in names])
    assert text.startswith("from protoweb import (\n    name_00,\n")
    assert all(len(line) <= 88 for line in text.splitlines())


def test_protoweb_names_come_from_flask() -> None:
    assert retarget_binding(binding("protoweb", "request"), FLASK) == binding(
        "flask", "request"
    )
    assert retarget_binding(binding("protoweb", "App"), FLASK) == ImportBinding(
        "App", "flask", "Flask", "App"
    )
    assert retarget_binding(binding("protoweb", "App"), PROTOWEB) == binding(
        "protoweb", "App"
    )


def test_protoweb_internals_have_no_flask_counterpart() -> None:
    with pytest.raises(
        ExportError, match="protoweb.responses has no Flask counterpart"
    ):
        retarget_binding(binding("protoweb.responses", None), FLASK)


@pytest.mark.parametrize(
    ("source", "header"),
    [
        ("def add(request):", "def add():"),
        ("def item(id, request):", "def item(id):"),
        (
            "def item(request, id: int = 1, *, q='x'):",
            "def item(id: int = 1, *, q='x'):",
        ),
        ("def item(*, request):", "def item():"),
        ("async def item(request) -> str:", "async def item() -> str:"),
    ],
)
def test_a_request_parameter_becomes_flasks_proxy(source: str, header: str) -> None:
    rest = "  # note\n    # body comment\n    return request.path"
    text = f"@app.post('/x')\n{source}{rest}"
    rewritten = drop_request_parameter(text, ast.parse(text).body[0])
    assert rewritten == f"@app.post('/x')\n{header}{rest}"


def test_a_multi_line_header_is_rewritten_whole() -> None:
    text = "def add(\n    request,\n    name,\n):\n    return name"
    rewritten = drop_request_parameter(text, ast.parse(text).body[0])
    assert rewritten == "def add(name):\n    return name"


def test_flask_named_submodules_come_from_flask() -> None:
    assert retarget_binding(binding("protoweb.views", "MethodView"), FLASK) == binding(
        "flask.views", "MethodView"
    )
    assert retarget_binding(
        binding("protoweb.json.provider", "DefaultJSONProvider"), FLASK
    ) == binding("flask.json.provider", "DefaultJSONProvider")
    with pytest.raises(ExportError, match="protoweb.cli.ProtowebGroup has no Flask"):
        retarget_binding(binding("protoweb.cli", "ProtowebGroup"), FLASK)
    assert FLASK.setup == ()  # JSON keys are sorted on both sides now
