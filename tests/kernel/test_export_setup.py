"""Export works after the quickstart's set-up, and says what to install if not."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib

from .conftest import Kernel, http, server_url, start_kernel

APP_CELL = "%%route /hello/<name>\nf'Hello {name}!'"


def test_the_jupyter_extra_brings_pytest_for_export_verification() -> None:
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text())["project"]
    extra = project["optional-dependencies"]["jupyter"]
    assert any(r.startswith("pytest") for r in extra), extra


def test_export_verifies_in_a_kernel_set_up_as_the_quickstart_says(
    kernel: Kernel, tmp_path: Path
) -> None:
    kernel.run(APP_CELL, cell_id="hello")
    assert http(f"{server_url(kernel)}/hello/you").body == "Hello you!"
    result = kernel.run(f"%protoweb export {tmp_path / 'hello_app'}")
    assert "passed in a fresh Python" in result.stdout, result.stdout


@pytest.fixture(scope="module")
def kernel_without_pytest(tmp_path_factory: pytest.TempPathFactory):
    """A kernel whose Python cannot import pytest (a module that says so shadows
    the installed one, for the kernel and the export's checking children)."""
    shadow = tmp_path_factory.mktemp("no_pytest")
    (shadow / "pytest.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'pytest'\", name='pytest')\n"
    )
    started = start_kernel(tmp_path_factory, PYTHONPATH=str(shadow))
    started.run("%load_ext protoweb")
    yield started
    started.shutdown()


def test_export_without_pytest_says_what_to_install(
    kernel_without_pytest: Kernel, tmp_path: Path
) -> None:
    kernel = kernel_without_pytest
    kernel.run(APP_CELL, cell_id="hello")
    assert http(f"{server_url(kernel)}/hello/you").status == 200
    result = kernel.execute(f"%protoweb export {tmp_path / 'hello_app'}")
    assert result.status == "error"
    assert "pytest is not installed" in result.stderr
    assert "-m pip install pytest" in result.stderr
    assert not (tmp_path / "hello_app").exists()
