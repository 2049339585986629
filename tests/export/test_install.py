"""An export installs anywhere: a fresh venv that has never seen the source tree.

The venv (``python -m venv``, nothing from the test's environment) installs the
exported project, for protoweb from the wheel ``--wheel`` wrote beside it (the
distribution is not on PyPI) and for Flask from PyPI, runs the project's own tests
and serves it with gunicorn over real HTTP.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import tomllib

from protoweb.export import export_project
from protoweb.export.targets import DISTRIBUTION
from tests.ports import free_port

from .conftest import REPO, Notebook

INSTALL_TIMEOUT = 600


def prototype(root: Path, async_view: bool) -> Notebook:
    """A ``%%route`` view, a decorated one and a template, with a request each, and
    an ``async def`` view (not requested: protoweb's own views are synchronous)."""
    notebook = Notebook(root)
    notebook.run("import json\nfrom protoweb import render_template")
    notebook.run("ITEMS = ['milk']")
    notebook.run("%%route GET /items\njson.dumps(ITEMS)")
    notebook.run("%%template hello.html\n<h1>Hello {{ name }}!</h1>")
    notebook.run(
        "@app.route('/hello/<name>')\ndef hello(name):\n"
        "    return render_template('hello.html', name=name)"
    )
    if async_view:
        notebook.run("@app.route('/later')\nasync def later():\n    return 'done'")
    for path in ("/items", "/hello/ada"):
        notebook.request("GET", path)
    return notebook


def clean_environment() -> dict[str, str]:
    """The environment without anything pointing at the source tree."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTHON", "VIRTUAL_ENV", "PIP_REQUIRE"))
    }
    environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return environment


def run(command: list[str], cwd: Path, timeout: float = INSTALL_TIMEOUT) -> str:
    completed = subprocess.run(
        command,
        cwd=cwd,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, f"{' '.join(command)}:\n{output[-4000:]}"
    return output


def get(url: str, deadline: float) -> tuple[int, str]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.parametrize("target", ["protoweb", "flask"])
def test_an_export_installs_tests_and_serves_in_a_fresh_venv(
    tmp_path: Path, target: str
) -> None:
    notebook = prototype(tmp_path / "notebook", async_view=target == "flask")
    project = tmp_path / "shop"
    result = export_project(
        notebook.source(), project, target=target, wheel=target == "protoweb"
    )
    assert result.tests_passed == 3
    requirements = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    framework = requirements["dependencies"][0]
    if target == "protoweb":
        assert framework.startswith(f"{DISTRIBUTION}~=")
        wheels = sorted((project / "wheels").glob("*.whl"))
        assert [w.name.split("-")[0] for w in wheels] == ["protoweb_cells"]
        readme = (project / "README.md").read_text()
        assert "pip install --find-links wheels -e ." in readme
    else:
        assert framework.startswith("Flask[async]==")
        assert not (project / "wheels").exists()

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    venv = elsewhere / "venv"
    run([sys.executable, "-m", "venv", str(venv)], elsewhere)
    python, bin_folder = venv / "bin" / "python", venv / "bin"
    install = [str(python), "-m", "pip", "install", "--quiet"]
    if target == "protoweb":
        install += ["--find-links", str(project / "wheels")]
    run([*install, f"{project}[test,deploy]"], elsewhere)

    where = run(
        [
            str(python),
            "-c",
            "import sys, shop.app as m\n"
            "print(m.app.test_client().get('/items').get_data(as_text=True))\n"
            "print(sys.modules[type(m.app).__module__].__file__)\n"
            "print('protoweb' in sys.modules)",
        ],
        elsewhere,
    ).splitlines()
    assert where[0] == '["milk"]'
    assert where[1].startswith(str(venv)) and not where[1].startswith(str(REPO))
    assert where[2] == str(target == "protoweb")

    tests = run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        project,
    )
    assert "3 passed" in tests

    port = free_port()
    server = subprocess.Popen(
        [str(bin_folder / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}",
         "shop.wsgi:app"],
        cwd=elsewhere,
        env=clean_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        assert get(f"http://127.0.0.1:{port}/hello/ada", deadline) == (
            200,
            "<h1>Hello ada!</h1>",
        )
        if target == "flask":
            assert get(f"http://127.0.0.1:{port}/later", deadline) == (200, "done")
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stderr is not None:
            server.stderr.close()
