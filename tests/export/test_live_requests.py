"""Requests the live-update script made, and repeated page loads, in an export.

Issue 13: live updates never become export tests; identical recorded requests
become one test.
"""

from __future__ import annotations

from pathlib import Path

from protoweb.devtools.recording import LIVE_UPDATE
from protoweb.export import export_project

from .conftest import Notebook


def test_live_updates_are_left_out_and_repeats_make_one_test(
    notebook: Notebook, tmp_path: Path
) -> None:
    notebook.run("COUNT = [0]")
    notebook.run("@app.route('/')\ndef index():\n    return 'guestbook'")
    notebook.run(
        "@app.post('/sign')\ndef sign():\n    COUNT[0] += 1\n    return str(COUNT[0])"
    )
    for _ in range(3):
        notebook.request("GET", "/")
    notebook.request("GET", "/").extra[LIVE_UPDATE] = True
    notebook.request("POST", "/sign")
    notebook.request("POST", "/sign")
    notebook.request("GET", "/")
    result = export_project(notebook.source(), tmp_path / "out")
    tests = (tmp_path / "out/tests/test_app.py").read_text()
    assert tests.count("client.get(") == 1
    assert tests.count("client.post(") == 2
    assert "request 4" not in tests and "request 7" not in tests
    assert "def test_01_get_index" in tests and "def test_06_post_sign" in tests
    assert result.tests_passed == 4  # and test_routes
    assert not result.warnings
