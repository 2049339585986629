"""A real kernel session using blueprints, filters and context processors (with
re-run cells) exports to both targets through ``%protoweb export``, and each export
passes its generated tests in a fresh Python without IPython."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..kernel.conftest import Kernel, http, server_url, start_kernel

CELLS = [
    ("imports", "from protoweb import Blueprint, g, render_template_string"),
    ("bp", "admin_bp = Blueprint('admin', __name__, url_prefix='/admin')"),
    ("register", "app.register_blueprint(admin_bp)"),
    ("users", "%%route GET /users --blueprint admin\n'users v1'"),
    ("users", "%%route GET /users --blueprint admin\n'users v2'"),
    (
        "slow",
        "%%route GET /slow --blueprint admin\nimport asyncio\n"
        "await asyncio.sleep(0.01)\n'slow ' + g.who",
    ),
    ("guard", "@admin_bp.before_request\ndef who():\n    g.who = 'root'"),
    ("filter", "@app.template_filter('shout')\ndef shout(s):\n    return s.upper()"),
    (
        "filter",
        "@app.template_filter('yell')\ndef yell(s):\n    return s.upper() + '!'",
    ),
    ("cp", "@app.context_processor\ndef site():\n    return {'site': 'Demo'}"),
    (
        "page",
        "%%route GET /\nrender_template_string(\"{{ site }}: {{ 'hi'|yell }}\")",
    ),
]
REQUESTS = {"/admin/users": "users v2", "/admin/slow": "slow root", "/": "Demo: HI!"}


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kernel]:
    started = start_kernel(tmp_path_factory)
    try:
        started.run("%load_ext protoweb", cell_id="load")
        for cell_id, cell in CELLS:
            started.run(cell, cell_id=cell_id)
        url = server_url(started)
        for path, body in REQUESTS.items():
            assert http(url + path).body == body
        yield started
    finally:
        started.shutdown()


@pytest.mark.parametrize("target", ["protoweb", "flask"])
def test_the_session_exports_and_its_tests_pass(
    kernel: Kernel, tmp_path: Path, target: str
) -> None:
    folder = tmp_path / "console"
    result = kernel.run(f"%protoweb export {folder} --target {target}")
    passed = re.search(r"(\d+) tests? passed in a fresh Python", result.stdout)
    assert passed and int(passed.group(1)) >= len(REQUESTS), result.stdout
    app_py = (folder / "console" / "app.py").read_text()
    assert "shout" not in app_py
    assert app_py.count("def users():") == 1 and "users v2" in app_py
    assert "@admin_bp.route(" in app_py and "async def slow():" in app_py
    assert app_py.index("async def slow") < app_py.index(
        "app.register_blueprint(admin_bp)"
    )
    if target == "flask":
        assert "flask[async]" in (folder / "pyproject.toml").read_text().lower()
