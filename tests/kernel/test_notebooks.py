"""Every notebook under notebooks/ runs cleanly, top to bottom, in a real kernel."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    names = {path.name for path in NOTEBOOKS}
    assert {
        "quickstart.ipynb",
        "notes_app.ipynb",
        "flask_features.ipynb",
        "blueprints_async.ipynb",
    } <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source


def run(path: Path, cwd: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=60,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    return notebook


def text_of(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            parts.append(output.data.get("text/plain", ""))
    return "".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_runs_cleanly(path: Path, tmp_path: Path) -> None:
    notebook = run(path, tmp_path)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        assert not any(o.output_type == "error" for o in cell.outputs), cell.source
        streams = [o for o in cell.outputs if o.output_type == "stream"]
        assert not any(o.name == "stderr" for o in streams), (cell.source, streams)
    outputs = {
        cell.source: text_of(cell)
        for cell in notebook.cells
        if cell.cell_type == "code"
    }
    if path.name == "quickstart.ipynb":
        assert outputs["%protoweb request GET /hello/notebook"].endswith(
            "\n\nHello notebook!\n"
        )
        posted = outputs['%protoweb request POST /items -d "text=Write a notebook"']
        assert posted.startswith("HTTP/1.1 302 FOUND")
        assert '"Write a notebook"' in outputs["%protoweb request GET /api/items"]
    if path.name == "notes_app.ipynb":
        api = outputs["%protoweb request GET /api/notes"]
        assert '"title": "Buy milk"' in api and '"done": 1' in api
        assert outputs["%protoweb request GET /notes/999"].startswith(
            "HTTP/1.1 404 NOT FOUND"
        )
        assert (tmp_path / "notes.db").exists()
        exported = outputs["%protoweb export notes_project --name notes --force"]
        assert "passed in a fresh Python" in exported, exported
        assert (tmp_path / "notes_project" / "notes" / "app.py").exists()
    if path.name == "flask_features.ipynb":
        check_flask_features(notebook)
    if path.name == "blueprints_async.ipynb":
        books = outputs["%protoweb request GET /api/v2/books"]
        assert books.startswith("HTTP/1.1 200 OK") and '"version": "v2"' in books
        one = outputs["%protoweb request GET /api/v2/books/1"]
        assert '"book": "Emma"' in one, one
        exported = outputs["%protoweb export books_project --name books --force"]
        assert "passed in a fresh Python" in exported, exported
        app_py = (tmp_path / "books_project" / "books" / "app.py").read_text()
        assert "async def book(index):" in app_py, app_py
        assert "def books():" in app_py, app_py


def check_flask_features(notebook: nbformat.NotebookNode) -> None:
    """The blueprint, filter, context processor and flash answer; the filter is hot."""
    runs: dict[str, list[str]] = {}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            runs.setdefault(cell.source, []).append(text_of(cell))
    before, after = runs["%protoweb request GET /notes/"]
    assert before.startswith("HTTP/1.1 200 OK"), before
    assert "<title>Team notes</title>" in before
    assert "<li>SHIP THE PROTOTYPE!</li>" in before
    posted = runs['%protoweb request POST /notes/ -d "text=Write the docs"'][0]
    assert posted.startswith("HTTP/1.1 302 FOUND"), posted
    assert "Location: /notes/" in posted
    followed = next(
        text for source, (text, *_) in runs.items() if source.startswith("client = ")
    )
    assert followed.startswith("200 OK /notes/"), followed
    assert '<p class="flash info">Added &#39;Try a blueprint&#39;.</p>' in followed
    assert "<li>Ship the prototype?</li>" in after
    assert "<li>Try a blueprint?</li>" in after
    assert '"notes": 3' in runs["%protoweb request GET /notes/count"][0]
