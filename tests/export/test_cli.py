"""``protoweb export NOTEBOOK.ipynb DIR``: every example notebook, run and exported.

Each notebook under ``notebooks/`` is copied to a temporary folder (running it may
make files beside it), exported from a shell, and its exported tests are run.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.commands import run_protoweb

from .conftest import REPO, fresh_python

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_notebook_exports_and_its_tests_pass(
    notebook: Path, tmp_path: Path
) -> None:
    copy = tmp_path / notebook.name
    shutil.copy(notebook, copy)
    completed = run_protoweb("export", str(copy), "exported", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert "passed in a fresh Python" in completed.stdout
    folder = tmp_path / "exported"
    assert (folder / "exported" / "app.py").is_file()
    result = fresh_python(
        "import sys, pytest; sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider']))",
        folder,
    )
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_a_failing_cell_stops_the_export_naming_it(tmp_path: Path) -> None:
    cells = ["%load_ext protoweb", "ITEMS = []", "1 / 0"]
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {
                "cell_type": "code",
                "id": f"c{n}",
                "source": source,
                "metadata": {},
                "outputs": [],
                "execution_count": None,
            }
            for n, source in enumerate(cells)
        ],  # fmt: skip
    }
    (tmp_path / "broken.ipynb").write_text(json.dumps(notebook))
    completed = run_protoweb("export", "broken.ipynb", "out", cwd=tmp_path)
    assert completed.returncode == 1
    assert "code cell 3 of broken.ipynb failed" in completed.stderr
    assert "ZeroDivisionError" in completed.stderr
    assert not (tmp_path / "out").exists()


def test_a_non_empty_folder_needs_force(tmp_path: Path) -> None:
    shutil.copy(REPO / "notebooks" / "quickstart.ipynb", tmp_path / "q.ipynb")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    completed = run_protoweb("export", "q.ipynb", "out", cwd=tmp_path)
    assert completed.returncode == 1 and "--force" in completed.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.txt"]
    completed = run_protoweb(
        "export", "q.ipynb", "out", "--force", "--target", "flask", cwd=tmp_path
    )
    assert completed.returncode == 0, completed.stderr
    assert (tmp_path / "out" / "keep.txt").read_text() == "mine"
    assert "from flask import" in (tmp_path / "out" / "out" / "app.py").read_text()


def test_dir_is_relative_to_the_working_directory_not_the_notebook(
    tmp_path: Path,
) -> None:
    """As the docs run it: ``protoweb export notebooks/shop.ipynb shop; cd shop``."""
    (tmp_path / "notebooks").mkdir()
    shutil.copy(REPO / "notebooks" / "quickstart.ipynb", tmp_path / "notebooks")
    completed = run_protoweb(
        "export", "notebooks/quickstart.ipynb", "shop", cwd=tmp_path
    )
    assert completed.returncode == 0, completed.stderr
    assert f"to {tmp_path / 'shop'} in" in completed.stdout
    assert (tmp_path / "shop" / "shop" / "app.py").is_file()
    assert not (tmp_path / "notebooks" / "shop").exists()
